-- Performance: ISO 22400 time model roll-ups per machine (hour and day), the fold watermark, the hours that late data
-- touched, downtime reasons and early-warning rules. docs/performance.md explains the design.

-- The additive totals of the time model (src/performance/time-model.ts TimeTotals), seconds and parts, per machine-hour.
CREATE TABLE perf_hour (
  equipment_id  uuid NOT NULL,
  hour          timestamptz NOT NULL,
  period        float8 NOT NULL DEFAULT 0,
  outside       float8 NOT NULL DEFAULT 0,
  pot           float8 NOT NULL DEFAULT 0,
  pdot_planned  float8 NOT NULL DEFAULT 0,
  pdot_state    float8 NOT NULL DEFAULT 0,
  adot          float8 NOT NULL DEFAULT 0,
  adet          float8 NOT NULL DEFAULT 0,
  asut          float8 NOT NULL DEFAULT 0,
  apt           float8 NOT NULL DEFAULT 0,
  unknown       float8 NOT NULL DEFAULT 0,
  failure_s     float8 NOT NULL DEFAULT 0,
  minor_stop_s  float8 NOT NULL DEFAULT 0,
  external_s    float8 NOT NULL DEFAULT 0,
  failures      float8 NOT NULL DEFAULT 0,
  minor_stops   float8 NOT NULL DEFAULT 0,
  good          float8 NOT NULL DEFAULT 0,
  scrap         float8 NOT NULL DEFAULT 0,
  rework        float8 NOT NULL DEFAULT 0,
  ideal_s       float8 NOT NULL DEFAULT 0,
  no_ideal_q    float8 NOT NULL DEFAULT 0,
  outside_apt   float8 NOT NULL DEFAULT 0,
  outside_good  float8 NOT NULL DEFAULT 0,
  outside_scrap float8 NOT NULL DEFAULT 0,
  PRIMARY KEY (equipment_id, hour)
);

-- Sums of whole UTC days of perf_hour: a quarter for a plant reads ~90 rows per machine.
CREATE TABLE perf_day (LIKE perf_hour INCLUDING DEFAULTS);
ALTER TABLE perf_day RENAME COLUMN hour TO day;
ALTER TABLE perf_day ADD PRIMARY KEY (equipment_id, day);

-- Every machine has a perf_hour row for every hour in [folded_from, folded_until); one row, id 1.
CREATE TABLE perf_fold (
  id           integer PRIMARY KEY CHECK (id = 1),
  folded_from  timestamptz NOT NULL,
  folded_until timestamptz NOT NULL
);

-- Past hours whose raw state intervals or counts changed (late data, a rebuild by collect, an interval closing):
-- the fold job recomputes them. Written by the triggers below inside collect's own transactions, so no change is
-- missed; only past hours are marked (the current hour is folded after it ends anyway).
CREATE TABLE perf_dirty (
  id           bigserial PRIMARY KEY,
  equipment_id uuid NOT NULL,
  hour         timestamptz NOT NULL
);

CREATE FUNCTION perf_hour_of(ts timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS
  $$ SELECT to_timestamp(floor(extract(epoch FROM ts) / 3600) * 3600) $$;

CREATE FUNCTION perf_mark_intervals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO perf_dirty (equipment_id, hour)
  SELECT DISTINCT r.equipment_id, h
  FROM changed_rows r,
       generate_series(perf_hour_of(r.start_ts), perf_hour_of(coalesce(r.end_ts, r.start_ts)), interval '1 hour') AS h
  WHERE h < perf_hour_of(now());
  RETURN NULL;
END $$;

CREATE FUNCTION perf_mark_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO perf_dirty (equipment_id, hour)
  SELECT DISTINCT r.equipment_id, perf_hour_of(r.ts) FROM changed_rows r WHERE perf_hour_of(r.ts) < perf_hour_of(now());
  RETURN NULL;
END $$;

CREATE TRIGGER perf_intervals_ins AFTER INSERT ON state_intervals REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION perf_mark_intervals();
CREATE TRIGGER perf_intervals_upd_new AFTER UPDATE ON state_intervals REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION perf_mark_intervals();
CREATE TRIGGER perf_intervals_upd_old AFTER UPDATE ON state_intervals REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION perf_mark_intervals();
CREATE TRIGGER perf_intervals_del AFTER DELETE ON state_intervals REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION perf_mark_intervals();
CREATE TRIGGER perf_counts_ins AFTER INSERT ON production_counts REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION perf_mark_counts();
CREATE TRIGGER perf_counts_del AFTER DELETE ON production_counts REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION perf_mark_counts();

-- Downtime reasons: a small tree (planned/unplanned → category → reason); loss = one of the six big losses.
CREATE TABLE perf_reasons (
  id        text PRIMARY KEY,
  parent_id text REFERENCES perf_reasons(id) ON DELETE RESTRICT,
  name      text NOT NULL,
  planned   boolean NOT NULL DEFAULT false,
  loss      text CHECK (loss IN ('breakdown', 'setup', 'minor_stop', 'reduced_speed', 'defects', 'startup')),
  alarm_codes text[] NOT NULL DEFAULT '{}'
);

-- A stop (identified by its machine and start) classified with a reason.
CREATE TABLE perf_stop_reasons (
  equipment_id  uuid NOT NULL,
  start_ts      timestamptz NOT NULL,
  reason_id     text NOT NULL REFERENCES perf_reasons(id),
  comment       text NOT NULL DEFAULT '',
  classified_by text NOT NULL,
  classified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (equipment_id, start_ts)
);

INSERT INTO perf_reasons (id, parent_id, name, planned, loss) VALUES
  ('unplanned', NULL, 'Unplanned', false, NULL),
  ('planned', NULL, 'Planned', true, NULL),
  ('breakdown', 'unplanned', 'Breakdown', false, 'breakdown'),
  ('breakdown.mechanical', 'breakdown', 'Mechanical failure', false, 'breakdown'),
  ('breakdown.electrical', 'breakdown', 'Electrical failure', false, 'breakdown'),
  ('breakdown.tool', 'breakdown', 'Tool or mould damage', false, 'breakdown'),
  ('material', 'unplanned', 'Material missing', false, 'minor_stop'),
  ('quality', 'unplanned', 'Quality problem', false, 'defects'),
  ('jam', 'unplanned', 'Jam / minor stop', false, 'minor_stop'),
  ('setup', 'planned', 'Setup / changeover', true, 'setup'),
  ('maintenance', 'planned', 'Planned maintenance', true, NULL),
  ('startup', 'planned', 'Start-up / warm-up', true, 'startup');
