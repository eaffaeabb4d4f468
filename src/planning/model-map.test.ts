import { describe, expect, it } from 'vitest';
import { checkSchedule, solve } from '../scheduling/index.ts';
import {
  buildModel,
  expandCandidates,
  machineCalendar,
  priorityWeight,
  remainingS,
  type PlanMachine,
  type PlanOrder,
  type PlantCalendar,
} from './model-map.ts';

const H = 3600;
// Monday 23 November 2026, 00:00 UTC
const NOW = Date.UTC(2026, 10, 23);
const dayShift: PlantCalendar = {
  timezone: 'UTC',
  holidays: [],
  plannedDowntime: [],
  shifts: [{ name: 'Day', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5], breaks: [{ name: 'Break', start: '09:00', end: '09:15' }] }],
};
const M = ['plant/cell1/m1', 'plant/cell1/m2', 'plant/line/st10'];
const machines: PlanMachine[] = M.map((path) => ({ path, name: path, calendar: null }));

const op = (seq: number, candidates: string[], runTimeS: number, extra: Partial<PlanOrder['operations'][number]> = {}) => ({
  seq,
  name: `op ${seq}`,
  candidates,
  runTimeS,
  setupTimeS: 600,
  status: 'released',
  phase: null,
  equipment: null,
  startedAt: null,
  ...extra,
});

describe('orders → engine model', () => {
  it('a work centre candidate stands for the machines below it', () => {
    expect(expandCandidates(['plant/cell1'], M)).toEqual(['plant/cell1/m1', 'plant/cell1/m2']);
    expect(expandCandidates(['plant/line/st10', 'plant/cell1/m2'], M)).toEqual(['plant/cell1/m2', 'plant/line/st10']);
    expect(expandCandidates(['plant/cell'], M)).toEqual([]); // a prefix of a name is not a parent
  });

  it('a lower priority number weighs more', () => {
    expect(priorityWeight(1)).toBeGreaterThan(priorityWeight(10));
    expect(priorityWeight(10)).toBeGreaterThan(priorityWeight(100));
    expect(priorityWeight(1_000_000)).toBe(1);
  });

  it('shift calendars become working windows in seconds from the horizon start, breaks and downtime cut out', () => {
    const cal = machineCalendar({ path: 'plant/cell1/m1', name: 'm1', calendar: dayShift }, NOW, 2 * 24 * H * 1000)!;
    expect(cal.working).toEqual([
      [6 * H, 9 * H],
      [9.25 * H, 14 * H],
      [30 * H, 33 * H],
      [33.25 * H, 38 * H],
    ]);
    const withDown: PlantCalendar = {
      ...dayShift,
      plannedDowntime: [{ from: '2026-11-23T10:00:00Z', to: '2026-11-23T11:00:00Z', reason: 'service', equipmentPath: 'plant/cell1' }],
    };
    expect(machineCalendar({ path: 'plant/cell1/m1', name: 'm1', calendar: withDown }, NOW, 24 * H * 1000)!.unavailable).toEqual([[10 * H, 11 * H]]);
    expect(machineCalendar({ path: 'plant/line/st10', name: 'st10', calendar: withDown }, NOW, 24 * H * 1000)!.unavailable).toBeUndefined();
    // a machine that is down is unavailable until its estimated repair; without a calendar that is all
    expect(machineCalendar({ path: 'x', name: 'x', calendar: null, downUntil: NOW + 2 * H * 1000 }, NOW, 24 * H * 1000)).toEqual({ unavailable: [[0, 2 * H]] });
    expect(machineCalendar({ path: 'x', name: 'x', calendar: null }, NOW, 24 * H * 1000)).toBeNull();
  });

  it('each order a job: chain of remaining operations, eligible machines, release, due, weight, family setups', () => {
    const orders: PlanOrder[] = [
      {
        id: 'A',
        productId: 'P1',
        family: 'red',
        priority: 1,
        dueAt: NOW + 10 * H * 1000,
        startAfter: NOW + H * 1000,
        operations: [op(10, ['plant/cell1'], 1800.4), op(20, ['plant/line/st10'], 900)],
      },
      {
        id: 'B',
        productId: 'P2',
        family: 'black',
        priority: 100,
        dueAt: null,
        startAfter: NOW - H * 1000,
        operations: [op(10, ['plant/cell1/m2'], 1200, { status: 'completed' }), op(20, ['plant/cell1/m2'], 300)],
      },
      { id: 'C', productId: 'P3', family: 'red', priority: 100, dueAt: null, startAfter: null, operations: [op(10, ['plant/elsewhere'], 60)] },
    ];
    const { problem, index, skipped } = buildModel({ now: NOW, horizonMs: 7 * 24 * H * 1000, machines, orders, objective: 'makespan' });
    expect(index.orders).toEqual(['A', 'B']);
    expect(index.seqs).toEqual([[10, 20], [20]]);
    expect(skipped).toEqual([{ orderId: 'C', reason: expect.stringContaining('no machine') }]);
    const [a, b] = problem.jobs;
    expect(a).toMatchObject({ name: 'A', release: H, due: 10 * H, weight: priorityWeight(1), family: 0 });
    expect(a.operations[0]).toMatchObject({
      alternatives: [
        { machine: 0, duration: 1800 },
        { machine: 1, duration: 1800 },
      ],
      predecessors: [],
      canPause: true,
    });
    expect(a.operations[1]).toMatchObject({ alternatives: [{ machine: 2, duration: 900 }], predecessors: [0] });
    expect(b).toMatchObject({ release: 0, family: 1 });
    expect(b.due).toBeUndefined();
    expect(b.operations).toHaveLength(1); // the completed operation is gone
    // changeover into a family = its routing setup on that machine; none within a family
    expect(problem.setups!.perMachine![1]).toEqual([
      [0, 600],
      [600, 0],
    ]);
    const solved = solve(problem, { maxIterations: 200 });
    expect(checkSchedule(problem, solved.schedule).ok).toBe(true);
  });

  it('an operation in progress is frozen on its machine, from the first working moment, for its remaining time', () => {
    const started = NOW - 2 * H * 1000; // started two hours ago (Sunday night), 3 h of work in total
    const running = op(10, ['plant/cell1'], 3 * H - 600, { status: 'running', phase: 'running', equipment: 'plant/cell1/m2', startedAt: started });
    expect(remainingS(running, NOW)).toBe(H);
    const orders: PlanOrder[] = [
      {
        id: 'R',
        productId: 'P',
        family: 'f',
        priority: 100,
        dueAt: null,
        startAfter: null,
        operations: [running, op(20, ['plant/line/st10'], 600, { status: 'running' })],
      },
    ];
    const withCal = machines.map((m) => ({ ...m, calendar: dayShift }));
    const { problem, index } = buildModel({ now: NOW, horizonMs: 7 * 24 * H * 1000, machines: withCal, orders, objective: 'makespan' });
    expect(index.running).toEqual([[true, false]]);
    expect(problem.jobs[0].operations[0]).toMatchObject({
      alternatives: [{ machine: 1, duration: H }],
      predecessors: [],
      frozen: { machine: 1, start: 6 * H },
    });
    expect(problem.jobs[0].operations[1].frozen).toBeUndefined();
    const solved = solve(problem, { maxIterations: 100 });
    expect(checkSchedule(problem, solved.schedule).violations).toEqual([]);
    expect(solved.schedule.operations[1].start).toBeGreaterThanOrEqual(7 * H);
  });

  it('an operation running on a machine the plan does not know leaves its order out, with the reason', () => {
    const orders: PlanOrder[] = [
      {
        id: 'X',
        productId: 'P',
        family: 'f',
        priority: 1,
        dueAt: null,
        startAfter: null,
        operations: [op(10, ['plant/cell1'], 60, { status: 'running', phase: 'setup', equipment: 'gone/m9', startedAt: NOW })],
      },
    ];
    expect(buildModel({ now: NOW, horizonMs: 24 * H * 1000, machines, orders, objective: 'makespan' }).skipped[0].reason).toContain('gone/m9');
  });
});
