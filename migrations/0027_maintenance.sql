-- Maintenance work orders, issue #16 (src/maintenance/work-orders, docs/maintenance.md). A work order is corrective
-- (a breakdown, opened by a person or automatically) or preventive (from a plan); it moves requested → approved →
-- scheduled → in_progress → done → verified (or cancelled), every step with who and when (maintenance_work_order_steps)
-- and in the audit trail. Its planned window (planned_start/planned_end) is planned downtime for its machine.

CREATE SEQUENCE maintenance_work_order_number;

CREATE TABLE maintenance_work_orders (
  -- 'WO-<n>' from maintenance_work_order_number
  id               text PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('corrective', 'preventive')),
  -- the machine (or other equipment) it is for: the plant model's id and its ISA-95 path when opened
  equipment_id     text NOT NULL,
  equipment_path   text NOT NULL,
  description      text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  status           text NOT NULL DEFAULT 'requested'
                   CHECK (status IN ('requested', 'approved', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled')),
  priority         text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  -- how it was opened: by a person, automatically from a long breakdown, from a preventive plan, from a predictive warning
  origin           text NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'breakdown', 'plan', 'predictive')),
  -- the stop it answers (performance's stop of this machine, named by its start) and what the machine said then
  stop_id          text,
  stop_start       timestamptz,
  alarm_code       text,
  stop_reason      text,
  -- the preventive plan (or predictive warning) that generated it
  plan_id          text,
  -- the planned window (scheduled): planned downtime for the machine; the estimate of the work in minutes
  planned_start    timestamptz,
  planned_end      timestamptz CHECK (planned_end IS NULL OR planned_end > planned_start),
  estimate_minutes double precision CHECK (estimate_minutes IS NULL OR (estimate_minutes > 0 AND estimate_minutes <= 525600)),
  assignee         text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  done_at          timestamptz,
  verified_at      timestamptz,
  version          integer NOT NULL DEFAULT 1
);
CREATE INDEX maintenance_work_orders_equipment ON maintenance_work_orders (equipment_id, status);
CREATE INDEX maintenance_work_orders_status ON maintenance_work_orders (status, created_at);
-- one automatic corrective work order per stop
CREATE UNIQUE INDEX maintenance_work_orders_stop ON maintenance_work_orders (equipment_id, stop_start) WHERE stop_start IS NOT NULL AND origin = 'breakdown';

CREATE TABLE maintenance_work_order_steps (
  id            bigserial PRIMARY KEY,
  work_order_id text NOT NULL REFERENCES maintenance_work_orders (id),
  from_status   text,
  to_status     text NOT NULL,
  by_user       text NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  reason        text
);
CREATE INDEX maintenance_work_order_steps_wo ON maintenance_work_order_steps (work_order_id, id);
