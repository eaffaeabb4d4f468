-- Genealogy made complete for bookings made before the ledger linked late consumptions (issue #12 item 7): a lot
-- consumed by an order after the order had produced its lot (an operation completed out of order: packing before
-- fitting) was never linked to that lot, so a recall from it missed the finished goods. Since then every consumption
-- is linked to every lot its order has produced, and every produced lot to everything the order consumed before; an
-- edge carries all the order took from the parent. This brings the edges written before into the same state.
INSERT INTO lot_genealogy (child_lot, parent_lot, quantity)
SELECT p.id, c.lot_id, sum(c.quantity)
FROM material_lots p JOIN lot_consumptions c ON c.order_id = p.order_id AND c.lot_id <> p.id
GROUP BY p.id, c.lot_id
ON CONFLICT (child_lot, parent_lot) DO UPDATE SET quantity = EXCLUDED.quantity;
