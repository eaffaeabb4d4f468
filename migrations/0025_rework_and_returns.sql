-- Nonconformance dispositions (issue #15, src/quality/ncr): a rework operation added to an order names the NCR it
-- reworks (null for the operations the order came with); a lot sent back to its supplier leaves stock with a status of
-- its own ('returned'), as a scrapped lot does with 'scrapped'.
ALTER TABLE order_operations ADD COLUMN rework_ncr text;

ALTER TABLE material_lots DROP CONSTRAINT material_lots_status_check;
ALTER TABLE material_lots ADD CONSTRAINT material_lots_status_check
  CHECK (status IN ('available', 'on_hold', 'consumed', 'scrapped', 'returned'));
