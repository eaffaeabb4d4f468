-- Nonconformances (NCR) and corrective/preventive actions (CAPA), issue #15 (src/quality/ncr, src/quality/capa,
-- docs/quality.md "Nonconformances and CAPA"). An NCR says what is wrong, where, and how much; its dispositions are
-- booked through the lot ledger (scrap, return to supplier, release of a hold) or execution (a rework operation), and
-- closing it needs a quality signature (ncr.close, docs/signatures.md).

CREATE SEQUENCE quality_ncr_number;

CREATE TABLE quality_ncrs (
  -- 'NCR-<n>' from quality_ncr_number
  id             text PRIMARY KEY,
  title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description    text NOT NULL DEFAULT '',
  -- how it was opened: by hand, from a failed check (a reaction plan's reaction), from a hold, from a customer complaint
  source         text NOT NULL CHECK (source IN ('manual', 'check', 'hold', 'complaint')),
  -- the reaction, hold or complaint it was opened from
  source_ref     text,
  -- one NCR per reaction: a reaction delivered twice opens it once
  reaction_id    text UNIQUE,
  characteristic text,
  measurement_id bigint,
  value          double precision,
  order_id       text,
  operation_seq  integer,
  equipment      text,
  -- [{lot, quantity}]: the lots affected and how much of each
  lots           jsonb NOT NULL DEFAULT '[]',
  defect_codes   jsonb NOT NULL DEFAULT '[]',
  quantity       double precision CHECK (quantity IS NULL OR (quantity >= 0 AND quantity <= 1e9)),
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dispositioned', 'closed', 'cancelled')),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  closed_by      text,
  closed_at      timestamptz,
  -- why it was closed or cancelled
  status_reason  text,
  -- the signatures that authorised the close (ids in the platform's signatures table)
  signatures     jsonb NOT NULL DEFAULT '[]',
  version        integer NOT NULL DEFAULT 1
);
CREATE INDEX quality_ncrs_status_idx ON quality_ncrs (status, created_at);
CREATE INDEX quality_ncrs_order_idx ON quality_ncrs (order_id) WHERE order_id IS NOT NULL;

-- What was decided about (part of) the nonconforming material, and what the ledger or execution booked for it.
CREATE TABLE quality_ncr_dispositions (
  id            bigserial PRIMARY KEY,
  ncr_id        text NOT NULL REFERENCES quality_ncrs(id) ON DELETE RESTRICT,
  kind          text NOT NULL CHECK (kind IN ('scrap', 'rework', 'use_as_is', 'return_to_supplier')),
  lot           text,
  quantity      double precision NOT NULL CHECK (quantity > 0 AND quantity <= 1e9),
  reason        text NOT NULL,
  -- rework: the operation added to the order
  order_id      text,
  operation_seq integer,
  -- for the KPIs (rework by product, machine, defect): as the NCR said when it was dispositioned
  product       text,
  equipment     text,
  defect        text,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quality_ncr_dispositions_ncr_idx ON quality_ncr_dispositions (ncr_id, id);
CREATE INDEX quality_ncr_dispositions_kind_idx ON quality_ncr_dispositions (kind, created_at);

-- Photos of the defect, stored in the database (type-checked images, size-limited by the route).
CREATE TABLE quality_ncr_photos (
  id           uuid PRIMARY KEY,
  ncr_id       text NOT NULL REFERENCES quality_ncrs(id) ON DELETE RESTRICT,
  name         text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
  size         integer NOT NULL CHECK (size > 0),
  sha256       text NOT NULL,
  data         bytea NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quality_ncr_photos_ncr_idx ON quality_ncr_photos (ncr_id, created_at);

CREATE SEQUENCE quality_capa_number;

-- A corrective and preventive action record: the problem, its root cause (5 Why, an Ishikawa category), the actions,
-- and whether they worked.
CREATE TABLE quality_capas (
  id                  text PRIMARY KEY,
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  problem             text NOT NULL DEFAULT '',
  -- the 5 Why chain: ["why 1", "why 2", …]
  whys                jsonb NOT NULL DEFAULT '[]',
  category            text CHECK (category IN ('man', 'machine', 'method', 'material', 'measurement', 'environment')),
  root_cause          text NOT NULL DEFAULT '',
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  effectiveness       text CHECK (effectiveness IN ('effective', 'not_effective')),
  effectiveness_note  text,
  effectiveness_by    text,
  effectiveness_at    timestamptz,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  version             integer NOT NULL DEFAULT 1
);

CREATE TABLE quality_capa_actions (
  id          bigserial PRIMARY KEY,
  capa_id     text NOT NULL REFERENCES quality_capas(id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('corrective', 'preventive')),
  description text NOT NULL,
  owner       text NOT NULL,
  due_date    date NOT NULL,
  done_date   date,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quality_capa_actions_open_idx ON quality_capa_actions (due_date) WHERE done_date IS NULL;

CREATE TABLE quality_capa_ncrs (
  capa_id text NOT NULL REFERENCES quality_capas(id) ON DELETE CASCADE,
  ncr_id  text NOT NULL REFERENCES quality_ncrs(id) ON DELETE RESTRICT,
  PRIMARY KEY (capa_id, ncr_id)
);
CREATE INDEX quality_capa_ncrs_ncr_idx ON quality_capa_ncrs (ncr_id);
