-- Connectors: idempotent HTTP ingest and the record of every command sent to a machine.

-- A client-supplied key makes an ingest batch idempotent: the same key answers with the stored response.
CREATE TABLE ingest_requests (
  principal   text NOT NULL,
  key         text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  response    jsonb NOT NULL,
  PRIMARY KEY (principal, key)
);

CREATE TABLE machine_commands (
  id           uuid PRIMARY KEY,
  equipment_id uuid NOT NULL REFERENCES equipment(id) ON DELETE CASCADE,
  kind         text NOT NULL,
  parameters   jsonb,
  protocol     text NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  reason       text,
  status       text NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'timed_out', 'failed')),
  detail       text,
  read_back    jsonb,
  completed_at timestamptz
);
CREATE INDEX machine_commands_equipment_idx ON machine_commands (equipment_id, requested_at DESC);
