// Size and count limits of the bulk inputs (B2MML, CSV, plant files): read from the environment, refused with 413/422.
// A limit is always named by its setting in the answer, so the sender knows what to split and the operator what to raise.
import { AppError } from './errors.ts';

/** A whole number setting from the environment; a bad value stops the start rather than silently using the default. */
export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}, not '${raw}'`);
  return n;
}

/** Every limit of one input from its settings: each key's environment variable, or its default. */
export function readLimits<K extends string>(env: NodeJS.ProcessEnv, settings: Record<K, string>, defaults: Record<K, number>): Record<K, number> {
  return Object.fromEntries((Object.keys(settings) as K[]).map((k) => [k, intSetting(env, settings[k], defaults[k])])) as Record<K, number>;
}

export interface LimitDetails {
  setting: string;
  limit: number;
  found: number;
}

/** 422 naming the limit: `what` is counted (e.g. 'ProductionRequest elements'), `found` may be a lower bound. */
export function tooMany(what: string, found: number, limit: number, setting: string, atLeast = false): AppError {
  const details: LimitDetails = { setting, limit, found };
  return new AppError(
    'unprocessable',
    `too many ${what}: ${atLeast ? 'more than ' : ''}${atLeast ? limit : found} found, at most ${limit} are accepted (${setting})`,
    details,
  );
}

export const bytesLabel = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/**
 * A route's preParsing hook: 413 naming the setting when the declared length is over the limit, before a byte is read.
 * The route's bodyLimit (the same number) still stops a chunked body that declares no length, with Fastify's wording.
 */
export const bodyLimitHook = (limit: number, setting: string) => async (req: { headers: Record<string, string | string[] | undefined> }) => {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    throw new AppError('payload_too_large', `the body is ${bytesLabel(declared)}: at most ${bytesLabel(limit)} are accepted (${setting})`, {
      setting,
      limit,
      found: declared,
    });
};
