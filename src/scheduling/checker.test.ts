import { describe, expect, it } from 'vitest';
import { checkSchedule } from './checker.ts';
import type { Problem, Schedule, ScheduledOperation } from './model.ts';

// Two machines, two jobs; family setups on machine 0; a break on machine 1; one frozen operation.
const problem: Problem = {
  machineCount: 2,
  jobs: [
    {
      operations: [{ alternatives: [{ machine: 0, duration: 3 }], frozen: { machine: 0, start: 0 } }, { alternatives: [{ machine: 1, duration: 2 }] }],
      family: 0,
    },
    {
      operations: [
        {
          alternatives: [
            { machine: 0, duration: 2 },
            { machine: 1, duration: 5 },
          ],
        },
        { alternatives: [{ machine: 1, duration: 4 }], canPause: true },
      ],
      family: 1,
      release: 1,
    },
  ],
  setups: {
    perMachine: [
      [
        [0, 2],
        [2, 0],
      ],
      null,
    ],
  },
  calendars: [null, { unavailable: [[8, 10]] }],
};

// valid: m0: J0O0 [0,3), setup 2, J1O0 [5,7); m1: J0O1 [3,5), J1O1 [7,8)+break+[10,13) → [7,13)
function valid(): ScheduledOperation[] {
  return [
    { job: 0, op: 0, machine: 0, start: 0, end: 3 },
    { job: 0, op: 1, machine: 1, start: 3, end: 5 },
    { job: 1, op: 0, machine: 0, start: 5, end: 7 },
    { job: 1, op: 1, machine: 1, start: 7, end: 13 },
  ];
}
const sched = (ops: ScheduledOperation[], makespan = 13): Schedule => ({ makespan, totalWeightedTardiness: 0, operations: ops });
const kinds = (ops: ScheduledOperation[], makespan?: number) => checkSchedule(problem, sched(ops, makespan)).violations.map((v) => v.kind);

describe('checkSchedule', () => {
  it('accepts a valid schedule', () => {
    const r = checkSchedule(problem, sched(valid()));
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.makespan).toBe(13);
  });

  it('catches a missing and a duplicated operation', () => {
    expect(kinds(valid().slice(0, 3))).toContain('missing');
    expect(kinds([...valid(), { job: 0, op: 1, machine: 1, start: 3, end: 5 }])).toContain('duplicate');
    expect(kinds([...valid(), { job: 5, op: 0, machine: 1, start: 3, end: 5 }])).toContain('unknown-operation');
  });

  it('catches an ineligible machine and a wrong duration', () => {
    const a = valid();
    a[1] = { ...a[1], machine: 0, start: 20, end: 22 };
    expect(kinds(a, 22)).toContain('machine');
    const b = valid();
    b[2] = { ...b[2], end: 6 };
    expect(kinds(b)).toContain('duration');
  });

  it('catches a precedence violation and a release violation', () => {
    const a = valid();
    a[1] = { ...a[1], start: 2, end: 4 };
    expect(kinds(a)).toContain('precedence');
    const b = valid();
    b[2] = { ...b[2], machine: 1, start: 0, end: 5 };
    b[0] = { ...b[0] };
    expect(kinds(b)).toContain('release');
  });

  it('catches overlap and a missing setup', () => {
    const a = valid();
    a[2] = { ...a[2], start: 2, end: 4 };
    expect(kinds(a)).toContain('overlap');
    const b = valid();
    b[2] = { ...b[2], start: 4, end: 6 }; // needs setup 2 after the family-0 op ending at 3
    expect(kinds(b)).toContain('setup');
  });

  it('catches calendar violations (no pause allowed, start inside a break)', () => {
    // job 0 op 1 may not pause: [7, 11) crosses the break [8, 10)
    const a = valid();
    a[1] = { ...a[1], start: 7, end: 11 };
    a[3] = { ...a[3], start: 11, end: 15 };
    expect(kinds(a, 15)).toContain('calendar');
    // job 1 op 1 may pause but must not start inside the break
    const b = valid();
    b[3] = { ...b[3], start: 9, end: 14 };
    expect(kinds(b, 14)).toContain('calendar');
  });

  it('catches a moved frozen operation and a wrong makespan', () => {
    const a = valid();
    a[0] = { ...a[0], start: 1, end: 4 };
    expect(kinds(a)).toContain('frozen');
    expect(kinds(valid(), 12)).toContain('makespan');
  });
});
