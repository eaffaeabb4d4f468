import { describe, expect, it } from 'vitest';
import { isConnectionLoss } from './errors-handler.ts';

const err = (code?: string, message = 'x', cause?: unknown) => Object.assign(new Error(message), { code, cause });

describe('isConnectionLoss', () => {
  it('recognises a database that went away, also wrapped (Drizzle)', () => {
    for (const e of [
      err('ECONNREFUSED'),
      err('ECONNRESET'),
      err('57P01'),
      err('08006'),
      err('08P01'),
      err(undefined, 'Connection terminated unexpectedly'),
      err(undefined, 'PGlite is closed'),
      err(undefined, 'Failed query: select 1', err('ECONNREFUSED')),
    ])
      expect(isConnectionLoss(e), `${e.code} ${e.message}`).toBe(true);
  });

  it('leaves request faults and other errors alone', () => {
    for (const e of [err('23505'), err('22P02'), err('42P01'), err(undefined, 'boom'), new TypeError('x'), undefined, 'text'])
      expect(isConnectionLoss(e)).toBe(false);
  });
});
