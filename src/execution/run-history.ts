// What the machine recorded for an operation, read through collect's history port (never collect's tables): its
// parts by the one definition of which parts belong to an operation (collect/history.ts: from setup start, by the
// order context collect stored with each count) and the machine's downtime while it ran.
import { z } from 'zod';
import type { CollectHistory, MachineView } from '../collect/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { RunRow } from './shopfloor.repository.ts';

export interface RunHistoryDeps {
  history: CollectHistory;
  collect: Pick<MachineView, 'equipment'>;
}

/** The machine's id, or undefined when it has left the plant model (its history went with it). */
function machineId(d: RunHistoryDeps, path: string): string | undefined {
  try {
    return d.collect.equipment(path).id;
  } catch {
    return undefined;
  }
}

/** Good and scrap the machine counted for the operation (none before it was set up on a machine). */
export async function machineCounts(
  d: RunHistoryDeps,
  db: Db,
  r: Pick<RunRow, 'orderId' | 'seq' | 'equipment' | 'setupStartedAt'>,
): Promise<{ good: number; scrap: number }> {
  const equipmentId = r.equipment && r.setupStartedAt ? machineId(d, r.equipment) : undefined;
  if (!equipmentId) return { good: 0, scrap: 0 };
  return d.history.operationCounts(db, { equipmentId, orderId: r.orderId, seq: r.seq, setupStart: Date.parse(r.setupStartedAt!) });
}

export const machineCountsSchema = z.object({ good: z.number(), scrap: z.number() });

export const downtimeSchema = z.object({
  seconds: z.number(),
  stops: z.array(z.object({ start: z.string(), end: z.string().nullable(), state: z.string(), bucket: z.string(), seconds: z.number() })),
});
export type Downtime = z.infer<typeof downtimeSchema>;

/** Down time (ISO 22400 ADET and unknown) of a machine between two instants, with the stops. */
export async function downtime(d: RunHistoryDeps, db: Db, equipmentPath: string, from: string, to: string | null): Promise<Downtime> {
  const id = machineId(d, equipmentPath);
  const spans = id ? await d.history.bucketSpans(db, id, ['adet', 'unknown'], Date.parse(from), to === null ? null : Date.parse(to)) : [];
  const now = Date.now();
  const stops = spans.map((s) => ({
    start: new Date(s.start).toISOString(),
    end: s.end === null ? null : new Date(s.end).toISOString(),
    state: s.state,
    bucket: s.bucket,
    seconds: Math.max(0, Math.round(((s.end ?? now) - s.start) / 1000)),
  }));
  return { seconds: stops.reduce((s, x) => s + x.seconds, 0), stops };
}
