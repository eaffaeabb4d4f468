// Scheduling benchmark: runs the solver on public job-shop instances and reports the gap to the best
// known makespans, each schedule verified by the independent checker.
//
//   npx tsx bench/schedule.ts --set ta01-50|la01-40|mk01-10|ft06,ft10 --time-limit 10 [--seed 1]
//
// Instances come from ../shared/bench/scheduling relative to the repository root (see its README), or from
// TAKT_BENCH_SCHEDULING. They are benchmark data only: the product and its tests never read them (issue #13; the tests'
// few instances are in test/fixtures/scheduling).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSchedule, parseBenchmark, solve, type BenchFormat } from '../src/scheduling/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.TAKT_BENCH_SCHEDULING
  ? path.resolve(process.env.TAKT_BENCH_SCHEDULING)
  : path.resolve(repoRoot, '..', 'shared', 'bench', 'scheduling');

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : def;
}

/** "ta01-50" → ta01..ta50; "la01-40"; "mk01-10"; "ft06,ft10,abz5" → as listed. */
function expandSet(spec: string): string[] {
  const out: string[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)(\d+)-(\d+)$/i.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    const [, prefix, from, to] = m;
    const width = from.length;
    for (let k = Number(from); k <= Number(to); k++) out.push(prefix + String(k).padStart(width, '0'));
  }
  return out;
}

function formatOf(name: string): BenchFormat {
  return name.startsWith('mk') ? 'fjsp' : 'jssp';
}

function bounds(format: BenchFormat): Map<string, { lb: number; bk: number; status: string }> {
  const m = new Map<string, { lb: number; bk: number; status: string }>();
  const text = readFileSync(path.join(dataDir, format, 'bounds.csv'), 'utf8');
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [inst, , , lb, bk, status] = line.split(',');
    if (inst) m.set(inst, { lb: Number(lb), bk: Number(bk), status });
  }
  return m;
}

function referencePoints(names: string[]): string[] {
  const readme = path.join(dataDir, 'README.md');
  if (!existsSync(readme)) return [];
  const fams = new Set(names.map((n) => n.replace(/\d+$/, '')));
  return readFileSync(readme, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.startsWith('|') && !l.startsWith('|---') && !l.startsWith('| method'))
    .filter((l) => [...fams].some((f) => l.includes(`| ${f}`)));
}

async function main(): Promise<void> {
  const spec = arg('set', 'ta01-50')!;
  const timeLimit = Number(arg('time-limit', '10'));
  const seed = Number(arg('seed', '1'));
  if (!(timeLimit > 0)) throw new Error('--time-limit must be a positive number of seconds');
  if (!existsSync(path.join(dataDir, 'jssp', 'bounds.csv')) && !existsSync(path.join(dataDir, 'fjsp', 'bounds.csv'))) {
    console.error(`bench:schedule: no benchmark instances at ${dataDir} (expected jssp/ and fjsp/ with bounds.csv).`);
    console.error('They are not part of the repository: place the benchmark set there or set TAKT_BENCH_SCHEDULING to its folder.');
    process.exit(2);
  }
  const names = expandSet(spec);
  const boundCache = new Map<BenchFormat, ReturnType<typeof bounds>>();
  console.log(`takt scheduling benchmark: set ${spec} (${names.length} instances), ${timeLimit} s per instance, seed ${seed}, one thread`);
  console.log(`data: ${dataDir}`);
  console.log('');
  const header = ['instance', 'size', 'best known', 'makespan', 'gap %', 'feasible', 'first at s', 'iterations', 'moves/s'];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(9) : h.padStart(11))).join(' '));

  const rows: Array<{ name: string; gap: number; ok: boolean }> = [];
  let constructionMs = 0;
  let searchMs = 0;
  let moves = 0;
  let iterations = 0;
  let restarts = 0;
  let constructionGap = 0;
  for (const name of names) {
    const format = formatOf(name);
    const file = path.join(dataDir, format, `${name}.txt`);
    if (!existsSync(file)) {
      console.log(`${name.padEnd(9)} missing file ${file}`);
      continue;
    }
    if (!boundCache.has(format)) boundCache.set(format, bounds(format));
    const b = boundCache.get(format)!.get(name);
    const problem = parseBenchmark(readFileSync(file, 'utf8'), format, name);
    let bestAt = 0;
    const res = solve(problem, {
      timeLimitMs: timeLimit * 1000,
      seed,
      target: b?.lb, // a proven lower bound: reaching it means optimal, so stop early
      onImprove: (i) => {
        bestAt = i.elapsedMs;
      },
    });
    const check = checkSchedule(problem, res.schedule);
    const mk = res.schedule.makespan;
    const bk = b?.bk ?? NaN;
    const gap = ((mk - bk) / bk) * 100;
    constructionGap += ((res.stats.initialObjective - bk) / bk) * 100;
    rows.push({ name, gap, ok: check.ok });
    constructionMs += res.stats.constructionMs;
    searchMs += res.stats.searchMs;
    moves += res.stats.movesEvaluated;
    iterations += res.stats.iterations;
    restarts += res.stats.restarts;
    const mps = res.stats.searchMs > 0 ? res.stats.movesEvaluated / (res.stats.searchMs / 1000) : 0;
    const cells = [
      name.padEnd(9),
      `${problem.jobs.length}x${problem.machineCount}`.padStart(11),
      String(bk).padStart(11),
      String(mk).padStart(11),
      gap.toFixed(2).padStart(11),
      (check.ok ? 'yes' : 'NO').padStart(11),
      (bestAt / 1000).toFixed(2).padStart(11),
      String(res.stats.iterations).padStart(11),
      `${(mps / 1e6).toFixed(2).padStart(10)}M`,
    ];
    console.log(cells.join(' '));
    if (!check.ok) for (const v of check.violations.slice(0, 5)) console.log(`   infeasible: ${v.message}`);
  }
  if (!rows.length) return;
  const avg = rows.reduce((s, r) => s + r.gap, 0) / rows.length;
  const feasible = rows.filter((r) => r.ok).length;
  console.log('');
  console.log(
    `average gap to best known: ${avg.toFixed(2)} % over ${rows.length} instances (${feasible}/${rows.length} feasible), ${timeLimit} s each, 1 thread`,
  );
  console.log(`construction alone (best dispatch rule): ${(constructionGap / rows.length).toFixed(2)} %`);
  const total = constructionMs + searchMs;
  console.log(
    `profile: construction ${(constructionMs / 1000).toFixed(2)} s (${((constructionMs / total) * 100).toFixed(1)} %), ` +
      `local search ${(searchMs / 1000).toFixed(2)} s; ${iterations} tabu iterations (${Math.round(iterations / (searchMs / 1000))}/s), ` +
      `${moves} moves evaluated (${(moves / (searchMs / 1000) / 1e6).toFixed(2)} M/s), ${restarts} restarts`,
  );
  const refs = referencePoints(rows.map((r) => r.name));
  if (refs.length) {
    console.log('');
    console.log('published reference points (README of the instance collection):');
    for (const l of refs) console.log(`  ${l}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
