// Reaction plans (OCAP, docs/quality.md "Reaction plans"): per characteristic, what fires it (a value outside LSL/USL,
// chosen SPC rules on the frozen limits) and what it does (alarm; hold the operation and the lot in production; stop
// the machine through its connector and hold it). Every stored measurement is evaluated, whatever its source, in
// arrival order per characteristic; one episode is one reaction (trigger.ts): while its holds are open, further values
// are linked to it, never re-acted — a run of bad values sends one stop command.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../platform/audit/audit.service.ts';
import { SYSTEM_ACTOR, type Actor } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import type { QualityReaction, ReactionAction } from '../events.ts';
import type { HoldService } from '../holds/holds.service.ts';
import type { QualityHold } from '../holds/holds.repository.ts';
import { listHolds } from '../holds/holds.repository.ts';
import type { Characteristic, StoredMeasurement } from '../model.ts';
import type { LoopDeps } from '../ports.ts';
import { latestLimits, measurementOf } from '../quality.repository.ts';
import { dataOf, specOf } from '../chart-data.ts';
import { NELSON_RULES, WESTERN_ELECTRIC_RULES } from '../spc/rules.ts';
import * as repo from './reaction.repository.ts';
import type { ReactionPlan, ReactionRecord } from './reaction.repository.ts';
import { earlyStop } from '../inline/early.ts';
import { episodeStep, pointsNeeded, ruleViolation, specViolation, type Fired } from './trigger.ts';

type StopResult = { id: string | null; status: string; detail?: string | null };
/** A stop sent on the fast path (stopEarly) that no reaction has taken as its own yet. */
type EarlyStop = { ts: string; fired: Fired; command: Promise<StopResult> };
/** The value a reaction is about: a stored measurement, or an in-line value that was not stored (id null). */
export type Triggering = Pick<StoredMeasurement, 'value' | 'defects' | 'defectives' | 'equipment' | 'orderId' | 'operationSeq' | 'lot' | 'ts'> & {
  id: number | null;
};
const episodeKey = (characteristic: string, equipment: string | null) => `${characteristic}\u0000${equipment ?? ''}`;

export type PlanInput = Pick<ReactionPlan, 'onSpec' | 'rules' | 'action'>;

/** How long the stop command waits for the machine's confirmation before it is recorded as timed out. */
const STOP_TIMEOUT_MS = 15_000;

export class ReactionService {
  private plans = new Map<string, ReactionPlan | null>();
  /** open episodes by characteristic and machine (episodeKey) → reaction id, as the database has them */
  private open = new Map<string, string>();
  /** stop commands sent on the fast path (stopEarly) for a reaction not stored yet, by episodeKey */
  private early = new Map<string, EarlyStop>();
  private queues = new Map<string, Promise<void>>();
  /** measurements evaluated, reactions fired, measurements linked to an open episode, evaluation failures */
  readonly counters = { evaluated: 0, reactions: 0, linked: 0, failed: 0, earlyStops: 0, unstored: 0 };

  constructor(
    private readonly ctx: AppContext,
    private readonly holds: HoldService,
    private readonly loop: LoopDeps | undefined,
  ) {}

  /** Loads the open episodes (the fast path's memory of them) and the plans of these characteristics. */
  async start(characteristics: string[]): Promise<void> {
    for (const r of await repo.openEpisodes(this.ctx.db)) this.open.set(episodeKey(r.characteristic, r.equipment), r.id);
    for (const id of characteristics) this.plans.set(id, (await repo.getPlan(this.ctx.db, id)) ?? null);
  }

  /** An episode ended (a conforming value, or its last hold released): the next violation is a new reaction. */
  closed(reactionId: string): void {
    for (const [k, id] of this.open) if (id === reactionId) this.open.delete(k);
  }

  /**
   * The fast path for an in-line value collect has just accepted into its buffer (before its flush; never a value it
   * quarantines on arrival): with a plan that stops the machine on the spec limits, a value out of spec and no
   * episode open at that machine, the stop command is sent now, from memory (inline/early.ts), before the value is
   * stored; the stored evaluation then takes this command as its reaction's own (react). Answers whether it stopped.
   */
  stopEarly(c: Characteristic, value: unknown, equipment: string, ts: number): boolean {
    const key = episodeKey(c.id, equipment);
    const state = { loop: this.loop !== undefined, episodeOpen: this.open.has(key), stopPending: this.early.has(key) };
    const fired = earlyStop(this.plans.get(c.id), c, value, state);
    if (!fired) return false;
    this.counters.earlyStops++;
    const command = this.sendStop(equipment, `quality reaction: ${c.name} (${c.id}) measured ${String(value)} ${fired.what}`);
    this.early.set(key, { ts: new Date(ts).toISOString(), fired, command });
    return true;
  }

  /**
   * The value an early stop was sent on was not stored (collect did not store it, or quality refused it as a
   * measurement): the stop stands, and a reaction records it with the reason — holds and its NCR as for any other.
   */
  notStored(c: Characteristic, m: Omit<Triggering, 'id' | 'defects' | 'defectives'> & { equipment: string }, reason: string): void {
    const key = episodeKey(c.id, m.equipment);
    const e = this.early.get(key);
    if (!e || Date.parse(e.ts) !== Date.parse(m.ts)) return; // no early stop for this value, or a reaction took it already
    this.early.delete(key);
    this.counters.unstored++;
    this.enqueue(c.id, async () => {
      const plan = this.plans.get(c.id);
      if (!plan) throw new Error(`the plan of ${c.id} that stopped ${m.equipment} is gone; stop command pending`);
      await this.react(c, plan, { ...m, id: null, defects: null, defectives: null }, e.fired, e, reason);
    });
  }

  private sendStop(equipment: string, reason: string): Promise<StopResult> {
    return this.loop!.commands.send(SYSTEM_ACTOR, equipment, { kind: 'stop' }, reason, STOP_TIMEOUT_MS).catch((err: unknown) => ({
      id: null,
      status: 'failed',
      detail: (err as Error).message,
    }));
  }

  async plan(c: Characteristic): Promise<ReactionPlan | null> {
    return (await repo.getPlan(this.ctx.db, c.id)) ?? null;
  }

  async putPlan(actor: Actor, c: Characteristic, input: PlanInput): Promise<ReactionPlan> {
    const issue = (path: string, message: string) => validationFailed(`${path}: ${message}`, [{ path, message }]);
    const allowed: readonly number[] = c.ruleSet === 'nelson' ? NELSON_RULES : WESTERN_ELECTRIC_RULES;
    const wrong = input.rules.find((r) => !allowed.includes(r));
    if (wrong !== undefined) throw issue('rules', `${c.id} uses ${c.ruleSet} rules ${allowed.join(', ')}, not ${wrong}`);
    if (new Set(input.rules).size !== input.rules.length) throw issue('rules', 'each rule number once');
    if (input.onSpec && (c.kind !== 'variable' || (c.lsl === null && c.usl === null)))
      throw issue('onSpec', `${c.id} has no spec limits (LSL/USL) to react to`);
    if (!input.onSpec && !input.rules.length) throw issue('rules', 'a plan reacts to the spec limits (onSpec) or to at least one SPC rule');
    if (input.action !== 'alarm' && !this.loop) throw new AppError('unavailable', 'holds and machine stops are not available in this installation');
    const plan = await this.ctx.db.transaction(async (tx) => {
      const before = await repo.getPlan(tx, c.id);
      const after = await repo.putPlan(tx, { characteristic: c.id, ...input, updatedBy: actor.name });
      await appendAudit(tx, actor, { action: before ? 'update' : 'create', entity: 'quality_reaction_plan', entityId: c.id, before, after });
      return after;
    });
    this.plans.set(c.id, plan);
    return plan;
  }

  list = (f: { characteristic?: string; limit: number }) => repo.listReactions(this.ctx.db, f);

  /** Queues the measurements of one characteristic (stored, in time order) behind those before them. */
  evaluate(c: Characteristic, ms: StoredMeasurement[]): Promise<void> {
    return this.enqueue(c.id, () => this.evaluateNow(c, ms));
  }

  private enqueue(characteristic: string, work: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(characteristic) ?? Promise.resolve();
    const tail = prev.then(work).catch((err: unknown) => {
      this.counters.failed++;
      this.ctx.log.error({ err, characteristic }, 'quality: evaluating a reaction plan failed');
    });
    this.queues.set(characteristic, tail);
    void tail.then(() => this.queues.get(characteristic) === tail && this.queues.delete(characteristic));
    return tail;
  }

  /** Waits until every queued evaluation is done (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  private async evaluateNow(c: Characteristic, ms: StoredMeasurement[]): Promise<void> {
    if (!this.plans.has(c.id)) this.plans.set(c.id, (await repo.getPlan(this.ctx.db, c.id)) ?? null);
    const plan = this.plans.get(c.id);
    if (!plan) return;
    for (const m of ms) {
      this.counters.evaluated++;
      const early = this.early.get(episodeKey(c.id, m.equipment));
      const mine = early !== undefined && Date.parse(early.ts) === Date.parse(m.ts) ? early : undefined;
      // the stop sent on this value's arrival stands: its reaction records it even should the stored judgement differ
      // (the limits changed in between: judged against the limits then in force)
      const fired = (await this.fired(c, plan, m)) ?? mine?.fired ?? null;
      const open = await repo.openReaction(this.ctx.db, c.id, m.equipment);
      const openHolds = open ? (await listHolds(this.ctx.db, { status: 'open', reaction: open.id, limit: 1000 })).length : 0;
      let step = episodeStep(open ? { openHolds, placedHolds: open.holds.length > 0 } : null, fired !== null);
      if (mine && step !== 'react') {
        this.ctx.log.warn({ characteristic: c.id, equipment: m.equipment, step }, 'quality: a stop sent early is recorded as a reaction of its own');
        step = 'react';
      }
      if (step === 'link' && open) {
        await repo.linkMeasurement(this.ctx.db, open.id, m.id);
        this.counters.linked++;
      } else if (step === 'close' && open) {
        await repo.closeReaction(this.ctx.db, open.id);
        this.closed(open.id);
      } else if (step === 'react' && fired) {
        if (open) {
          await repo.closeReaction(this.ctx.db, open.id);
          this.closed(open.id);
        }
        await this.react(c, plan, m, fired);
      }
    }
  }

  private async fired(c: Characteristic, plan: ReactionPlan, m: StoredMeasurement): Promise<Fired | null> {
    const spec = plan.onSpec ? specViolation(m.value, c.lsl, c.usl) : null;
    if (spec || !plan.rules.length) return spec;
    const frozen = await latestLimits(this.ctx.db, c.id);
    if (!frozen) return null; // rules are judged against frozen limits only (docs/quality.md)
    const needed = pointsNeeded(c.ruleSet, plan.rules);
    const bySubgroup = c.chart === 'xbar-r' || c.chart === 'xbar-s';
    const rows = await repo.recentMeasurements(this.ctx.db, c.id, m.ts, needed, bySubgroup);
    return ruleViolation(specOf(c), dataOf(c, rows.map(measurementOf)), frozen.limits, c, plan.rules, m.ts);
  }

  /** One reaction: the stop first (the fastest path to the wire), then the record and the holds, then the event. */
  private async react(c: Characteristic, plan: ReactionPlan, m: Triggering, fired: Fired, taken?: EarlyStop, unstored: string | null = null): Promise<void> {
    this.counters.reactions++;
    const id = randomUUID();
    const actor = SYSTEM_ACTOR;
    const measured = `${c.name} (${c.id}) measured ${m.value ?? m.defects ?? m.defectives} ${fired.what}${unstored ? ` (the value was not stored: ${unstored})` : ''}`;
    const reason = `quality reaction ${id}: ${measured}`;
    const key = episodeKey(c.id, m.equipment);
    // one stop per episode: a stop the fast path sent for this machine is this reaction's, whichever value it was for
    const early = taken ?? this.early.get(key);
    this.early.delete(key);
    const stopping = early !== undefined || (plan.action === 'stop' && m.equipment !== null && this.loop !== undefined);
    const command = stopping ? (early?.command ?? this.sendStop(m.equipment!, reason)) : null;
    this.open.set(key, id);
    const actions: ReactionAction[] = ['alarm'];
    if (plan.action !== 'alarm') actions.push('hold');
    if (stopping) actions.push('stop');
    const base = {
      id,
      characteristic: c.id,
      measurementId: m.id,
      unstored,
      value: m.value ?? m.defects ?? m.defectives,
      trigger: fired.trigger,
      rule: fired.rule,
      actions,
      equipment: m.equipment,
      orderId: m.orderId,
      operationSeq: m.operationSeq,
      lot: m.lot,
      ts: m.ts,
      summary: measured,
    };
    await repo.insertReaction(this.ctx.db, base);
    const placed: QualityHold[] = [];
    const notes: string[] = [];
    const place = async (kind: QualityHold['kind'], target: string, ref: string | null = null) => {
      const h = await this.holds.place(actor, kind, target, reason, id, ref);
      if (typeof h === 'string') notes.push(h);
      else placed.push(h);
    };
    if (plan.action !== 'alarm' && this.loop) {
      if (m.orderId && m.operationSeq !== null) await place('operation', `${m.orderId}/${m.operationSeq}`);
      const lots = m.lot ? [m.lot] : m.orderId && m.operationSeq !== null ? await this.loop.lots.consumedAt(m.orderId, m.operationSeq) : [];
      for (const lot of lots) await place('lot', lot);
    }
    let commandId: string | null = null;
    let summary = `${measured}: ${actions.join(', ')}`;
    if (command) {
      const result = await command;
      commandId = result.id;
      await place('machine', m.equipment!, commandId);
      summary += `; stop command ${result.status}${result.detail ? ` (${result.detail})` : ''}`;
    }
    if (placed.length) summary += `; held ${placed.map((h) => `${h.kind} ${h.target}`).join(', ')}`;
    if (notes.length) summary += `; ${notes.join('; ')}`;
    await repo.setCommand(this.ctx.db, id, commandId, command ? (await command).status : 'none', summary);
    const event: QualityReaction = { ...base, characteristicName: c.name, holds: placed.map((h) => h.id), commandId, summary };
    this.ctx.events.publish('quality.reaction', event);
  }

  /** A reaction as stored, with its holds (404 when unknown). */
  async get(id: string): Promise<ReactionRecord> {
    const r = await repo.getReaction(this.ctx.db, id);
    if (!r) throw new AppError('not_found', `reaction ${id} does not exist`);
    return r;
  }
}
