-- Planning: schedule versions computed by the scheduling engine from the released orders. A supervisor reviews a
-- version and publishes it; publishing writes the planned slot of each operation (order_operations.planned_*).
CREATE TABLE schedule_versions (
  id            serial PRIMARY KEY,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ready', 'published', 'superseded', 'failed')),
  -- what was minimised: makespan, tardiness, or the lexicographic pair (tardiness, then makespan)
  objective     text NOT NULL CHECK (objective IN ('makespan', 'tardiness', 'lexicographic')),
  time_limit_s  double precision NOT NULL CHECK (time_limit_s > 0 AND time_limit_s <= 120),
  -- {phase, fraction 0..1, elapsedMs, objective, makespan} while running
  progress      jsonb NOT NULL DEFAULT '{}',
  horizon_start timestamptz NOT NULL,
  horizon_end   timestamptz NOT NULL,
  -- the version this one repairs (moves, machine down, rush order)
  based_on      integer REFERENCES schedule_versions(id),
  reason        text NOT NULL DEFAULT 'manual' CHECK (reason IN ('manual', 'move', 'machine-down', 'rush-order', 'repair')),
  reason_detail text NOT NULL DEFAULT '',
  -- [{orderId, seq, machine, start, end, setupS, running, pinned?, risk}]
  assignments   jsonb NOT NULL DEFAULT '[]',
  -- {makespanS, makespanEnd, totalWeightedTardiness, lateOrders, utilisation, operations}
  kpis          jsonb NOT NULL DEFAULT '{}',
  late_orders   jsonb NOT NULL DEFAULT '[]',
  -- solver statistics, kept/replanned counts of a repair, orders left out with their reason
  stats         jsonb NOT NULL DEFAULT '{}',
  -- the engine's model and schedule as solved (for the independent checker and for repairs)
  model         jsonb,
  error         text,
  finished_at   timestamptz,
  published_at  timestamptz,
  published_by  text
);
CREATE INDEX schedule_versions_status_idx ON schedule_versions (status, id);
-- at most one published version at a time
CREATE UNIQUE INDEX schedule_versions_published_idx ON schedule_versions (status) WHERE status = 'published';
CREATE INDEX order_operations_planned_idx ON order_operations (planned_schedule) WHERE planned_schedule IS NOT NULL;
