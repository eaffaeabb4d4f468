import { describe, expect, it } from 'vitest';
import { deliveryOptionsFromEnv } from './index.ts';

describe('delivery settings from the environment', () => {
  it('defaults, then the TAKT_ERP_* values', () => {
    const d = deliveryOptionsFromEnv({}, '1.2.3');
    expect(d).toMatchObject({ timeoutMs: 10_000, pollMs: 2_000, keepDays: 90, userAgent: 'Takt/1.2.3', backoff: { baseMs: 5_000, capMs: 1_800_000 } });
    const e = deliveryOptionsFromEnv(
      { TAKT_ERP_TIMEOUT_MS: '2500', TAKT_ERP_POLL_MS: '500', TAKT_ERP_BACKOFF_BASE_MS: '1000', TAKT_ERP_BACKOFF_CAP_MS: '60000', TAKT_ERP_KEEP_DAYS: '7' },
      'x',
    );
    expect(e).toMatchObject({ timeoutMs: 2_500, pollMs: 500, keepDays: 7, backoff: { baseMs: 1_000, capMs: 60_000, jitter: 0.5 } });
  });
  it('a bad value names the setting', () => {
    expect(() => deliveryOptionsFromEnv({ TAKT_ERP_TIMEOUT_MS: 'soon' }, 'x')).toThrow(/TAKT_ERP_TIMEOUT_MS/);
    expect(() => deliveryOptionsFromEnv({ TAKT_ERP_KEEP_DAYS: '0' }, 'x')).toThrow(/TAKT_ERP_KEEP_DAYS/);
  });
});
