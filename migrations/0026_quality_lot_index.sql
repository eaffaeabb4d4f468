-- Issue #15, certificates of analysis: a lot's certificate lists the measurements recorded against the lot, in time
-- order. In-line characteristics store every collected value, so without this index each certificate (and each check
-- of its signatures) would read the whole measurement table.
CREATE INDEX quality_measurements_lot_idx ON quality_measurements (lot, ts, id) WHERE lot IS NOT NULL;
