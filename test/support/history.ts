// Hand-written machine histories for the performance tests: a past weekday whose shifts are over, and observations
// submitted straight to collect's pipeline with explicit data timestamps.
import type { TestServer } from './server.ts';

/** A weekday at least two days ago (its UTC date; Berlin's shifts of that day are over). */
export function pastWeekday(): string {
  for (let d = 2; ; d++) {
    const t = new Date(Date.now() - d * 86_400_000);
    if (t.getUTCDay() >= 1 && t.getUTCDay() <= 5) return t.toISOString().slice(0, 10);
  }
}

/** Submits [tag, value, ts] observations of one machine as one batch, as a connector would. */
export function submitHistory(t: TestServer, client: string, path: string, values: Array<[string, number | string, number]>) {
  return t.collect.pipeline.submit({
    rejections: [],
    observations: values.map(([tag, value, ts]) => ({
      source: { protocol: 'test', client },
      topic: `test/${tag}`,
      equipmentPath: path,
      tag,
      value,
      ts,
      receivedAt: Date.now(),
    })),
  });
}
