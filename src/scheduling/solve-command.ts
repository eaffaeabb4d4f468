// `takt solve FILE --format jssp|fjsp --time-limit SECONDS [--seed N]`: solves a benchmark file and prints
// one JSON object {"makespan", "operations": [{job, op, machine, start, end}]} on stdout, machines numbered
// as in the file. Progress goes to stderr. Bad input: a message naming the line, exit code 2.
import { readFileSync } from 'node:fs';
import { ParseError, parseBenchmark, type BenchFormat } from './parse.ts';
import { solve } from './solve.ts';
import { checkSchedule } from './checker.ts';
import { ModelError } from './model.ts';

export interface SolveCommandOptions {
  file: string;
  format: string;
  timeLimit: string;
  seed: string;
}

/** Safety margin kept free for output, so the process finishes within the time limit. */
const MARGIN_MS = 150;

export async function runSolveCommand(opts: SolveCommandOptions): Promise<number> {
  const fail = (msg: string): number => {
    process.stderr.write(`takt solve: ${msg}\n`);
    return 2;
  };
  const format = String(opts.format ?? '').toLowerCase();
  if (format !== 'jssp' && format !== 'fjsp') return fail(`--format must be jssp or fjsp, got "${opts.format}"`);
  const tl = Number(opts.timeLimit);
  if (!Number.isFinite(tl) || tl <= 0) return fail(`--time-limit must be a positive number of seconds, got "${opts.timeLimit}"`);
  const seedText = String(opts.seed ?? '1');
  if (!/^-?\d+$/.test(seedText)) return fail(`--seed must be an integer, got "${opts.seed}"`);
  const seed = Number(seedText);
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (err) {
    return fail(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let problem;
  try {
    problem = parseBenchmark(text, format as BenchFormat, opts.file);
  } catch (err) {
    if (err instanceof ParseError) return fail(`${opts.file}: ${err.message}`);
    return fail(`${opts.file}: ${(err as Error).message}`);
  }
  // performance.now() counts from process start, so start-up time (loading the TypeScript) is included
  const budget = Math.max(10, tl * 1000 - performance.now() - MARGIN_MS);
  const nOps = problem.jobs.reduce((s, j) => s + j.operations.length, 0);
  process.stderr.write(
    `takt solve: ${opts.file}: ${problem.jobs.length} jobs, ${problem.machineCount} machines, ${nOps} operations; time limit ${tl} s, seed ${seed}\n`,
  );
  let result;
  try {
    result = solve(problem, {
      timeLimitMs: budget,
      seed,
      onImprove: (i) => process.stderr.write(`  ${(i.elapsedMs / 1000).toFixed(3)} s  makespan ${i.makespan}  (${i.phase}, iteration ${i.iteration})\n`),
    });
  } catch (err) {
    if (err instanceof ModelError) return fail(`${opts.file}: ${err.message}`);
    throw err;
  }
  const { schedule, stats } = result;
  const check = checkSchedule(problem, schedule);
  if (!check.ok) {
    process.stderr.write(`takt solve: internal error, infeasible schedule: ${check.violations[0].message}\n`);
    return 1;
  }
  const base = problem.machineBase ?? 0;
  const out = {
    makespan: schedule.makespan,
    operations: schedule.operations.map((o) => ({ job: o.job, op: o.op, machine: o.machine + base, start: o.start, end: o.end })),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  const secs = (stats.searchMs / 1000).toFixed(2);
  process.stderr.write(
    `takt solve: makespan ${schedule.makespan} (construction ${stats.initialObjective}); ${stats.iterations} iterations, ` +
      `${stats.movesEvaluated} moves evaluated in ${secs} s, ${stats.restarts} restarts; process time ${(performance.now() / 1000).toFixed(2)} s\n`,
  );
  return 0;
}
