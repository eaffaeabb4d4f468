// What execution learns from the machines while operations run: the order context of their data (collect's
// contextualiser asks), the parameter lock (a setpoint changed at the machine or a process value outside its limits
// raises an alarm against the operation), and interruptions (the machine went down while the operation ran).
import { operationContextAt, type MachineView, type OrderContextPort } from '../collect/index.ts';
import { sameValue } from '../connectors/index.ts';
import type { AppContext } from '../platform/context.ts';
import type { EventMap } from '../platform/events.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import * as andonRepo from './andon.repository.ts';
import type { OperationPhase } from './events.ts';
import * as repo from './execution.repository.ts';
import { setpointNames } from './shopfloor.service.ts';
import * as run from './shopfloor.repository.ts';

interface Watched {
  orderId: string;
  seq: number;
  path: string;
  phase: OperationPhase | null;
  /** from when the machine's data belongs to the operation (setup start), epoch ms */
  from: number;
  /** machine setpoint tag → [recipe parameter, value written] */
  setpoints: Map<string, [string, number | string | boolean]>;
  /** process value tag → limits */
  limits: Map<string, { min?: number; max?: number }>;
  down: boolean;
}

/** Deviation of one reported value from the reference, or undefined when it is within it. */
export function deviation(
  w: Pick<Watched, 'setpoints' | 'limits'>,
  tag: string,
  value: unknown,
): { parameter: string; kind: 'out_of_limits' | 'setpoint_changed'; reference: unknown } | undefined {
  const sp = w.setpoints.get(tag);
  if (sp && !sameValue(value as never, sp[1])) return { parameter: sp[0], kind: 'setpoint_changed', reference: sp[1] };
  const lim = w.limits.get(tag);
  if (lim && typeof value === 'number' && ((lim.min !== undefined && value < lim.min) || (lim.max !== undefined && value > lim.max)))
    return { parameter: tag, kind: 'out_of_limits', reference: lim };
  return undefined;
}

export class RunWatch {
  private byEquipment = new Map<string, Watched>();
  private offs: Array<() => void> = [];
  private queue: Promise<void> = Promise.resolve();
  private reloading: Promise<void> = Promise.resolve();
  /** open alarms known in memory (order/seq/parameter/kind), so a drifting value does not write once per sample */
  private open = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    /** collect's machines (by path) and the port through which the order context of their data is given */
    private readonly collect: { machines: Pick<MachineView, 'equipment'>; orderContext: OrderContextPort },
    private readonly plant: EquipmentLookup,
  ) {}

  async start(): Promise<void> {
    this.collect.orderContext.setOrderContextProvider((equipmentId, ts) => {
      const w = this.byEquipment.get(equipmentId);
      // the one definition of which parts belong to an operation: from its setup start (collect/history.ts)
      return w ? operationContextAt({ orderId: w.orderId, seq: w.seq, setupStart: w.from }, ts) : {};
    });
    await this.reload();
    this.offs.push(this.ctx.events.subscribe('collect.stored', (e) => this.onValues(e)));
    this.offs.push(this.ctx.events.subscribe('collect.state', (e) => this.onState(e)));
    this.offs.push(
      this.ctx.events.subscribe('execution.alarm', (e) => e.state !== 'raised' && this.open.delete(`${e.orderId}/${e.seq}/${e.parameter}/${e.kind}`)),
    );
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  /** Waits for the alarms and journal entries being written (tests). */
  settled(): Promise<void> {
    return this.queue;
  }

  /**
   * Reads the running operations again: after any change of one, and on every master-data change (a machine's id,
   * path or setpoint names). One at a time, so an older read never overwrites a newer one.
   */
  reload(equipmentId?: string): Promise<void> {
    const next = this.reloading.then(() => this.reloadNow(equipmentId));
    this.reloading = next.catch(() => {});
    return next;
  }

  private async reloadNow(equipmentId?: string): Promise<void> {
    const running = await run.runningOn(this.ctx.db);
    const next = new Map<string, Watched>();
    for (const r of running) {
      let eq;
      try {
        eq = this.collect.machines.equipment(r.equipment!);
      } catch {
        continue; // the machine left the plant model
      }
      const op = await repo.getOperation(this.ctx.db, r.orderId, r.seq);
      const attributes = (await this.plant.getEquipment(eq.path).catch(() => undefined))?.attributes ?? {};
      const recipe = r.recipe ?? {};
      const names = setpointNames(recipe, attributes);
      const setpoints = new Map<string, [string, number | string | boolean]>();
      if (r.recipeVerified) for (const [k, v] of Object.entries(recipe)) if (names[k]) setpoints.set(names[k], [k, v as number | string | boolean]);
      const limits = new Map<string, { min?: number; max?: number }>();
      for (const p of op?.parameters ?? []) if (p.min !== undefined || p.max !== undefined) limits.set(p.name, { min: p.min, max: p.max });
      const prev = this.byEquipment.get(eq.id);
      next.set(eq.id, {
        orderId: r.orderId,
        seq: r.seq,
        path: eq.path,
        phase: r.phase,
        from: Date.parse(r.setupStartedAt!),
        setpoints,
        limits,
        down: prev?.down ?? false,
      });
    }
    this.byEquipment = next;
    this.collect.orderContext.invalidate(equipmentId);
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err) => this.ctx.log.warn({ err }, 'execution: recording a deviation failed'));
  }

  private onValues(e: EventMap['collect.stored']): void {
    for (const v of e.values) {
      const w = this.byEquipment.get(v.equipmentId);
      if (w?.phase !== 'running') continue;
      const dev = deviation(w, v.tag, v.value);
      if (!dev) continue;
      const key = `${w.orderId}/${w.seq}/${dev.parameter}/${dev.kind}`;
      const last = this.open.get(key);
      if (last !== undefined && v.ts - last < 10_000) continue; // an open alarm: refresh its last value every 10 s at most
      this.open.set(key, v.ts);
      this.enqueue(async () => {
        const recorded = await andonRepo.upsertAlarm(this.ctx.db, {
          orderId: w.orderId,
          seq: w.seq,
          equipment: w.path,
          parameter: dev.parameter,
          kind: dev.kind,
          value: v.value,
          reference: dev.reference,
          at: new Date(v.ts).toISOString(),
        });
        if (!recorded?.raised) return;
        const { alarm } = recorded;
        await run.addEvent(this.ctx.db, {
          orderId: w.orderId,
          seq: w.seq,
          kind: 'deviation',
          actor: 'system',
          station: w.path,
          data: { parameter: dev.parameter, kind: dev.kind, value: v.value, reference: dev.reference },
        });
        this.ctx.events.publish('execution.alarm', {
          id: alarm.id,
          orderId: w.orderId,
          seq: w.seq,
          equipment: w.path,
          parameter: dev.parameter,
          kind: dev.kind,
          state: 'raised',
        });
      });
    }
  }

  private onState(e: EventMap['collect.state']): void {
    const w = this.byEquipment.get(e.equipmentId);
    if (w?.phase !== 'running') return;
    const down = e.bucket === 'adet' || e.bucket === 'unknown';
    if (down === w.down) return;
    w.down = down;
    this.enqueue(async () => {
      await run.addEvent(this.ctx.db, {
        orderId: w.orderId,
        seq: w.seq,
        kind: down ? 'interrupted' : 'machine-running',
        actor: 'system',
        station: w.path,
        data: { state: e.state, bucket: e.bucket, at: new Date(e.since).toISOString(), online: e.online },
      });
      this.ctx.events.publish('execution.operation', {
        orderId: w.orderId,
        seq: w.seq,
        status: 'running',
        phase: w.phase,
        equipment: w.path,
        action: down ? 'interrupted' : 'machine-running',
      });
    });
  }
}
