-- Collect: tags declared in the plant model, time series, derived machine states and counts, quarantine.

-- Tags a class of equipment or one piece of equipment publishes: [{name, role?, unit?, type?, min?, max?}].
ALTER TABLE equipment_classes ADD COLUMN tags jsonb NOT NULL DEFAULT '[]';
ALTER TABLE equipment ADD COLUMN tags jsonb NOT NULL DEFAULT '[]';

-- One row per (equipment, tag) that has received data: the series id keeps value rows small.
CREATE TABLE tag_series (
  id           serial PRIMARY KEY,
  equipment_id uuid NOT NULL REFERENCES equipment(id) ON DELETE CASCADE,
  tag          text NOT NULL,
  UNIQUE (equipment_id, tag)
);

-- Raw values. The primary key is the de-duplication backstop (a message delivered twice lands once) and serves
-- "tag over a time range" and "latest value" (ORDER BY ts DESC LIMIT 1).
CREATE TABLE tag_values (
  series_id  integer NOT NULL,
  ts         timestamptz NOT NULL,
  num        double precision,
  txt        text,
  context_id integer,
  PRIMARY KEY (series_id, ts)
);

-- One-minute roll-ups of numeric values, maintained from the rows actually inserted.
CREATE TABLE tag_values_1m (
  series_id integer NOT NULL,
  minute    timestamptz NOT NULL,
  n         integer NOT NULL,
  sum       double precision NOT NULL,
  min       double precision,
  max       double precision,
  last_ts   timestamptz NOT NULL,
  last      double precision,
  PRIMARY KEY (series_id, minute)
);

-- Machine state intervals (PackML state → ISO 22400 bucket); end_ts NULL = the current state.
CREATE TABLE state_intervals (
  equipment_id uuid NOT NULL REFERENCES equipment(id) ON DELETE CASCADE,
  start_ts     timestamptz NOT NULL,
  end_ts       timestamptz,
  state        text NOT NULL,
  bucket       text NOT NULL,
  context_id   integer,
  PRIMARY KEY (equipment_id, start_ts)
);
CREATE INDEX state_intervals_open_idx ON state_intervals (equipment_id) WHERE end_ts IS NULL;

-- Part counts derived from cumulative counters (resets and roll-overs handled).
CREATE TABLE production_counts (
  equipment_id uuid NOT NULL REFERENCES equipment(id) ON DELETE CASCADE,
  ts           timestamptz NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('good', 'scrap')),
  delta        bigint NOT NULL CHECK (delta >= 0),
  context_id   integer,
  PRIMARY KEY (equipment_id, kind, ts)
);

-- Where things stood when a value arrived: equipment, shift (and, with execution, order, operation, lot).
CREATE TABLE collect_contexts (
  id           serial PRIMARY KEY,
  equipment_id uuid NOT NULL,
  shift        text,
  shift_start  timestamptz,
  order_id     text,
  operation_id text,
  lot_id       text,
  UNIQUE NULLS NOT DISTINCT (equipment_id, shift, shift_start, order_id, operation_id, lot_id)
);

-- Everything the pipeline refused, with the raw payload and the reason. Nothing is dropped silently.
CREATE TABLE quarantine (
  id             bigserial PRIMARY KEY,
  received_at    timestamptz NOT NULL,
  protocol       text NOT NULL,
  source         text NOT NULL,
  topic          text NOT NULL,
  equipment_path text,
  reason         text NOT NULL,
  payload        text NOT NULL
);
CREATE INDEX quarantine_received_idx ON quarantine (received_at);
CREATE INDEX quarantine_equipment_idx ON quarantine (equipment_path, received_at);

-- How each piece of equipment is connected: [{protocol: 'sparkplug', group, node, device?, metrics?}, …].
ALTER TABLE equipment ADD COLUMN connections jsonb NOT NULL DEFAULT '[]';
