// Limits on what a machine or an integration may send, checked before anything is parsed (issue #11 item 2): a JSON
// value nested 10,000 deep parses fine but overflows the stack of every recursive walk after it (JSON.stringify into
// quarantine, zod, the pipeline), and a stack overflow inside a broker hook ends the process.
import { payloadText, type DecodeResult, type Observation } from '../../collect/index.ts';

/**
 * Deepest JSON nesting Takt accepts. UNS payloads need 2 levels ({"values": {…}}), an HTTP ingest body 3 plus the
 * value; values themselves are scalars. 32 leaves room for odd senders and stays far below any stack limit.
 */
export const MAX_JSON_DEPTH = 32;

/** How much of a refused oversized payload is kept in quarantine: enough to recognise the sender, not a copy. */
export const QUARANTINE_EXCERPT_BYTES = 4096;

/**
 * Does this JSON text nest objects/arrays deeper than `max`? A single byte scan that skips string contents (with
 * their escapes), so brackets inside strings do not count. It does not validate: JSON.parse does that afterwards,
 * on text known to be shallow. Works on UTF-8 bytes or a string (both are scanned by UTF-16/byte code, and the
 * characters that matter are ASCII).
 */
export function jsonDeeperThan(text: Uint8Array | string, max: number): boolean {
  const str = typeof text === 'string';
  const n = text.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = str ? (text as string).charCodeAt(i) : (text as Uint8Array)[i];
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** A refused payload for the quarantine row: whole when small, else its beginning, marked as cut. */
export function excerpt(payload: Buffer): string {
  if (payload.length <= QUARANTINE_EXCERPT_BYTES) return payloadText(payload);
  // back up to a UTF-8 character start so readable text stays readable
  let end = QUARANTINE_EXCERPT_BYTES;
  while (end > 0 && (payload[end] & 0xc0) === 0x80) end--;
  return `${payloadText(payload.subarray(0, end))} … [cut: ${payload.length} bytes]`;
}

// C0 control characters other than tab, LF and CR: never meaningful in a tag, path, unit or value, and NUL cannot be
// stored in a PostgreSQL text column. MQTT 3.1.1 §1.5.3 forbids U+0000 in topics and other UTF-8 strings too.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Text safe to keep in a reason or a topic column: control characters written as \uXXXX. */
export const escapeControls = (s: string): string =>
  CONTROL.test(s) ? s.replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;

export const hasControl = (v: unknown): boolean => typeof v === 'string' && CONTROL.test(v);

/**
 * The last check of a decoder's result before the pipeline: observations whose tag, equipment path, unit or value
 * carry control characters become rejections with their reason, and rejections' reason and topic are made safe to
 * store (a JSON.parse message quotes the input). The raw payload stays as payloadText made it (base64 when binary).
 */
export function screenDecoded(r: DecodeResult): DecodeResult {
  for (const x of r.rejections) {
    x.reason = escapeControls(x.reason);
    x.topic = escapeControls(x.topic);
    x.source = { ...x.source, client: escapeControls(x.source.client) };
  }
  if (
    !r.observations.some(
      (o) =>
        hasControl(o.tag) || hasControl(o.equipmentPath) || hasControl(o.unit) || hasControl(o.value) || hasControl(o.topic) || hasControl(o.source.client),
    )
  )
    return r;
  const observations: Observation[] = [];
  for (const o of r.observations) {
    const bad =
      (['tag', 'equipmentPath', 'unit', 'value'] as const).find((k) => hasControl(o[k])) ??
      (hasControl(o.topic) || hasControl(o.source.client) ? 'topic' : undefined);
    if (!bad) {
      observations.push(o);
      continue;
    }
    r.rejections.push({
      source: { ...o.source, client: escapeControls(o.source.client) },
      topic: escapeControls(o.topic),
      reason: `${bad} contains control characters (such as NUL)`,
      payload: JSON.stringify({ equipment: o.equipmentPath, tag: o.tag, value: o.value ?? null, unit: o.unit, ts: o.ts }),
      receivedAt: o.receivedAt,
    });
  }
  r.observations = observations;
  return r;
}
