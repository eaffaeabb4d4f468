import { describe, expect, it } from 'vitest';
import { counterDelta } from './counters.ts';
import { bucketOf, parseMode, parsePackmlState } from './states.ts';

describe('counter deltas', () => {
  it('counts increases, takes the first reading as baseline', () => {
    expect(counterDelta(undefined, 500)).toBe(0);
    expect(counterDelta(500, 503)).toBe(3);
    expect(counterDelta(503, 503)).toBe(0);
  });
  it('treats a drop near a counter width as a roll-over, otherwise as a reset', () => {
    expect(counterDelta(65534, 2)).toBe(4); // 65534 → 65535 → 0 → 1 → 2
    expect(counterDelta(998, 3, 1000)).toBe(5);
    expect(counterDelta(1200, 4)).toBe(4); // reset to zero, then 4 parts
    expect(counterDelta(40_000, 38_000)).toBe(0); // set to another value: a new baseline, not 38 000 parts
  });
});

describe('PackML states', () => {
  it('parses names in any case and numbers', () => {
    expect(parsePackmlState('execute')).toBe('Execute');
    expect(parsePackmlState(6)).toBe('Execute');
    expect(parsePackmlState('11')).toBe('Held');
    expect(parsePackmlState('Running')).toBeUndefined();
    expect(parsePackmlState(18)).toBeUndefined();
    expect(parseMode('changeover')).toBe('Setup');
    expect(parseMode(2)).toBe('Maintenance');
  });
  it('maps states to ISO 22400 buckets', () => {
    expect(bucketOf('Execute')).toBe('apt');
    expect(bucketOf('Held')).toBe('adet');
    expect(bucketOf('Aborted', 'Production', false)).toBe('adot');
    expect(bucketOf('Idle')).toBe('adot');
    expect(bucketOf('Execute', 'Setup')).toBe('asut');
    expect(bucketOf('Stopped', 'Maintenance')).toBe('pdot');
    expect(bucketOf('Unknown')).toBe('unknown');
  });
});
