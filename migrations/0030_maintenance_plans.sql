-- Preventive maintenance plans, issue #16 (src/maintenance/preventive, docs/maintenance.md "Preventive plans"). A plan
-- is for one machine or for every machine of an equipment class; it comes due by calendar (every N days or weeks), by
-- usage counted from the machine's own data (cycles/shots or tonnes from a cumulative counter tag, running hours from
-- its states) or by a condition (a tag above/below a limit). Lead and tolerance are in the basis's unit (days for a
-- calendar plan). Each machine's "last done" is kept in maintenance_plan_done; which work order was generated for
-- which due point in maintenance_plan_occurrences (never twice for the same one).

CREATE SEQUENCE maintenance_plan_number;

CREATE TABLE maintenance_plans (
  -- 'PM-<n>' from maintenance_plan_number
  id               text PRIMARY KEY,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- exactly one of: a machine (plant model id and path) or an equipment class
  equipment_id     text,
  equipment_path   text,
  equipment_class  text,
  basis            text NOT NULL CHECK (basis IN ('calendar', 'cycles', 'hours', 'tonnes', 'condition')),
  -- every `interval_value` days or weeks (calendar), cycles, running hours or tonnes; NULL for a condition plan
  interval_value   double precision CHECK (interval_value IS NULL OR interval_value > 0),
  interval_unit    text CHECK (interval_unit IS NULL OR interval_unit IN ('days', 'weeks')),
  -- the cumulative counter (cycles, tonnes) or the watched tag (condition); the counter's mass unit for tonnes
  counter_tag      text,
  counter_unit     text CHECK (counter_unit IS NULL OR counter_unit IN ('kg', 't')),
  rollover         double precision CHECK (rollover IS NULL OR rollover > 0),
  condition_op     text CHECK (condition_op IS NULL OR condition_op IN ('above', 'below')),
  condition_limit  double precision,
  lead_value       double precision NOT NULL DEFAULT 0 CHECK (lead_value >= 0),
  tolerance_value  double precision NOT NULL DEFAULT 0 CHECK (tolerance_value >= 0),
  tasks            text NOT NULL DEFAULT '',
  estimate_minutes double precision CHECK (estimate_minutes IS NULL OR (estimate_minutes > 0 AND estimate_minutes <= 525600)),
  active           boolean NOT NULL DEFAULT true,
  -- usage and the calendar count from here until the first time the plan is done on a machine
  start_at         timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  version          integer NOT NULL DEFAULT 1,
  CHECK ((equipment_id IS NULL) <> (equipment_class IS NULL))
);
CREATE INDEX maintenance_plans_equipment ON maintenance_plans (equipment_id);
CREATE INDEX maintenance_plans_class ON maintenance_plans (equipment_class);

-- Each time a plan's work was done on a machine (a preventive work order from the plan reached done): when, the
-- usage then (counted since the plan's start), and the anchor the next interval counts from (the due point when the
-- work was done within the tolerance window, else when it was done).
CREATE TABLE maintenance_plan_done (
  id            bigserial PRIMARY KEY,
  plan_id       text NOT NULL REFERENCES maintenance_plans (id) ON DELETE CASCADE,
  equipment_id  text NOT NULL,
  work_order_id text UNIQUE,
  done_at       timestamptz NOT NULL,
  usage_at_done double precision,
  anchor_at     timestamptz,
  anchor_usage  double precision,
  on_time       boolean,
  by_user       text NOT NULL
);
CREATE INDEX maintenance_plan_done_plan ON maintenance_plan_done (plan_id, equipment_id, done_at);

-- Which work order was generated for which due point of a plan on a machine: at most one per due point.
CREATE TABLE maintenance_plan_occurrences (
  plan_id       text NOT NULL REFERENCES maintenance_plans (id) ON DELETE CASCADE,
  equipment_id  text NOT NULL,
  due_point     text NOT NULL,
  due_at        timestamptz,
  due_usage     double precision,
  work_order_id text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, equipment_id, due_point)
);
