// Business rules of the quality module's first slice: characteristics, the measurement store (batch, idempotent by
// key, an answer per record), frozen limits and the SPC view of a window. Edits are audited in their transaction.
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../platform/errors.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import type { Characteristic, CharacteristicInput, FrozenLimits, Kind, MeasurementScreen, NewMeasurement, Source, StoredMeasurement } from './model.ts';
import { checkRecord, isText, sameMeasurement, type BatchResult, type MeasurementRecord, type RecordResult } from './measurements.ts';
import { contractOf, dataOf, specOf } from './chart-data.ts';
import * as repo from './quality.repository.ts';
import type { SpcContract } from './spc/analyze.ts';
import type { Capability, Histogram } from './spc/capability.ts';
import {
  computeLimits,
  SpcInputError,
  isVariables,
  type ChartResult,
  type ControlLimits,
  type Count,
  type Measurement,
  type PlottedPoint,
  type Violation,
} from './spc/charts.ts';
import { MAX_RANGE_SUBGROUP, MIN_SUBGROUP } from './spc/constants.ts';
import { NELSON_RULES, RULE_TEXT, WESTERN_ELECTRIC_RULES } from './spc/rules.ts';

/** The most values one SPC answer plots: a wider window is refused with 400 rather than answered slowly. */
export const MAX_WINDOW_POINTS = 100_000;
/** The window when the query names none: the 30 days up to now. */
export const DEFAULT_WINDOW_MS = 30 * 86_400_000;
const DAY_MS = 86_400_000;

/** The fields a characteristic's definition is checked on, create and update alike. */
export async function checkCharacteristic(plant: EquipmentLookup, c: CharacteristicInput): Promise<void> {
  const issue = (path: string, message: string) => validationFailed(`${path}: ${message}`, [{ path, message }]);
  if ((c.kind === 'variable') !== isVariables(c.chart))
    throw issue(
      'chart',
      c.kind === 'variable'
        ? `a variable characteristic is charted on xbar-r, xbar-s or i-mr, not ${c.chart}`
        : `an attribute characteristic is charted on p, np, c or u, not ${c.chart}`,
    );
  if (c.chart === 'i-mr' && c.subgroupSize !== 1) throw issue('subgroupSize', 'i-mr plots individual values: subgroupSize is 1');
  if ((c.chart === 'xbar-r' || c.chart === 'xbar-s') && c.subgroupSize < MIN_SUBGROUP)
    throw issue('subgroupSize', `${c.chart} needs subgroups of at least ${MIN_SUBGROUP} values`);
  if (c.chart === 'xbar-r' && c.subgroupSize > MAX_RANGE_SUBGROUP)
    throw issue('subgroupSize', `xbar-r takes at most ${MAX_RANGE_SUBGROUP} values per subgroup: use xbar-s`);
  if (c.kind === 'attribute' && (c.lsl !== null || c.usl !== null || c.nominal !== null))
    throw issue('lsl', 'spec limits and a nominal belong to variable characteristics; an attribute one counts defects');
  if (c.lsl !== null && c.usl !== null && !(c.lsl < c.usl)) throw issue('lsl', 'LSL must be below USL');
  const allowed: readonly number[] = c.ruleSet === 'nelson' ? NELSON_RULES : WESTERN_ELECTRIC_RULES;
  const wrong = c.rules.find((r) => !allowed.includes(r));
  if (wrong !== undefined) throw issue('rules', `${c.ruleSet} has rules ${allowed.join(', ')}, not ${wrong}`);
  if (new Set(c.rules).size !== c.rules.length) throw issue('rules', 'each rule number once');
  const product = await plant.getCode('product', c.product).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'not_found') throw issue('product', `product '${c.product}' does not exist`);
    throw err;
  });
  if (c.operationSeq !== null) {
    const routing = ((product as { routing?: Array<{ seq: number }> }).routing ?? []).map((o) => o.seq);
    if (!routing.includes(c.operationSeq))
      throw issue('operationSeq', `product ${c.product}'s routing has no operation ${c.operationSeq} (it has ${routing.join(', ') || 'none'})`);
  }
}

export interface Window {
  from: string;
  to: string;
}

/** The window of an SPC query: both ends optional (the 30 days up to now), from ≤ to. */
export function parseWindow(q: { from?: string; to?: string }, now: number): Window {
  const at = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    const t = /^\d{4}-\d\d-\d\d/.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) throw new AppError('bad_request', `${name}: an ISO 8601 time (e.g. 2026-12-02T00:00:00Z), not ${JSON.stringify(v.slice(0, 40))}`);
    return t;
  };
  const to = at('to', q.to, now);
  const from = at('from', q.from, to - DEFAULT_WINDOW_MS);
  if (from > to) throw new AppError('bad_request', `the window's from (${new Date(from).toISOString()}) is after its to (${new Date(to).toISOString()})`);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** GET /api/quality/characteristics/{id}/chart: the SPC page's reply (see `QualityService.chartView`). */
export interface ChartView {
  characteristic: Characteristic;
  window: Window;
  limits: 'frozen' | 'window' | null;
  frozen: Omit<FrozenLimits, 'characteristic' | 'limits'> | null;
  /** The rules applied, in the characteristic's rule set, with what each one means. */
  rules: { rule: number; text: string }[];
  contract: SpcContract;
  /** Measurements of the window stored with a flag (a gauge that could not measure then), drawn as flagged points. */
  flagged: Array<{ id: number; ts: string; flag: string }>;
  /** Null when there are no frozen limits and the window has too little to estimate them: then only `contract.points`. */
  detail: {
    centerLine: number | null;
    ucl: number | null;
    lcl: number | null;
    points: PlottedPoint[];
    secondary: ChartResult['secondary'];
    violations: Pick<Violation, 'rule' | 'chart' | 'index' | 'ts'>[];
    pending: number;
    capability: Capability | null;
    histogram: Histogram | null;
  } | null;
}

export interface OverviewRow {
  id: string;
  name: string;
  product: string;
  chart: string;
  points: number;
  cpk: number | null;
  ppk: number | null;
  violations24h: number;
  limits: 'frozen' | 'window' | null;
}

/** What the gauge register and the skills add to characteristics and measurements (quality/index.ts wires them). */
export interface QualityExtras {
  /** checks a batch's records pass after their own, in this order */
  screens?: MeasurementScreen[];
  /** whether a gauge id is in the register: a characteristic's new gauge must be */
  gaugeExists?: (id: string) => Promise<boolean>;
  /** told of the measurements a batch stored (not the replayed ones): the checks they take (checks/) */
  onRecorded?: (ms: StoredMeasurement[]) => Promise<void>;
  /** the defect codes a breakdown may name (checks/defects.ts), asked only when a record carries one */
  defectCodes?: () => Promise<ReadonlySet<string>>;
}

/** Told of measurements just stored (never a resend): the reaction plans evaluate them. */
export type MeasuredListener = (c: Characteristic, ms: StoredMeasurement[]) => void;

export class QualityService {
  private measured: MeasuredListener[] = [];

  /** Every measurement stored from now on, whatever its source (manual, lab, machine), per characteristic. */
  onMeasured(listener: MeasuredListener): void {
    this.measured.push(listener);
  }

  constructor(
    private readonly db: Db,
    private readonly plant: EquipmentLookup,
    private readonly extras: QualityExtras = {},
  ) {}

  /** A characteristic's gauge names a gauge of the register; an unchanged old free-text one stays readable. */
  private async checkGauge(gauge: string | null, before: string | null): Promise<void> {
    if (gauge === null || gauge === before || !this.extras.gaugeExists) return;
    if (!(await this.extras.gaugeExists(gauge)))
      throw validationFailed(`gauge: '${gauge}' is not in the gauge register`, [{ path: 'gauge', message: 'the id of a registered gauge' }]);
  }

  list(filter: { product?: string; kind?: Kind; limit: number }): Promise<Characteristic[]> {
    return repo.listCharacteristics(this.db, filter);
  }

  getMany = (ids: string[]): Promise<Characteristic[]> => (ids.length ? repo.getCharacteristics(this.db, ids) : Promise.resolve([]));

  async get(id: string): Promise<Characteristic> {
    const c = await repo.getCharacteristic(this.db, id);
    if (!c) throw notFound('characteristic', id);
    return c;
  }

  async create(actor: Actor, input: CharacteristicInput): Promise<Characteristic> {
    await checkCharacteristic(this.plant, input);
    await this.checkGauge(input.gauge, null);
    return this.db.transaction(async (tx) => {
      const c = await repo.insertCharacteristic(tx, input, actor.name);
      if (!c) throw new AppError('duplicate', `characteristic ${input.id} already exists`);
      await appendAudit(tx, actor, { action: 'create', entity: 'quality_characteristic', entityId: c.id, after: c });
      return c;
    });
  }

  async update(actor: Actor, id: string, patch: Partial<CharacteristicInput>, reason: string | null): Promise<Characteristic> {
    const current = await this.get(id);
    const next: CharacteristicInput = { ...current, ...patch, id };
    await checkCharacteristic(this.plant, next);
    await this.checkGauge(next.gauge, current.gauge);
    return this.db.transaction(async (tx) => {
      const before = await repo.getCharacteristic(tx, id, true);
      if (!before) throw notFound('characteristic', id);
      // measurements and frozen limits are of one chart and subgroup size: changing those would misread them
      const how = (['kind', 'chart', 'subgroupSize'] as const).filter((k) => next[k] !== before[k]);
      if (how.length && (await repo.hasMeasurements(tx, id)))
        throw new AppError('conflict', `${id} has measurements: its ${how.join(', ')} can no longer change (define a new characteristic)`);
      const after = await repo.updateCharacteristic(tx, next);
      await appendAudit(tx, actor, { action: 'update', entity: 'quality_characteristic', entityId: id, before, after, reason });
      return after;
    });
  }

  async remove(actor: Actor, id: string, reason: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.getCharacteristic(tx, id, true);
      if (!before) throw notFound('characteristic', id);
      if (await repo.hasMeasurements(tx, id)) throw new AppError('conflict', `${id} has measurements: a measured characteristic is kept`);
      await repo.deleteCharacteristic(tx, id);
      await appendAudit(tx, actor, { action: 'delete', entity: 'quality_characteristic', entityId: id, before, reason });
    });
  }

  /** A batch of measurements: each record stored, answered again (its key was stored before) or refused with a reason. */
  async record(records: MeasurementRecord[], defaultSource: Source, by: string, now = Date.now()): Promise<BatchResult> {
    const ids = [
      ...new Set(
        records
          .map((r) => (r && typeof r === 'object' && isText(r.characteristic, 64) ? (r.characteristic as string) : null))
          .filter((x): x is string => x !== null),
      ),
    ];
    const known = new Map((await repo.getCharacteristics(this.db, ids)).map((c) => [c.id, c]));
    const results: RecordResult[] = [];
    const checked: Array<{ index: number; m: NewMeasurement }> = [];
    const codes = records.some((r) => r && typeof r === 'object' && r.defectCodes != null) ? await this.extras.defectCodes?.() : undefined;
    records.forEach((r, index) => {
      const c = r && typeof r === 'object' && typeof r.characteristic === 'string' ? known.get(r.characteristic) : undefined;
      const out = checkRecord(r, c, defaultSource, by, now, codes);
      if (typeof out === 'string') results[index] = { index, status: 'refused', reason: out };
      else checked.push({ index, m: out });
    });
    const slot = (m: { source: string; key: string }) => `${m.source}\u0000${m.key}`;
    const stored = new Map(
      (
        await repo.measurementsByKey(
          this.db,
          checked.map((x) => x.m),
        )
      ).map((s) => [slot(s), s]),
    );
    const fresh = new Map<string, { index: number; m: NewMeasurement }>();
    const later: Array<{ index: number; m: NewMeasurement }> = [];
    for (const x of checked) {
      // a key stored before, or used earlier in this batch, is settled after the insert
      if (stored.has(slot(x.m)) || fresh.has(slot(x.m))) later.push(x);
      else fresh.set(slot(x.m), x);
    }
    // a resend of a stored measurement is answered as stored: only new ones pass the gauge and skill screens
    await this.screen(fresh, known, results, by, now);
    await this.refuseFullSubgroups(fresh, known, results);
    const inserted = await repo.insertMeasurements(
      this.db,
      [...fresh.values()].map((x) => x.m),
    );
    for (const s of inserted) {
      const x = fresh.get(slot(s))!;
      results[x.index] = { index: x.index, status: 'accepted', id: s.id };
      stored.set(slot(s), s);
    }
    if (inserted.length) await this.extras.onRecorded?.(inserted);
    for (const [id, c] of known) {
      const ms = inserted.filter((s) => s.characteristic === id).sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts) || a.id - b.id);
      if (ms.length) for (const l of this.measured) l(c, ms);
    }
    // keys a concurrent batch stored between our look-up and our insert
    const raced = [...fresh.values()].filter((x) => !results[x.index]);
    for (const s of await repo.measurementsByKey(
      this.db,
      raced.map((x) => x.m),
    ))
      stored.set(slot(s), s);
    for (const x of [...raced, ...later]) {
      const s = stored.get(slot(x.m));
      if (!s) results[x.index] = { index: x.index, status: 'refused', reason: 'not stored, try again' };
      else if (!sameMeasurement(x.m, s))
        results[x.index] = { index: x.index, status: 'refused', reason: `key ${x.m.key} (${x.m.source}) already names another measurement (id ${s.id})` };
      // stored before, by a concurrent batch, or earlier in this one: the resend's answer is the stored measurement
      else results[x.index] = { index: x.index, status: 'accepted', id: s.id, replayed: true };
    }
    const count = (f: (r: RecordResult) => boolean) => results.filter(f).length;
    return {
      accepted: count((r) => r.status === 'accepted' && !r.replayed),
      replayed: count((r) => r.replayed === true),
      refused: count((r) => r.status === 'refused'),
      results,
    };
  }

  /** The screens (gauges, skills): a refused record leaves `fresh` with its reason, a flagged one carries its flag. */
  private async screen(
    fresh: Map<string, { index: number; m: NewMeasurement }>,
    known: Map<string, Characteristic>,
    results: RecordResult[],
    by: string,
    now: number,
  ) {
    for (const screen of this.extras.screens ?? []) {
      const entries = [...fresh];
      const verdicts = await screen(
        entries.map(([, x]) => ({ ...x, c: known.get(x.m.characteristic)! })),
        by,
        now,
      );
      for (const [slot, x] of entries) {
        const v = verdicts.get(x.index);
        if (v?.refuse) {
          results[x.index] = { index: x.index, status: 'refused', reason: v.refuse };
          fresh.delete(slot);
        } else if (v?.flag) x.m.flag = v.flag;
      }
    }
  }

  /**
   * An X̄ chart's subgroup holds subgroupSize values: a further one is refused here, since the chart could not plot a
   * subgroup larger than its definition (X̄–R stops at 25) and it is most likely a subgroup id used twice.
   */
  private async refuseFullSubgroups(
    fresh: Map<string, { index: number; m: NewMeasurement }>,
    known: Map<string, Characteristic>,
    results: RecordResult[],
  ): Promise<void> {
    const byChar = new Map<string, Array<[string, { index: number; m: NewMeasurement }]>>();
    for (const e of fresh) {
      const c = known.get(e[1].m.characteristic)!;
      if (c.chart !== 'xbar-r' && c.chart !== 'xbar-s') continue;
      byChar.set(c.id, [...(byChar.get(c.id) ?? []), e]);
    }
    for (const [id, entries] of byChar) {
      const size = known.get(id)!.subgroupSize;
      const counts = await repo.subgroupCounts(this.db, id, [...new Set(entries.map(([, x]) => x.m.subgroup!))]);
      for (const [slot, x] of entries.sort((a, b) => a[1].index - b[1].index)) {
        const held = counts.get(x.m.subgroup!) ?? 0;
        if (held >= size) {
          results[x.index] = { index: x.index, status: 'refused', reason: `subgroup ${x.m.subgroup} of ${id} already holds its ${size} values` };
          fresh.delete(slot);
        } else counts.set(x.m.subgroup!, held + 1);
      }
    }
  }

  limitsHistory = async (id: string): Promise<FrozenLimits[]> => (await this.get(id), repo.limitsHistory(this.db, id));

  /** Freezes the limits the baseline window gives; the newest frozen limits then chart every window. */
  async freeze(actor: Actor, id: string, w: Window, reason: string): Promise<FrozenLimits> {
    return this.db.transaction(async (tx) => {
      const c = await repo.getCharacteristic(tx, id, true);
      if (!c) throw notFound('characteristic', id);
      const data = await this.windowData(tx, c, w);
      let limits: ControlLimits;
      try {
        limits = computeLimits(specOf(c), data as Measurement[]);
      } catch (err) {
        if (err instanceof SpcInputError)
          throw new AppError('conflict', `the baseline ${w.from} … ${w.to} (${data.length} measurements) gives no limits: ${err.message}`);
        throw err;
      }
      const frozen = await repo.insertLimits(tx, { characteristic: id, baselineFrom: w.from, baselineTo: w.to, limits, reason, createdBy: actor.name });
      await appendAudit(tx, actor, { action: 'freeze-limits', entity: 'quality_limits', entityId: `${id}/${frozen.version}`, after: frozen, reason });
      return frozen;
    });
  }

  /** The external contract's body for a window, and which limits it was charted against. */
  async spc(id: string, w: Window): Promise<{ body: SpcContract; limits: 'frozen' | 'window' | null; version: number | null }> {
    const c = await this.get(id);
    const frozen = await repo.latestLimits(this.db, id);
    const data = await this.windowData(this.db, c, w);
    const { body, limits } = contractOf(c, data, frozen?.limits ?? null);
    return { body, limits, version: frozen?.version ?? null };
  }

  /**
   * What the SPC page draws for a window: the contract's body and, from the same analysis, what the contract leaves
   * out — each point's limits, the secondary chart, the violations with their rule's words, capability with the sigma
   * used and the histogram — so the page shows the very numbers the contract answers.
   */
  async chartView(id: string, w: Window): Promise<ChartView> {
    const c = await this.get(id);
    const frozen = await repo.latestLimits(this.db, id);
    const data = await this.windowData(this.db, c, w);
    const { body, limits, report } = contractOf(c, data, frozen?.limits ?? null);
    const texts = RULE_TEXT[c.ruleSet];
    return {
      characteristic: c,
      window: w,
      limits,
      frozen: frozen
        ? {
            version: frozen.version,
            baselineFrom: frozen.baselineFrom,
            baselineTo: frozen.baselineTo,
            reason: frozen.reason,
            createdBy: frozen.createdBy,
            createdAt: frozen.createdAt,
          }
        : null,
      rules: c.rules.map((rule) => ({ rule, text: texts[rule] ?? `rule ${rule}` })),
      contract: body,
      flagged: await repo.flaggedIn(this.db, id, w.from, w.to),
      detail: report
        ? {
            centerLine: report.centerLine,
            ucl: report.ucl,
            lcl: report.lcl,
            points: report.points,
            secondary: report.secondary,
            violations: report.violations.map(({ rule, chart, index, ts }) => ({ rule, chart, index, ts })),
            pending: report.pending,
            capability: report.capability,
            histogram: report.histogram,
          }
        : null,
    };
  }

  /**
   * Characteristics by worst Cpk (none last), with the violations of the last 24 hours. Three statements whatever the
   * number of characteristics (the page polls it): the list, every newest frozen limits, every window's measurements.
   */
  async overview(now = Date.now()): Promise<OverviewRow[]> {
    const w = { from: new Date(now - DAY_MS).toISOString(), to: new Date(now).toISOString() };
    const cs = await repo.listCharacteristics(this.db, { limit: 1000 });
    const ids = cs.map((c) => c.id);
    const [frozen, windows] = await Promise.all([repo.latestLimitsOf(this.db, ids), repo.windows(this.db, ids, w.from, w.to, MAX_WINDOW_POINTS + 1)]);
    const rows = cs.map((c): OverviewRow => {
      let points = 0;
      let view: ReturnType<typeof contractOf>;
      try {
        const data = checkedData(c, windows.get(c.id) ?? [], w);
        points = data.length;
        view = contractOf(c, data, frozen.get(c.id)?.limits ?? null);
      } catch (err) {
        // one characteristic whose data cannot be charted does not hide the others
        if (err instanceof AppError)
          view = {
            body: { chart: c.chart, centerLine: null, ucl: null, lcl: null, points: [], violations: [], cp: null, cpk: null, pp: null, ppk: null },
            limits: null,
            report: null,
          };
        else throw err;
      }
      return {
        id: c.id,
        name: c.name,
        product: c.product,
        chart: c.chart,
        points,
        cpk: view.body.cpk,
        ppk: view.body.ppk,
        violations24h: view.body.violations.length,
        limits: view.limits,
      };
    });
    return rows.sort((a, b) => (a.cpk ?? Infinity) - (b.cpk ?? Infinity) || b.violations24h - a.violations24h || a.id.localeCompare(b.id));
  }

  private async windowData(db: Db, c: Characteristic, w: Window): Promise<Measurement[] | Count[]> {
    return checkedData(c, await repo.window(db, c.id, w.from, w.to, MAX_WINDOW_POINTS + 1), w);
  }
}

/** A window's measurements as the engine's input; more than MAX_WINDOW_POINTS (read up to one more) is refused. */
function checkedData(c: Characteristic, ms: StoredMeasurement[], w: Window): Measurement[] | Count[] {
  if (ms.length > MAX_WINDOW_POINTS) throw new AppError('bad_request', `more than ${MAX_WINDOW_POINTS} measurements in ${w.from} … ${w.to}: narrow the window`);
  return dataOf(c, ms);
}
