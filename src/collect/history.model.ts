// The records of collect's history port (history.ts), apart from it so that its repository reads them without an
// import circle.

/** A state interval with the order in context when it began (null: none). `end` null = still open. */
export interface HistorySpan {
  start: number;
  end: number | null;
  state: string;
  bucket: string;
  orderId: string | null;
}

/** Parts counted at an instant (a delta of the machine's counter) with the order and operation then in context. */
export interface HistoryCount {
  ts: number;
  kind: 'good' | 'scrap';
  delta: number;
  orderId: string | null;
  operationId: string | null;
}

/** A value of an alarm tag; '' = no alarm active. */
export interface AlarmValueAt {
  ts: number;
  code: string;
}

/** An alarm tag's stored value as a code: trimmed; empty, null and `0` mean no alarm (docs/collect.md). */
export function alarmCode(raw: string | null | undefined): string {
  const code = (raw ?? '').trim();
  return code === '0' ? '' : code;
}
