-- Technician work on maintenance work orders, issue #16 (src/maintenance/technician, docs/maintenance.md "Technician
-- work"): labour (start/stop per technician), notes, photos, checklist items, the failure code set (component, failure
-- mode, cause, action: ISO 14224 / EN 13306 in spirit) from a small catalogue, and spare parts issued from material lots
-- through the lots ledger (a lot_consumptions row with method 'issue' naming the work order instead of an operation).

-- The failure code catalogue: one list per kind of code.
CREATE TABLE maintenance_failure_codes (
  kind   text NOT NULL CHECK (kind IN ('component', 'failure_mode', 'cause', 'action')),
  code   text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{1,32}$'),
  label  text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (kind, code)
);
INSERT INTO maintenance_failure_codes (kind, code, label) VALUES
  ('component', 'HYD', 'Hydraulics (pump, valves, cylinders, hoses)'),
  ('component', 'ELEC', 'Electrical (power, drives, motors, wiring)'),
  ('component', 'CTRL', 'Control system (PLC, HMI, sensors)'),
  ('component', 'MECH', 'Mechanical (bearings, guides, couplings)'),
  ('component', 'PNEU', 'Pneumatics'),
  ('component', 'HEAT', 'Heating (barrel bands, thermocouples)'),
  ('component', 'COOL', 'Cooling (water, chiller, temperature control)'),
  ('component', 'TOOL', 'Mould or tool'),
  ('component', 'SAFE', 'Safety devices (guards, interlocks)'),
  ('component', 'OTHER', 'Other component'),
  ('failure_mode', 'BRD', 'Breakdown (fails to run)'),
  ('failure_mode', 'ELP', 'External leakage'),
  ('failure_mode', 'OHE', 'Overheating'),
  ('failure_mode', 'VIB', 'Vibration or noise'),
  ('failure_mode', 'SPO', 'Spurious operation or trip'),
  ('failure_mode', 'FTS', 'Fails to start on demand'),
  ('failure_mode', 'PDE', 'Parameter deviation (out of tolerance)'),
  ('failure_mode', 'STD', 'Structural deficiency (crack, break)'),
  ('failure_mode', 'OTH', 'Other failure mode'),
  ('cause', 'WEAR', 'Wear'),
  ('cause', 'FATIGUE', 'Fatigue'),
  ('cause', 'CORROSION', 'Corrosion'),
  ('cause', 'CONTAM', 'Contamination (dirt, moisture, debris)'),
  ('cause', 'LUBE', 'Lubrication missing or wrong'),
  ('cause', 'OPERROR', 'Operating error'),
  ('cause', 'MAINTERR', 'Maintenance error'),
  ('cause', 'DESIGN', 'Design or installation'),
  ('cause', 'UNKNOWN', 'Unknown'),
  ('action', 'REPLACE', 'Replace'),
  ('action', 'REPAIR', 'Repair'),
  ('action', 'ADJUST', 'Adjust or calibrate'),
  ('action', 'CLEAN', 'Clean'),
  ('action', 'LUBRICATE', 'Lubricate'),
  ('action', 'RESET', 'Reset or restart'),
  ('action', 'MODIFY', 'Modify'),
  ('action', 'NONE', 'No action (no fault found)');

ALTER TABLE maintenance_work_orders ADD COLUMN failure_component text;
ALTER TABLE maintenance_work_orders ADD COLUMN failure_mode text;
ALTER TABLE maintenance_work_orders ADD COLUMN failure_cause text;
ALTER TABLE maintenance_work_orders ADD COLUMN failure_action text;

-- Labour: one row per stretch a technician worked on an order; at most one running stretch per technician and order.
-- Why it stopped: the work was done, a break, waiting for parts, or something else (the MTTR split reads 'parts').
CREATE TABLE maintenance_labour (
  id            bigserial PRIMARY KEY,
  work_order_id text NOT NULL REFERENCES maintenance_work_orders (id),
  technician    text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  stopped_at    timestamptz CHECK (stopped_at IS NULL OR stopped_at >= started_at),
  stop_reason   text CHECK (stop_reason IN ('done', 'break', 'parts', 'other')),
  CHECK ((stopped_at IS NULL) = (stop_reason IS NULL))
);
CREATE INDEX maintenance_labour_wo ON maintenance_labour (work_order_id, started_at);
CREATE UNIQUE INDEX maintenance_labour_running ON maintenance_labour (work_order_id, technician) WHERE stopped_at IS NULL;

CREATE TABLE maintenance_notes (
  id            bigserial PRIMARY KEY,
  work_order_id text NOT NULL REFERENCES maintenance_work_orders (id),
  body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  by_user       text NOT NULL,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_notes_wo ON maintenance_notes (work_order_id, id);

CREATE TABLE maintenance_photos (
  id            uuid PRIMARY KEY,
  work_order_id text NOT NULL REFERENCES maintenance_work_orders (id),
  name          text NOT NULL,
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
  size          integer NOT NULL CHECK (size > 0),
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_photos_wo ON maintenance_photos (work_order_id, created_at);

CREATE TABLE maintenance_checklist_items (
  id            bigserial PRIMARY KEY,
  work_order_id text NOT NULL REFERENCES maintenance_work_orders (id),
  body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
  done          boolean NOT NULL DEFAULT false,
  done_by       text,
  done_at       timestamptz,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_checklist_wo ON maintenance_checklist_items (work_order_id, id);

-- Spare parts: a booking from a lot either against an operation (scan, backflush) or issued to a work order ('issue').
ALTER TABLE lot_consumptions ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE lot_consumptions ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE lot_consumptions ADD COLUMN work_order_id text;
ALTER TABLE lot_consumptions DROP CONSTRAINT lot_consumptions_method_check;
ALTER TABLE lot_consumptions ADD CONSTRAINT lot_consumptions_method_check CHECK (
  (method IN ('scan', 'backflush') AND order_id IS NOT NULL AND seq IS NOT NULL AND work_order_id IS NULL)
  OR (method = 'issue' AND order_id IS NULL AND seq IS NULL AND work_order_id IS NOT NULL)
);
CREATE INDEX lot_consumptions_work_order_idx ON lot_consumptions (work_order_id, id) WHERE work_order_id IS NOT NULL;
