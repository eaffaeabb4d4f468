// Interval algebra on sorted, disjoint [start, end) windows (epoch ms): union, difference, overlap.

export interface Span {
  start: number;
  end: number;
}

/** Sorted, merged, non-empty spans. */
export function union(spans: Span[]): Span[] {
  const s = spans.filter((x) => x.end > x.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const x of s) {
    const last = out.at(-1);
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else out.push({ start: x.start, end: x.end });
  }
  return out;
}

/** a − b, both sorted and disjoint. */
export function subtract(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const x of a) {
    let cur = x.start;
    while (j < b.length && b[j].end <= cur) j++;
    let k = j;
    while (k < b.length && b[k].start < x.end) {
      if (b[k].start > cur) out.push({ start: cur, end: b[k].start });
      cur = Math.max(cur, b[k].end);
      k++;
    }
    if (cur < x.end) out.push({ start: cur, end: x.end });
  }
  return out;
}

/** a ∩ b, both sorted and disjoint. */
export function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i].start, b[j].start);
    const e = Math.min(a[i].end, b[j].end);
    if (e > s) out.push({ start: s, end: e });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return out;
}

export const measure = (spans: Span[]): number => spans.reduce((n, x) => n + (x.end - x.start), 0);

/** Index of the first span that ends after t (binary search). */
function firstEndingAfter(spans: Span[], t: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Length of [a, b) that lies inside the spans. */
export function overlap(spans: Span[], a: number, b: number): number {
  let n = 0;
  for (let i = firstEndingAfter(spans, a); i < spans.length && spans[i].start < b; i++) n += Math.min(b, spans[i].end) - Math.max(a, spans[i].start);
  return n;
}

/** The first instant of [a, b) inside the spans, or undefined. */
export function firstInside(spans: Span[], a: number, b: number): number | undefined {
  const i = firstEndingAfter(spans, a);
  if (i < spans.length && spans[i].start < b) return Math.max(a, spans[i].start);
  return undefined;
}

/** Whether t lies inside the spans. */
export function contains(spans: Span[], t: number): boolean {
  const i = firstEndingAfter(spans, t);
  return i < spans.length && spans[i].start <= t;
}
