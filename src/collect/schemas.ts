// What collect's routes answer, defined once: each reply's zod schema (also its serializer, server.ts) and the
// TypeScript type derived from it, so the wire format, the OpenAPI document and the code cannot drift apart.
import { z } from 'zod';
import { BUCKETS } from './states.ts';

/** One machine on the live overview (LiveView.tiles, the `machine` event of /api/live/stream). */
export const tileSchema = z.object({
  equipmentId: z.string(),
  path: z.string(),
  name: z.string(),
  state: z.string(),
  bucket: z.enum(BUCKETS),
  since: z.string().nullable(),
  online: z.boolean(),
  lastSeen: z.string().nullable(),
  stale: z.boolean(),
  good: z.number(),
  scrap: z.number(),
  cycleTime: z.number().nullable(),
  alarm: z.string().nullable(),
});
export type MachineTile = z.infer<typeof tileSchema>;

/** The pipeline's counters since start (GET /api/collect/metrics; health shows a few of them). */
export const collectMetricsSchema = z.object({
  received: z.number(),
  stored: z.number(),
  duplicates: z.number(),
  quarantined: z.number(),
  late: z.number(),
  buffered: z.number(),
  flushes: z.number(),
  flushErrors: z.number(),
  lastFlushMs: z.number(),
  lastFlushRows: z.number(),
  databaseAvailable: z.boolean(),
  lastError: z.string().nullable(),
  /** Batches written again part by part because the database refused some of their rows (issue #11 item 3). */
  isolations: z.number(),
  /** Values quarantined because the database refused them. */
  refused: z.number(),
  /** Values quarantined because a different value was already stored for their instant. */
  conflicts: z.number(),
  /** Failed attempts in a row at storing the current batch (0 once it is stored); > 0 means degraded. */
  failingAttempts: z.number(),
  /** Since when storing fails (ISO 8601), or null. */
  failingSince: z.string().nullable(),
});
export type CollectMetrics = z.infer<typeof collectMetricsSchema>;

/** Something the pipeline refused, as GET /api/quarantine lists it (and its CSV export's columns). */
export const quarantineRecordSchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  /** `<protocol>:<client>` */
  source: z.string(),
  topic: z.string(),
  equipmentPath: z.string().nullable(),
  reason: z.string(),
  payload: z.string(),
});
export type QuarantineRecord = z.infer<typeof quarantineRecordSchema>;

const scalar = z.union([z.number(), z.string(), z.boolean()]).nullable();

/** A tag of a piece of equipment, declared or conventional, with its latest value (GET /api/equipment/:id/tags). */
export const equipmentTagSchema = z.object({
  tag: z.string(),
  role: z.string(),
  unit: z.string().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  latest: z.object({ ts: z.string(), value: scalar }).nullable(),
});
export type EquipmentTag = z.infer<typeof equipmentTagSchema>;

/** One stored value of a tag, or one minute's average with its range when rolled up. */
export const tagPointSchema = z.object({ ts: z.string(), value: scalar, min: z.number().nullable().optional(), max: z.number().nullable().optional() });
export type TagPoint = z.infer<typeof tagPointSchema>;

/** A machine state interval (end null = current). */
export const stateIntervalSchema = z.object({ state: z.string(), bucket: z.enum(BUCKETS), start: z.string(), end: z.string().nullable() });
export type StateInterval = z.infer<typeof stateIntervalSchema>;
