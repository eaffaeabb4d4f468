// Poison isolation (issue #11 item 3): one row the database refuses must not fail its whole batch forever. When a
// batch write fails because of its data, the batch is written again with each part under a savepoint, halving the
// parts that fail until the refused rows stand alone; those go to quarantine with the database's reason. Failures
// that are not about the data (connection lost, schema broken, disk full) are not isolated: the whole batch waits and
// is retried, unacknowledged, and health says degraded.
import type { Querier } from '../platform/db/database.ts';
import type { QuarantineRow } from './collect.repository.ts';

/**
 * Is this the database refusing the data itself, so that another part of the batch could still be stored?
 * SQLSTATE classes (PostgreSQL manual, appendix A): 22 data exception (NUL "invalid byte sequence", timestamp or number
 * out of range), 23 integrity constraint violation, 54 program limit exceeded (value too large), and XX000, which
 * PostgreSQL raises for a value too large to allocate. Anything else — no SQLSTATE (network, driver), 08 connection,
 * 40 transaction rollback, 42 undefined table, 53 insufficient resources, 57 operator intervention — is about the
 * database, not the row.
 */
export function isRowRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return code.startsWith('22') || code.startsWith('23') || code.startsWith('54') || code === 'XX000';
}

/** The database's reason, as kept in quarantine. */
export const refusalReason = (err: unknown): string => {
  const e = err as { message?: string; code?: string; constraint?: string };
  return escapeNul(
    `the database refused it: ${e.message ?? String(err)}${e.constraint && !e.message?.includes(e.constraint) ? ` (${e.constraint})` : ''}${e.code ? ` [${e.code}]` : ''}`,
  );
};

/** NUL cannot be stored in PostgreSQL text; quarantine keeps it visible as the six characters \u0000. */
export const escapeNul = (s: string): string => (s.includes('\u0000') ? s.replace(/\u0000/g, '\\u0000') : s);

/** Latest instant PostgreSQL and JavaScript both represent (JavaScript's Date limit, year 275760). */
const MAX_MS = 8.64e15;

/** A quarantine row the database can always store: no NUL in any text, a receipt time within range. */
export function storableQuarantineRow(r: QuarantineRow): QuarantineRow {
  return {
    receivedAt: Number.isFinite(r.receivedAt) && r.receivedAt >= 0 && r.receivedAt < MAX_MS ? r.receivedAt : Date.now(),
    protocol: escapeNul(r.protocol),
    source: escapeNul(r.source),
    topic: escapeNul(r.topic),
    equipmentPath: r.equipmentPath === null ? null : escapeNul(r.equipmentPath),
    reason: escapeNul(r.reason),
    payload: escapeNul(r.payload),
  };
}

/** Last resort for a quarantine row refused even so (a constraint, a size limit): its text as base64, which is ASCII. */
export function base64QuarantineRow(r: QuarantineRow, why: string): QuarantineRow {
  const b64 = (s: string) => `base64:${Buffer.from(s, 'utf8').toString('base64')}`;
  return {
    receivedAt: Date.now(),
    protocol: 'collect',
    source: b64(r.source).slice(0, 1000),
    topic: b64(r.topic).slice(0, 1000),
    equipmentPath: null,
    reason: `the quarantine row was refused (${escapeNul(why)}); its fields are kept as base64`,
    payload: b64(JSON.stringify({ ...r, receivedAt: String(r.receivedAt) })),
  };
}

/**
 * Writes `items` in parts, each under a savepoint: a part the database refuses is rolled back and halved until the
 * refused items stand alone; `refused` is told of each. Costs one statement per part: for k poison rows among n,
 * about 2·k·log2(n) statements. Errors that are not refusals propagate (and fail the transaction).
 */
export async function bisect<T>(q: Querier, items: T[], write: (part: T[]) => Promise<void>, refused: (item: T, err: unknown) => void): Promise<void> {
  if (!items.length) return;
  await q.query('SAVEPOINT collect_part');
  try {
    await write(items);
    await q.query('RELEASE SAVEPOINT collect_part');
    return;
  } catch (err) {
    if (!isRowRefusal(err)) throw err;
    await q.query('ROLLBACK TO SAVEPOINT collect_part');
    await q.query('RELEASE SAVEPOINT collect_part');
    if (items.length === 1) return refused(items[0], err);
  }
  const mid = items.length >> 1;
  await bisect(q, items.slice(0, mid), write, refused);
  await bisect(q, items.slice(mid), write, refused);
}
