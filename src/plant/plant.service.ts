// Business rules of the plant model: hierarchy integrity, references between master data, and the audit of every change.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, notFound, validationFailed, type FieldIssue } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import * as repo from './plant.repository.ts';
import type { CodeEntity, CodeRow, EquipmentRow } from './plant.repository.ts';
import type { Wire } from '../platform/wire.ts';
import {
  LEVEL_RANK,
  type CalendarInput,
  type Connection,
  type EquipmentCreate,
  type EquipmentPatch,
  type Level,
  type Properties,
  type RoutingOperation,
  type TagDef,
} from './schemas.ts';

export interface PublicEquipment {
  id: string;
  extId: string;
  path: string;
  level: Level;
  name: string;
  description: string;
  parentId: string | null;
  equipmentClass: string | null;
  calendarId: string | null;
  properties: Properties;
  attributes: Record<string, unknown>;
  tags: TagDef[];
  connections: Connection[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const publicEquipment = (r: EquipmentRow): PublicEquipment => ({
  id: r.id,
  extId: r.extId,
  path: r.path,
  level: r.level as Level,
  name: r.name,
  description: r.description,
  parentId: r.parentId,
  equipmentClass: r.equipmentClass,
  calendarId: r.calendarId,
  properties: r.properties as Properties,
  attributes: r.attributes as Record<string, unknown>,
  tags: r.tags as TagDef[],
  connections: r.connections as Connection[],
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** What the JSON columns of the code tables hold: their schemas' shapes, checked on the way in (schemas.ts). */
interface JsonColumns {
  equipmentClass: { properties: Properties; tags: TagDef[] };
  material: { properties: Properties };
  product: { routing: RoutingOperation[] };
  calendar: Pick<CalendarInput, 'shifts' | 'plannedDowntime' | 'holidays'>;
}

/** A code row as the API shows it: timestamps as ISO strings, JSON columns in their schema's shape. */
export type PublicCode<E extends CodeEntity> = Omit<Wire<CodeRow<E>>, keyof JsonColumns[E]> & JsonColumns[E];

export function publicCode<E extends CodeEntity>(row: CodeRow<E>): PublicCode<E> {
  const r = row as CodeRow<E> & { createdAt: Date; updatedAt: Date };
  return { ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() } as unknown as PublicCode<E>;
}

const ENTITY_LABEL: Record<CodeEntity, string> = { equipmentClass: 'equipment class', material: 'material', product: 'product', calendar: 'shift calendar' };
/** Audit entity names: the table each record lives in. */
const AUDIT_ENTITY: Record<CodeEntity, string> = { equipmentClass: 'equipment_class', material: 'material', product: 'product', calendar: 'calendar' };

/** Existence checks shared by single edits and plant-file import. */
export interface KnownSets {
  equipmentClasses: Set<string>;
  calendars: Set<string>;
  materials: Set<string>;
  equipmentPaths: Set<string>;
}

export function checkProductRefs(
  p: { materialId?: string | null; routing?: Array<{ workCenter?: string | null; equipmentClass?: string | null; bom: Array<{ materialId: string }> }> },
  known: KnownSets,
  at: string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const field = (f: string) => (at ? `${at}.${f}` : f);
  if (p.materialId && !known.materials.has(p.materialId)) issues.push({ path: field('materialId'), message: `material '${p.materialId}' does not exist` });
  p.routing?.forEach((op, i) => {
    if (op.workCenter && !known.equipmentPaths.has(op.workCenter))
      issues.push({ path: field(`routing[${i}].workCenter`), message: `equipment '${op.workCenter}' does not exist` });
    if (op.equipmentClass && !known.equipmentClasses.has(op.equipmentClass))
      issues.push({ path: field(`routing[${i}].equipmentClass`), message: `equipment class '${op.equipmentClass}' does not exist` });
    op.bom.forEach((b, j) => {
      if (!known.materials.has(b.materialId))
        issues.push({ path: field(`routing[${i}].bom[${j}].materialId`), message: `material '${b.materialId}' does not exist` });
    });
  });
  return issues;
}

export async function loadKnownSets(db: Db): Promise<KnownSets> {
  // One after the other: inside a transaction they share one connection.
  const classes = await repo.listCodes(db, 'equipmentClass');
  const cals = await repo.listCodes(db, 'calendar');
  const mats = await repo.listCodes(db, 'material');
  const eq = await repo.listEquipment(db);
  return {
    equipmentClasses: new Set(classes.map((r) => r.id)),
    calendars: new Set(cals.map((r) => r.id)),
    materials: new Set(mats.map((r) => r.id)),
    equipmentPaths: new Set(eq.map((r) => r.path)),
  };
}

/** The equipment as the API shows it: without connection passwords. */
export const redacted = (e: PublicEquipment): PublicEquipment => ({ ...e, connections: redactConnections(e.connections) });

/**
 * The plant model as other modules read it (the equipment lookup port): the plant module's factory hands it out, so no
 * module outside plant builds a PlantService or reaches its writes. `on(tx)` reads inside the caller's transaction, so
 * a check and the write it guards see the same plant.
 */
export interface EquipmentLookup {
  listEquipment(): Promise<PublicEquipment[]>;
  getEquipment(idOrPath: string): Promise<PublicEquipment>;
  listCodes: PlantService['listCodes'];
  getCode: PlantService['getCode'];
  on(db: Db): EquipmentLookup;
}

export class PlantService implements EquipmentLookup {
  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
  ) {}

  on(db: Db): PlantService {
    return new PlantService(db, this.events);
  }

  /** After the commit: resolves once every module that caches master data has the change in force. */
  private changed(entity: string, entityId: string, action: string): Promise<void> {
    return this.events.masterData.changed({ entity, entityId, action });
  }

  // ---------------------------------------------------------------- equipment

  listEquipment = async () => (await repo.listEquipment(this.db)).map(publicEquipment);

  /** By UUID or by ISA-95 path, so machines and integrations can address equipment by the name they know. */
  async getEquipment(idOrPath: string, db: Db = this.db): Promise<PublicEquipment> {
    const row = UUID.test(idOrPath) ? await repo.getEquipment(db, idOrPath) : await repo.getEquipmentByPath(db, idOrPath);
    if (!row) throw notFound('equipment', idOrPath);
    return publicEquipment(row);
  }

  private async checkEquipmentRefs(tx: Db, e: { equipmentClass?: string | null; calendarId?: string | null }): Promise<void> {
    const issues: FieldIssue[] = [];
    if (e.equipmentClass && !(await repo.getCode(tx, 'equipmentClass', e.equipmentClass)))
      issues.push({ path: 'equipmentClass', message: `equipment class '${e.equipmentClass}' does not exist` });
    if (e.calendarId && !(await repo.getCode(tx, 'calendar', e.calendarId)))
      issues.push({ path: 'calendarId', message: `shift calendar '${e.calendarId}' does not exist` });
    if (issues.length) throw validationFailed(issues.map((i) => i.message).join('; '), issues);
  }

  async createEquipment(actor: Actor, input: EquipmentCreate): Promise<PublicEquipment> {
    return this.db
      .transaction(async (tx) => {
        const parent = input.parentId ? await repo.getEquipment(tx, input.parentId) : undefined;
        if (input.parentId && !parent) throw validationFailed(`parent '${input.parentId}' does not exist`, [{ path: 'parentId', message: 'does not exist' }]);
        assertLevelBelow(parent?.level as Level | undefined, input.level, 'level');
        await this.checkEquipmentRefs(tx, input);
        const path = parent ? `${parent.path}/${input.extId}` : input.extId;
        if (await repo.getEquipmentByPath(tx, path))
          throw new AppError('duplicate', `equipment '${path}' already exists`, [
            { path: 'extId', message: `'${input.extId}' is already used under this parent` },
          ]);
        const row = await repo.insertEquipment(tx, {
          id: randomUUID(),
          extId: input.extId,
          parentId: input.parentId,
          path,
          level: input.level,
          name: input.name,
          description: input.description ?? '',
          equipmentClass: input.equipmentClass ?? null,
          calendarId: input.calendarId ?? null,
          properties: input.properties ?? {},
          attributes: input.attributes ?? {},
          tags: input.tags ?? [],
          connections: input.connections ?? [],
        });
        const after = publicEquipment(row);
        await appendAudit(tx, actor, { action: 'create', entity: 'equipment', entityId: row.id, after: redacted(after) });
        return after;
      })
      .then(async (r) => (await this.changed('equipment', r.id, 'create'), r));
  }

  async updateEquipment(actor: Actor, id: string, patch: EquipmentPatch): Promise<PublicEquipment> {
    const { reason, ...fields } = patch;
    return this.db
      .transaction(async (tx) => {
        const before = await repo.getEquipment(tx, id);
        if (!before) throw notFound('equipment', id);
        const parentId = fields.parentId !== undefined ? fields.parentId : before.parentId;
        const parent = parentId ? await repo.getEquipment(tx, parentId) : undefined;
        if (parentId && !parent) throw validationFailed(`parent '${parentId}' does not exist`, [{ path: 'parentId', message: 'does not exist' }]);
        const level = (fields.level ?? before.level) as Level;
        assertLevelBelow(parent?.level as Level | undefined, level, fields.level ? 'level' : 'parentId');
        const extId = fields.extId ?? before.extId;
        const path = parent ? `${parent.path}/${extId}` : extId;
        if (parent && (parent.id === id || parent.path.startsWith(`${before.path}/`)))
          throw validationFailed('equipment cannot be moved below itself', [{ path: 'parentId', message: 'would create a cycle in the hierarchy' }]);
        const children = (await repo.listEquipment(tx)).filter((e) => e.parentId === id);
        for (const c of children)
          if (LEVEL_RANK[c.level as Level] <= LEVEL_RANK[level])
            throw validationFailed(`level '${level}' would sit at or below its child '${c.path}' (${c.level})`, [
              { path: 'level', message: 'must stay above its children' },
            ]);
        await this.checkEquipmentRefs(tx, fields);
        if (path !== before.path && (await repo.getEquipmentByPath(tx, path)))
          throw new AppError('duplicate', `equipment '${path}' already exists`, [{ path: 'extId', message: 'already used under this parent' }]);
        if (fields.connections) fields.connections = restoreSecrets(fields.connections, before.connections as Connection[]);
        const row = await repo.updateEquipment(tx, id, { ...fields, parentId, path, version: before.version + 1 });
        if (path !== before.path) await repo.repathDescendants(tx, before.path, path);
        const after = publicEquipment(row);
        await appendAudit(tx, actor, {
          action: 'update',
          entity: 'equipment',
          entityId: id,
          before: redacted(publicEquipment(before)),
          after: redacted(after),
          reason,
        });
        return after;
      })
      .then(async (r) => (await this.changed('equipment', r.id, 'update'), r));
  }

  async deleteEquipment(actor: Actor, id: string, reason?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.getEquipment(tx, id);
      if (!before) throw notFound('equipment', id);
      const n = await repo.countChildren(tx, id);
      if (n > 0) throw new AppError('conflict', `equipment '${before.path}' still has ${n} child(ren); delete or move them first`);
      await repo.deleteEquipment(tx, id);
      await appendAudit(tx, actor, { action: 'delete', entity: 'equipment', entityId: id, before: redacted(publicEquipment(before)), reason });
    });
    await this.changed('equipment', id, 'delete');
  }

  // ------------------------------------------------------ code-keyed master data

  listCodes = async <E extends CodeEntity>(e: E) => (await repo.listCodes(this.db, e)).map((r) => publicCode<E>(r));

  async getCode<E extends CodeEntity>(e: E, id: string) {
    const row = await repo.getCode(this.db, e, id);
    if (!row) throw notFound(ENTITY_LABEL[e], id);
    return publicCode<E>(row);
  }

  private async checkCodeRefs(tx: Db, e: CodeEntity, input: Record<string, unknown>): Promise<void> {
    if (e !== 'product') return;
    const issues = checkProductRefs(input as Parameters<typeof checkProductRefs>[0], await loadKnownSets(tx), '');
    if (issues.length) throw validationFailed(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  }

  async createCode<E extends CodeEntity>(actor: Actor, e: E, input: { id: string } & Record<string, unknown>) {
    const out = await this.db.transaction(async (tx) => {
      if (await repo.getCode(tx, e, input.id))
        throw new AppError('duplicate', `${ENTITY_LABEL[e]} '${input.id}' already exists`, [{ path: 'id', message: 'already exists' }]);
      await this.checkCodeRefs(tx, e, input);
      const after = publicCode<E>(await repo.insertCode(tx, e, input));
      await appendAudit(tx, actor, { action: 'create', entity: AUDIT_ENTITY[e], entityId: input.id, after });
      return after;
    });
    await this.changed(AUDIT_ENTITY[e], input.id, 'create');
    return out;
  }

  async updateCode<E extends CodeEntity>(actor: Actor, e: E, id: string, patch: { reason?: string } & Record<string, unknown>) {
    const { reason, ...fields } = patch;
    const out = await this.db.transaction(async (tx) => {
      const before = await repo.getCode(tx, e, id);
      if (!before) throw notFound(ENTITY_LABEL[e], id);
      await this.checkCodeRefs(tx, e, { ...before, ...fields });
      const after = publicCode<E>(await repo.updateCode(tx, e, id, fields));
      await appendAudit(tx, actor, { action: 'update', entity: AUDIT_ENTITY[e], entityId: id, before: publicCode<E>(before), after, reason });
      return after;
    });
    await this.changed(AUDIT_ENTITY[e], id, 'update');
    return out;
  }

  async deleteCode(actor: Actor, e: CodeEntity, id: string, reason?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.getCode(tx, e, id);
      if (!before) throw notFound(ENTITY_LABEL[e], id);
      const users = await repo.codeUsage(tx, e, id);
      if (users.length)
        throw new AppError(
          'conflict',
          `${ENTITY_LABEL[e]} '${id}' is still used by ${users.slice(0, 5).join(', ')}${users.length > 5 ? ` and ${users.length - 5} more` : ''}`,
        );
      await repo.deleteCode(tx, e, id);
      await appendAudit(tx, actor, { action: 'delete', entity: AUDIT_ENTITY[e], entityId: id, before: publicCode(before), reason });
    });
    await this.changed(AUDIT_ENTITY[e], id, 'delete');
  }
}

/** What the API shows instead of a stored connection password. */
export const SECRET_MARK = '********';

/** Connection passwords never leave the server (API, plant-file export). */
export function redactConnections(connections: Connection[]): Connection[] {
  return connections.map((c) => ('password' in c && c.password ? { ...c, password: SECRET_MARK } : c));
}

/** A password sent back as the mark keeps the stored one (same protocol and endpoint). */
export function restoreSecrets(next: Connection[], previous: Connection[]): Connection[] {
  return next.map((c) => {
    if (!('password' in c) || c.password !== SECRET_MARK) return c;
    const old = previous.find((p) => p.protocol === c.protocol && 'endpoint' in p && 'endpoint' in c && p.endpoint === c.endpoint);
    return { ...c, password: old && 'password' in old ? old.password : undefined };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertLevelBelow(parent: Level | undefined, child: Level, field: string): void {
  if (parent === undefined) return;
  if (LEVEL_RANK[child] <= LEVEL_RANK[parent])
    throw validationFailed(`a ${child} cannot sit below a ${parent}`, [{ path: field, message: `must be a level below '${parent}'` }]);
}
