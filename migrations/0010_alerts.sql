-- Performance early warning: rules on KPIs and machine states, the alerts they raise (one row per episode), and the
-- mapping of machine alarm codes to downtime reasons. docs/performance.md explains the design.

-- The roll-ups no longer learn of rewritten history through triggers on collect's tables: collect tells performance
-- inside its own transactions (CollectService.onRewritten), which marks the same past hours in perf_dirty.
DROP TRIGGER perf_intervals_ins ON state_intervals;
DROP TRIGGER perf_intervals_upd_new ON state_intervals;
DROP TRIGGER perf_intervals_upd_old ON state_intervals;
DROP TRIGGER perf_intervals_del ON state_intervals;
DROP TRIGGER perf_counts_ins ON production_counts;
DROP TRIGGER perf_counts_del ON production_counts;
DROP FUNCTION perf_mark_intervals();
DROP FUNCTION perf_mark_counts();

-- A rule watches every machine at or below `equipment_id` (a machine, or a line/area/site).
--   kpi_below / kpi_above: `metric` over the trailing `window_s` compared with `threshold` (a ratio, 0.85 = 85 %)
--   state_longer_than:     the machine is in `state` (a PackML state name, or a bucket: apt, adet, adot, …) for more
--                          than `threshold` seconds
--   scrap_rising:          scrap ratio of the last `window_s` minus that of the window before it exceeds `threshold`
--                          (ratio points: 0.02 = 2 percentage points)
-- `hysteresis` (same unit as the threshold) must be crossed back before an alert clears.
CREATE TABLE perf_alert_rules (
  id           uuid PRIMARY KEY,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind         text NOT NULL CHECK (kind IN ('kpi_below', 'kpi_above', 'state_longer_than', 'scrap_rising')),
  metric       text CHECK (metric IN ('oee', 'availability', 'effectiveness', 'quality', 'scrap_ratio')),
  state        text,
  equipment_id uuid NOT NULL,
  threshold    float8 NOT NULL,
  hysteresis   float8 NOT NULL DEFAULT 0 CHECK (hysteresis >= 0),
  window_s     integer NOT NULL DEFAULT 3600 CHECK (window_s BETWEEN 60 AND 604800),
  severity     text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
  enabled      boolean NOT NULL DEFAULT true,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind IN ('kpi_below', 'kpi_above')) = (metric IS NOT NULL)),
  CHECK ((kind = 'state_longer_than') = (state IS NOT NULL))
);

-- One alert per episode of a rule on a machine: raised once, cleared when the condition no longer holds.
CREATE TABLE perf_alerts (
  id              uuid PRIMARY KEY,
  rule_id         uuid NOT NULL REFERENCES perf_alert_rules(id) ON DELETE CASCADE,
  equipment_id    uuid NOT NULL,
  severity        text NOT NULL,
  message         text NOT NULL,
  value           float8,
  threshold       float8 NOT NULL,
  last_value      float8,
  raised_at       timestamptz NOT NULL,
  cleared_at      timestamptz,
  acknowledged_by text,
  acknowledged_at timestamptz
);
-- at most one open episode per rule and machine (two evaluators racing cannot raise it twice)
CREATE UNIQUE INDEX perf_alerts_open_idx ON perf_alerts (rule_id, equipment_id) WHERE cleared_at IS NULL;
CREATE INDEX perf_alerts_raised_idx ON perf_alerts (raised_at);

-- Alarm code → downtime reason, for one machine or a machine class (the machine's own mapping wins, then its
-- class's, then the plant-wide perf_reasons.alarm_codes).
CREATE TABLE perf_alarm_reasons (
  scope       text NOT NULL CHECK (scope IN ('machine', 'class')),
  scope_id    text NOT NULL,
  alarm_code  text NOT NULL CHECK (length(alarm_code) BETWEEN 1 AND 200),
  reason_id   text NOT NULL REFERENCES perf_reasons(id) ON DELETE CASCADE,
  PRIMARY KEY (scope, scope_id, alarm_code)
);
