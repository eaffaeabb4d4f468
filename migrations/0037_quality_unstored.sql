-- The in-line fast path (docs/quality.md "Latency"): a stop sent on a value collect had accepted but then did not store
-- (or quality refused as a measurement) still stands, and its reaction records that: no measurement, and why not.
ALTER TABLE quality_reactions ALTER COLUMN measurement_id DROP NOT NULL;
-- null: the triggering value was stored (measurement_id); else the reason it was not
ALTER TABLE quality_reactions ADD COLUMN unstored text;
