-- Execution: production orders received from the ERP (REST, CSV, B2MML) and the operations decomposed from them.
-- Orders are keyed by the ERP's own order id (the natural key that makes resends idempotent).

CREATE TABLE production_orders (
  id             text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,100}$'),
  product_id     text NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
  quantity       double precision NOT NULL CHECK (quantity > 0 AND quantity <= 1e9),
  unit           text NOT NULL,
  start_after    timestamptz,
  due_at         timestamptz,
  -- ISA-95/B2MML Priority: the lower the number, the sooner (1 before 2).
  priority       integer NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 1000000),
  status         text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'released', 'running', 'completed', 'cancelled')),
  source         text NOT NULL CHECK (source IN ('rest', 'csv', 'b2mml-v0600', 'b2mml-v0701')),
  schedule_id    text,
  request_id     text,
  description    text NOT NULL DEFAULT '',
  -- sha256 of the order as the ERP last sent it: an identical resend changes nothing.
  fingerprint    text NOT NULL,
  version        integer NOT NULL DEFAULT 1,
  released_at    timestamptz,
  cancel_reason  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX production_orders_status_idx ON production_orders (status, priority, due_at);
CREATE INDEX production_orders_product_idx ON production_orders (product_id);

CREATE TABLE order_operations (
  order_id        text NOT NULL REFERENCES production_orders(id) ON DELETE CASCADE,
  seq             integer NOT NULL CHECK (seq > 0),
  name            text NOT NULL,
  segment_id      text,
  work_center     text,
  equipment_class text,
  -- equipment paths that can run the operation (the work centre/machine, or every machine of the class)
  candidates      jsonb NOT NULL DEFAULT '[]',
  quantity        double precision NOT NULL CHECK (quantity > 0),
  unit            text NOT NULL,
  materials       jsonb NOT NULL DEFAULT '[]',
  parameters      jsonb NOT NULL DEFAULT '[]',
  setup_time_s    double precision NOT NULL DEFAULT 0,
  run_time_s      double precision NOT NULL DEFAULT 0,
  due_at          timestamptz,
  instructions    text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'released', 'running', 'completed', 'cancelled')),
  PRIMARY KEY (order_id, seq)
);
CREATE INDEX order_operations_status_idx ON order_operations (status);
