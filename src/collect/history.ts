// Collect's history port: the machine history other modules read — state spans, counts with their order context,
// order intervals and alarm values — without naming collect's tables (issue #14). Performance (KPIs, roll-ups,
// stops, per-order OEE) and execution (an operation's machine counts and downtime, the ERP's quantities) both read
// through it, so they share one definition of which parts belong to an operation.
import type { Db, Querier } from '../platform/db/database.ts';
import type { OrderContext } from './context.ts';
import type { AlarmValueAt, HistoryCount, HistorySpan } from './history.model.ts';
import * as repo from './history.repository.ts';

export { alarmCode, type AlarmValueAt, type HistoryCount, type HistorySpan } from './history.model.ts';

// ----------------------------------------------------------------------------- the one definition of a good count

/**
 * Which parts belong to an operation — the one definition behind the ERP document's quantities and per-order OEE:
 * **every part the machine counts from the operation's setup start until it completes**, good or scrap as the
 * machine counted it. Execution puts the operation in the order context of the machine's data from setup start
 * (`operationContextAt`); collect stores that context with each count; both readers take an operation's parts by
 * that context (`operationCounts`, `HistoryCount.operationId`), never by a time window of their own.
 *
 * Why from setup and not from production start: ISO 22400-2 counts an order's setup time in its processing time
 * (AUPT = ASUT + APT), so the setup's parts are made in the order's time and the time model charges them there.
 * Parts made while setting up are usually first-off or trial parts; when the machine counts them as good but they
 * are setup scrap, the operator books them as scrap (`fromGood`) — a setup's scrap stays the order's scrap (SQ),
 * it is not moved out of the order and its quality. Counting from production start instead left those parts in no
 * order at all: the ERP never saw them and the order's quality rate looked better than it was.
 */
export const operationKey = (orderId: string, seq: number): string => `${orderId}/${seq}`;

/** The order context of a machine's data at `ts` while an operation runs there (set up at `setupStart`, epoch ms). */
export function operationContextAt(op: { orderId: string; seq: number; setupStart: number }, ts: number): OrderContext {
  return ts >= op.setupStart ? { orderId: op.orderId, operationId: operationKey(op.orderId, op.seq) } : {};
}

// ----------------------------------------------------------------------------- the port

/**
 * What other modules may read of collect's history. Readers pass their own query handle (a transaction of theirs,
 * or the database): the raw-SQL handle (`Querier`) for the bulk reads, the Drizzle handle (`Db`) for one operation.
 */
export interface CollectHistory {
  /** State spans overlapping [from, to) per machine (time order), each with the order in context when it began. */
  spans(q: Querier, equipmentIds: string[], from: number, to: number): Promise<Map<string, HistorySpan[]>>;
  /** Per (machine, instant): the span that ends exactly there (`before`) or starts exactly there (`after`). */
  adjacentSpans(q: Querier, at: Array<{ equipmentId: string; at: number }>, side: 'before' | 'after'): Promise<Array<HistorySpan & { equipmentId: string }>>;
  /** One machine's spans in some buckets overlapping [from, to) (to null: until now), clipped to it. */
  bucketSpans(db: Db, equipmentId: string, buckets: string[], from: number, to: number | null): Promise<HistorySpan[]>;
  /** Counts in [from, to) per machine (time order), with their order and operation context. */
  counts(q: Querier, equipmentIds: string[], from: number, to: number): Promise<Map<string, HistoryCount[]>>;
  /** Good and scrap of one operation on its machine, by the one definition above (`setupStart`: epoch ms). */
  operationCounts(db: Db, op: { equipmentId: string; orderId: string; seq: number; setupStart: number }): Promise<{ good: number; scrap: number }>;
  /** The earliest instant with any state or count, if any. */
  earliestData(q: Querier): Promise<number | undefined>;
  /** Per machine, its first state or count; machines without any are left out. */
  firstData(q: Querier, equipmentIds: string[]): Promise<Map<string, number>>;
  /** Values of the given alarm tags per machine in [from, to), plus the one in force at `from`. */
  alarmValues(q: Querier, tags: Map<string, string[]>, from: number, to: number): Promise<Map<string, AlarmValueAt[]>>;
}

export function createCollectHistory(): CollectHistory {
  return {
    spans: repo.spans,
    adjacentSpans: repo.adjacentSpans,
    bucketSpans: repo.bucketSpans,
    counts: repo.counts,
    operationCounts: (db, op) => repo.operationCounts(db, op.equipmentId, operationKey(op.orderId, op.seq), op.setupStart),
    earliestData: repo.earliestData,
    firstData: repo.firstDataByMachine,
    alarmValues: repo.alarmValues,
  };
}
