// Downtime: the stops of machines (maximal runs of own ADET intervals, see time-model.ts), their reasons from a small
// reason tree, classification by people (audited), and the Pareto of stop time by reason, machine or shift.
import { z } from 'zod';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import { rowsOf, sql } from '../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../platform/errors.ts';
import type { AppContext } from '../platform/context.ts';
import { alarmOfStop, reasonForAlarm } from './alarm-reasons.ts';
import * as analysis from './analysis.repository.ts';
import { shiftSpans } from './calendar-windows.ts';
import * as repo from './performance.repository.ts';
import type { PerformanceService } from './performance.service.ts';
import { listStops } from './time-model.ts';

export const reasonRowSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  planned: z.boolean(),
  loss: z.string().nullable(),
});
export type ReasonRow = z.infer<typeof reasonRowSchema>;

/** A stop as the API shows it; instants are ISO 8601 strings. */
export const stopViewSchema = z.object({
  equipmentId: z.string(),
  path: z.string(),
  start: z.string(),
  end: z.string(),
  ongoing: z.boolean(),
  durationS: z.number(),
  kind: z.enum(['failure', 'minor']),
  states: z.array(z.string()),
  shift: z.string().nullable(),
  reasonId: z.string().nullable(),
  reason: z.string().nullable(),
  /** 'person': classified on the terminal or the dashboard; 'alarm': mapped from the machine's alarm code. */
  reasonSource: z.enum(['person', 'alarm']).nullable(),
  /** The alarm active when the stop began (or raised within 10 s after), if the machine publishes one. */
  alarmCode: z.string().nullable(),
  comment: z.string(),
  /** Stops at or above the minor-stop threshold ask for a reason until they have one. */
  needsReason: z.boolean(),
});
export type StopView = z.infer<typeof stopViewSchema>;

export const PARETO_BY = ['reason', 'machine', 'shift'] as const;
export const paretoSchema = z.object({
  by: z.enum(PARETO_BY),
  totalSeconds: z.number(),
  rows: z.array(z.object({ key: z.string(), seconds: z.number(), stops: z.number(), minorStops: z.number(), cumulativeShare: z.number() })),
});
export type Pareto = z.infer<typeof paretoSchema>;

export class StopService {
  constructor(
    private readonly ctx: AppContext,
    private readonly perf: PerformanceService,
  ) {}

  async reasons(): Promise<ReasonRow[]> {
    return this.ctx.database.query<ReasonRow>(`SELECT id, parent_id AS "parentId", name, planned, loss FROM perf_reasons ORDER BY id`);
  }

  async list(equipment: string, from: number, to: number): Promise<StopView[]> {
    const { machines } = this.perf.scope(equipment);
    const now = this.perf.rollup.now();
    const threshold = this.perf.opts.minorStopThresholdS;
    const raw = await repo.loadRaw(
      this.perf.history,
      this.ctx.database,
      machines.map((m) => m.id),
      from,
      Math.min(to, now),
      threshold * 1000,
      this.perf.rollup.conventions,
    );
    const reasonRows = await this.ctx.database.query<{ e: string; s: number; reasonId: string; name: string; comment: string }>(
      `SELECT r.equipment_id AS e, extract(epoch FROM r.start_ts)::float8 * 1000 AS s, r.reason_id AS "reasonId", p.name, r.comment
       FROM perf_stop_reasons r JOIN perf_reasons p ON p.id = r.reason_id
       WHERE r.equipment_id = ANY($1::uuid[]) AND r.start_ts >= to_timestamp($2) AND r.start_ts < to_timestamp($3)`,
      [machines.map((m) => m.id), from / 1000 - 7 * 86_400, to / 1000],
    );
    const reasonOf = (e: string, s: number) => reasonRows.find((r) => r.e === e && Math.abs(r.s - s) < 1);
    // stops a person has not classified take the reason their alarm code maps to
    const alarms = await this.perf.history.alarmValues(
      this.ctx.database,
      new Map(machines.map((m) => [m.id, m.alarmTags])),
      from - 86_400_000,
      Math.min(to, now),
    );
    const mappings = await analysis.listAlarmMappings(this.ctx.db);
    const plantWide = await analysis.plantWideAlarmCodes(this.ctx.db);
    const names = new Map((await this.reasons()).map((r) => [r.id, r.name]));
    const out: StopView[] = [];
    for (const m of machines) {
      const h = raw.get(m.id)!;
      const shifts = shiftSpans(m.calendar, from - 86_400_000, to);
      for (const s of listStops(h.states, now, threshold)) {
        if (s.end <= from || s.start >= to) continue;
        const r = reasonOf(m.id, s.start);
        const alarmCode = alarmOfStop(alarms.get(m.id) ?? [], s);
        const mapped = !r && alarmCode ? reasonForAlarm(mappings, plantWide, m, alarmCode) : null;
        const ongoing = h.states.at(-1)?.end === null && s.end === now;
        out.push({
          equipmentId: m.id,
          path: m.path,
          start: new Date(s.start).toISOString(),
          end: new Date(s.end).toISOString(),
          ongoing,
          durationS: Math.round((s.end - s.start) / 10) / 100,
          kind: s.minor ? 'minor' : 'failure',
          states: s.states,
          shift: shifts.find((x) => x.start <= s.start && s.start < x.end)?.name ?? null,
          reasonId: r?.reasonId ?? mapped,
          reason: r?.name ?? (mapped ? (names.get(mapped) ?? mapped) : null),
          reasonSource: r ? 'person' : mapped ? 'alarm' : null,
          alarmCode,
          comment: r?.comment ?? '',
          needsReason: !s.minor && !r && !mapped,
        });
      }
    }
    return out.sort((a, b) => a.start.localeCompare(b.start));
  }

  /** Gives a stop its reason (or changes it); audited with the reason before and after. */
  async classify(actor: Actor, equipment: string, start: number, reasonId: string, comment: string): Promise<StopView> {
    const { machines } = this.perf.scope(equipment);
    if (machines.length !== 1) throw new AppError('validation_failed', 'name one machine', [{ path: 'params.equipment', message: 'not a machine' }]);
    const reasons = await this.reasons();
    if (!reasons.some((r) => r.id === reasonId))
      throw new AppError('validation_failed', `reason '${reasonId}' does not exist`, [{ path: 'reasonId', message: 'unknown reason' }]);
    const stop = (await this.list(machines[0].id, start - 1, start + 1)).find((s) => Math.abs(Date.parse(s.start) - start) < 1);
    if (!stop) throw notFound(`stop of ${machines[0].path} starting at`, new Date(start).toISOString());
    const m = machines[0];
    const exact =
      (await repo.loadRaw(this.perf.history, this.ctx.database, [m.id], start - 1, start + 1, 0)).get(m.id)!.states.find((s) => Math.abs(s.start - start) < 1)
        ?.start ?? start;
    await this.ctx.db.transaction(async (tx) => {
      const [before] = await rowsOf<{ reasonId: string; comment: string }>(
        tx,
        sql`SELECT reason_id AS "reasonId", comment FROM perf_stop_reasons WHERE equipment_id = ${m.id} AND abs(extract(epoch FROM start_ts) - ${exact / 1000}) < 0.001`,
      );
      await tx.execute(sql`DELETE FROM perf_stop_reasons WHERE equipment_id = ${m.id} AND abs(extract(epoch FROM start_ts) - ${exact / 1000}) < 0.001`);
      await tx.execute(
        sql`INSERT INTO perf_stop_reasons (equipment_id, start_ts, reason_id, comment, classified_by) VALUES (${m.id}, to_timestamp(${exact / 1000}), ${reasonId}, ${comment}, ${actor.name})`,
      );
      await appendAudit(tx, actor, {
        action: before ? 'update' : 'create',
        entity: 'stop_reason',
        entityId: `${m.path}@${stop.start}`,
        before: before ?? undefined,
        after: { reasonId, comment },
      });
    });
    const after = (await this.list(m.id, start - 1, start + 1)).find((s) => s.start === stop.start);
    return after ?? stop;
  }

  /** Stop time (clipped to the period) and count, by reason, machine or shift; largest first with cumulative share. */
  async pareto(equipment: string, from: number, to: number, by: Pareto['by']): Promise<Pareto> {
    const stops = await this.list(equipment, from, to);
    const acc = new Map<string, { key: string; seconds: number; stops: number; minorStops: number }>();
    for (const s of stops) {
      const key =
        by === 'reason'
          ? (s.reason ?? (s.kind === 'minor' ? 'minor stop (no reason)' : 'unclassified'))
          : by === 'machine'
            ? s.path
            : (s.shift ?? 'outside shifts');
      const a = acc.get(key) ?? { key, seconds: 0, stops: 0, minorStops: 0 };
      a.seconds += (Math.min(Date.parse(s.end), to) - Math.max(Date.parse(s.start), from)) / 1000;
      if (s.kind === 'minor') a.minorStops++;
      else a.stops++;
      acc.set(key, a);
    }
    const rows = [...acc.values()].sort((a, b) => b.seconds - a.seconds);
    const total = rows.reduce((n, r) => n + r.seconds, 0);
    let cum = 0;
    return {
      by,
      totalSeconds: Math.round(total * 1000) / 1000,
      rows: rows.map(
        (r) => (
          (cum += r.seconds), { ...r, seconds: Math.round(r.seconds * 1000) / 1000, cumulativeShare: total > 0 ? Math.round((cum / total) * 10000) / 10000 : 0 }
        ),
      ),
    };
  }

  // ------------------------------------------------------------------------------------------- alarm codes → reasons

  async alarmMappings() {
    const rows = await analysis.listAlarmMappings(this.ctx.db);
    return rows.map((m) => ({ ...m, path: m.scope === 'machine' ? (this.perf.view.machine(m.scopeId)?.path ?? null) : null }));
  }

  /** Resolves the scope of a mapping: a machine (id or path → id) or an equipment class id. */
  private async scopeId(scope: 'machine' | 'class', target: string): Promise<string> {
    if (scope === 'machine') {
      const { machines } = this.perf.scope(target);
      if (machines.length !== 1 || machines[0].path !== this.perf.view.find(target).path)
        throw validationFailed('name one machine', [{ path: 'target', message: 'not a machine' }]);
      return machines[0].id;
    }
    const classes = await this.perf.plant.listCodes('equipmentClass');
    if (!classes.some((c) => c.id === target)) throw notFound('equipment class', target);
    return target;
  }

  /** Maps an alarm code of a machine or machine class to a reason (creates or changes the mapping); audited. */
  async putAlarmMapping(actor: Actor, scope: 'machine' | 'class', target: string, alarmCode: string, reasonId: string) {
    const scopeId = await this.scopeId(scope, target);
    if (!(await this.reasons()).some((r) => r.id === reasonId))
      throw validationFailed(`reason '${reasonId}' does not exist`, [{ path: 'reasonId', message: 'unknown reason' }]);
    const mapping = { scope, scopeId, alarmCode, reasonId };
    await this.ctx.db.transaction(async (tx) => {
      const before = await analysis.getAlarmMapping(tx, scope, scopeId, alarmCode);
      await analysis.putAlarmMapping(tx, mapping);
      await appendAudit(tx, actor, {
        action: before ? 'update' : 'create',
        entity: 'alarm_reason',
        entityId: `${scope}:${scopeId}:${alarmCode}`,
        before,
        after: mapping,
      });
    });
    return mapping;
  }

  async deleteAlarmMapping(actor: Actor, scope: 'machine' | 'class', target: string, alarmCode: string): Promise<void> {
    const scopeId = await this.scopeId(scope, target);
    await this.ctx.db.transaction(async (tx) => {
      const before = await analysis.getAlarmMapping(tx, scope, scopeId, alarmCode);
      if (!before) throw notFound(`alarm code mapping of ${scope} ${target}`, alarmCode);
      await analysis.deleteAlarmMapping(tx, scope, scopeId, alarmCode);
      await appendAudit(tx, actor, { action: 'delete', entity: 'alarm_reason', entityId: `${scope}:${scopeId}:${alarmCode}`, before });
    });
  }
}
