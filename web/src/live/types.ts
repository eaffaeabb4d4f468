// Shapes of the live-data API (/api/live/*, tag values, state intervals, quarantine). Timestamps are ISO 8601 UTC.

export type Bucket = 'apt' | 'asut' | 'adet' | 'adot' | 'pdot' | 'unknown';

/** One machine as `GET /api/live/machines` and the `machine` stream event give it. */
export interface LiveMachine {
  equipmentId: string;
  path: string;
  name: string;
  /** A PackML state name, or 'Unknown' when there is no data. */
  state: string;
  bucket: Bucket;
  /** When the current state began; null when the machine never reported one. */
  since: string | null;
  online: boolean;
  lastSeen: string | null;
  stale: boolean;
  good: number;
  scrap: number;
  cycleTime: number | null;
  alarm: string | null;
}

export type TagRole = 'state' | 'mode' | 'good' | 'scrap' | 'cycle_time' | 'alarm' | 'online' | 'process';

export interface TagInfo {
  tag: string;
  role: TagRole | string;
  unit: string | null;
  min: number | null;
  max: number | null;
  latest: { ts: string; value: unknown } | null;
}

/** A raw value, or (with `rollup=1m`) the minute's average with its min and max. */
export interface TagPoint {
  ts: string;
  value: unknown;
  min?: number | null;
  max?: number | null;
}

export interface StateInterval {
  state: string;
  bucket: Bucket;
  start: string;
  end: string | null;
}

export interface QuarantineEntry {
  id: string | number;
  receivedAt: string;
  source: string;
  topic: string;
  equipmentPath: string | null;
  reason: string;
  payload: string;
}

/** The `value` stream event (only for the equipment asked for with `?equipment=`). */
export interface ValueEvent {
  equipmentId: string;
  tag: string;
  /** ISO 8601 (the contract) or epoch ms (what the server sends today): both are accepted. */
  ts: string | number;
  value: unknown;
}

/** The `quarantine` stream event. */
export interface QuarantineEvent {
  receivedAt: string | number;
  equipmentPath: string | null;
  reason: string;
  topic: string;
}
