// The gauge register: gauges, their calibrations (which move the due date), the list by due date, and the screen a
// measurement batch passes: a record taken with a gauge that is overdue, failed or out of service is refused or
// flagged (docs/quality.md "Gauges and calibration"). Edits are audited in their transaction.
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import { today } from '../dates.ts';
import type { MeasurementScreen } from '../model.ts';
import {
  afterCalibration,
  GAUGE_FLAG,
  stateOf,
  unusable,
  type Calibration,
  type CalibrationResult,
  type Gauge,
  type GaugeInput,
  type GaugeState,
} from './gauges.model.ts';
import * as repo from './gauges.repository.ts';

export type GaugeView = Gauge & { state: GaugeState };
export interface CalibrationInput {
  calibratedOn: string;
  result: CalibrationResult;
  calibratedBy: string;
  certificate: string | null;
}

export class GaugeRegister {
  constructor(private readonly db: Db) {}

  /**
   * The register by due date, each gauge with its state today ('due-soon': due within `days`, 30 by default); with
   * `due`, only the gauges that cannot measure now or are due within those days.
   */
  async list(f: { days?: number; due?: boolean }, now = Date.now()): Promise<GaugeView[]> {
    const day = today(now);
    const all = (await repo.listGauges(this.db)).map((g) => ({ ...g, state: stateOf(g, day, f.days ?? 30) }));
    return f.due ? all.filter((g) => g.state !== 'ok') : all;
  }

  async get(id: string, now = Date.now()): Promise<GaugeView & { calibrations: Calibration[] }> {
    const g = await repo.getGauge(this.db, id);
    if (!g) throw notFound('gauge', id);
    return { ...g, state: stateOf(g, today(now), 30), calibrations: await repo.calibrations(this.db, id) };
  }

  async create(actor: Actor, input: GaugeInput, now = Date.now()): Promise<Gauge> {
    checkDay('lastCalibrated', input.lastCalibrated, now);
    // a gauge registered with its last calibration is due an interval after it
    const first = input.lastCalibrated
      ? afterCalibration({ ...input, lastCalibrated: null } as Gauge, { calibratedOn: input.lastCalibrated, result: 'pass' })
      : null;
    return this.db.transaction(async (tx) => {
      const g = await repo.insertGauge(tx, { ...input, dueOn: first?.dueOn ?? null, lastResult: first ? 'pass' : null }, actor.name);
      if (!g) throw new AppError('duplicate', `gauge ${input.id} already exists`);
      await appendAudit(tx, actor, { action: 'create', entity: 'quality_gauge', entityId: g.id, after: g });
      return g;
    });
  }

  /** Name, type, location, status, the overdue setting and the interval (a new interval moves the due date). */
  async update(actor: Actor, id: string, patch: Partial<Omit<GaugeInput, 'id' | 'lastCalibrated'>>, reason: string | null): Promise<Gauge> {
    return this.db.transaction(async (tx) => {
      const before = await repo.getGauge(tx, id, true);
      if (!before) throw notFound('gauge', id);
      const next = { ...before, ...patch };
      if (patch.intervalDays !== undefined && before.lastCalibrated && before.lastResult === 'pass')
        Object.assign(next, afterCalibration({ ...next, lastCalibrated: null }, { calibratedOn: before.lastCalibrated, result: 'pass' }));
      const after = await repo.updateGauge(tx, next);
      await appendAudit(tx, actor, { action: 'update', entity: 'quality_gauge', entityId: id, before, after, reason });
      return after;
    });
  }

  async remove(actor: Actor, id: string, reason: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.getGauge(tx, id, true);
      if (!before) throw notFound('gauge', id);
      const using = await repo.characteristicsUsing(tx, id);
      if (using.length) throw new AppError('conflict', `gauge ${id} is named by characteristic ${using.join(', ')}: take it out of service instead`);
      await repo.deleteGauge(tx, id);
      await appendAudit(tx, actor, { action: 'delete', entity: 'quality_gauge', entityId: id, before, reason });
    });
  }

  async calibrate(actor: Actor, id: string, c: CalibrationInput, now = Date.now()): Promise<{ gauge: Gauge; calibration: Calibration }> {
    checkDay('calibratedOn', c.calibratedOn, now);
    return this.db.transaction(async (tx) => {
      const before = await repo.getGauge(tx, id, true);
      if (!before) throw notFound('gauge', id);
      const calibration = await repo.insertCalibration(tx, { gauge: id, ...c, recordedBy: actor.name });
      const gauge = await repo.updateGauge(tx, { ...before, ...afterCalibration(before, c) });
      await appendAudit(tx, actor, { action: 'calibrate', entity: 'quality_gauge', entityId: id, before, after: { gauge, calibration } });
      return { gauge, calibration };
    });
  }

  /** Whether a characteristic may name this gauge: a register id, or free text that names no register entry (old rows). */
  async exists(id: string): Promise<boolean> {
    return (await repo.getGauge(this.db, id)) !== undefined;
  }

  /**
   * The measurement batch's gauge screen. A characteristic naming a registered gauge that cannot measure today: a
   * manual record is refused when the gauge says 'refuse' (the person at the terminal reads why and takes another
   * gauge), else flagged; a machine or lab record is always stored and flagged (nobody is there to take another gauge,
   * and dropping in-line data would hide the process).
   */
  screen: MeasurementScreen = async (batch, _by, now) => {
    const out = new Map<number, { refuse?: string; flag?: string }>();
    const ids = [...new Set(batch.map((x) => x.c.gauge).filter((g): g is string => g !== null))];
    const gauges = new Map((await repo.getGauges(this.db, ids)).map((g) => [g.id, g]));
    const day = today(now);
    for (const x of batch) {
      const g = x.c.gauge === null ? undefined : gauges.get(x.c.gauge);
      const why = g && unusable(g, day);
      if (!g || !why) continue;
      if (x.m.source === 'manual' && g.onOverdue === 'refuse') out.set(x.index, { refuse: `${why}: ${x.c.id} cannot be measured with it` });
      else out.set(x.index, { flag: GAUGE_FLAG });
    }
    return out;
  };
}

function checkDay(path: string, v: string | null, now: number): void {
  if (v !== null && v > today(now)) throw validationFailed(`${path}: ${v} is in the future`, [{ path, message: 'a day up to today' }]);
}
