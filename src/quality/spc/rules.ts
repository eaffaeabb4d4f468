// Run rules (Western Electric and Nelson) on a plotted series. Zones are measured in the chart's own sigma for each
// point (σ of the plotted statistic, which varies with n on p/np/u charts and on X̄ charts with unequal subgroups), so
// a rule means the same thing on every chart. A rule fires at the point that completes its pattern; a longer run fires
// again at every further point that still completes it (as Minitab and the AIAG manual mark them).

export type RuleSet = 'nelson' | 'western-electric';

export interface RuleSelection {
  ruleSet: RuleSet;
  /** Rule numbers of the set: Nelson 1..8, Western Electric 1..4. */
  rules: readonly number[];
}

export const NELSON_RULES = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export const WESTERN_ELECTRIC_RULES = [1, 2, 3, 4] as const;

/** Every Nelson rule: the default when a characteristic selects none. */
export const DEFAULT_RULES: RuleSelection = { ruleSet: 'nelson', rules: NELSON_RULES };

export const RULE_TEXT: Record<RuleSet, Record<number, string>> = {
  nelson: {
    1: 'one point beyond 3σ (outside the control limits)',
    2: 'nine points in a row on the same side of the centre line',
    3: 'six points in a row steadily increasing or decreasing',
    4: 'fourteen points in a row alternating up and down',
    5: 'two out of three points in a row beyond 2σ on the same side',
    6: 'four out of five points in a row beyond 1σ on the same side',
    7: 'fifteen points in a row within 1σ of the centre line (either side)',
    8: 'eight points in a row beyond 1σ (either side), none within 1σ',
  },
  'western-electric': {
    1: 'one point beyond 3σ (outside the control limits)',
    2: 'two out of three points in a row beyond 2σ on the same side',
    3: 'four out of five points in a row beyond 1σ on the same side',
    4: 'eight points in a row on the same side of the centre line',
  },
};

/** A plotted series: the statistic, the centre line, the (clamped) limits and the sigma of the statistic per point. */
export interface Series {
  value: readonly number[];
  center: readonly number[];
  ucl: readonly number[];
  lcl: readonly number[];
  sigma: readonly number[];
}

export interface RuleHit {
  rule: number;
  /** The point that completes the pattern. */
  index: number;
  /** Every point of the pattern, ascending. */
  points: number[];
}

/** Checks a selection before any point is looked at, so a bad setting is a clear error, not a silent "no violations". */
export function checkSelection(selection: RuleSelection): string | null {
  if (!selection || typeof selection !== 'object' || !Array.isArray(selection.rules)) return 'a rule selection is { ruleSet, rules: [numbers] }';
  const known: readonly number[] = selection.ruleSet === 'nelson' ? NELSON_RULES : selection.ruleSet === 'western-electric' ? WESTERN_ELECTRIC_RULES : [];
  if (known.length === 0) return `unknown rule set ${JSON.stringify(selection.ruleSet)}: use nelson or western-electric`;
  const bad = selection.rules.filter((r) => !known.includes(r));
  return bad.length ? `${selection.ruleSet} has rules ${known.join(', ')}; not ${bad.join(', ')}` : null;
}

type Detector = (s: Series, i: number, z: number[]) => number[] | null;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

const beyondLimits: Detector = (s, i) => (s.value[i] > s.ucl[i] || s.value[i] < s.lcl[i] ? [i] : null);

/** `length` points in a row strictly on one side; a point on the centre line breaks the run. */
const sameSide =
  (length: number): Detector =>
  (_s, i, z) => {
    if (i < length - 1) return null;
    const side = Math.sign(z[i]);
    if (side === 0) return null;
    for (let j = i - length + 1; j < i; j++) if (Math.sign(z[j]) !== side) return null;
    return range(i - length + 1, i);
  };

/** `length` points steadily rising or falling (length − 1 strict steps the same way; a tie breaks the trend). */
const trend =
  (length: number): Detector =>
  (s, i) => {
    if (i < length - 1) return null;
    const dir = Math.sign(s.value[i] - s.value[i - 1]);
    if (dir === 0) return null;
    for (let j = i - length + 2; j < i; j++) if (Math.sign(s.value[j] - s.value[j - 1]) !== dir) return null;
    return range(i - length + 1, i);
  };

/** `length` points alternating up and down (length − 1 steps, each the opposite way of the one before; ties break). */
const alternating =
  (length: number): Detector =>
  (s, i) => {
    if (i < length - 1) return null;
    let prev = 0;
    for (let j = i - length + 2; j <= i; j++) {
      const dir = Math.sign(s.value[j] - s.value[j - 1]);
      if (dir === 0 || dir === prev) return null;
      prev = dir;
    }
    return range(i - length + 1, i);
  };

/**
 * `count` of the last `window` points beyond `k`σ on one side, the newest among them (otherwise the pattern was already
 * complete at an earlier point). At the start of a chart the window is what exists: two points beyond 2σ at indexes 0
 * and 1 already make "2 of 3", whatever the third will be.
 */
const kOfM =
  (count: number, window: number, k: number): Detector =>
  (_s, i, z) => {
    for (const side of [1, -1]) {
      if (side * z[i] <= k) continue;
      const hits = range(Math.max(0, i - window + 1), i).filter((j) => side * z[j] > k);
      if (hits.length >= count) return hits;
    }
    return null;
  };

/** `length` points in a row all within (`inside`) or all outside 1σ of the centre line. */
const band =
  (length: number, inside: boolean): Detector =>
  (_s, i, z) => {
    if (i < length - 1) return null;
    for (let j = i - length + 1; j <= i; j++) if (inside ? !(Math.abs(z[j]) < 1) : !(Math.abs(z[j]) > 1)) return null;
    return range(i - length + 1, i);
  };

const DETECTORS: Record<RuleSet, Record<number, Detector>> = {
  nelson: {
    1: beyondLimits,
    2: sameSide(9),
    3: trend(6),
    4: alternating(14),
    5: kOfM(2, 3, 2),
    6: kOfM(4, 5, 1),
    7: band(15, true),
    8: band(8, false),
  },
  'western-electric': {
    1: beyondLimits,
    2: kOfM(2, 3, 2),
    3: kOfM(4, 5, 1),
    4: sameSide(8),
  },
};

/**
 * A point's distance from the centre line in sigmas. With a zero sigma (a baseline of identical values) a point on
 * the centre line is at 0 and any other point is infinitely far on its side, which is what every zone rule needs.
 */
function zScores(s: Series): number[] {
  return s.value.map((v, i) => {
    const d = v - s.center[i];
    if (s.sigma[i] > 0) return d / s.sigma[i];
    return d === 0 ? 0 : d * Infinity;
  });
}

/** The hits of the selected rules, ordered by the point that completes them, then by rule number. */
export function findViolations(series: Series, selection: RuleSelection): RuleHit[] {
  const problem = checkSelection(selection);
  if (problem) throw new RangeError(problem);
  const z = zScores(series);
  const rules = [...new Set(selection.rules)].sort((a, b) => a - b);
  const hits: RuleHit[] = [];
  for (let i = 0; i < series.value.length; i++) {
    for (const rule of rules) {
      const points = DETECTORS[selection.ruleSet][rule](series, i, z);
      if (points) hits.push({ rule, index: i, points });
    }
  }
  return hits;
}
