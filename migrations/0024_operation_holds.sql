-- Execution: an operation on hold cannot be completed (issue #15, "Holds"). Placed and released by quality through
-- execution's OperationHolds port; the hold names who placed it and why.
CREATE TABLE operation_holds (
  id              text PRIMARY KEY,
  order_id        text NOT NULL,
  seq             integer NOT NULL,
  reason          text NOT NULL,
  placed_by       text NOT NULL,
  placed_at       timestamptz NOT NULL DEFAULT now(),
  released_at     timestamptz,
  released_by     text,
  release_reason  text,
  FOREIGN KEY (order_id, seq) REFERENCES order_operations(order_id, seq) ON DELETE CASCADE
);
CREATE INDEX operation_holds_open_idx ON operation_holds (order_id, seq) WHERE released_at IS NULL;
