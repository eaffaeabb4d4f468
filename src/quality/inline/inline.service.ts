// In-line measurements (docs/quality.md, "In-line measurements"): a characteristic mapped to a machine tag takes every
// value collect stores for that tag (`collect.stored`, committed, never a quarantined value) as a measurement of
// source 'machine', idempotent by a key from equipment, tag and time, with the order, operation, lot and shift that
// collect's context gives the machine at that instant. A value that is not a finite number is skipped and counted in
// /api/health (section quality-inline) with the last one's reason — never a crash, never a guess.
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import { rowsOf, sql } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import type { StoredValue } from '../../collect/index.ts';
import type { MeasurementRecord } from '../measurements.ts';
import type { Characteristic } from '../model.ts';
import type { MachineData } from '../ports.ts';
import type { QualityService } from '../quality.service.ts';

export interface TagMapping {
  characteristic: string;
  equipmentId: string;
  equipment: string;
  tag: string;
  createdBy: string;
  createdAt: string;
}

/** The key an in-line measurement is stored under: the same stored value always gives the same key. */
export const inlineKey = (equipmentId: string, tag: string, ts: number) => `${equipmentId}|${tag}|${new Date(ts).toISOString()}`;

/** The measurement record of a stored machine value, or why it is none (not a finite number). */
export function inlineRecord(
  v: StoredValue,
  characteristic: string,
  path: string,
  context: { orderId: string | null; operationId: string | null; lotId: string | null; shift: string | null },
): MeasurementRecord | string {
  if (typeof v.value !== 'number' || !Number.isFinite(v.value)) return `${path} ${v.tag}: ${JSON.stringify(String(v.value).slice(0, 40))} is not a number`;
  const at = context.operationId?.lastIndexOf('/') ?? -1;
  const seq = at > 0 ? Number(context.operationId!.slice(at + 1)) : NaN;
  return {
    key: inlineKey(v.equipmentId, v.tag, v.ts),
    characteristic,
    source: 'machine',
    ts: new Date(v.ts).toISOString(),
    value: v.value,
    equipment: path,
    orderId: context.orderId ?? undefined,
    operationSeq: Number.isInteger(seq) && seq > 0 ? seq : undefined,
    lot: context.lotId ?? undefined,
    shift: context.shift ?? undefined,
  };
}

type Row = Record<string, unknown>;

/** The reaction plans' side of the fast path (ReactionService): stop on an accepted value; its value was not stored. */
export interface EarlyStops {
  /** judges a value collect has just accepted; true when it sent a stop */
  stopEarly(c: Characteristic, value: unknown, equipment: string, ts: number): boolean;
  /** the value a stop was sent on was not stored: the stop stands and is recorded with the reason */
  notStored(
    c: Characteristic,
    m: { value: number | null; equipment: string; orderId: string | null; operationSeq: number | null; lot: string | null; ts: string },
    reason: string,
  ): void;
}

export class InlineService {
  private byTag = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private off: (() => void) | undefined;
  private offAccepted: (() => void) | undefined;
  readonly counters = { measured: 0, skipped: 0, refused: 0, lastSkipped: null as string | null, lastRefused: null as string | null };

  /** the mapped characteristics as last read (refreshed after every batch): the fast path judges values on them */
  private chars = new Map<string, Characteristic>();

  constructor(
    private readonly ctx: AppContext,
    private readonly quality: QualityService,
    private readonly machines: MachineData,
    /** the fast path: each value of a mapped tag as soon as collect accepts it (before its flush), then its fate */
    private readonly early?: EarlyStops,
  ) {}

  /** The characteristics measured in-line now. */
  mapped = (): string[] => [...new Set(this.byTag.values())];

  private async refresh(): Promise<void> {
    this.chars = new Map((await this.quality.getMany(this.mapped())).map((c) => [c.id, c]));
  }

  async start(): Promise<void> {
    for (const m of await this.list()) this.byTag.set(`${m.equipmentId}\u0000${m.tag}`, m.characteristic);
    await this.refresh();
    if (this.early) this.offAccepted = this.machines.accepted?.onAccepted((v) => this.accepted(v));
    this.off = this.ctx.events.subscribe('collect.stored', (e) => {
      const mine = e.values.filter((v) => this.byTag.has(`${v.equipmentId}\u0000${v.tag}`));
      if (mine.length) this.queue = this.queue.then(() => this.store(mine)).catch((err) => this.ctx.log.error({ err }, 'quality: in-line measurements failed'));
    });
    this.ctx.health.set('quality-inline', () => ({ mappedTags: this.byTag.size, ...this.counters }));
  }

  stop(): void {
    this.off?.();
    this.offAccepted?.();
  }

  /** A value collect has just accepted (synchronously, before its flush): the fast path judges a mapped tag's value. */
  private accepted(v: StoredValue): ((fate: { stored: boolean; reason?: string }) => void) | undefined {
    const id = this.byTag.get(`${v.equipmentId}\u0000${v.tag}`);
    if (id === undefined) return undefined;
    const c = this.chars.get(id);
    const path = this.machines.directory.byEquipmentId(v.equipmentId)?.path;
    if (!c || !path || !this.early?.stopEarly(c, v.value, path, v.ts)) return undefined;
    return (fate) => {
      if (!fate.stored) this.notStored(v, c, path, `collect did not store it: ${fate.reason ?? 'no reason given'}`);
    };
  }

  /** The value a stop was sent on did not become a measurement: the reaction is recorded without one, with the reason. */
  private notStored(v: StoredValue, c: Characteristic, path: string, reason: string): void {
    const r = inlineRecord(v, c.id, path, this.machines.contexts.at(v.equipmentId, v.ts));
    if (typeof r === 'string') return; // never: only a finite number stops early
    const text = (x: unknown) => (typeof x === 'string' ? x : null);
    const m = {
      value: r.value as number,
      equipment: path,
      orderId: text(r.orderId),
      operationSeq: typeof r.operationSeq === 'number' ? r.operationSeq : null,
      lot: text(r.lot),
      ts: r.ts as string,
    };
    this.early?.notStored(c, m, reason);
  }

  /** Waits for the values received so far to be stored (tests, the bench). */
  settled = (): Promise<void> => this.queue;

  private async store(values: StoredValue[]): Promise<void> {
    const records: MeasurementRecord[] = [];
    const sources: StoredValue[] = [];
    for (const v of values) {
      const characteristic = this.byTag.get(`${v.equipmentId}\u0000${v.tag}`);
      if (!characteristic) continue;
      const path = this.machines.directory.byEquipmentId(v.equipmentId)?.path ?? v.equipmentId;
      const r = inlineRecord(v, characteristic, path, this.machines.contexts.at(v.equipmentId, v.ts));
      if (typeof r === 'string') {
        this.counters.skipped++;
        this.counters.lastSkipped = r;
      } else {
        records.push(r);
        sources.push(v);
      }
    }
    if (!records.length) return;
    const result = await this.quality.record(records, 'machine', 'collect').catch((err: unknown) => {
      // a stop sent on one of these values stands: its reaction is recorded without the measurement, with the reason
      sources.forEach((v, i) => {
        const c = this.chars.get(records[i].characteristic as string);
        if (c) this.notStored(v, c, records[i].equipment as string, `storing the measurement failed: ${(err as Error).message}`);
      });
      throw err;
    });
    await this.refresh();
    this.counters.measured += result.accepted;
    for (const r of result.results) {
      if (r.status === 'refused') {
        this.counters.refused++;
        this.counters.lastRefused = r.reason ?? null;
      }
      // a stop sent on this value's arrival stands even when quality did not store the value now (no-op otherwise)
      const c = this.chars.get(records[r.index].characteristic as string);
      const path = records[r.index].equipment as string;
      if (c && (r.status === 'refused' || r.replayed))
        this.notStored(
          sources[r.index],
          c,
          path,
          r.status === 'refused' ? `quality refused the measurement: ${r.reason}` : 'it had been stored as a measurement before',
        );
    }
  }

  async list(characteristic?: string): Promise<TagMapping[]> {
    const rows = await rowsOf<Row>(
      this.ctx.db,
      sql`SELECT * FROM quality_inline_tags WHERE (${characteristic ?? null}::text IS NULL OR characteristic = ${characteristic ?? null}) ORDER BY characteristic`,
    );
    return rows.map((r) => ({
      characteristic: r.characteristic as string,
      equipmentId: r.equipment_id as string,
      equipment: this.machines.directory.byEquipmentId(r.equipment_id as string)?.path ?? (r.equipment_id as string),
      tag: r.tag as string,
      createdBy: r.created_by as string,
      createdAt: new Date(r.created_at as string).toISOString(),
    }));
  }

  async get(c: Characteristic): Promise<TagMapping> {
    const [m] = await this.list(c.id);
    if (!m) throw notFound('machine tag of characteristic', c.id);
    return m;
  }

  /** Maps the characteristic to a machine's tag: the machine and the tag must be in the plant model. */
  async put(actor: Actor, c: Characteristic, equipment: string, tag: string): Promise<TagMapping> {
    const issue = (path: string, message: string) => validationFailed(`${path}: ${message}`, [{ path, message }]);
    if (c.chart !== 'i-mr') throw issue('characteristic', `in-line values are individual measurements: ${c.id} is charted ${c.chart}, not i-mr`);
    const eq = this.machines.directory.byEquipmentPath(equipment) ?? this.machines.directory.byEquipmentId(equipment);
    if (!eq) throw issue('equipment', `no equipment '${equipment}' in the plant model`);
    if (!eq.tags.has(tag)) throw issue('tag', `${eq.path} has no tag '${tag}' (it has ${[...eq.tags.keys()].join(', ') || 'none'})`);
    const after = await this.ctx.db.transaction(async (tx) => {
      const [taken] = await rowsOf<Row>(
        tx,
        sql`SELECT characteristic FROM quality_inline_tags WHERE equipment_id = ${eq.id} AND tag = ${tag} AND characteristic <> ${c.id}`,
      );
      if (taken) throw new AppError('conflict', `${eq.path} ${tag} is mapped to ${taken.characteristic as string} already: one characteristic per tag`);
      const [before] = await rowsOf<Row>(tx, sql`SELECT * FROM quality_inline_tags WHERE characteristic = ${c.id} FOR UPDATE`);
      await tx.execute(
        sql`INSERT INTO quality_inline_tags (characteristic, equipment_id, tag, created_by) VALUES (${c.id}, ${eq.id}, ${tag}, ${actor.name})
            ON CONFLICT (characteristic) DO UPDATE SET equipment_id = EXCLUDED.equipment_id, tag = EXCLUDED.tag, created_by = EXCLUDED.created_by, created_at = now()`,
      );
      const next = { characteristic: c.id, equipment: eq.path, tag };
      await appendAudit(tx, actor, {
        action: before ? 'update' : 'create',
        entity: 'quality_inline_tag',
        entityId: c.id,
        before: before ? { equipmentId: before.equipment_id, tag: before.tag } : undefined,
        after: next,
      });
      return next;
    });
    for (const [k, v] of this.byTag) if (v === c.id) this.byTag.delete(k);
    this.byTag.set(`${eq.id}\u0000${tag}`, c.id);
    await this.refresh();
    return { ...(await this.get(c)), ...after };
  }

  async remove(actor: Actor, c: Characteristic): Promise<void> {
    const before = await this.get(c);
    await this.ctx.db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM quality_inline_tags WHERE characteristic = ${c.id}`);
      await appendAudit(tx, actor, { action: 'delete', entity: 'quality_inline_tag', entityId: c.id, before });
    });
    this.byTag.delete(`${before.equipmentId}\u0000${before.tag}`);
  }
}
