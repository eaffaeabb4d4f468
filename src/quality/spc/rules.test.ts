import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateChart, SpcInputError, type ControlLimits } from './charts.ts';
import { findViolations, NELSON_RULES, WESTERN_ELECTRIC_RULES, type RuleSelection, type RuleSet } from './rules.ts';

// Frozen individuals limits with centre 0 and σ 1, so a value is its own z-score and the zones are at ±1, ±2, ±3.
const UNIT: ControlLimits = { chart: 'i-mr', center: 0, sigma: 1, spreadBar: 1.128, subgroupSize: 1, baseline: { from: 'a', to: 'b', points: 2, values: 2 } };

function hits(ruleSet: RuleSet, rule: number, values: number[]) {
  const data = values.map((value, i) => ({ ts: `t${i}`, value }));
  return evaluateChart({ chart: 'i-mr' }, data, UNIT, { ruleSet, rules: [rule] }).violations.filter((v) => v.chart === 'primary');
}
const at = (ruleSet: RuleSet, rule: number, values: number[]) => hits(ruleSet, rule, values).map((v) => v.index);
const rep = (v: number, n: number) => Array<number>(n).fill(v);
const alt = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? b : a));

interface Case {
  rule: number;
  fires: number[];
  /** Index of the point completing the pattern, and the points of the pattern. */
  index: number;
  points: number[];
  nearMisses: number[][];
}

const SHARED = {
  beyond3: {
    fires: [0, 0.2, 3.01],
    index: 2,
    points: [2],
    nearMisses: [
      [0, 3, -3],
      [2.99, -2.99],
    ],
  },
  twoOfThree: {
    fires: [0, 2.5, 0.3, 2.1],
    index: 3,
    points: [1, 3],
    nearMisses: [
      [2.5, 0, 0, 2.5],
      [2.5, 0.3, -2.5],
      [0, 2, 2, 0],
      [1.9, 2.5, 1.9],
    ],
  },
  fourOfFive: {
    fires: [0, 1.5, 1.2, -0.3, 1.1, 2.5],
    index: 5,
    points: [1, 2, 4, 5],
    nearMisses: [
      [1.5, 1.5, 0, 0, 1.5, 1.5],
      [1.5, 1.5, -1.5, 1.5, 0.5],
      [1, 1, 1, 1, 1],
    ],
  },
};

const NELSON: Case[] = [
  { rule: 1, ...SHARED.beyond3 },
  {
    rule: 2,
    fires: [-0.1, ...rep(0.4, 9)],
    index: 9,
    points: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    nearMisses: [rep(0.4, 8), [...rep(0.4, 4), 0, ...rep(0.4, 4)], [...rep(-0.4, 8), 0.4]],
  },
  {
    rule: 3,
    fires: [0.5, -0.5, -0.4, -0.2, 0, 0.3, 1.2],
    index: 6,
    points: [1, 2, 3, 4, 5, 6],
    nearMisses: [
      [-0.5, -0.4, -0.2, 0, 0.3],
      [-0.5, -0.4, -0.2, -0.2, 0.3, 1.2],
      [1, 0.9, 0.8, 0.7, 0.8, 0.6],
    ],
  },
  {
    rule: 4,
    fires: alt(0.5, -0.5, 14),
    index: 13,
    points: [...Array(14).keys()],
    nearMisses: [alt(0.5, -0.5, 13), [...alt(0.5, -0.5, 7), 0.5, ...alt(-0.5, 0.5, 6)], [...alt(0.5, -0.5, 6), 0.6, 0.7, ...alt(-0.5, 0.5, 6)]],
  },
  { rule: 5, ...SHARED.twoOfThree },
  { rule: 6, ...SHARED.fourOfFive },
  {
    rule: 7,
    fires: [2, ...alt(0.9, -0.9, 15)],
    index: 15,
    points: [...Array(15).keys()].map((k) => k + 1),
    nearMisses: [alt(0.9, -0.9, 14), [...alt(0.9, -0.9, 7), 1, ...alt(0.9, -0.9, 7)]],
  },
  {
    rule: 8,
    fires: [0, ...alt(1.1, -1.5, 8)],
    index: 8,
    points: [1, 2, 3, 4, 5, 6, 7, 8],
    nearMisses: [alt(1.1, -1.5, 7), [...alt(1.1, -1.5, 4), 1, ...alt(1.1, -1.5, 3)], [...alt(2, -2, 4), 0.2, ...alt(2, -2, 4)]],
  },
];

const WESTERN_ELECTRIC: Case[] = [
  { rule: 1, ...SHARED.beyond3 },
  { rule: 2, ...SHARED.twoOfThree },
  { rule: 3, ...SHARED.fourOfFive },
  {
    rule: 4,
    fires: [0.1, ...rep(-0.3, 8)],
    index: 8,
    points: [1, 2, 3, 4, 5, 6, 7, 8],
    nearMisses: [rep(-0.3, 7), [...rep(-0.3, 4), 0, ...rep(-0.3, 4)], [...rep(-0.3, 7), 0.3]],
  },
];

describe.each([
  ['nelson', NELSON],
  ['western-electric', WESTERN_ELECTRIC],
] as const)('%s rules', (ruleSet, cases) => {
  it('covers every rule of the set', () => {
    expect(cases.map((c) => c.rule)).toEqual([...(ruleSet === 'nelson' ? NELSON_RULES : WESTERN_ELECTRIC_RULES)]);
  });
  describe.each(cases)('rule $rule', (c) => {
    it('fires at the point that completes the pattern and names the points of the pattern', () => {
      const found = hits(ruleSet, c.rule, c.fires);
      expect(found[0]).toEqual({ rule: c.rule, ruleSet, chart: 'primary', index: c.index, ts: `t${c.index}`, points: c.points });
      expect(found.map((v) => v.index)).toEqual([c.index]);
    });
    it('fires on the mirror image too', () => {
      if (c.rule === 4 && ruleSet === 'nelson')
        expect(
          at(
            ruleSet,
            c.rule,
            c.fires.map((v) => -v),
          ),
        ).toEqual([c.index]);
      else
        expect(
          at(
            ruleSet,
            c.rule,
            c.fires.map((v) => -v),
          ),
        ).toContain(c.index);
    });
    it.each(c.nearMisses.map((m, i) => [i, m] as const))('does not fire on near miss %i', (_i, values) => {
      expect(at(ruleSet, c.rule, values)).toEqual([]);
    });
  });
});

describe('run rules', () => {
  it('fire again at every further point that still completes the pattern', () => {
    expect(at('nelson', 2, rep(0.4, 11))).toEqual([8, 9, 10]);
    expect(at('western-electric', 4, rep(0.4, 9))).toEqual([7, 8]);
  });

  it('count "2 of 3" and "4 of 5" from the first points of a chart', () => {
    expect(at('nelson', 5, [2.5, 2.5])).toEqual([1]);
    expect(at('nelson', 6, [1.5, 1.5, 1.5, 1.5])).toEqual([3]);
  });

  it("measure zones in each point's own sigma on a p chart with varying n", () => {
    const limits: ControlLimits = {
      chart: 'p',
      center: 0.1,
      sigma: null,
      spreadBar: null,
      subgroupSize: null,
      baseline: { from: 'a', to: 'b', points: 1, values: 1 },
    };
    // p = 0.16 is beyond 2σ for n = 400 (σ = 0.015) but within 1σ for n = 25 (σ = 0.06)
    const big = { defectives: 64, n: 400 };
    const small = { defectives: 4, n: 25 };
    const r = (rows: { defectives: number; n: number }[]) =>
      evaluateChart(
        { chart: 'p' },
        rows.map((x, i) => ({ ts: `t${i}`, ...x })),
        limits,
        { ruleSet: 'nelson', rules: [5] },
      ).violations.map((v) => v.index);
    expect(r([big, small, big])).toEqual([2]);
    expect(r([small, small, big])).toEqual([]);
  });

  it('treat a zero sigma as: on the centre line is inside every zone, anywhere else is beyond them all', () => {
    const flat: ControlLimits = { ...UNIT, center: 5, sigma: 0, spreadBar: 0 };
    const data = [...rep(5, 15), 5.001].map((value, i) => ({ ts: `t${i}`, value }));
    const v = evaluateChart({ chart: 'i-mr' }, data, flat, { ruleSet: 'nelson', rules: [1, 7] }).violations;
    // the moving range of 0.001 is beyond the MR chart's zero limit as well
    expect(v.map((x) => [x.rule, x.index, x.chart])).toEqual([
      [7, 14, 'primary'],
      [1, 15, 'primary'],
      [1, 15, 'secondary'],
    ]);
  });

  it('refuse an unknown rule set or rule number with a clear error', () => {
    const bad = (sel: RuleSelection) => () => evaluateChart({ chart: 'i-mr' }, [], UNIT, sel);
    expect(bad({ ruleSet: 'western-electric', rules: [5] })).toThrow(SpcInputError);
    expect(bad({ ruleSet: 'western-electric', rules: [5] })).toThrow(/western-electric has rules 1, 2, 3, 4; not 5/);
    expect(bad({ ruleSet: 'nelson', rules: [0, 9] })).toThrow(/not 0, 9/);
    expect(bad({ ruleSet: 'shewhart' as RuleSet, rules: [1] })).toThrow(/unknown rule set/);
  });
});

// An independent statement of each rule over a string of zone letters, read with regular expressions: a point is
// A/B/C (beyond 2σ, 1σ, 0 above), a/b/c below, 0 on the line; U/D/= for each step up, down or level.
function zone(z: number): string {
  if (z === 0) return '0';
  const letter = Math.abs(z) > 2 ? 'a' : Math.abs(z) > 1 ? 'b' : 'c';
  return z > 0 ? letter.toUpperCase() : letter;
}
function oracle(ruleSet: RuleSet, rule: number, z: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const zs = z
      .slice(0, i + 1)
      .map(zone)
      .join('');
    const steps = z
      .slice(1, i + 1)
      .map((v, k) => (v > z[k] ? 'U' : v < z[k] ? 'D' : '='))
      .join('');
    const tail = (n: number) => zs.slice(-n);
    const countIn = (s: string, cls: RegExp) => [...s].filter((ch) => cls.test(ch)).length;
    const key = `${ruleSet}:${rule}`;
    let fires = false;
    if (key === 'nelson:1' || key === 'western-electric:1') fires = Math.abs(z[i]) > 3;
    else if (key === 'nelson:2') fires = /^[ABC]{9}$|^[abc]{9}$/.test(tail(9));
    else if (key === 'western-electric:4') fires = /^[ABC]{8}$|^[abc]{8}$/.test(tail(8));
    else if (key === 'nelson:3') fires = /^(U{5}|D{5})$/.test(steps.slice(-5));
    else if (key === 'nelson:4') fires = steps.length >= 13 && /^(UD)*U?$|^(DU)*D?$/.test(steps.slice(-13));
    else if (key === 'nelson:5' || key === 'western-electric:2')
      fires = (/A/.test(zs[i]) && countIn(tail(3), /A/) >= 2) || (/a/.test(zs[i]) && countIn(tail(3), /a/) >= 2);
    else if (key === 'nelson:6' || key === 'western-electric:3')
      fires = (/[AB]/.test(zs[i]) && countIn(tail(5), /[AB]/) >= 4) || (/[ab]/.test(zs[i]) && countIn(tail(5), /[ab]/) >= 4);
    // C holds exactly ±1σ too, and "within 1σ" is strict
    else if (key === 'nelson:7') fires = /^[cC0]{15}$/.test(tail(15)) && z.slice(i - 14, i + 1).every((v) => Math.abs(v) < 1);
    else if (key === 'nelson:8') fires = /^[aAbB]{8}$/.test(tail(8));
    if (fires) out.push(i);
  }
  return out;
}

describe('run rules agree with an independent statement of each rule on random sequences', () => {
  // values on and around every zone boundary, with repeats so ties and centre-line points occur
  const value = fc.constantFrom(-3.5, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5);
  const all: [RuleSet, number][] = [
    ...NELSON_RULES.map((r) => ['nelson', r] as [RuleSet, number]),
    ...WESTERN_ELECTRIC_RULES.map((r) => ['western-electric', r] as [RuleSet, number]),
  ];
  it.each(all)('%s rule %i', (ruleSet, rule) => {
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.constantFrom(0.5, -0.5)), { maxLength: 40 }), (z) => {
        const series = { value: z, center: z.map(() => 0), ucl: z.map(() => 3), lcl: z.map(() => -3), sigma: z.map(() => 1) };
        expect(findViolations(series, { ruleSet, rules: [rule] }).map((h) => h.index)).toEqual(oracle(ruleSet, rule, z));
      }),
      { numRuns: 400 },
    );
  });
});
