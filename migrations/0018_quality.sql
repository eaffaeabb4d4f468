-- Quality, first slice (issue #15): characteristics to measure, the measurements of them from the terminal, machines
-- and the lab, and the control limits a person froze from a baseline window (docs/quality.md).
CREATE TABLE quality_characteristics (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  product        text NOT NULL,
  -- the routing step (the product's operation seq) where it is measured; null: the product as a whole
  operation_seq  integer,
  kind           text NOT NULL CHECK (kind IN ('variable', 'attribute')),
  unit           text,
  nominal        double precision,
  lsl            double precision,
  usl            double precision,
  chart          text NOT NULL CHECK (chart IN ('xbar-r', 'xbar-s', 'i-mr', 'p', 'np', 'c', 'u')),
  subgroup_size  integer NOT NULL DEFAULT 1 CHECK (subgroup_size >= 1),
  rule_set       text NOT NULL DEFAULT 'nelson' CHECK (rule_set IN ('nelson', 'western-electric')),
  -- the selected rule numbers of rule_set, e.g. [1, 2, 5]
  rules          jsonb NOT NULL DEFAULT '[1, 2, 3, 4, 5, 6, 7, 8]',
  gauge          text,
  method         text,
  sampling       text,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'variable') = (chart IN ('xbar-r', 'xbar-s', 'i-mr'))),
  CHECK (lsl IS NULL OR usl IS NULL OR lsl < usl)
);
CREATE INDEX quality_characteristics_product_idx ON quality_characteristics (product);

CREATE TABLE quality_measurements (
  id              bigserial PRIMARY KEY,
  characteristic  text NOT NULL REFERENCES quality_characteristics(id),
  ts              timestamptz NOT NULL,
  -- variables: value; p/np: defectives of n; c: defects; u: defects in n units (n may be fractional)
  value           double precision,
  defects         integer CHECK (defects >= 0),
  defectives      integer CHECK (defectives >= 0),
  n               double precision CHECK (n > 0),
  subgroup        text,
  source          text NOT NULL CHECK (source IN ('manual', 'machine', 'lab')),
  -- a resent record with the same key from the same source is the same measurement (POST answers it again)
  idem_key        text NOT NULL,
  order_id        text,
  operation_seq   integer,
  lot             text,
  equipment       text,
  recorded_by     text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (defectives IS NULL OR n IS NULL OR defectives <= n),
  UNIQUE (source, idem_key)
);
CREATE INDEX quality_measurements_window_idx ON quality_measurements (characteristic, ts, id);

-- Frozen control limits: each freeze is a new version; the newest applies. `limits` is the SPC engine's ControlLimits.
CREATE TABLE quality_limits (
  characteristic  text NOT NULL REFERENCES quality_characteristics(id),
  version         integer NOT NULL,
  baseline_from   timestamptz NOT NULL,
  baseline_to     timestamptz NOT NULL,
  limits          jsonb NOT NULL,
  reason          text NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (characteristic, version)
);
