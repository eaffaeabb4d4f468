// Limits of the plant-file import (issue #11 item 15): body size (413), entries and nesting (422). The import runs in
// one transaction, so the entry limit also bounds how long it holds the database. Settings: docs/plant-file.md.
import { parse as parseYaml } from 'yaml';
import { readLimits, tooMany } from '../platform/limits.ts';
import { parsePlantFile, type PlantFile } from './plant-file.ts';

export interface PlantFileLimits {
  maxBytes: number;
  /** Equipment entries (nested ones included) plus equipment classes, calendars, materials and products. */
  maxItems: number;
  /** Nesting of objects and lists anywhere in the file; a plant nests about 15 deep. */
  maxDepth: number;
}

export const PLANT_FILE_SETTINGS = {
  maxBytes: 'TAKT_PLANT_FILE_MAX_BYTES',
  maxItems: 'TAKT_PLANT_FILE_MAX_ITEMS',
  maxDepth: 'TAKT_PLANT_FILE_MAX_DEPTH',
} as const satisfies Record<keyof PlantFileLimits, string>;

export function plantFileLimits(env: NodeJS.ProcessEnv = process.env): PlantFileLimits {
  return readLimits(env, PLANT_FILE_SETTINGS, { maxBytes: 5 * 1024 * 1024, maxItems: 20_000, maxDepth: 48 });
}

export const PLANT_FILE_JOB = new URL('./plant-file-limits.ts', import.meta.url);

/**
 * Depth and entry count of the raw document, without recursion (the schema check that follows recurses per level and
 * would overflow the stack on a hostile nesting). Throws a 422 naming the setting.
 */
export function checkPlantShape(doc: unknown, limits: PlantFileLimits): void {
  const stack: Array<[unknown, number]> = [[doc, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) throw tooMany('levels of nesting', depth, limits.maxDepth, PLANT_FILE_SETTINGS.maxDepth, true);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return;
  const d = doc as Record<string, unknown>;
  const len = (k: string) => (Array.isArray(d[k]) ? (d[k] as unknown[]).length : 0);
  let items = len('equipmentClasses') + len('calendars') + len('materials') + len('products');
  const nodes: unknown[] = Array.isArray(d.equipment) ? [...d.equipment] : [];
  while (nodes.length) {
    const n = nodes.pop() as { children?: unknown } | null;
    if (++items > limits.maxItems) break;
    if (n && typeof n === 'object' && Array.isArray(n.children)) nodes.push(...n.children);
  }
  if (items > limits.maxItems)
    throw tooMany('entries (equipment, classes, calendars, materials, products)', items, limits.maxItems, PLANT_FILE_SETTINGS.maxItems, true);
}

/** parsePlantFile with the limits checked between reading the YAML/JSON and validating it. */
export function parsePlantFileLimited(input: string | unknown, limits: PlantFileLimits): PlantFile {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input, { maxAliasCount: 100 });
    } catch (err) {
      // The YAML parser recurses per level: a hostile nesting overflows its stack before our depth check can run. It
      // reports that as a parse error carrying the engine's RangeError message.
      if (err instanceof RangeError || /Maximum call stack size exceeded/.test(String((err as Error).message)))
        throw tooMany('levels of nesting', limits.maxDepth + 1, limits.maxDepth, PLANT_FILE_SETTINGS.maxDepth, true);
      // parsePlantFile words the syntax error with its line and column (and throws it)
      doc = parsePlantFile(input);
    }
  }
  checkPlantShape(doc, limits);
  return parsePlantFile(doc);
}
