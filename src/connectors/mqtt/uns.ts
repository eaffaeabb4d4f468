// Unified-namespace JSON over MQTT: topic takt/v1/<equipment path>/<tag>, payload a bare value, {value, ts?, seq?, unit?},
// or {ts?, values: {tag: value, …}} on tag `_batch`. Decoding only: checking values is the pipeline's clean stage.
import { z } from 'zod';
import { payloadText, type DecodeResult, type SourceRef } from '../../collect/index.ts';

export const UNS_PREFIX = 'takt/v1/';
export const UNS_SUBSCRIPTION = 'takt/v1/#';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const tsSchema = z.union([z.number(), z.string()]).optional();
const single = z.object({ value: z.unknown(), ts: tsSchema, seq: z.number().int().optional(), unit: z.string().max(32).optional() }).passthrough();
const batch = z.object({ ts: tsSchema, seq: z.number().int().optional(), values: z.record(z.string(), z.unknown()) }).passthrough();

/** Epoch ms from a number (epoch ms) or an ISO 8601 string; a string saying what is wrong otherwise. */
export function parseTs(ts: unknown): number | undefined | string {
  if (ts === undefined || ts === null) return undefined;
  if (typeof ts === 'number') return Number.isFinite(ts) ? ts : 'ts is not a finite number';
  if (typeof ts === 'string' && ISO.test(ts)) {
    const t = Date.parse(ts);
    return Number.isNaN(t) ? `ts '${ts}' is not a valid date` : t;
  }
  return `ts must be epoch milliseconds or ISO 8601, got ${JSON.stringify(ts)}`;
}

/** Is this a Takt command topic (takt/v1/<path>/_cmd/<name>)? Those go to machines, not into the pipeline. */
export const isCommandTopic = (topic: string) => /\/_cmd\/[^/]+$/.test(topic);

export function decodeUns(topic: string, payload: Buffer, source: SourceRef, receivedAt: number): DecodeResult {
  const out: DecodeResult = { observations: [], rejections: [] };
  const reject = (reason: string) => out.rejections.push({ source, topic, reason, payload: payloadText(payload), receivedAt });
  const levels = topic.slice(UNS_PREFIX.length).split('/');
  if (!topic.startsWith(UNS_PREFIX) || levels.length < 2 || levels.some((l) => l === '')) {
    reject('topic must be takt/v1/<equipment path>/<tag>');
    return out;
  }
  const tag = levels.pop()!;
  const equipmentPath = levels.join('/');
  const text = payload.toString('utf8');
  let doc: unknown;
  const trimmed = text.trim();
  if (trimmed === '') {
    reject('empty payload');
    return out;
  }
  if (/^[[{"]/.test(trimmed) || /^(-?\d|true$|false$|null$)/.test(trimmed)) {
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      // a bare word like 12abc is a string to the pipeline, but broken JSON objects are malformed
      if (/^[[{"]/.test(trimmed)) {
        reject(`malformed JSON: ${(err as Error).message}`);
        return out;
      }
      doc = trimmed;
    }
  } else doc = trimmed; // a bare string such as Execute
  const base = { source, topic, equipmentPath, receivedAt };
  if (tag === '_batch') {
    const r = batch.safeParse(doc);
    if (!r.success) return reject('a _batch payload must be {"ts"?: …, "values": {"tag": value, …}}'), out;
    const ts = parseTs(r.data.ts);
    if (typeof ts === 'string') return reject(ts), out;
    for (const [t, value] of Object.entries(r.data.values)) {
      if (t.includes('/') || t === '') {
        reject(`tag name '${t}' in _batch is not a single topic level`);
        continue;
      }
      out.observations.push({ ...base, tag: t, value, ts, seq: r.data.seq });
    }
    return out;
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const r = single.safeParse(doc);
    if (!r.success || !('value' in (doc as object))) return reject('an object payload must be {"value": …, "ts"?: …, "seq"?: int, "unit"?: "…"}'), out;
    const ts = parseTs(r.data.ts);
    if (typeof ts === 'string') return reject(ts), out;
    out.observations.push({ ...base, tag, value: r.data.value, ts, seq: r.data.seq, unit: r.data.unit });
    return out;
  }
  out.observations.push({ ...base, tag, value: doc });
  return out;
}
