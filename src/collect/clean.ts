// Normalise and clean one observation: equipment and tag known, timestamp plausible, value of the right type and in
// its valid range. Anything else gets a reason and goes to quarantine — never guessed, never dropped silently.
import type { RegisteredEquipment, ResolvedTag, EquipmentRegistry } from './registry.ts';
import { parseMode, parsePackmlState } from './states.ts';
import type { Observation, TagValue } from './types.ts';
import { escapeNul } from './isolate.ts';

export interface CleanValue {
  eq: RegisteredEquipment;
  tag: ResolvedTag;
  /** Epoch ms (fractional: sub-millisecond stamps keep two readings in one millisecond apart). */
  ts: number;
  value: TagValue;
  num: number | null;
  txt: string | null;
  obs: Observation;
}

export type CleanResult = { ok: true; value: CleanValue } | { ok: false; reason: string; equipmentPath?: string };

const YEAR_2000 = Date.UTC(2000, 0, 1);
/** Clocks drift; a source a few minutes ahead is tolerated, beyond that the stamp is wrong. */
export const MAX_FUTURE_MS = 5 * 60_000;
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

// Reasons quote what was sent; a NUL in them would make the quarantine row and the ingest answer unstorable.
const fail = (reason: string, equipmentPath?: string): CleanResult => ({ ok: false, reason: escapeNul(reason), equipmentPath });

/** PostgreSQL cannot store U+0000 in text (nor jsonb): such a string is known to be poison, so it is refused here. */
const NUL_REASON = 'a NUL character (U+0000) cannot be stored in text';
const text = (raw: unknown): Typed | string => {
  const s = String(raw);
  return s.includes('\u0000') ? NUL_REASON : { value: s, num: null, txt: s };
};

export function cleanObservation(o: Observation, registry: EquipmentRegistry): CleanResult {
  const eq = registry.byEquipmentPath(o.equipmentPath);
  if (!eq) return fail(`unknown equipment '${o.equipmentPath}'`, o.equipmentPath);
  const tag = eq.tags.get(o.tag);
  if (!tag) return fail(`unknown tag '${o.tag}' on '${eq.path}': declare it on the equipment or its class in the plant model`, eq.path);
  const ts = o.ts ?? o.receivedAt;
  if (!Number.isFinite(ts)) return fail('timestamp is not a number', eq.path);
  if (ts < YEAR_2000) return fail(`timestamp ${safeIso(ts)} is before 2000`, eq.path);
  if (ts > o.receivedAt + MAX_FUTURE_MS) return fail(`timestamp ${safeIso(ts)} is in the future (received ${new Date(o.receivedAt).toISOString()})`, eq.path);
  const v = cleanValue(o.value, tag);
  if (typeof v === 'string') return fail(`${o.tag}: ${v}`, eq.path);
  return { ok: true, value: { eq, tag, ts, value: v.value, num: v.num, txt: v.txt, obs: o } };
}

const safeIso = (ts: number) => (Math.abs(ts) < 8.64e15 ? new Date(ts).toISOString() : String(ts));

type Typed = { value: TagValue; num: number | null; txt: string | null };

/** The typed value, or a string saying what is wrong with it. */
function cleanValue(raw: unknown, tag: ResolvedTag): Typed | string {
  if (raw === null || raw === undefined) return 'value is missing';
  if (typeof raw === 'object') return 'value is not a scalar (number, string or boolean)';
  switch (tag.role) {
    case 'state': {
      const s = parsePackmlState(raw);
      return s ? { value: s, num: null, txt: s } : `'${String(raw)}' is not a PackML state name or number (0–17)`;
    }
    case 'mode': {
      const m = parseMode(raw);
      return m ? { value: m, num: null, txt: m } : `'${String(raw)}' is not a mode (Production, Maintenance, Manual, Setup)`;
    }
    case 'good':
    case 'scrap': {
      const n = toNumber(raw);
      if (typeof n === 'string') return n;
      if (!Number.isInteger(n) || n < 0) return `a counter must be a whole number ≥ 0, got ${n}`;
      return inRange(n, tag);
    }
    case 'cycle_time': {
      const n = toNumber(raw);
      if (typeof n === 'string') return n;
      if (n < 0) return `a cycle time cannot be negative, got ${n}`;
      return inRange(n, tag);
    }
    case 'alarm':
      return text(raw);
    case 'online':
      return typeof raw === 'boolean' ? { value: raw, num: raw ? 1 : 0, txt: null } : 'online must be true or false';
    default:
      if (tag.type === 'string') return text(raw);
      if (tag.type === 'boolean') {
        if (typeof raw === 'boolean') return { value: raw, num: raw ? 1 : 0, txt: null };
        if (raw === 0 || raw === 1 || raw === 'true' || raw === 'false')
          return { value: raw === 1 || raw === 'true', num: raw === 1 || raw === 'true' ? 1 : 0, txt: null };
        return `expected a boolean, got ${JSON.stringify(raw)}`;
      }
      {
        const n = toNumber(raw);
        return typeof n === 'string' ? n : inRange(n, tag);
      }
  }
}

function toNumber(raw: unknown): number | string {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : `${raw} is not a finite number`;
  if (typeof raw === 'string' && NUMERIC.test(raw.trim())) return Number(raw.trim());
  if (typeof raw === 'string' && /^[-+]?(nan|inf(inity)?)$/i.test(raw.trim())) return `${raw} is not a finite number`;
  return `expected a number, got ${JSON.stringify(raw)}`;
}

function inRange(n: number, tag: ResolvedTag): Typed | string {
  if ((tag.min !== undefined && n < tag.min) || (tag.max !== undefined && n > tag.max))
    return `${n} is outside the valid range [${tag.min ?? '-∞'}, ${tag.max ?? '∞'}]${tag.unit ? ` ${tag.unit}` : ''}`;
  return { value: n, num: n, txt: null };
}
