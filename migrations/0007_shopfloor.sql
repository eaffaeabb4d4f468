-- Shop-floor execution: an operation's life at a station (setup with recipe download, production, pauses, completion),
-- its quantities, the people who worked on it, andon calls and parameter-lock alarms. Also the planned slot the
-- scheduler gives an operation (filled when a schedule is published).

ALTER TABLE order_operations
  -- the machine (equipment path) the operation runs or ran on, chosen from its candidates at setup
  ADD COLUMN equipment        text,
  -- while status = 'running': where in its life it is
  ADD COLUMN phase            text CHECK (phase IN ('setup', 'running', 'paused')),
  ADD COLUMN pause_reason     text,
  ADD COLUMN setup_started_at timestamptz,
  ADD COLUMN started_at       timestamptz,
  ADD COLUMN completed_at     timestamptz,
  -- the parameter set downloaded at setup: the reference of the parameter lock while the operation runs
  ADD COLUMN recipe           jsonb,
  ADD COLUMN recipe_command_id uuid,
  ADD COLUMN recipe_verified  boolean NOT NULL DEFAULT false,
  -- final figures, frozen at completion (while running they are computed from machine counts + manual entries)
  ADD COLUMN good_qty         double precision NOT NULL DEFAULT 0 CHECK (good_qty >= 0),
  ADD COLUMN scrap_qty        double precision NOT NULL DEFAULT 0 CHECK (scrap_qty >= 0),
  ADD COLUMN started_by       text,
  ADD COLUMN completed_by     text,
  -- optimistic concurrency: every change of the row increments it
  ADD COLUMN row_version      integer NOT NULL DEFAULT 1,
  -- the published schedule's slot (scheduling)
  ADD COLUMN planned_equipment text,
  ADD COLUMN planned_start    timestamptz,
  ADD COLUMN planned_end      timestamptz,
  ADD COLUMN planned_schedule text;
CREATE INDEX order_operations_equipment_idx ON order_operations (equipment) WHERE status = 'running';

-- Everything that happened to an operation, in order: the terminal's journal (setup, recipe, start, pause, resume,
-- complete, interrupted, …). Append-only by convention; the audit trail holds the signed-off version of each action.
CREATE TABLE operation_events (
  id        bigserial PRIMARY KEY,
  order_id  text NOT NULL,
  seq       integer NOT NULL,
  at        timestamptz NOT NULL DEFAULT now(),
  kind      text NOT NULL,
  actor     text NOT NULL,
  station   text,
  data      jsonb NOT NULL DEFAULT '{}',
  FOREIGN KEY (order_id, seq) REFERENCES order_operations(order_id, seq) ON DELETE CASCADE
);
CREATE INDEX operation_events_op_idx ON operation_events (order_id, seq, id);

-- Quantities entered by hand (machines without a counter, scrap with its reason, corrections).
-- Machine counts stay in production_counts; an operation's total is both together.
CREATE TABLE operation_quantities (
  id        bigserial PRIMARY KEY,
  order_id  text NOT NULL,
  seq       integer NOT NULL,
  at        timestamptz NOT NULL DEFAULT now(),
  kind      text NOT NULL CHECK (kind IN ('good', 'scrap')),
  quantity  double precision NOT NULL CHECK (quantity > 0 AND quantity <= 1e9),
  reason    text,
  -- scrap only: the parts were counted as good before (by the machine or by hand) and leave the good count
  from_good boolean NOT NULL DEFAULT true,
  actor     text NOT NULL,
  FOREIGN KEY (order_id, seq) REFERENCES order_operations(order_id, seq) ON DELETE CASCADE
);
CREATE INDEX operation_quantities_op_idx ON operation_quantities (order_id, seq);

-- Reason codes offered on the terminal: why parts were scrapped, why an operation was paused, what an andon call is for.
CREATE TABLE reason_codes (
  kind      text NOT NULL CHECK (kind IN ('scrap', 'pause', 'andon')),
  code      text NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
  label     text NOT NULL,
  active    boolean NOT NULL DEFAULT true,
  PRIMARY KEY (kind, code)
);
INSERT INTO reason_codes (kind, code, label) VALUES
  ('scrap', 'short-shot', 'Short shot / incomplete part'),
  ('scrap', 'flash', 'Flash / burr'),
  ('scrap', 'sink-marks', 'Sink marks'),
  ('scrap', 'dimension', 'Out of dimension'),
  ('scrap', 'contamination', 'Contamination / black specks'),
  ('scrap', 'setup-parts', 'Setup / start-up parts'),
  ('scrap', 'damaged', 'Damaged in handling'),
  ('scrap', 'other', 'Other'),
  ('pause', 'break', 'Break'),
  ('pause', 'material-missing', 'Material missing'),
  ('pause', 'waiting-quality', 'Waiting for quality release'),
  ('pause', 'tool-problem', 'Tool / mould problem'),
  ('pause', 'machine-fault', 'Machine fault'),
  ('pause', 'priority-change', 'Priority change'),
  ('pause', 'other', 'Other'),
  ('andon', 'maintenance', 'Maintenance needed'),
  ('andon', 'quality', 'Quality question'),
  ('andon', 'material', 'Material needed'),
  ('andon', 'supervisor', 'Supervisor needed'),
  ('andon', 'safety', 'Safety');

-- Labour: who was signed in at which station, on which operation, from when to when.
CREATE TABLE labour_sessions (
  id         uuid PRIMARY KEY,
  username   text NOT NULL,
  station    text NOT NULL,
  order_id   text,
  seq        integer,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX labour_sessions_open_idx ON labour_sessions (username) WHERE ended_at IS NULL;
CREATE INDEX labour_sessions_station_idx ON labour_sessions (station, started_at);
CREATE INDEX labour_sessions_op_idx ON labour_sessions (order_id, seq);

-- Andon: a call for help from a station, seen live by supervisors until acknowledged and resolved.
CREATE TABLE andon_calls (
  id              uuid PRIMARY KEY,
  station         text NOT NULL,
  order_id        text,
  seq             integer,
  reason          text NOT NULL,
  message         text NOT NULL DEFAULT '',
  raised_by       text NOT NULL,
  raised_at       timestamptz NOT NULL DEFAULT now(),
  acknowledged_by text,
  acknowledged_at timestamptz,
  resolved_by     text,
  resolved_at     timestamptz
);
CREATE INDEX andon_calls_open_idx ON andon_calls (station) WHERE resolved_at IS NULL;

-- Parameter lock: a deviation of a running operation's machine from the downloaded recipe.
CREATE TABLE operation_alarms (
  id              uuid PRIMARY KEY,
  order_id        text NOT NULL,
  seq             integer NOT NULL,
  equipment       text NOT NULL,
  parameter       text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('out_of_limits', 'setpoint_changed')),
  value           jsonb,
  reference       jsonb,
  raised_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz NOT NULL DEFAULT now(),
  acknowledged_by text,
  acknowledged_at timestamptz,
  FOREIGN KEY (order_id, seq) REFERENCES order_operations(order_id, seq) ON DELETE CASCADE
);
CREATE INDEX operation_alarms_op_idx ON operation_alarms (order_id, seq);
CREATE INDEX operation_alarms_open_idx ON operation_alarms (equipment) WHERE acknowledged_at IS NULL;

-- Work instructions attached to a product's routing step (images, PDF): every order's operation from that step shows them.
CREATE TABLE instruction_files (
  id           uuid PRIMARY KEY,
  product_id   text NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  content_type text NOT NULL,
  size         integer NOT NULL,
  data         bytea NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instruction_files_step_idx ON instruction_files (product_id, seq);
