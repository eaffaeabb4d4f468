-- Early-warning alerts raised by other modules (issue #16): a predictive-maintenance warning of a condition monitor is
-- an alert of the early-warning path, stored in perf_alerts with one row per episode like a rule's alert
-- (docs/performance.md "Alerts from other modules"). Such an alert has no rule: `source` names what raised it
-- (`maintenance.monitor:<monitor id>`), `source_label` is shown where a rule's name would be, `source_link` is the page
-- of the condition that raised it. Its threshold may be unknown. Rules keep their foreign key; an alert belongs to a
-- rule or to a source, never both. A source's alerts are raised and cleared by their module, never by the evaluator.
ALTER TABLE perf_alerts ALTER COLUMN rule_id DROP NOT NULL;
ALTER TABLE perf_alerts ALTER COLUMN threshold DROP NOT NULL;
ALTER TABLE perf_alerts ADD COLUMN source text CHECK (length(source) BETWEEN 1 AND 200);
ALTER TABLE perf_alerts ADD COLUMN source_label text;
ALTER TABLE perf_alerts ADD COLUMN source_link text;
ALTER TABLE perf_alerts ADD CONSTRAINT perf_alerts_rule_or_source CHECK ((rule_id IS NULL) = (source IS NOT NULL) AND ((source IS NULL) = (source_label IS NULL)));
ALTER TABLE perf_alerts ADD CONSTRAINT perf_alerts_threshold_of_rule CHECK (rule_id IS NULL OR threshold IS NOT NULL);
-- at most one open episode per source and machine, as for a rule
CREATE UNIQUE INDEX perf_alerts_open_source_idx ON perf_alerts (source, equipment_id) WHERE cleared_at IS NULL AND source IS NOT NULL;
