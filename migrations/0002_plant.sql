-- ISA-95 master data: equipment hierarchy and classes, materials, products with routings, shift calendars.

CREATE TABLE equipment_classes (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  properties  jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calendars (
  id               text PRIMARY KEY,
  name             text NOT NULL,
  timezone         text NOT NULL DEFAULT 'UTC',
  shifts           jsonb NOT NULL DEFAULT '[]',
  planned_downtime jsonb NOT NULL DEFAULT '[]',
  holidays         jsonb NOT NULL DEFAULT '[]',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE equipment (
  id              uuid PRIMARY KEY,
  ext_id          text NOT NULL CHECK (ext_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  parent_id       uuid REFERENCES equipment(id) ON DELETE RESTRICT,
  path            text NOT NULL UNIQUE,
  level           text NOT NULL,
  name            text NOT NULL,
  description     text NOT NULL DEFAULT '',
  equipment_class text REFERENCES equipment_classes(id) ON DELETE RESTRICT,
  calendar_id     text REFERENCES calendars(id) ON DELETE RESTRICT,
  properties      jsonb NOT NULL DEFAULT '{}',
  attributes      jsonb NOT NULL DEFAULT '{}',
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX equipment_parent_idx ON equipment (parent_id);

CREATE TABLE materials (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  unit           text NOT NULL,
  material_class text,
  description    text NOT NULL DEFAULT '',
  properties     jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  unit        text NOT NULL DEFAULT 'pcs',
  family      text,
  material_id text REFERENCES materials(id) ON DELETE RESTRICT,
  description text NOT NULL DEFAULT '',
  routing     jsonb NOT NULL DEFAULT '[]',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
