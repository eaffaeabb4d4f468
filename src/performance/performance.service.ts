// Business rules of performance: which machines a request covers, periods and groups (shift/day/week), KPIs with
// their inputs and definitions, the six big losses, and keeping the roll-ups current (fold job, rebuilds).
import type { CollectHistory } from '../collect/index.ts';
import { localParts, localToUtc, type EquipmentLookup, type PublicEquipment } from '../plant/index.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { BOTTLENECK_METHOD, bottleneckFigures, rankBottlenecks } from './bottleneck.ts';
import { shiftSpans } from './calendar-windows.ts';
import { CONVENTION_TEXT, DEFAULT_CONVENTIONS, type PlantConventions } from './conventions.ts';
import { computeKpis, DEFAULT_SETTINGS, kpiInputs, SETTING_TEXT, type KpiSettings } from './kpis.ts';
import { sixBigLosses, type SixBigLosses } from './losses.ts';
import { MaintenanceWindows, type MaintenanceWindowSource } from './maintenance-windows.ts';
import { PlantView, type MachineInfo, type ProductResolver } from './plant-view.ts';
import { Rollup } from './rollup.ts';
import { addTotals, derivedTimes, zeroTotals, type TimeTotals } from './time-model.ts';
import { kpiWarnings } from './warnings.ts';

export interface PerformanceOptions {
  /** Stops shorter than this are minor stops (micro-stops), longer ones failures. */
  minorStopThresholdS: number;
  /** How often the fold job runs (it also runs shortly after state changes). */
  foldEveryMs: number;
}

export const DEFAULT_OPTIONS: PerformanceOptions = { minorStopThresholdS: 300, foldEveryMs: 30_000 };

export type Group = 'shift' | 'day' | 'week';

export interface KpiQuery {
  equipment: string;
  from: number;
  to: number;
  group?: Group;
  settings: KpiSettings;
}

const DAY = 86_400_000;
const round = (x: number | null, d = 6) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
const iso = (t: number) => new Date(t).toISOString();

export class PerformanceService {
  readonly view: PlantView;
  readonly rollup: Rollup;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: Array<() => void> = [];
  private background: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    /** collect's history port: the only way to the machines' states, counts and alarm values */
    readonly history: CollectHistory,
    /** the plant module's equipment lookup */
    readonly plant: EquipmentLookup,
    readonly opts: PerformanceOptions = DEFAULT_OPTIONS,
  ) {
    this.view = new PlantView(this.plant);
    this.rollup = new Rollup(ctx.database, this.view, history, { minorStopThresholdS: opts.minorStopThresholdS });
  }

  async start(): Promise<void> {
    await this.view.reload();
    let fold: NodeJS.Timeout | undefined;
    this.unsubscribe.push(
      // a state change may close an interval in a past hour or come from a rebuild after late data
      this.ctx.events.subscribe('collect.state', () => {
        if (fold) return;
        fold = setTimeout(() => ((fold = undefined), this.later(() => this.rollup.fold(), 'folding roll-ups')), 1000);
      }),
    );
    const tick = setInterval(() => this.later(() => this.rollup.fold(), 'folding roll-ups'), this.opts.foldEveryMs);
    tick.unref();
    this.timers.push(tick);
    this.stopTimers = () => clearTimeout(fold);
    this.later(() => this.rollup.fold(), 'first fold');
  }

  private stopTimers = () => {};

  private later(fn: () => Promise<void>, what: string): void {
    this.background = this.background.then(fn).catch((err) => this.ctx.log.warn({ err }, `performance: ${what} failed`));
  }

  /**
   * A master-data change (modules.ts, platform/master-data.ts): the plant view is read again before this returns, and
   * the roll-ups' rebuild under the new machines, calendars and routings is queued ahead of every later fold — each
   * KPI read folds first, so none can see roll-ups of the old model. Materials shape neither: no rebuild for them.
   */
  async reloadPlant(changes: ReadonlyArray<{ entity: string }>): Promise<void> {
    await this.view.reload();
    if (changes.length && changes.every((c) => c.entity === 'material')) return;
    const rebuilt = this.rollup.rebuild().catch((err) => this.ctx.log.warn({ err }, 'performance: rebuilding roll-ups failed'));
    this.background = this.background.then(() => rebuilt); // stop() waits for it
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    for (const t of this.timers) clearInterval(t);
    this.stopTimers();
    await this.background;
  }

  private windowSync: Promise<void> = Promise.resolve();

  /**
   * Maintenance's windows become planned downtime (maintenance-windows.ts), bound late in src/modules.ts: read now and
   * again whenever a preventive work order changes; KPI reads wait for a read under way.
   */
  setMaintenanceWindows(source: MaintenanceWindowSource): void {
    const windows = new MaintenanceWindows(this.ctx.database, this.view, source);
    const sync = () => {
      this.windowSync = this.windowSync
        .then(() => windows.refresh())
        .then(() => undefined)
        .catch((err) => this.ctx.log.warn({ err }, 'performance: reading maintenance windows failed'));
      this.background = this.background.then(() => this.windowSync);
    };
    this.unsubscribe.push(
      this.ctx.events.subscribe('maintenance.workOrder', (e) => {
        if (e.kind === 'preventive') sync();
      }),
    );
    sync();
  }

  /** Resolves once the maintenance windows read so far are in the calendars (and their hours marked for re-folding). */
  maintenanceSettled(): Promise<void> {
    return this.windowSync;
  }

  setProductResolver(r: ProductResolver | null): void {
    this.view.setProductResolver(r);
  }

  /** Equipment and the machines it stands for. */
  scope(idOrPath: string): { eq: PublicEquipment; machines: MachineInfo[] } {
    const eq = this.view.find(idOrPath);
    const machines = this.view.machinesUnder(eq);
    if (!machines.length) throw new AppError('unprocessable', `'${eq.path}' has no machines below it to compute KPIs for`);
    return { eq, machines };
  }

  /** Periods of a group over [from, to): shifts of the calendar, or local days/weeks in its time zone. */
  groups(eq: PublicEquipment, from: number, to: number, group: Group): Array<{ label: string; from: number; to: number }> {
    const cal = this.view.calendarOf(eq);
    if (group === 'shift') return shiftSpans(cal, from, to).map((s) => ({ label: `${s.date} ${s.name}`, from: s.start, to: s.end }));
    const tz = cal?.timezone ?? 'UTC';
    const p = localParts(from, tz);
    let date = `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    const step = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
    if (group === 'week') date = step(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7)); // back to Monday
    const out: Array<{ label: string; from: number; to: number }> = [];
    for (let guard = 0; guard < 2000; guard++) {
      const next = step(date, group === 'week' ? 7 : 1);
      const a = localToUtc(date, '00:00', tz);
      const b = localToUtc(next, '00:00', tz);
      if (a >= to) break;
      if (b > from) out.push({ label: group === 'week' ? `week of ${date}` : date, from: Math.max(a, from), to: Math.min(b, to) });
      date = next;
    }
    return out;
  }

  async kpis(q: KpiQuery) {
    if (!(q.to > q.from)) throw new AppError('validation_failed', 'to must be after from', [{ path: 'querystring.to', message: 'must be after from' }]);
    if (q.to - q.from > 400 * DAY)
      throw new AppError('validation_failed', 'at most 400 days per request', [{ path: 'querystring.to', message: 'period too long' }]);
    const { eq, machines } = this.scope(q.equipment);
    const conv = this.view.conventionsOf(eq);
    await this.windowSync;
    await this.rollup.fold();
    const to = Math.min(q.to, Math.max(q.from, this.rollup.now()));
    const perMachine = await this.rollup.totals(machines, q.from, to, false);
    const total = [...perMachine.values()].reduce((acc, t) => addTotals(acc, t), zeroTotals());
    const groups = q.group
      ? await Promise.all(
          this.groups(eq, q.from, to, q.group).map(async (g) => {
            const t = [...(await this.rollup.totals(machines, g.from, g.to, false)).values()].reduce((acc, x) => addTotals(acc, x), zeroTotals());
            return { label: g.label, from: iso(g.from), to: iso(g.to), ...this.figures(t, q.settings, conv) };
          }),
        )
      : undefined;
    return {
      equipment: { id: eq.id, path: eq.path, name: eq.name, level: eq.level },
      from: iso(q.from),
      to: iso(to),
      ...this.figures(total, q.settings, conv),
      definitions: this.definitions(q.settings, conv),
      machines:
        machines.length > 1 || eq.level !== 'machine'
          ? machines.map((m) => ({ id: m.id, path: m.path, name: m.name, ...this.figures(perMachine.get(m.id)!, q.settings, m.conventions) }))
          : undefined,
      groups,
    };
  }

  /** The machines of a line ranked by their constraint on throughput (active period method, bottleneck.ts). */
  async bottleneck(equipment: string, from: number, to: number) {
    if (!(to > from)) throw new AppError('validation_failed', 'to must be after from', [{ path: 'querystring.to', message: 'must be after from' }]);
    if (to - from > 400 * DAY)
      throw new AppError('validation_failed', 'at most 400 days per request', [{ path: 'querystring.to', message: 'period too long' }]);
    const { eq, machines } = this.scope(equipment);
    const end = Math.min(to, Math.max(from, this.rollup.now()));
    const totals = await this.rollup.totals(machines, from, end);
    const rows = rankBottlenecks(machines.map((m) => ({ id: m.id, path: m.path, name: m.name, figures: bottleneckFigures(totals.get(m.id)!) })));
    return {
      equipment: { id: eq.id, path: eq.path, name: eq.name, level: eq.level },
      from: iso(from),
      to: iso(end),
      method: BOTTLENECK_METHOD,
      machines: rows,
    };
  }

  /** The contract figures, every other KPI, the inputs they come from, and the six big losses. */
  figures(t: TimeTotals, s: KpiSettings, c: PlantConventions = DEFAULT_CONVENTIONS) {
    const k = computeKpis(t, s, c);
    const x = kpiInputs(t, s);
    const d = derivedTimes(t);
    const r = (v: number) => Math.round(v * 1000) / 1000;
    return {
      oee: round(k.oee),
      availability: round(k.availability),
      effectiveness: round(k.effectiveness),
      quality: round(k.quality),
      mtbf: round(k.mtbf, 3),
      mttr: round(k.mttr, 3),
      /** Figures not to be read as good news, e.g. effectiveness above 100 % (warnings.ts). */
      warnings: kpiWarnings(k),
      times: Object.fromEntries(Object.entries(d).map(([key, v]) => [key, r(v)])) as Record<keyof typeof d, number>,
      counts: { pq: x.pq, gq: x.gq, sq: x.sq, rq: x.rq },
      kpis: Object.fromEntries(Object.entries(k).map(([key, v]) => [key, round(v)])),
      inputs: {
        period: r(t.period),
        outside: r(t.outside),
        pdotPlanned: r(t.pdotPlanned),
        pdotState: r(t.pdotState),
        pbtUsed: r(x.pbt),
        aptUsed: r(x.apt),
        adetUsed: r(x.adet),
        auptUsed: r(x.aupt),
        aubtUsed: r(x.aubt),
        idealS: r(t.idealS),
        noIdealQ: t.noIdealQ,
        failures: t.failures,
        failureS: r(t.failureS),
        minorStops: t.minorStops,
        minorStopS: r(t.minorStopS),
        externalS: r(t.externalS),
        outsideApt: r(t.outsideApt),
        outsideGood: t.outsideGood,
        outsideScrap: t.outsideScrap,
        failureWholeS: r(t.failureWholeS),
        pdotGood: t.pdotGood,
        pdotScrap: t.pdotScrap,
      },
      // Nakajima's six big losses in seconds of planned busy time (standards §1; invariants in losses.ts)
      sixBigLosses: Object.fromEntries(Object.entries(sixBigLosses(t, s)).map(([key, v]) => [key, r(v)])) as Record<keyof SixBigLosses, number>,
    };
  }

  definitions(s: KpiSettings, c: PlantConventions = DEFAULT_CONVENTIONS) {
    return {
      settings: s,
      /** The plant's conventions (equipment properties, inherited; for a line or site: its own). */
      conventions: c,
      text: [
        SETTING_TEXT.minorStops[s.minorStops],
        SETTING_TEXT.idle[s.idle],
        SETTING_TEXT.mtbf[s.mtbf],
        CONVENTION_TEXT.maintenanceMode[c.maintenanceMode],
        CONVENTION_TEXT.stopWithoutOrder[c.stopWithoutOrder],
        CONVENTION_TEXT.mtbfDivisor[c.mtbfDivisor],
      ],
      minorStopThresholdS: this.opts.minorStopThresholdS,
      formulas: {
        availability: 'APT / PBT',
        effectiveness: 'Σ(PRI × PQ) / APT — PRI of the product run (routing), else the machine property idealCycleTime',
        quality: 'GQ / PQ',
        oee: 'availability × effectiveness × quality',
        mtbf: `${s.mtbf === 'uptime' ? '(PBT − failure time)' : 'AUPT'} / ${c.mtbfDivisor === 'failures' ? 'failures' : '(failures + 1)'}`,
        mttr: 'Σ whole restoration time (in planned busy time) of the failures that began in the period / failures',
        pdot: 'parts counted in breaks, planned downtime and maintenance mode are reported in inputs.pdotGood/pdotScrap, not in PQ',
        outsidePot: 'time and parts outside the shift calendar (POT) are reported in inputs.outside*, not in the KPIs',
      },
      defaults: DEFAULT_SETTINGS,
    };
  }
}

/** The figures of one machine or group, named for the web app (docs/architecture.md, web). */
export type Figures = ReturnType<PerformanceService['figures']>;
