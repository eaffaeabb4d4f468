-- Corrective maintenance, issue #16 (src/maintenance/corrective, docs/maintenance.md "Corrective work orders"): when a
-- machine's unplanned stop lasts longer than a threshold, a corrective work order opens by itself. The threshold is set
-- for the plant (scope_key '*') and may be overridden per machine (scope_key = the machine's equipment id).

CREATE TABLE maintenance_breakdown_settings (
  scope_key   text PRIMARY KEY,
  -- a stop this long (seconds) or longer opens a corrective work order
  threshold_s integer NOT NULL CHECK (threshold_s BETWEEN 10 AND 604800),
  -- false: no automatic work orders (for the plant, or for this machine)
  enabled     boolean NOT NULL DEFAULT true,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- one corrective work order per stop, however it was opened (automatically or by a person calling maintenance): the
-- stop is named by its machine and its start
DROP INDEX maintenance_work_orders_stop;
CREATE UNIQUE INDEX maintenance_work_orders_stop ON maintenance_work_orders (equipment_id, stop_start) WHERE stop_start IS NOT NULL;
