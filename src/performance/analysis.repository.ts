// SQL of the analyses beside the KPIs: the mapping of machine alarm codes to downtime reasons. The alarm values
// themselves, and the state intervals with their order context, are collect's (its history port).
import { rowsOf, sql, type Db } from '../platform/db/database.ts';
import type { AlarmMapping } from './alarm-reasons.ts';

export async function listAlarmMappings(db: Db): Promise<AlarmMapping[]> {
  return rowsOf<AlarmMapping>(
    db,
    sql`SELECT scope, scope_id AS "scopeId", alarm_code AS "alarmCode", reason_id AS "reasonId" FROM perf_alarm_reasons ORDER BY scope, scope_id, alarm_code`,
  );
}

/** Plant-wide codes listed on the reasons themselves (perf_reasons.alarm_codes): code → reason. */
export async function plantWideAlarmCodes(db: Db): Promise<Map<string, string>> {
  const rows = await rowsOf<{ id: string; code: string }>(db, sql`SELECT id, unnest(alarm_codes) AS code FROM perf_reasons ORDER BY id`);
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function getAlarmMapping(db: Db, scope: string, scopeId: string, code: string): Promise<AlarmMapping | undefined> {
  const [m] = await rowsOf<AlarmMapping>(
    db,
    sql`SELECT scope, scope_id AS "scopeId", alarm_code AS "alarmCode", reason_id AS "reasonId" FROM perf_alarm_reasons
        WHERE scope = ${scope} AND scope_id = ${scopeId} AND alarm_code = ${code}`,
  );
  return m;
}

export async function putAlarmMapping(tx: Db, m: AlarmMapping): Promise<void> {
  await tx.execute(sql`
    INSERT INTO perf_alarm_reasons (scope, scope_id, alarm_code, reason_id) VALUES (${m.scope}, ${m.scopeId}, ${m.alarmCode}, ${m.reasonId})
    ON CONFLICT (scope, scope_id, alarm_code) DO UPDATE SET reason_id = excluded.reason_id`);
}

export async function deleteAlarmMapping(tx: Db, scope: string, scopeId: string, code: string): Promise<void> {
  await tx.execute(sql`DELETE FROM perf_alarm_reasons WHERE scope = ${scope} AND scope_id = ${scopeId} AND alarm_code = ${code}`);
}
