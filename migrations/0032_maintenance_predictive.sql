-- Predictive maintenance, issue #16 (src/maintenance/predictive, docs/maintenance.md "Predictive maintenance").
-- A monitor watches one process tag of one machine with a drift/shift detector (EWMA, CUSUM) or a trend forecast
-- against the tag's limits; a warning is one alarm episode of a monitor (from the detector's onset until the value is
-- back to normal: episode_end), proposed as a work order with its evidence (the chart series and the forecast), and
-- accepted (a work order opened and linked) or dismissed by a person. A dismissed episode is not raised again.

CREATE TABLE maintenance_monitors (
  id             uuid PRIMARY KEY,
  equipment_id   text NOT NULL,
  equipment_path text NOT NULL,
  tag            text NOT NULL CHECK (length(tag) BETWEEN 1 AND 200),
  method         text NOT NULL CHECK (method IN ('ewma', 'cusum', 'trend')),
  -- the tag's limits (at least one)
  min_value      double precision,
  max_value      double precision,
  -- detector parameters (bucket minutes, baseline, λ and L, k and h, trend window and horizon): routes validate them
  params         jsonb NOT NULL,
  enabled        boolean NOT NULL DEFAULT true,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (min_value IS NOT NULL OR max_value IS NOT NULL),
  CHECK (min_value IS NULL OR max_value IS NULL OR min_value < max_value)
);
CREATE UNIQUE INDEX maintenance_monitors_tag ON maintenance_monitors (equipment_id, tag, method);

CREATE TABLE maintenance_warnings (
  id             uuid PRIMARY KEY,
  monitor_id     uuid NOT NULL REFERENCES maintenance_monitors (id) ON DELETE CASCADE,
  equipment_id   text NOT NULL,
  episode_start  timestamptz NOT NULL,
  -- null while the excursion lasts; set when the value is back to normal
  episode_end    timestamptz,
  message        text NOT NULL,
  evidence       jsonb NOT NULL,
  state          text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'dismissed')),
  work_order_id  text REFERENCES maintenance_work_orders (id),
  decided_by     text,
  decided_at     timestamptz,
  reason         text,
  raised_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'accepted') = (work_order_id IS NOT NULL))
);
-- one ongoing episode per monitor: a second evaluation racing the first cannot raise it twice
CREATE UNIQUE INDEX maintenance_warnings_ongoing ON maintenance_warnings (monitor_id) WHERE episode_end IS NULL;
CREATE INDEX maintenance_warnings_state ON maintenance_warnings (state, raised_at);
