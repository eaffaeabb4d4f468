// SQL of andon calls (a station calling for help) and parameter-lock alarms (a running operation's machine leaving
// the downloaded recipe), and of the reason codes the terminal offers.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { rowsOf, sql, type Db } from '../platform/db/database.ts';

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());

export const andonRowSchema = z.object({
  id: z.string(),
  station: z.string(),
  orderId: z.string().nullable(),
  seq: z.number().nullable(),
  reason: z.string(),
  message: z.string(),
  raisedBy: z.string(),
  raisedAt: z.string(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type AndonRow = z.infer<typeof andonRowSchema>;

const andonOf = (r: Record<string, unknown>): AndonRow => ({
  id: r.id as string,
  station: r.station as string,
  orderId: (r.order_id as string) ?? null,
  seq: r.seq == null ? null : Number(r.seq),
  reason: r.reason as string,
  message: r.message as string,
  raisedBy: r.raised_by as string,
  raisedAt: iso(r.raised_at)!,
  acknowledgedBy: (r.acknowledged_by as string) ?? null,
  acknowledgedAt: iso(r.acknowledged_at),
  resolvedBy: (r.resolved_by as string) ?? null,
  resolvedAt: iso(r.resolved_at),
});

export async function insertAndon(
  db: Db,
  a: { station: string; orderId: string | null; seq: number | null; reason: string; message: string; raisedBy: string },
): Promise<AndonRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO andon_calls (id, station, order_id, seq, reason, message, raised_by)
        VALUES (${randomUUID()}::uuid, ${a.station}, ${a.orderId}, ${a.seq}, ${a.reason}, ${a.message}, ${a.raisedBy}) RETURNING *`,
  );
  return andonOf(rows[0]);
}

export async function getAndon(db: Db, id: string, forUpdate = false): Promise<AndonRow | undefined> {
  const lock = forUpdate ? sql.raw(' FOR UPDATE') : sql.raw('');
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM andon_calls WHERE id = ${id}::uuid${lock}`);
  return rows[0] ? andonOf(rows[0]) : undefined;
}

export async function updateAndon(db: Db, id: string, step: 'acknowledge' | 'resolve', by: string): Promise<AndonRow> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    step === 'acknowledge'
      ? sql`UPDATE andon_calls SET acknowledged_by = ${by}, acknowledged_at = now() WHERE id = ${id}::uuid RETURNING *`
      : sql`UPDATE andon_calls SET resolved_by = ${by}, resolved_at = now(),
              acknowledged_by = coalesce(acknowledged_by, ${by}), acknowledged_at = coalesce(acknowledged_at, now()) WHERE id = ${id}::uuid RETURNING *`,
  );
  return andonOf(rows[0]);
}

export async function listAndon(db: Db, f: { open?: boolean; station?: string; limit: number }): Promise<AndonRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM andon_calls WHERE (${f.open ?? false} = false OR resolved_at IS NULL)
          AND (${f.station ?? null}::text IS NULL OR station = ${f.station ?? null}::text OR station LIKE ${`${f.station ?? ''}/%`})
        ORDER BY raised_at DESC LIMIT ${f.limit}`,
  );
  return rows.map(andonOf);
}

export const alarmRowSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  seq: z.number(),
  equipment: z.string(),
  parameter: z.string(),
  kind: z.enum(['out_of_limits', 'setpoint_changed']),
  value: z.unknown(),
  reference: z.unknown(),
  raisedAt: z.string(),
  lastSeenAt: z.string(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  /** Closed without an acknowledgement because its operation completed (then `closedReason` says so). */
  closedAt: z.string().nullable(),
  closedReason: z.string().nullable(),
});
export type AlarmRow = z.infer<typeof alarmRowSchema>;

const alarmOf = (r: Record<string, unknown>): AlarmRow => ({
  id: r.id as string,
  orderId: r.order_id as string,
  seq: Number(r.seq),
  equipment: r.equipment as string,
  parameter: r.parameter as string,
  kind: r.kind as AlarmRow['kind'],
  value: r.value,
  reference: r.reference,
  raisedAt: iso(r.raised_at)!,
  lastSeenAt: iso(r.last_seen_at)!,
  acknowledgedBy: (r.acknowledged_by as string) ?? null,
  acknowledgedAt: iso(r.acknowledged_at),
  closedAt: iso(r.closed_at),
  closedReason: (r.closed_reason as string) ?? null,
});

/**
 * Records a deviation: a new alarm when the operation has no open one for this parameter and kind, else the open
 * one's latest value and time. Returns the alarm and whether it is new; undefined when the operation is no longer in
 * production: a value that arrived just before its completion must not raise an alarm nobody would close (the row
 * lock waits for a completion in progress and then sees it completed).
 */
export async function upsertAlarm(
  db: Db,
  a: { orderId: string; seq: number; equipment: string; parameter: string; kind: AlarmRow['kind']; value: unknown; reference: unknown; at: string },
): Promise<{ alarm: AlarmRow; raised: boolean } | undefined> {
  const open = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE operation_alarms SET value = ${JSON.stringify(a.value)}::jsonb, last_seen_at = greatest(last_seen_at, ${a.at}::timestamptz)
        WHERE order_id = ${a.orderId} AND seq = ${a.seq} AND parameter = ${a.parameter} AND kind = ${a.kind} AND acknowledged_at IS NULL AND closed_at IS NULL RETURNING *`,
  );
  if (open[0]) return { alarm: alarmOf(open[0]), raised: false };
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`INSERT INTO operation_alarms (id, order_id, seq, equipment, parameter, kind, value, reference, raised_at, last_seen_at)
        SELECT ${randomUUID()}::uuid, ${a.orderId}, ${a.seq}, ${a.equipment}, ${a.parameter}, ${a.kind}, ${JSON.stringify(a.value)}::jsonb,
               ${JSON.stringify(a.reference)}::jsonb, ${a.at}::timestamptz, ${a.at}::timestamptz
        FROM order_operations WHERE order_id = ${a.orderId} AND seq = ${a.seq} AND status = 'running' FOR SHARE RETURNING *`,
  );
  return rows[0] ? { alarm: alarmOf(rows[0]), raised: true } : undefined;
}

/** Closes the operation's open alarms (its production ended); returns them as they were before and after. */
export async function closeAlarmsOf(db: Db, orderId: string, seq: number, reason: string): Promise<Array<{ before: AlarmRow; after: AlarmRow }>> {
  const before = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM operation_alarms WHERE order_id = ${orderId} AND seq = ${seq} AND acknowledged_at IS NULL AND closed_at IS NULL ORDER BY raised_at FOR UPDATE`,
  );
  if (!before.length) return [];
  const after = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE operation_alarms SET closed_at = now(), closed_reason = ${reason}
        WHERE order_id = ${orderId} AND seq = ${seq} AND acknowledged_at IS NULL AND closed_at IS NULL RETURNING *`,
  );
  const byId = new Map(after.map((r) => [r.id as string, alarmOf(r)]));
  return before.map(alarmOf).flatMap((b) => (byId.has(b.id) ? [{ before: b, after: byId.get(b.id)! }] : []));
}

export async function acknowledgeAlarm(db: Db, id: string, by: string): Promise<AlarmRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`UPDATE operation_alarms SET acknowledged_by = ${by}, acknowledged_at = now() WHERE id = ${id}::uuid AND acknowledged_at IS NULL AND closed_at IS NULL RETURNING *`,
  );
  return rows[0] ? alarmOf(rows[0]) : undefined;
}

export async function getAlarm(db: Db, id: string): Promise<AlarmRow | undefined> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM operation_alarms WHERE id = ${id}::uuid`);
  return rows[0] ? alarmOf(rows[0]) : undefined;
}

export async function listAlarms(db: Db, f: { open?: boolean; equipment?: string; orderId?: string; seq?: number; limit: number }): Promise<AlarmRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`SELECT * FROM operation_alarms WHERE (${f.open ?? false} = false OR (acknowledged_at IS NULL AND closed_at IS NULL))
          AND (${f.equipment ?? null}::text IS NULL OR equipment = ${f.equipment ?? null}::text OR equipment LIKE ${`${f.equipment ?? ''}/%`})
          AND (${f.orderId ?? null}::text IS NULL OR order_id = ${f.orderId ?? null}::text)
          AND (${f.seq ?? null}::int IS NULL OR seq = ${f.seq ?? null}::int)
        ORDER BY raised_at DESC LIMIT ${f.limit}`,
  );
  return rows.map(alarmOf);
}

export const reasonCodeSchema = z.object({ kind: z.enum(['scrap', 'pause', 'andon']), code: z.string(), label: z.string() });
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

export async function reasonCodes(db: Db, kind?: string): Promise<ReasonCode[]> {
  const rows = await rowsOf<ReasonCode>(
    db,
    sql`SELECT kind, code, label FROM reason_codes WHERE active AND (${kind ?? null}::text IS NULL OR kind = ${kind ?? null}::text) ORDER BY kind, code`,
  );
  return rows;
}
