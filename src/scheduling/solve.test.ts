import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkSchedule } from './checker.ts';
import { parseFjsp, parseJssp } from './parse.ts';
import { solve } from './solve.ts';
import { solveInWorker } from './worker-runner.ts';
import { runSolveCommand } from './solve-command.ts';
import { ModelError, type Problem, type SolveResult } from './model.ts';
import { TABU_PARAMS } from './jobshop.ts';
import { SCHEDULING_INSTANCES } from '../../test/fixtures/fixtures.ts';

const FT06 = `6 6
2 1 0 3 1 6 3 7 5 3 4 6
1 8 2 5 4 10 5 10 0 10 3 4
2 5 3 4 5 8 0 9 1 1 4 7
1 5 0 5 2 5 3 3 4 8 5 9
2 9 1 3 4 5 5 4 0 3 3 1
1 3 3 3 5 9 0 10 4 4 2 1
`;
// deterministic limits: iterations, with a generous time limit that is never reached in practice
const LIMITS = { timeLimitMs: 20_000 };

function checked(problem: Problem, res: SolveResult): SolveResult {
  const c = checkSchedule(problem, res.schedule);
  expect(c.violations).toEqual([]);
  return res;
}

const one = (machine: number, duration: number) => ({ alternatives: [{ machine, duration }] });

describe('solve: job shop (tabu engine)', () => {
  it('reaches the optimum 55 on ft06', () => {
    const p = parseJssp(FT06);
    const res = checked(p, solve(p, { ...LIMITS, maxIterations: 3000, seed: 1 }));
    expect(res.stats.engine).toBe('tabu');
    expect(res.schedule.makespan).toBe(55);
    expect(res.schedule.operations).toHaveLength(36);
  });

  it('is deterministic per seed', () => {
    const p = parseJssp(readFileSync(path.join(SCHEDULING_INSTANCES, 'la16.txt'), 'utf8'));
    const a = solve(p, { ...LIMITS, maxIterations: 1500, seed: 7 });
    const b = solve(p, { ...LIMITS, maxIterations: 1500, seed: 7 });
    expect(b.schedule).toEqual(a.schedule);
    expect(b.stats.movesEvaluated).toBe(a.stats.movesEvaluated);
    checked(p, a);
  });

  it('keeps incremental heads and tails equal to a full recomputation', () => {
    const p = parseJssp(readFileSync(path.join(SCHEDULING_INSTANCES, 'la21.txt'), 'utf8'));
    TABU_PARAMS.debugVerify = true; // throws on the first mismatch
    try {
      checked(p, solve(p, { ...LIMITS, maxIterations: 3000, seed: 2 }));
    } finally {
      TABU_PARAMS.debugVerify = false;
    }
  });

  it('respects release dates', () => {
    const p: Problem = { machineCount: 2, jobs: [{ operations: [one(0, 3), one(1, 2)], release: 10 }, { operations: [one(1, 4), one(0, 1)] }] };
    const res = checked(p, solve(p, { ...LIMITS, maxIterations: 100 }));
    expect(res.schedule.makespan).toBe(15);
  });

  it('solves a small flexible job shop to its optimum', () => {
    // three jobs, two machines: machine 1 is slow for everything
    const text = '3 2\n2 2 1 3 2 6 1 1 2\n2 2 1 2 2 4 1 2 3\n1 2 1 4 2 4\n';
    const p = parseFjsp(text);
    const res = checked(p, solve(p, { ...LIMITS, maxIterations: 2000 }));
    // lower bound: total min work 3+2+2+3+4 = 14 over 2 machines = 7; job 0 alone is 5
    expect(res.schedule.makespan).toBeLessThanOrEqual(8);
    const mk01 = parseFjsp(readFileSync(path.join(SCHEDULING_INSTANCES, 'mk01.txt'), 'utf8'));
    const r2 = checked(mk01, solve(mk01, { ...LIMITS, maxIterations: 5000, seed: 3 }));
    expect(r2.schedule.makespan).toBeLessThanOrEqual(42);
  });
});

describe('solve: plant features (list engine)', () => {
  it('waits for a break unless the operation may pause', () => {
    const base = (canPause: boolean): Problem => ({
      machineCount: 1,
      jobs: [{ operations: [one(0, 2), { ...one(0, 3), canPause }] }],
      calendars: [{ unavailable: [[3, 5]] }],
    });
    const a = checked(base(false), solve(base(false), { ...LIMITS, maxIterations: 200 }));
    expect(a.stats.engine).toBe('list');
    expect(a.schedule.operations[1]).toMatchObject({ start: 5, end: 8 });
    const b = checked(base(true), solve(base(true), { ...LIMITS, maxIterations: 200 }));
    expect(b.schedule.operations[1]).toMatchObject({ start: 2, end: 7 });
  });

  it('uses working windows', () => {
    const p: Problem = {
      machineCount: 1,
      jobs: [{ operations: [one(0, 4)] }],
      calendars: [
        {
          working: [
            [0, 3],
            [10, 20],
          ],
        },
      ],
    };
    const r = checked(p, solve(p, { ...LIMITS, maxIterations: 50 }));
    expect(r.schedule.operations[0]).toMatchObject({ start: 10, end: 14 });
  });

  it('groups product families to save sequence-dependent setups', () => {
    const p: Problem = {
      machineCount: 1,
      jobs: [
        { operations: [one(0, 1)], family: 0 },
        { operations: [one(0, 1)], family: 1 },
        { operations: [one(0, 1)], family: 0 },
      ],
      setups: {
        global: [
          [0, 10],
          [10, 0],
        ],
      },
    };
    const r = checked(p, solve(p, { ...LIMITS, maxIterations: 300 }));
    expect(r.schedule.makespan).toBe(13);
  });

  it('keeps frozen operations in place and fills the gap before them', () => {
    const p: Problem = {
      machineCount: 1,
      jobs: [{ operations: [{ ...one(0, 3), frozen: { machine: 0, start: 5 } }] }, { operations: [one(0, 4)] }, { operations: [one(0, 2)] }],
    };
    const r = checked(p, solve(p, { ...LIMITS, maxIterations: 300 }));
    expect(r.schedule.operations[0]).toMatchObject({ machine: 0, start: 5, end: 8 });
    expect(r.schedule.makespan).toBe(10);
  });

  it('minimises total weighted tardiness', () => {
    const p: Problem = {
      machineCount: 1,
      jobs: [
        { operations: [one(0, 3)], due: 3, weight: 1 },
        { operations: [one(0, 2)], due: 2, weight: 5 },
        { operations: [one(0, 4)], due: 20, weight: 1 },
      ],
      objective: 'tardiness',
    };
    const r = checked(p, solve(p, { ...LIMITS, maxIterations: 300 }));
    expect(r.schedule.totalWeightedTardiness).toBe(2);
    expect(r.schedule.makespan).toBe(9);
  });

  it('combines objectives lexicographically, with calendars, setups, frozen work and alternatives', () => {
    const p: Problem = {
      machineCount: 2,
      jobs: [
        { operations: [one(0, 5), one(1, 4)], due: 10, weight: 2, family: 0 },
        {
          operations: [
            {
              alternatives: [
                { machine: 0, duration: 3 },
                { machine: 1, duration: 6 },
              ],
            },
            { ...one(1, 2), canPause: true },
          ],
          due: 8,
          family: 1,
        },
        { operations: [{ ...one(0, 2), frozen: { machine: 0, start: 0 } }, one(1, 3)], release: 1, family: 1 },
      ],
      setups: {
        global: [
          [0, 2],
          [3, 0],
        ],
      },
      calendars: [
        { unavailable: [[6, 8]] },
        {
          working: [
            [0, 12],
            [14, 100],
          ],
        },
      ],
      objective: ['tardiness', 'makespan'],
    };
    // hand check: job 0 op 0 cannot start before 2 + setup 3 = 5 and may not run across [6, 8): [8, 13);
    // its second operation may not cross [12, 14): [14, 18). Tardiness 2 × (18 − 10) = 16.
    const r = checked(p, solve(p, { ...LIMITS, maxIterations: 2000 }));
    expect(r.schedule.totalWeightedTardiness).toBe(16);
    expect(r.schedule.makespan).toBe(18);
  });

  it('handles a precedence DAG inside a job', () => {
    const p: Problem = {
      machineCount: 3,
      jobs: [{ operations: [one(0, 3), { ...one(1, 5), predecessors: [] }, { ...one(2, 2), predecessors: [0, 1] }] }, { operations: [one(1, 2), one(0, 2)] }],
      calendars: [null, null, { unavailable: [[0, 1]] }],
    };
    const r = checked(p, solve(p, { ...LIMITS, maxIterations: 500 }));
    expect(r.schedule.makespan).toBe(9);
  });

  it('rejects a frozen operation whose predecessor is not frozen', () => {
    const p: Problem = { machineCount: 1, jobs: [{ operations: [one(0, 1), { ...one(0, 1), frozen: { machine: 0, start: 3 } }] }] };
    expect(() => solve(p, LIMITS)).toThrow(ModelError);
  });
});

describe('solveInWorker', () => {
  it('solves in a worker thread and reports progress', async () => {
    const p = parseJssp(FT06);
    const seen: number[] = [];
    const res = await solveInWorker(p, { ...LIMITS, maxIterations: 3000, seed: 1, onImprove: (i) => seen.push(i.makespan) });
    expect(res.schedule.makespan).toBe(55);
    expect(seen.length).toBeGreaterThan(0);
    expect(checkSchedule(p, res.schedule).ok).toBe(true);
  });

  it('rejects with a ModelError for a bad problem', async () => {
    const p: Problem = { machineCount: 1, jobs: [{ operations: [one(3, 1)] }] };
    await expect(solveInWorker(p, LIMITS)).rejects.toThrow(/out of range/);
  });
});

describe('runSolveCommand', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'takt-solve-'));
  const run = async (text: string, format = 'jssp') => {
    const file = path.join(dir, `in-${Math.random().toString(36).slice(2)}.txt`);
    writeFileSync(file, text);
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      const code = await runSolveCommand({ file, format, timeLimit: '30', seed: '1' });
      return { code, out, err };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  };

  it('prints one JSON object with machines numbered as in the file', async () => {
    const r = await run('2 2\n1 1 1 2\n1 1 1 1\n', 'fjsp');
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.out);
    expect(Object.keys(obj)).toEqual(['makespan', 'operations']);
    expect(obj.operations.every((o: { machine: number }) => o.machine === 1)).toBe(true);
    expect(obj.makespan).toBe(3);
  });

  it('exits with 2 and names the line on bad input', async () => {
    const r = await run('2 2\n0 3 1 2\n1 4 7 1\n');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/line 3: job 1, operation 1: machine 7 out of range/);
    expect((await run('1 1\n0 1\n', 'xml')).code).toBe(2);
  });
});
