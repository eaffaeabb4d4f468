// Unified-namespace JSON over MQTT: topic takt/v1/<equipment path>/<tag>, payload a bare value, {value, ts?, seq?, unit?},
// or {ts?, values: {tag: value, …}} on tag `_batch`. Decoding only: checking values is the pipeline's clean stage.
import { payloadText, type DecodeResult, type SourceRef } from '../../collect/index.ts';
import { excerpt, jsonDeeperThan, MAX_JSON_DEPTH } from './limits.ts';

export const UNS_PREFIX = 'takt/v1/';
export const UNS_SUBSCRIPTION = 'takt/v1/#';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

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

function rejection(out: DecodeResult, source: SourceRef, topic: string, payload: Buffer, receivedAt: number, reason: string, cut = false): DecodeResult {
  const text = cut ? excerpt(payload) : payloadText(payload);
  out.rejections.push({ source, topic, reason, payload: text, receivedAt });
  return out;
}

/** Largest UNS payload decoded (the embedded broker's packet cap is the first line; this one also covers MQTT_URL). */
export const DEFAULT_MAX_UNS_PAYLOAD = 1024 * 1024;

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

// The hot path of ingestion (tens of thousands of messages a second): plain checks, no schema library, no closures.
export function decodeUns(topic: string, payload: Buffer, source: SourceRef, receivedAt: number, maxBytes = DEFAULT_MAX_UNS_PAYLOAD): DecodeResult {
  const out: DecodeResult = { observations: [], rejections: [] };
  if (payload.length > maxBytes)
    return rejection(out, source, topic, payload, receivedAt, `payload of ${payload.length} bytes is larger than ${maxBytes}`, true);
  const slash = topic.lastIndexOf('/');
  if (!topic.startsWith(UNS_PREFIX) || slash <= UNS_PREFIX.length || slash === topic.length - 1 || topic.includes('//'))
    return rejection(out, source, topic, payload, receivedAt, 'topic must be takt/v1/<equipment path>/<tag>');
  const tag = topic.slice(slash + 1);
  const equipmentPath = topic.slice(UNS_PREFIX.length, slash);
  const trimmed = payload.toString('utf8').trim();
  if (trimmed === '') return rejection(out, source, topic, payload, receivedAt, 'empty payload');
  let doc: unknown = trimmed; // a bare string such as Execute
  const c = trimmed.charCodeAt(0);
  const jsonish = c === 123 /* { */ || c === 91 /* [ */ || c === 34 /* " */;
  // Depth before parsing: a deep value parses, but every recursive walk after it overflows the stack (issue #11).
  if ((c === 123 || c === 91) && jsonDeeperThan(trimmed, MAX_JSON_DEPTH))
    return rejection(out, source, topic, payload, receivedAt, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, true);
  if (jsonish || c === 45 || (c >= 48 && c <= 57) || trimmed === 'true' || trimmed === 'false' || trimmed === 'null') {
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      // a bare word like 12abc is a string to the pipeline, but broken JSON objects are malformed
      if (jsonish) return rejection(out, source, topic, payload, receivedAt, `malformed JSON: ${(err as Error).message}`);
    }
  }
  if (tag === '_batch') {
    if (!isPlainObject(doc) || !isPlainObject(doc.values))
      return rejection(out, source, topic, payload, receivedAt, 'a _batch payload must be {"ts"?: …, "values": {"tag": value, …}}');
    const ts = parseTs(doc.ts);
    if (typeof ts === 'string') return rejection(out, source, topic, payload, receivedAt, ts);
    const seq = Number.isInteger(doc.seq) ? (doc.seq as number) : undefined;
    // every message is accounted for: one that carries nothing is not dropped silently
    if (Object.keys(doc.values).length === 0) return rejection(out, source, topic, payload, receivedAt, 'a _batch payload has no values');
    for (const t of Object.keys(doc.values)) {
      if (t.includes('/') || t === '') {
        rejection(out, source, topic, payload, receivedAt, `tag name '${t}' in _batch is not a single topic level`);
        continue;
      }
      out.observations.push({ source, topic, equipmentPath, tag: t, value: doc.values[t], ts, seq, receivedAt });
    }
    return out;
  }
  if (isPlainObject(doc)) {
    if (!('value' in doc) || (doc.seq !== undefined && !Number.isInteger(doc.seq)) || (doc.unit !== undefined && typeof doc.unit !== 'string'))
      return rejection(out, source, topic, payload, receivedAt, 'an object payload must be {"value": …, "ts"?: …, "seq"?: int, "unit"?: "…"}');
    const ts = parseTs(doc.ts);
    if (typeof ts === 'string') return rejection(out, source, topic, payload, receivedAt, ts);
    out.observations.push({
      source,
      topic,
      equipmentPath,
      tag,
      value: doc.value,
      ts,
      seq: doc.seq as number | undefined,
      unit: doc.unit as string | undefined,
      receivedAt,
    });
    return out;
  }
  out.observations.push({ source, topic, equipmentPath, tag, value: doc, receivedAt });
  return out;
}
