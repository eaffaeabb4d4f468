// Automatic proposals: when a machine of the published plan goes down (collect.state into ADET, still down after the
// debounce) or a rush order is released (execution.order, and a periodic look for the case the event is not
// published), Takt computes a repaired plan and leaves it ready for the supervisor to publish.
import { SYSTEM_ACTOR } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import type { PlanningService } from './planning.service.ts';
import { DOWN_BUCKETS } from './snapshot.ts';

export class PlanWatcher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: Array<() => void> = [];
  private poll?: NodeJS.Timeout;
  private rushTimer?: NodeJS.Timeout;
  private watermark = Date.now();
  private busy = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly service: PlanningService,
    private readonly pathOf: (equipmentId: string) => string | undefined,
  ) {}

  start(): void {
    this.unsubscribe.push(
      this.ctx.events.subscribe('collect.state', (e) => {
        const path = this.pathOf(e.equipmentId);
        if (path) this.onState(path, e.bucket);
      }),
      this.ctx.events.subscribe('execution.order', (e) => {
        if (e.status === 'released') this.soonCheckRush();
      }),
    );
    this.poll = setInterval(() => this.soonCheckRush(), this.service.options.pollMs);
    this.poll.unref();
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    clearInterval(this.poll);
    clearTimeout(this.rushTimer);
  }

  private serial(job: () => Promise<void>): void {
    this.busy = this.busy.then(job).catch((err) => this.ctx.log.warn({ err }, 'planning: automatic proposal failed'));
  }

  /** Down → wait the debounce, then propose if still down; back up before that → forget it. */
  private onState(path: string, bucket: string): void {
    const pending = this.timers.get(path);
    if (!DOWN_BUCKETS.has(bucket)) {
      if (pending) clearTimeout(pending);
      this.timers.delete(path);
      return;
    }
    if (pending) return;
    const t = setTimeout(() => {
      this.timers.delete(path);
      this.serial(() => this.machineDown(path));
    }, this.service.options.downDebounceMs);
    t.unref();
    this.timers.set(path, t);
  }

  private async machineDown(path: string): Promise<void> {
    const still = this.service.states?.machineStates().find((s) => s.eq.path === path);
    if (!still || !DOWN_BUCKETS.has(still.bucket)) return;
    const published = await this.service.publishedAssignments();
    const now = Date.now();
    // only a machine with work still to come in the published plan needs a repair
    if (!published?.some((a) => a.machine === path && Date.parse(a.end) > now)) return;
    const detail = `${path} down`;
    if (await this.service.hasOpenProposal('machine-down', detail)) return;
    await this.service.repair(SYSTEM_ACTOR, { reason: 'machine-down', machine: path, detail });
  }

  private soonCheckRush(): void {
    clearTimeout(this.rushTimer);
    this.rushTimer = setTimeout(() => this.serial(() => this.checkRush()), 1000);
    this.rushTimer.unref();
  }

  private async checkRush(): Promise<void> {
    const fresh = await this.service.orders.urgentReleasedSince(this.ctx.db, this.watermark, this.service.options.rushPriority);
    if (!fresh.length) return;
    this.watermark = Math.max(this.watermark, ...fresh.map((o) => o.releasedAt));
    const published = await this.service.publishedAssignments();
    if (!published) return;
    const planned = new Set(published.map((a) => a.orderId));
    const rush = fresh.filter((o) => !planned.has(o.id)).map((o) => o.id);
    if (!rush.length) return;
    const detail = `rush: ${rush.join(', ')}`;
    if (await this.service.hasOpenProposal('rush-order', detail)) return;
    await this.service.repair(SYSTEM_ACTOR, { reason: 'rush-order', detail });
  }
}
