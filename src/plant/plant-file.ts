// Plant files (YAML or JSON): a whole plant in one document, imported in one transaction. Format: docs/plant-file.md.
import { randomUUID } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { appendAudit } from '../platform/audit/audit.service.ts';
import { canonicalJson } from '../platform/audit/chain.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { Db } from '../platform/db/database.ts';
import type { EventBus } from '../platform/events.ts';
import { validationFailed, zodIssuesToFields, type FieldIssue } from '../platform/errors.ts';
import * as repo from './plant.repository.ts';
import { checkProductRefs, loadKnownSets, publicCode, publicEquipment, redacted, redactConnections, restoreSecrets } from './plant.service.ts';
import {
  attributesSchema,
  calendarSchema,
  codeSchema,
  connectionSchema,
  tagListSchema,
  type Connection,
  type TagDef,
  equipmentClassSchema,
  extIdSchema,
  LEVEL_RANK,
  LEVELS,
  materialSchema,
  productSchema,
  propertiesSchema,
  type Level,
} from './schemas.ts';

export interface FileEquipment {
  id: string;
  level: Level;
  name: string;
  description?: string;
  equipmentClass?: string;
  calendar?: string;
  properties?: z.infer<typeof propertiesSchema>;
  attributes?: Record<string, unknown>;
  tags?: TagDef[];
  connections?: Connection[];
  /** Flat form: the parent's id (another entry of the file) or its full path (already in the plant). */
  parent?: string;
  children?: FileEquipment[];
}

const equipmentNodeSchema: z.ZodType<FileEquipment> = z.lazy(() =>
  z
    .object({
      id: extIdSchema,
      level: z.enum(LEVELS),
      name: z.string().min(1).max(200),
      description: z.string().max(2000).optional(),
      equipmentClass: codeSchema.optional(),
      calendar: codeSchema.optional(),
      properties: propertiesSchema.optional(),
      attributes: attributesSchema.optional(),
      tags: tagListSchema.optional(),
      connections: z.array(connectionSchema).optional(),
      parent: z.string().min(1).max(1000).optional(),
      children: z.array(equipmentNodeSchema).optional(),
    })
    .strict(),
);

export const plantFileSchema = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().max(200).optional(),
    equipmentClasses: z.array(equipmentClassSchema).default([]),
    calendars: z.array(calendarSchema).default([]),
    materials: z.array(materialSchema).default([]),
    equipment: z.array(equipmentNodeSchema).default([]),
    products: z.array(productSchema).default([]),
  })
  .strict();

export type PlantFile = z.infer<typeof plantFileSchema>;

export interface ImportCounts {
  created: Record<string, number>;
  updated: Record<string, number>;
  unchanged: number;
}

/** Parses YAML or JSON text (JSON is YAML) into a validated plant file; errors name the path inside the file. */
export function parsePlantFile(input: string | unknown): PlantFile {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input, { maxAliasCount: 100 });
    } catch (err) {
      const e = err as Error & { linePos?: Array<{ line: number; col: number }> };
      const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)';
      throw validationFailed(`the plant file is not valid YAML/JSON: ${e.message.split('\n')[0]}`, [{ path: where, message: e.message.split('\n')[0] }]);
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw validationFailed('a plant file must be an object with equipment, materials, products …', [{ path: '(root)', message: 'expected an object' }]);
  const r = plantFileSchema.safeParse(doc);
  if (!r.success) {
    const issues = zodIssuesToFields(r.error.issues);
    throw validationFailed(
      `the plant file has ${issues.length} problem(s): ${issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}`,
      issues,
    );
  }
  return r.data;
}

interface FlatEntry {
  node: FileEquipment;
  /** Where the entry sits in the file, e.g. equipment[0].children[2]. */
  at: string;
  /** The entry this one is nested in, if any. */
  nestedIn?: FlatEntry;
  parentPath?: string | null;
  path?: string;
  failed?: boolean;
}

/** Flattens nested and flat equipment entries, resolving every path and refusing cycles and unknown parents. */
export function resolveEquipment(file: PlantFile, existingPaths: Set<string>): { entries: FlatEntry[]; issues: FieldIssue[] } {
  const entries: FlatEntry[] = [];
  const issues: FieldIssue[] = [];
  const walk = (nodes: FileEquipment[], nestedIn: FlatEntry | undefined, at: string) =>
    nodes.forEach((node, i) => {
      const e: FlatEntry = { node, at: `${at}[${i}]`, nestedIn };
      if (nestedIn && node.parent !== undefined)
        issues.push({ path: `${e.at}.parent`, message: 'a nested entry takes its parent from where it sits; parent is for top-level entries' });
      entries.push(e);
      if (node.children?.length) walk(node.children, e, `${e.at}.children`);
    });
  walk(file.equipment, undefined, 'equipment');

  const byId = new Map<string, FlatEntry[]>();
  for (const e of entries) byId.set(e.node.id, [...(byId.get(e.node.id) ?? []), e]);
  const resolving = new Set<FlatEntry>();

  const parentPathOf = (e: FlatEntry, chain: string[]): string | null | undefined => {
    if (e.nestedIn) return pathOf(e.nestedIn, chain);
    const ref = e.node.parent;
    if (ref === undefined) return null;
    if (!ref.includes('/')) {
      const inFile = byId.get(ref) ?? [];
      if (inFile.length === 1) return pathOf(inFile[0], chain);
      if (inFile.length > 1) {
        issues.push({ path: `${e.at}.parent`, message: `'${ref}' is ambiguous: several entries have that id; give the full path` });
        return undefined;
      }
    }
    if (existingPaths.has(ref)) return ref;
    const candidate = (byId.get(ref.split('/').pop()!) ?? []).find((x) => x !== e && pathOf(x, chain) === ref);
    if (candidate) return ref;
    issues.push({ path: `${e.at}.parent`, message: `parent '${ref}' is neither an entry of this file nor existing equipment` });
    return undefined;
  };

  const pathOf = (e: FlatEntry, chain: string[]): string | undefined => {
    if (e.path !== undefined || e.failed) return e.path;
    if (resolving.has(e)) {
      const loop = [...chain.slice(chain.indexOf(e.node.id)), e.node.id];
      issues.push({ path: `${e.at}.parent`, message: `cycle in the hierarchy: ${loop.join(' → ')}` });
      e.failed = true;
      return undefined;
    }
    resolving.add(e);
    const parentPath = parentPathOf(e, [...chain, e.node.id]);
    resolving.delete(e);
    if (parentPath === undefined) {
      e.failed = true;
      return undefined;
    }
    e.parentPath = parentPath;
    e.path = parentPath ? `${parentPath}/${e.node.id}` : e.node.id;
    return e.path;
  };
  for (const e of entries) pathOf(e, []);

  const seen = new Map<string, string>();
  for (const e of entries) {
    if (e.path === undefined) continue;
    const first = seen.get(e.path);
    if (first) issues.push({ path: `${e.at}.id`, message: `equipment '${e.path}' appears twice (first at ${first})` });
    else seen.set(e.path, e.at);
  }
  return { entries, issues };
}

function uniqueIds(list: Array<{ id: string }>, at: string, what: string): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  list.forEach((x, i) => {
    if (seen.has(x.id)) out.push({ path: `${at}[${i}].id`, message: `${what} '${x.id}' appears twice` });
    seen.add(x.id);
  });
  return out;
}

/**
 * Merges the file into the plant in one transaction: creates what is new, updates what changed, audits both. Resolves
 * once the change is in force in every module that caches master data (`events.masterData`, after the commit), so a
 * caller may send data for the new machines or read their KPIs at once.
 */
export async function importPlant(db: Db, events: EventBus, actor: Actor, file: PlantFile, reason = 'plant file import'): Promise<ImportCounts> {
  const counts = await mergePlantFile(db, actor, file, reason);
  if (Object.keys(counts.created).length || Object.keys(counts.updated).length)
    await events.masterData.changed({ entity: 'plant', entityId: '*', action: 'import' });
  return counts;
}

async function mergePlantFile(db: Db, actor: Actor, file: PlantFile, reason: string): Promise<ImportCounts> {
  return db.transaction(async (tx) => {
    const known = await loadKnownSets(tx);
    const existing = new Map((await repo.listEquipment(tx)).map((r) => [r.path, r]));
    const { entries, issues } = resolveEquipment(file, known.equipmentPaths);
    issues.push(
      ...uniqueIds(file.equipmentClasses, 'equipmentClasses', 'equipment class'),
      ...uniqueIds(file.calendars, 'calendars', 'calendar'),
      ...uniqueIds(file.materials, 'materials', 'material'),
      ...uniqueIds(file.products, 'products', 'product'),
    );
    for (const c of file.equipmentClasses) known.equipmentClasses.add(c.id);
    for (const c of file.calendars) known.calendars.add(c.id);
    for (const m of file.materials) known.materials.add(m.id);
    const levelOf = new Map<string, Level>([...existing].map(([p, r]) => [p, r.level as Level]));
    for (const e of entries) if (e.path) levelOf.set(e.path, e.node.level), known.equipmentPaths.add(e.path);
    for (const e of entries) {
      if (!e.path) continue;
      const pl = e.parentPath ? levelOf.get(e.parentPath) : undefined;
      if (pl && LEVEL_RANK[e.node.level] <= LEVEL_RANK[pl])
        issues.push({ path: `${e.at}.level`, message: `a ${e.node.level} cannot sit below a ${pl} ('${e.parentPath}')` });
      if (e.node.equipmentClass && !known.equipmentClasses.has(e.node.equipmentClass))
        issues.push({ path: `${e.at}.equipmentClass`, message: `equipment class '${e.node.equipmentClass}' does not exist` });
      if (e.node.calendar && !known.calendars.has(e.node.calendar))
        issues.push({ path: `${e.at}.calendar`, message: `shift calendar '${e.node.calendar}' does not exist` });
    }
    file.products.forEach((p, i) => {
      issues.push(...checkProductRefs(p, known, `products[${i}]`));
    });
    if (issues.length)
      throw validationFailed(
        `the plant file has ${issues.length} problem(s): ${issues
          .slice(0, 5)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}`,
        issues,
      );

    const counts: ImportCounts = { created: {}, updated: {}, unchanged: 0 };
    const bump = (k: 'created' | 'updated', e: string) => (counts[k][e] = (counts[k][e] ?? 0) + 1);

    const upsertCodes = async (e: repo.CodeEntity, auditEntity: string, list: Array<{ id: string } & Record<string, unknown>>) => {
      for (const item of list) {
        const before = await repo.getCode(tx, e, item.id);
        if (!before) {
          const after = publicCode(await repo.insertCode(tx, e, item));
          await appendAudit(tx, actor, { action: 'create', entity: auditEntity, entityId: item.id, after, reason });
          bump('created', auditEntity);
        } else if (!sameFields(before, item)) {
          const after = publicCode(await repo.updateCode(tx, e, item.id, item));
          await appendAudit(tx, actor, { action: 'update', entity: auditEntity, entityId: item.id, before: publicCode(before), after, reason });
          bump('updated', auditEntity);
        } else counts.unchanged++;
      }
    };
    await upsertCodes('equipmentClass', 'equipment_class', file.equipmentClasses);
    await upsertCodes('calendar', 'calendar', file.calendars);
    await upsertCodes('material', 'material', file.materials);

    const ordered = entries.filter((e) => e.path).sort((a, b) => a.path!.split('/').length - b.path!.split('/').length);
    const idOfPath = new Map([...existing].map(([p, r]) => [p, r.id]));
    for (const e of ordered) {
      const n = e.node;
      const fields = {
        extId: n.id,
        level: n.level,
        name: n.name,
        description: n.description ?? '',
        equipmentClass: n.equipmentClass ?? null,
        calendarId: n.calendar ?? null,
        properties: n.properties ?? {},
        attributes: n.attributes ?? {},
        tags: n.tags ?? [],
        connections: n.connections ?? [],
      };
      const before = existing.get(e.path!);
      // an exported file carries no passwords: the mark keeps the stored one
      if (before) fields.connections = restoreSecrets(fields.connections, before.connections as Connection[]);
      if (!before) {
        const row = await repo.insertEquipment(tx, { id: randomUUID(), parentId: e.parentPath ? idOfPath.get(e.parentPath)! : null, path: e.path!, ...fields });
        idOfPath.set(row.path, row.id);
        await appendAudit(tx, actor, { action: 'create', entity: 'equipment', entityId: row.id, after: redacted(publicEquipment(row)), reason });
        bump('created', 'equipment');
      } else if (!sameFields(before, fields)) {
        const row = await repo.updateEquipment(tx, before.id, { ...fields, version: before.version + 1 });
        await appendAudit(tx, actor, {
          action: 'update',
          entity: 'equipment',
          entityId: row.id,
          before: redacted(publicEquipment(before)),
          after: redacted(publicEquipment(row)),
          reason,
        });
        bump('updated', 'equipment');
      } else counts.unchanged++;
    }
    await upsertCodes('product', 'product', file.products as Array<{ id: string } & Record<string, unknown>>);
    return counts;
  });
}

function sameFields(row: Record<string, unknown>, fields: Record<string, unknown>): boolean {
  return Object.entries(fields).every(([k, v]) => canonicalJson(row[k] ?? null) === canonicalJson(v ?? null));
}

/** The whole plant as a plant file (equipment nested), suitable for `takt import plant`. */
export async function exportPlant(db: Db): Promise<PlantFile> {
  const strip = <T extends Record<string, unknown>>(r: T) => {
    const { createdAt: _c, updatedAt: _u, ...rest } = r;
    const empty = (v: unknown) => v === null || v === '' || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    return Object.fromEntries(Object.entries(rest).filter(([, v]) => !empty(v))) as T;
  };
  const rows = await repo.listEquipment(db);
  const children = new Map<string | null, typeof rows>();
  for (const r of rows) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
  const build = (parentId: string | null): FileEquipment[] =>
    (children.get(parentId) ?? []).map((r) => {
      const kids = build(r.id);
      const node: FileEquipment = { id: r.extId, level: r.level as Level, name: r.name };
      if (r.description) node.description = r.description;
      if (r.equipmentClass) node.equipmentClass = r.equipmentClass;
      if (r.calendarId) node.calendar = r.calendarId;
      if (Object.keys(r.properties as object).length) node.properties = r.properties as FileEquipment['properties'];
      if (Object.keys(r.attributes as object).length) node.attributes = r.attributes as Record<string, unknown>;
      if ((r.tags as TagDef[]).length) node.tags = r.tags as TagDef[];
      if ((r.connections as Connection[]).length) node.connections = redactConnections(r.connections as Connection[]);
      if (kids.length) node.children = kids;
      return node;
    });
  return {
    version: 1,
    equipmentClasses: (await repo.listCodes(db, 'equipmentClass')).map(strip) as PlantFile['equipmentClasses'],
    calendars: (await repo.listCodes(db, 'calendar')).map(strip) as PlantFile['calendars'],
    materials: (await repo.listCodes(db, 'material')).map(strip) as PlantFile['materials'],
    equipment: build(null),
    products: (await repo.listCodes(db, 'product')).map(strip) as PlantFile['products'],
  };
}

export const plantFileToText = (file: PlantFile, format: 'yaml' | 'json') =>
  format === 'json' ? `${JSON.stringify(file, null, 2)}\n` : stringifyYaml(file, { lineWidth: 0 });
