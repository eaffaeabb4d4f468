// Part counts from cumulative machine counters: the difference between readings, with resets and roll-overs.

/** Counter widths machines commonly wrap at. */
const WRAPS = [2 ** 15, 2 ** 16, 2 ** 31, 2 ** 32];

/**
 * Parts made between two readings of a cumulative counter. A drop is a roll-over when the previous reading was
 * close to a counter width (or the declared `rollover`), otherwise a reset to zero (the new reading counts from 0).
 */
export function counterDelta(prev: number | undefined, next: number, rollover?: number): number {
  if (prev === undefined) return 0; // the first reading is the baseline
  if (next >= prev) return next - prev;
  const wraps = rollover ? [rollover] : WRAPS;
  for (const w of wraps) {
    if (prev < w && prev >= w * 0.9 && next < w * 0.1) return w - prev + next;
  }
  return next; // reset: counted again from zero
}
