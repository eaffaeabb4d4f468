// SQL of early warning: the rules (perf_alert_rules) and the alerts they raised (perf_alerts, one row per episode),
// with the alerts other modules raised through the external-alert port (a source instead of a rule).
import { rowsOf, sql, type Db, type Querier } from '../platform/db/database.ts';
import { z } from 'zod';
import { SEVERITIES, type AlertRule } from './alert-rules.ts';

const RULE_COLUMNS = sql`id, name, kind, metric, state, equipment_id AS "equipmentId", threshold, hysteresis, window_s AS "windowS", severity, enabled`;

export async function listRules(db: Db): Promise<AlertRule[]> {
  return rowsOf<AlertRule>(db, sql`SELECT ${RULE_COLUMNS} FROM perf_alert_rules ORDER BY name, id`);
}

export async function getRule(db: Db, id: string, forUpdate = false): Promise<AlertRule | undefined> {
  const [r] = await rowsOf<AlertRule>(db, sql`SELECT ${RULE_COLUMNS} FROM perf_alert_rules WHERE id = ${id} ${forUpdate ? sql`FOR UPDATE` : sql``}`);
  return r;
}

export async function insertRule(tx: Db, r: AlertRule, by: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO perf_alert_rules (id, name, kind, metric, state, equipment_id, threshold, hysteresis, window_s, severity, enabled, created_by)
    VALUES (${r.id}, ${r.name}, ${r.kind}, ${r.metric}, ${r.state}, ${r.equipmentId}, ${r.threshold}, ${r.hysteresis}, ${r.windowS}, ${r.severity}, ${r.enabled}, ${by})`);
}

export async function updateRule(tx: Db, r: AlertRule): Promise<void> {
  await tx.execute(sql`
    UPDATE perf_alert_rules SET name = ${r.name}, kind = ${r.kind}, metric = ${r.metric}, state = ${r.state}, equipment_id = ${r.equipmentId},
      threshold = ${r.threshold}, hysteresis = ${r.hysteresis}, window_s = ${r.windowS}, severity = ${r.severity}, enabled = ${r.enabled}, updated_at = now()
    WHERE id = ${r.id}`);
}

export async function deleteRule(tx: Db, id: string): Promise<void> {
  await tx.execute(sql`DELETE FROM perf_alert_rules WHERE id = ${id}`);
}

// ------------------------------------------------------------------------------------------- alerts

/** An alert as stored; instants are epoch milliseconds here (the API shows them as ISO strings, alerts.service.ts). */
export const alertRowSchema = z.object({
  id: z.string(),
  /** the rule's id, or for an alert of another module its source (`maintenance.monitor:<monitor id>`) */
  ruleId: z.string(),
  /** the rule's name, or the source's label */
  ruleName: z.string(),
  /** the rule's kind, or 'external' for an alert of another module */
  kind: z.string(),
  /** the module's source key when another module raised the alert (null for a rule's alert) */
  source: z.string().nullable(),
  /** the web page of the condition that raised an external alert (e.g. /maintenance/condition), else null */
  link: z.string().nullable(),
  equipmentId: z.string(),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  value: z.number().nullable(),
  /** the rule's threshold; null when an external source gave none */
  threshold: z.number().nullable(),
  lastValue: z.number().nullable(),
  raisedAt: z.number(),
  clearedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.number().nullable(),
});
export type AlertRow = z.infer<typeof alertRowSchema>;

const ALERT_COLUMNS = sql`a.id, coalesce(a.rule_id::text, a.source) AS "ruleId", coalesce(r.name, a.source_label) AS "ruleName",
  coalesce(r.kind, 'external') AS kind, a.source, a.source_link AS link, a.equipment_id AS "equipmentId", a.severity, a.message,
  a.value, a.threshold, a.last_value AS "lastValue",
  extract(epoch FROM a.raised_at)::float8 * 1000 AS "raisedAt", extract(epoch FROM a.cleared_at)::float8 * 1000 AS "clearedAt",
  a.acknowledged_by AS "acknowledgedBy", extract(epoch FROM a.acknowledged_at)::float8 * 1000 AS "acknowledgedAt"`;

export interface AlertFilter {
  open: boolean;
  equipmentIds?: string[];
  ruleId?: string;
  source?: string;
  severity?: string;
  from?: number;
  to?: number;
  limit: number;
}

export async function listAlerts(db: Db, f: AlertFilter): Promise<AlertRow[]> {
  const where = [sql`true`];
  if (f.open) where.push(sql`a.cleared_at IS NULL`);
  if (f.equipmentIds) where.push(sql`a.equipment_id = ANY(${`{${f.equipmentIds.join(',')}}`}::uuid[])`);
  if (f.ruleId) where.push(sql`a.rule_id = ${f.ruleId}`);
  if (f.source) where.push(sql`a.source = ${f.source}`);
  if (f.severity) where.push(sql`a.severity = ${f.severity}`);
  // episodes that overlap [from, to)
  if (f.from !== undefined) where.push(sql`(a.cleared_at IS NULL OR a.cleared_at >= to_timestamp(${f.from / 1000}))`);
  if (f.to !== undefined) where.push(sql`a.raised_at < to_timestamp(${f.to / 1000})`);
  return rowsOf<AlertRow>(
    db,
    sql`SELECT ${ALERT_COLUMNS} FROM perf_alerts a LEFT JOIN perf_alert_rules r ON r.id = a.rule_id
        WHERE ${sql.join(where, sql` AND `)} ORDER BY a.raised_at DESC, a.id LIMIT ${f.limit}`,
  );
}

export async function getAlert(db: Db, id: string): Promise<AlertRow | undefined> {
  const [a] = await rowsOf<AlertRow>(db, sql`SELECT ${ALERT_COLUMNS} FROM perf_alerts a LEFT JOIN perf_alert_rules r ON r.id = a.rule_id WHERE a.id = ${id}`);
  return a;
}

/** The open episodes of rules (the evaluator's; alerts of other modules are theirs to clear). */
export async function openAlerts(db: Db): Promise<Array<{ id: string; ruleId: string; equipmentId: string }>> {
  return rowsOf(db, sql`SELECT id, rule_id AS "ruleId", equipment_id AS "equipmentId" FROM perf_alerts WHERE cleared_at IS NULL AND rule_id IS NOT NULL`);
}

/** An alert raised by another module: its source instead of a rule (migrations/0039_external_alerts.sql). */
export interface ExternalAlertRow {
  id: string;
  source: string;
  label: string;
  link: string | null;
  equipmentId: string;
  severity: string;
  message: string;
  value: number | null;
  threshold: number | null;
  at: number;
}

/** The open episodes of a source on a machine (at most one; the partial unique index keeps it so). */
export async function openOfSource(db: Db, source: string, equipmentId: string): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`SELECT id FROM perf_alerts WHERE source = ${source} AND equipment_id = ${equipmentId} AND cleared_at IS NULL`,
  );
  return rows.map((r) => r.id);
}

/** Opens an external source's episode unless it exists (same id) or one is open; true when this call opened it. */
export async function raiseExternal(db: Db, a: ExternalAlertRow): Promise<boolean> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`INSERT INTO perf_alerts (id, rule_id, source, source_label, source_link, equipment_id, severity, message, value, threshold, last_value, raised_at)
        VALUES (${a.id}, NULL, ${a.source}, ${a.label}, ${a.link}, ${a.equipmentId}, ${a.severity}, ${a.message}, ${a.value}, ${a.threshold}, ${a.value},
          to_timestamp(${a.at / 1000}))
        ON CONFLICT DO NOTHING RETURNING id`,
  );
  return rows.length === 1;
}

/** Opens an episode unless one is open already (the partial unique index decides); true when this call opened it. */
export async function raiseAlert(
  db: Db,
  a: { id: string; ruleId: string; equipmentId: string; severity: string; message: string; value: number; threshold: number; at: number },
): Promise<boolean> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`INSERT INTO perf_alerts (id, rule_id, equipment_id, severity, message, value, threshold, last_value, raised_at)
        VALUES (${a.id}, ${a.ruleId}, ${a.equipmentId}, ${a.severity}, ${a.message}, ${a.value}, ${a.threshold}, ${a.value}, to_timestamp(${a.at / 1000}))
        ON CONFLICT (rule_id, equipment_id) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
  );
  return rows.length === 1;
}

/** The latest values of open episodes, in one statement. */
export async function touchAlerts(q: Querier, rows: Array<{ id: string; value: number | null }>): Promise<void> {
  if (!rows.length) return;
  await q.query(`UPDATE perf_alerts a SET last_value = u.v FROM unnest($1::uuid[], $2::float8[]) AS u(id, v) WHERE a.id = u.id AND a.cleared_at IS NULL`, [
    rows.map((r) => r.id),
    rows.map((r) => r.value),
  ]);
}

/** Ends an open episode; true when this call ended it. */
export async function clearAlert(db: Db, id: string, at: number, lastValue: number | null): Promise<boolean> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`UPDATE perf_alerts SET cleared_at = to_timestamp(${at / 1000}), last_value = coalesce(${lastValue}::float8, last_value)
        WHERE id = ${id} AND cleared_at IS NULL RETURNING id`,
  );
  return rows.length === 1;
}

/** Ends an open episode and, unless someone has already, records who saw it; true when this call ended it. */
export async function clearAcknowledged(db: Db, id: string, at: number, by: string | null): Promise<boolean> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`UPDATE perf_alerts SET cleared_at = to_timestamp(${at / 1000}),
          acknowledged_by = coalesce(acknowledged_by, ${by}::text),
          acknowledged_at = CASE WHEN acknowledged_by IS NULL AND ${by}::text IS NOT NULL THEN now() ELSE acknowledged_at END
        WHERE id = ${id} AND cleared_at IS NULL RETURNING id`,
  );
  return rows.length === 1;
}

export async function acknowledgeAlert(tx: Db, id: string, by: string): Promise<void> {
  await tx.execute(sql`UPDATE perf_alerts SET acknowledged_by = ${by}, acknowledged_at = now() WHERE id = ${id}`);
}
