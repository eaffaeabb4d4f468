// Wires the collect module: registry and calendars from the plant model (reloaded on every change before the change
// answers, platform/master-data.ts), the pipeline,
// and the reads behind the time-series routes.
import type { AppContext } from '../platform/context.ts';
import { notFound } from '../platform/errors.ts';
import type { EquipmentLookup, PublicEquipment } from '../plant/index.ts';
import * as repo from './collect.repository.ts';
import { Contextualizer, type CalendarInputLike } from './context.ts';
import { effectiveState } from './derive.ts';
import { CollectPipeline, DEFAULT_PIPELINE_OPTIONS, type PipelineOptions } from './pipeline.ts';
import type { RewriteListener } from './flush.ts';
import { EquipmentRegistry, type ClassTags } from './registry.ts';
import { bucketOf, type Bucket } from './states.ts';
import type { QuarantineRecord, TagPoint } from './schemas.ts';

export class CollectService {
  readonly registry = new EquipmentRegistry();
  readonly contexts: Contextualizer;
  readonly pipeline: CollectPipeline;
  private retentionTimer?: NodeJS.Timeout;

  constructor(
    private readonly ctx: AppContext,
    private readonly plant: EquipmentLookup,
    opts: Partial<PipelineOptions> = {},
  ) {
    this.contexts = new Contextualizer(new Map(), (id) => this.registry.byEquipmentId(id)?.calendarId ?? null);
    this.pipeline = new CollectPipeline(ctx.database, this.registry, this.contexts, ctx.events, ctx.log, {
      ...DEFAULT_PIPELINE_OPTIONS,
      maxBuffered: ctx.config.collectMaxBuffered,
      ...opts,
    });
  }

  async start(): Promise<void> {
    await this.reload();
    await this.pipeline.init();
    // retention: raw values beyond the configured age go once an hour; the one-minute roll-ups stay
    if (this.ctx.config.retentionDays > 0) {
      this.retentionTimer = setInterval(() => void this.prune().catch((err) => this.ctx.log.warn({ err }, 'collect: retention failed')), 3_600_000);
      this.retentionTimer.unref();
    }
  }

  async prune(now = Date.now()): Promise<void> {
    await repo.pruneValues(this.ctx.database, now - this.ctx.config.retentionDays * 86_400_000);
  }

  /** Reads the registry and calendars again: called on every master-data change (modules.ts, platform/master-data.ts). */
  async reload(): Promise<void> {
    const equipment: PublicEquipment[] = await this.plant.listEquipment();
    const classes = (await this.plant.listCodes('equipmentClass')) as unknown as ClassTags[];
    const calendars = (await this.plant.listCodes('calendar')) as unknown as Array<CalendarInputLike & { id: string }>;
    this.registry.load(equipment, classes);
    this.contexts.setCalendars(new Map(calendars.map((c) => [c.id, c])));
  }

  async stop(): Promise<void> {
    clearInterval(this.retentionTimer);
    await this.pipeline.stop();
  }

  /**
   * Registers a listener told, inside each batch's transaction, which stretches of machine history the batch wrote or
   * rewrote (state intervals opened/closed, counts, rebuilds after late data); returns the unregister function.
   */
  onRewritten(listener: RewriteListener): () => void {
    this.pipeline.rewriteListeners.push(listener);
    return () => {
      const i = this.pipeline.rewriteListeners.indexOf(listener);
      if (i >= 0) this.pipeline.rewriteListeners.splice(i, 1);
    };
  }

  equipment(idOrPath: string) {
    const eq = this.registry.byEquipmentId(idOrPath) ?? this.registry.byEquipmentPath(idOrPath);
    if (!eq) throw notFound('equipment', idOrPath);
    return eq;
  }

  async tags(idOrPath: string) {
    const eq = this.equipment(idOrPath);
    const tags = [...eq.tags.values()];
    const ids = tags.map((t) => this.pipeline.series.get(`${eq.id}|${t.name}`)).filter((x): x is number => x !== undefined);
    const latest = new Map((await repo.latestValues(this.ctx.database, ids)).map((r) => [r.seriesId, r]));
    return tags.map((t) => {
      const id = this.pipeline.series.get(`${eq.id}|${t.name}`);
      const l = id === undefined ? undefined : latest.get(id);
      return {
        tag: t.name,
        role: t.role,
        unit: t.unit ?? null,
        min: t.min ?? null,
        max: t.max ?? null,
        latest: l ? { ts: new Date(repo.epochMs(l.ts)).toISOString(), value: typedValue(t.role, t.type, l.num, l.txt) } : null,
      };
    });
  }

  async values(idOrPath: string, tag: string, from: number, to: number, rollup: boolean, limit = 10_000): Promise<TagPoint[]> {
    const eq = this.equipment(idOrPath);
    const t = eq.tags.get(tag);
    if (!t) throw notFound(`tag on ${eq.path}`, tag);
    const id = this.pipeline.series.get(`${eq.id}|${tag}`);
    if (id === undefined) return [];
    if (rollup)
      return (await repo.readRollup(this.ctx.database, id, from, to)).map((r) => ({
        ts: new Date(repo.epochMs(r.minute)).toISOString(),
        value: r.avg,
        min: r.min,
        max: r.max,
      }));
    return (await repo.readValues(this.ctx.database, id, from, to, limit)).map((r) => ({
      ts: isoMicro(r.ts),
      value: typedValue(t.role, t.type, r.num, r.txt),
    }));
  }

  async states(idOrPath: string, from: number, to: number) {
    const eq = this.equipment(idOrPath);
    return (await repo.readStates(this.ctx.database, eq.id, from, to)).map((r) => ({
      state: r.state,
      // the intervals table holds only the buckets derive.ts writes
      bucket: r.bucket as Bucket,
      start: new Date(repo.epochMs(r.start)).toISOString(),
      end: r.end === null ? null : new Date(repo.epochMs(r.end)).toISOString(),
    }));
  }

  async quarantine(from: number, to: number, equipmentPath: string | undefined, limit: number): Promise<QuarantineRecord[]> {
    return (await repo.readQuarantine(this.ctx.database, from, to, equipmentPath, limit)).map((r) => ({
      id: r.id,
      receivedAt: new Date(repo.epochMs(r.receivedAt)).toISOString(),
      source: `${r.protocol}:${r.source}`,
      topic: r.topic,
      equipmentPath: r.equipmentPath,
      reason: r.reason,
      payload: r.payload,
    }));
  }

  /** When a machine last sent data and whether it is online (the connection status of a machine). */
  liveness(equipmentId: string): { lastSeen: number; online: boolean } | undefined {
    const m = this.pipeline.deriver.machines.get(equipmentId);
    return m && { lastSeen: m.lastSeen, online: m.online };
  }

  /** The effective state of every machine now (for the live overview). */
  machineStates() {
    return this.registry
      .all()
      .filter((e) => e.level === 'machine')
      .map((e) => {
        const m = this.pipeline.deriver.machines.get(e.id);
        const state = m ? effectiveState(m) : 'Unknown';
        return { eq: e, m, state, bucket: m?.current?.bucket ?? bucketOf(state), since: m?.current?.start ?? null };
      });
  }
}

/** Timestamps keep their microseconds (sub-millisecond stamps separate readings in one millisecond). */
function isoMicro(d: Date | string): string {
  if (typeof d === 'string') {
    const t = Date.parse(d);
    return Number.isNaN(t) ? d : new Date(t).toISOString();
  }
  return d.toISOString();
}

export function typedValue(role: string, type: string | undefined, num: number | null, txt: string | null): number | string | boolean | null {
  if (txt !== null) return txt;
  if (num === null) return null;
  if (role === 'online' || type === 'boolean') return num === 1;
  return num;
}
