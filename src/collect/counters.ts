// Part counts from cumulative machine counters: the difference between readings, with resets and roll-overs.

/** Counter widths machines commonly wrap at. */
const WRAPS = [2 ** 15, 2 ** 16, 2 ** 31, 2 ** 32];

/**
 * Parts made between two readings of a cumulative counter. A drop is a roll-over when the previous reading was
 * close to a counter width (or the declared `rollover`). Otherwise it is a reset: a small new reading counts as the
 * parts made since the counter went back to zero; a large one means the counter was set to a new value (a replaced
 * controller, a restarted simulator) and becomes the new baseline rather than thousands of phantom parts.
 */
export function counterDelta(prev: number | undefined, next: number, rollover?: number): number {
  if (prev === undefined) return 0; // the first reading is the baseline
  if (next >= prev) return next - prev;
  const wraps = rollover ? [rollover] : WRAPS;
  for (const w of wraps) {
    if (prev < w && prev >= w * 0.9 && next < w * 0.1) return w - prev + next;
  }
  return next <= Math.max(10, prev * 0.1) ? next : 0;
}
