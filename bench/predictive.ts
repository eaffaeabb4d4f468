// bench:predictive — does condition monitoring warn before wear-out breakdowns, and at what cost in false alarms?
// Simulated machines (src/sim, degradation mode) run through wear-out cycles in simulated time (no waiting): a heater
// band wears over a Weibull-distributed life (mean --life hours of Execute time), drifting the melt temperature
// and adding micro-stops until it breaks down and is replaced; ordinary random breakdowns happen as well. The same
// generated series goes through each detector of src/maintenance/predictive (restarted after each wear-out repair,
// as the monitor is after its work order) and through a fixed-limit alarm on the tag's limits. Scoring, per method:
//  - a wear-out breakdown is detected when an alarm episode is on in the --window hours before it — started in the
//    window, or started earlier and still on when the window begins (lead time = from that episode's onset to the
//    breakdown, so it can exceed the window) — and missed otherwise;
//  - every other onset is a false alarm (onsets in the last --window hours of the run, whose outcome is unknown, are
//    left out), reported per machine-week.
//   npx tsx bench/predictive.ts [--machines 8] [--weeks 12] [--life 150] [--window 72] [--seed 1]
import { MachineModel } from '../src/sim/machine.ts';
import { deriveSeed } from '../src/sim/rng.ts';
import { baseline, buckets, cusum, type DetectorResult, ewma, fixedLimit, type Point } from '../src/maintenance/predictive/detectors.ts';
import { trend } from '../src/maintenance/predictive/forecast.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const MACHINES = arg('machines', 8);
const WEEKS = arg('weeks', 12);
const LIFE_H = arg('life', 150);
const WINDOW_H = arg('window', 72);
const SEED = arg('seed', 1);
const H = 3600_000;
const T0 = Date.UTC(2026, 0, 5);
const END = T0 + WEEKS * 7 * 24 * H;
const BASELINE_H = 24; // the first hours after a new component calibrate μ and σ
const LIMITS = { min: 220, max: 240 };
const log = (s: string) => process.stdout.write(`${s}\n`);

const press = {
  idealCycleTimeS: 22,
  setupTimeS: 1800,
  parameters: [
    { name: 'meltTemperature', target: 230, min: LIMITS.min, max: LIMITS.max, unit: '°C' },
    { name: 'injectionPressure', target: 850, min: 800, max: 900, unit: 'bar' },
  ],
};

interface Method {
  name: string;
  /** raw: the collected values as they come; otherwise means per bucketMin minutes */
  raw?: boolean;
  bucketMin?: number;
  run: (points: Point[], base: { mean: number; sd: number }) => DetectorResult;
}

const v = (p: Point[]) => p.map((x) => x.value);
const METHODS: Method[] = [
  { name: 'fixed limit 220–240 °C (raw values)', raw: true, run: (p) => fixedLimit(v(p), LIMITS) },
  { name: 'fixed limit 220–240 °C (hourly means)', bucketMin: 60, run: (p) => fixedLimit(v(p), LIMITS) },
  { name: 'EWMA λ 0.2, L 3 (hourly means)', bucketMin: 60, run: (p, b) => ewma(v(p), b, { lambda: 0.2, L: 3 }) },
  { name: 'EWMA λ 0.1, L 3.5 (hourly means)', bucketMin: 60, run: (p, b) => ewma(v(p), b, { lambda: 0.1, L: 3.5 }) },
  { name: 'CUSUM k 0.5σ, h 5σ (hourly means)', bucketMin: 60, run: (p, b) => cusum(v(p), b, { k: 0.5, h: 5 }) },
  { name: 'CUSUM k 1σ, h 8σ (hourly means)', bucketMin: 60, run: (p, b) => cusum(v(p), b, { k: 1, h: 8 }) },
  { name: 'trend: limit within 24 h, slope t ≥ 4 (12-h window)', bucketMin: 60, run: (p) => trend(p, LIMITS, { windowPoints: 12, horizonH: 24, minT: 4 }) },
  { name: 'trend: limit within 24 h, slope t ≥ 6 (24-h window)', bucketMin: 60, run: (p) => trend(p, LIMITS, { windowPoints: 24, horizonH: 24, minT: 6 }) },
];

interface Score {
  detected: number;
  missed: number;
  leads: number[];
  /** detections by an episode that was already on when the window began */
  early: number;
  falseAlarms: number;
}

function simulate(i: number): { raw: Point[]; failures: number[]; randomBreakdowns: number; microStops: number } {
  const m = new MachineModel(press, {
    seed: deriveSeed(SEED, `press-${i}`),
    startMs: T0,
    degradation: { tag: 'meltTemperature', lifeH: LIFE_H, seed: deriveSeed(SEED, `heater-${i}`) },
  });
  const raw: Point[] = [];
  for (let t = T0; t < END; t += H) {
    for (const c of m.step(t + H)) if (c.tag === 'meltTemperature') raw.push({ ts: c.ts, value: Number(c.value) });
  }
  const failures = (m.degradation?.failures ?? []).map((f) => f.ts);
  const st = m.stats();
  return { raw, failures, randomBreakdowns: st.breakdowns - failures.length, microStops: st.microStops };
}

/** Runs one method over one machine's series, life by life (restarted after each wear-out repair), and scores it. */
function score(method: Method, raw: Point[], failures: number[], into: Score): void {
  const bounds = [T0, ...failures, END];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k];
    const to = bounds[k + 1];
    const life = raw.filter((p) => p.ts >= from && p.ts < to);
    const points = method.raw ? life : buckets(life, (method.bucketMin ?? 10) * 60_000);
    const cal = buckets(
      life.filter((p) => p.ts < from + BASELINE_H * H),
      (method.bucketMin ?? 10) * 60_000,
    ).map((p) => p.value);
    if (cal.length < 2 || points.length === 0) continue;
    const r = method.run(points, baseline(cal));
    const failed = k + 1 < bounds.length - 1; // the last segment ends with the run, not with a breakdown
    const onsets = r.onsets.map((i) => points[i].ts);
    // the episode that warns: the first one that starts in the window, or one started before it and still on at its start
    const start = to - WINDOW_H * H;
    const warns: number[] = [];
    if (failed) {
      const firstIn = points.findIndex((p) => p.ts >= start);
      const before = onsets.filter((ts) => ts < start);
      if (firstIn >= 0 && r.alarm[firstIn] && before.length > 0 && !r.onsets.includes(firstIn)) warns.push(before[before.length - 1]);
      warns.push(...onsets.filter((ts) => ts >= start));
    }
    if (failed) {
      if (warns.length > 0) {
        into.detected++;
        into.leads.push((to - warns[0]) / H);
        if (warns[0] < start) into.early++;
      } else into.missed++;
    }
    into.falseAlarms += onsets.filter((ts) => !warns.includes(ts) && (failed || ts < END - WINDOW_H * H)).length;
  }
}

const median = (xs: number[]) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main() {
  log(`bench:predictive — ${MACHINES} machines × ${WEEKS} weeks simulated, heater life ${LIFE_H} h mean, lead window ${WINDOW_H} h, seed ${SEED}`);
  const scores = METHODS.map((): Score => ({ detected: 0, missed: 0, leads: [], early: 0, falseAlarms: 0 }));
  let wearOuts = 0;
  let random = 0;
  let micro = 0;
  for (let i = 0; i < MACHINES; i++) {
    const sim = simulate(i);
    wearOuts += sim.failures.length;
    random += sim.randomBreakdowns;
    micro += sim.microStops;
    for (let j = 0; j < METHODS.length; j++) score(METHODS[j], sim.raw, sim.failures, scores[j]);
    log(`  machine ${i + 1}/${MACHINES}: ${sim.raw.length} values, ${sim.failures.length} wear-out breakdowns, ${sim.randomBreakdowns} other breakdowns`);
  }
  const machineWeeks = MACHINES * WEEKS;
  log(`\n${wearOuts} wear-out breakdowns (${random} other, random breakdowns and ${micro} micro-stops not scored), ${machineWeeks} machine-weeks\n`);
  log(
    '| method | breakdowns detected | missed | median lead time before breakdown | false alarms per machine-week | detected by an episode already on before the window |',
  );
  log('|---|---|---|---|---|---|');
  METHODS.forEach((m, j) => {
    const s = scores[j];
    const lead = s.leads.length ? `${median(s.leads).toFixed(1)} h` : '—';
    log(`| ${m.name} | ${s.detected} of ${s.detected + s.missed} | ${s.missed} | ${lead} | ${(s.falseAlarms / machineWeeks).toFixed(2)} | ${s.early} |`);
  });
}

main();
