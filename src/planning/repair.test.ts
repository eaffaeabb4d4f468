import { describe, expect, it } from 'vitest';
import { checkSchedule, solve, type Problem } from '../scheduling/index.ts';
import { RepairRefused, stableRepair, type Placement } from './repair.ts';
import { diffAssignments, riskOf, type Assignment } from './result.ts';

// Two machines, three jobs of two operations each (op 0 on either machine, op 1 on machine 1), no setups.
const problem = (): Problem => ({
  machineCount: 2,
  machineNames: ['m0', 'm1'],
  jobs: [0, 1, 2].map((j) => ({
    name: `J${j}`,
    operations: [
      {
        alternatives: [
          { machine: 0, duration: 10 },
          { machine: 1, duration: 10 },
        ],
      },
      { alternatives: [{ machine: 1, duration: 5 }] },
    ],
  })),
  calendars: [null, { unavailable: [[100, 120]] }],
  objective: 'makespan',
});

// the previous plan: J0 and J1 first operations on m0, J2's on m1; second operations on m1 after
const base: Placement[] = [
  { job: 0, op: 0, machine: 0, start: 0 },
  { job: 1, op: 0, machine: 0, start: 10 },
  { job: 2, op: 0, machine: 1, start: 0 },
  { job: 0, op: 1, machine: 1, start: 10 },
  { job: 1, op: 1, machine: 1, start: 20 },
  { job: 2, op: 1, machine: 1, start: 25 },
];

const frozenOf = (p: Problem) =>
  p.jobs.flatMap((job, j) => job.operations.map((op, k) => (op.frozen ? `${j}:${k}@${op.frozen.machine}:${op.frozen.start}` : null))).filter(Boolean);

describe('stable repair', () => {
  it('keeps a feasible previous plan entirely', () => {
    const r = stableRepair({ problem: problem(), base });
    expect(r).toMatchObject({ kept: 6, replanned: 0 });
  });

  it('a pinned move frees only what it collides with and what follows in those jobs', () => {
    // J2 op 0 pinned on m0 at 10: collides with J1 op 0 there → J1 op 0 and its successor are planned again
    const pinned = { job: 2, op: 0, machine: 0, start: 10 };
    const r = stableRepair({ problem: problem(), base, pinned });
    expect(frozenOf(r.problem).sort()).toEqual(['0:0@0:0', '0:1@1:10', '2:0@0:10', '2:1@1:25'].sort());
    expect(r).toMatchObject({ kept: 3, replanned: 2 });
    const solved = solve(r.problem, { maxIterations: 300 });
    expect(checkSchedule(r.problem, solved.schedule).violations).toEqual([]);
    const placed = (j: number, k: number) => solved.schedule.operations.find((o) => o.job === j && o.op === k)!;
    expect(placed(2, 0)).toMatchObject({ machine: 0, start: 10 });
    expect(placed(0, 1)).toMatchObject({ machine: 1, start: 10 });
  });

  it('operations in unavailable time (a machine down) or released on purpose are planned again', () => {
    const p = problem();
    p.calendars![1] = { unavailable: [[0, 22]] };
    const r = stableRepair({ problem: p, base });
    // on m1 before 22: J2 op 0 (and its successor), J0 op 1; J1 op 1 at 20 as well
    expect(frozenOf(r.problem).sort()).toEqual(['0:0@0:0', '1:0@0:10']);
    const solved = solve(r.problem, { maxIterations: 300 });
    expect(checkSchedule(r.problem, solved.schedule).violations).toEqual([]);
    for (const o of solved.schedule.operations.filter((x) => x.machine === 1)) expect(o.start).toBeGreaterThanOrEqual(22);
    expect(stableRepair({ problem: problem(), base, release: new Set(['1:0']) }).kept).toBe(4);
  });

  it('work that should have started already stays on its machine from the next working moment', () => {
    // the plan was made 4 units ago: everything is 4 earlier in the new frame; m1 is closed [100, 120)
    const late = base.map((b) => ({ ...b, start: b.start - 4 }));
    const r = stableRepair({ problem: problem(), base: late });
    // J0 op 0 (m0) and J2 op 0 (m1) start now instead of at -4, so J1 op 0 (m0 at 6) and J0 op 1 (m1 at 6) collide
    // with them and are planned again, with J1's successor; J2 op 1 keeps its place
    expect(frozenOf(r.problem).sort()).toEqual(['0:0@0:0', '2:0@1:0', '2:1@1:21']);
    const solved = solve(r.problem, { maxIterations: 300 });
    expect(checkSchedule(r.problem, solved.schedule).violations).toEqual([]);
    for (const o of solved.schedule.operations) expect(o.start).toBeGreaterThanOrEqual(0);
  });

  it('refuses a pin before its predecessor ends, in a break, or onto running work', () => {
    expect(() => stableRepair({ problem: problem(), base, pinned: { job: 0, op: 1, machine: 1, start: 5 } })).toThrow(RepairRefused);
    expect(() => stableRepair({ problem: problem(), base, pinned: { job: 0, op: 1, machine: 1, start: 100 } })).toThrow(/not working/);
    const p = problem();
    p.jobs[1].operations[0].frozen = { machine: 0, start: 0 };
    expect(() => stableRepair({ problem: p, base, pinned: { job: 1, op: 0, machine: 1, start: 40 } })).toThrow(/running/);
    expect(() => stableRepair({ problem: p, base, pinned: { job: 0, op: 0, machine: 0, start: 5 } })).toThrow(/overlap/);
  });
});

describe('schedule description', () => {
  it('due-date risk: late, at risk within the slack margin, on time', () => {
    expect(riskOf(100, undefined, 10)).toBe('on-time');
    expect(riskOf(5000, 4000, 100)).toBe('late');
    expect(riskOf(4000, 6000, 100)).toBe('at-risk'); // less than an hour of slack
    expect(riskOf(4000, 20_000, 100)).toBe('on-time');
    expect(riskOf(4000, 20_000, 80_000)).toBe('at-risk'); // slack below a quarter of the work
  });

  it('the diff names operations that changed machine or moved a minute or more', () => {
    const a = (orderId: string, machine: string, start: string): Assignment => ({
      orderId,
      seq: 10,
      machine,
      start,
      end: start,
      setupS: 0,
      running: false,
      risk: 'on-time',
      eligible: [machine],
    });
    const published = [
      a('A', 'm1', '2026-01-01T06:00:00Z'),
      a('B', 'm1', '2026-01-01T07:00:00Z'),
      a('C', 'm2', '2026-01-01T06:00:00Z'),
      a('D', 'm2', '2026-01-01T08:00:00Z'),
    ];
    const current = [
      a('A', 'm1', '2026-01-01T06:00:30Z'),
      a('B', 'm2', '2026-01-01T07:00:00Z'),
      a('C', 'm2', '2026-01-01T06:05:00Z'),
      a('E', 'm1', '2026-01-01T09:00:00Z'),
    ];
    const d = diffAssignments(current, published);
    expect(d.moved.map((m) => m.orderId)).toEqual(['B', 'C']);
    expect(d).toMatchObject({ added: 1, removed: 1, unchanged: 1 });
  });
});
