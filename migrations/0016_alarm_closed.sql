-- Issue #13: a parameter-lock alarm belongs to its operation's production. When the operation completes, its alarms
-- that nobody acknowledged are closed (`closed_at`, `closed_reason`) instead of staying open on the shop floor for
-- ever. Open = neither acknowledged nor closed. Alarms of operations completed before this migration are closed with
-- the operation's completion time.
ALTER TABLE operation_alarms
  ADD COLUMN closed_at     timestamptz,
  ADD COLUMN closed_reason text;
UPDATE operation_alarms a SET closed_at = o.completed_at, closed_reason = 'operation completed'
  FROM order_operations o
  WHERE o.order_id = a.order_id AND o.seq = a.seq AND o.status = 'completed' AND a.acknowledged_at IS NULL;
DROP INDEX operation_alarms_open_idx;
CREATE INDEX operation_alarms_open_idx ON operation_alarms (equipment) WHERE acknowledged_at IS NULL AND closed_at IS NULL;
