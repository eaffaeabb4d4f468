-- Quality's closed loop (issue #15): machine tags mapped to characteristics (in-line measurements), reaction plans
-- (OCAP) per characteristic, the reactions they fired and the measurements linked to them, and the holds they placed
-- (docs/quality.md, "In-line measurements", "Reaction plans", "Holds").
ALTER TABLE quality_measurements ADD COLUMN shift text;

-- One machine tag per characteristic; one characteristic per tag (a value is one measurement).
CREATE TABLE quality_inline_tags (
  characteristic  text PRIMARY KEY REFERENCES quality_characteristics(id),
  equipment_id    text NOT NULL,
  tag             text NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (equipment_id, tag)
);

CREATE TABLE quality_reaction_plans (
  characteristic  text PRIMARY KEY REFERENCES quality_characteristics(id),
  -- react to a value outside LSL/USL
  on_spec         boolean NOT NULL,
  -- SPC rule numbers of the characteristic's rule set that trigger it, e.g. [1, 2]
  rules           jsonb NOT NULL DEFAULT '[]',
  action          text NOT NULL CHECK (action IN ('alarm', 'hold', 'stop')),
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per episode: the measurement that opened it; later violations while it is open are linked, not re-acted.
CREATE TABLE quality_reactions (
  id              text PRIMARY KEY,
  characteristic  text NOT NULL REFERENCES quality_characteristics(id),
  measurement_id  bigint NOT NULL REFERENCES quality_measurements(id),
  value           double precision,
  trigger         text NOT NULL CHECK (trigger IN ('spec', 'rule')),
  rule            integer,
  actions         jsonb NOT NULL,
  command_id      text,
  command_status  text,
  equipment       text,
  order_id        text,
  operation_seq   integer,
  lot             text,
  ts              timestamptz NOT NULL,
  summary         text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- the episode ended (a conforming value with no hold open, or its last hold released)
  closed_at       timestamptz
);
CREATE INDEX quality_reactions_open_idx ON quality_reactions (characteristic, equipment) WHERE closed_at IS NULL;

CREATE TABLE quality_reaction_measurements (
  reaction        text NOT NULL REFERENCES quality_reactions(id),
  measurement_id  bigint NOT NULL REFERENCES quality_measurements(id),
  PRIMARY KEY (reaction, measurement_id)
);

CREATE TABLE quality_holds (
  id              text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('lot', 'operation', 'machine')),
  -- lot id, '<order>/<seq>' or the machine's equipment id
  target          text NOT NULL,
  reason          text NOT NULL,
  reaction        text REFERENCES quality_reactions(id),
  -- the owning module's own record of it (execution's operation hold id, the stop command id)
  ref             text,
  placed_at       timestamptz NOT NULL DEFAULT now(),
  placed_by       text NOT NULL,
  released_at     timestamptz,
  released_by     text,
  release_reason  text
);
CREATE INDEX quality_holds_open_idx ON quality_holds (kind, target) WHERE released_at IS NULL;
