-- Issue #12 items 2 and 4 (docs/performance.md): the roll-ups carry each failure's whole time to restoration in the
-- period where it began (ISO 22400-2 MTTR), and the parts counted in planned downtime (breaks, planned windows,
-- maintenance mode), which are no longer in PQ. Hours folded before this migration lack both: the roll-ups are
-- dropped and the fold job builds them again from the raw history (reads use raw data meanwhile).
ALTER TABLE perf_hour ADD COLUMN failure_whole_s float8 NOT NULL DEFAULT 0;
ALTER TABLE perf_hour ADD COLUMN pdot_good float8 NOT NULL DEFAULT 0;
ALTER TABLE perf_hour ADD COLUMN pdot_scrap float8 NOT NULL DEFAULT 0;
ALTER TABLE perf_day ADD COLUMN failure_whole_s float8 NOT NULL DEFAULT 0;
ALTER TABLE perf_day ADD COLUMN pdot_good float8 NOT NULL DEFAULT 0;
ALTER TABLE perf_day ADD COLUMN pdot_scrap float8 NOT NULL DEFAULT 0;
DELETE FROM perf_hour;
DELETE FROM perf_day;
DELETE FROM perf_fold;
DELETE FROM perf_dirty;
