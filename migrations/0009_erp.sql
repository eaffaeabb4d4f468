-- ERP link: performance documents back to the ERP through webhooks and a transactional outbox.
-- The completion hook writes outbox messages in the same transaction as the completion (nothing is sent for work that
-- rolled back; nothing completed is lost); a delivery worker POSTs them, in order per order and webhook.

CREATE TABLE erp_webhooks (
  id            uuid PRIMARY KEY,
  name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  url           text NOT NULL CHECK (url ~ '^https?://'),
  -- HMAC key; never returned by the API after creation
  secret        text NOT NULL,
  -- what it wants: 'operation.completed', 'order.completed'
  events        jsonb NOT NULL DEFAULT '["order.completed"]',
  format        text NOT NULL CHECK (format IN ('b2mml-v0600', 'b2mml-v0701', 'json')),
  active        boolean NOT NULL DEFAULT true,
  -- attempts before a message is marked dead (failed)
  max_attempts  integer NOT NULL DEFAULT 10 CHECK (max_attempts BETWEEN 1 AND 100),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE erp_outbox (
  id               uuid PRIMARY KEY,
  -- deleting a webhook deletes its messages (delivered history included): deactivate it to keep them
  webhook_id       uuid NOT NULL REFERENCES erp_webhooks(id) ON DELETE CASCADE,
  order_id         text NOT NULL,
  -- position of the message within (webhook, order): delivery follows it strictly
  seq              integer NOT NULL CHECK (seq > 0),
  event            text NOT NULL CHECK (event IN ('operation.completed', 'order.completed')),
  -- the operation for operation.completed
  operation_seq    integer,
  content_type     text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  -- a worker that took the message for delivery holds it until then (another Takt process may take it after)
  locked_until     timestamptz,
  last_error       text,
  last_status_code integer,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (webhook_id, order_id, seq)
);
CREATE INDEX erp_outbox_due_idx ON erp_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX erp_outbox_order_idx ON erp_outbox (order_id, webhook_id, seq);
CREATE INDEX erp_outbox_status_idx ON erp_outbox (status, created_at DESC);
