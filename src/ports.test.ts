// Modules receive ports, never another module's service object (issue #14 item 1, docs/architecture.md "Modules and
// their ports"). A service is a class a module's face exports whose name ends in Service or Manager (CollectService,
// PlantService, ExecutionService, ConnectorManager, …); outside its own module only the composition root (src/*.ts)
// and tests may name one. Everything else names the port it needs (EquipmentLookup, ObservationSink, MachineView, …).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

const modules = () =>
  readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** The service classes a face exports: names ending in Service or Manager in its export lists. */
function servicesOf(face: string): string[] {
  const names = new Set<string>();
  for (const m of withoutComments(face).matchAll(/export\s*(?:type\s*)?\{([^}]*)\}/g))
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (/^[A-Z]\w*(Service|Manager)$/.test(name)) names.add(name);
    }
  for (const m of withoutComments(face).matchAll(/export\s+(?:abstract\s+)?class\s+([A-Z]\w*(?:Service|Manager))\b/g)) names.add(m[1]);
  return [...names];
}

/** The services of other modules a file's code (not its comments) names. */
function foreignServices(text: string, foreign: Iterable<string>): string[] {
  const code = withoutComments(text);
  return [...foreign].filter((name) => new RegExp(`\\b${name}\\b`).test(code));
}

describe('modules receive ports, not services', () => {
  it('finds the services a face exports, and names in code but not in comments', () => {
    const face =
      "export { CollectService } from './a.ts';\nexport { LiveView, type MachineView } from './b.ts';\nexport { ConnectorManager as Manager2, lazyFactory } from './c.ts';\n// export { OldService } from './d.ts';";
    expect(servicesOf(face).sort()).toEqual(['CollectService']);
    expect(servicesOf("export { X as PlanService } from './x.ts';\nexport class ErpService {}")).toEqual(['PlanService', 'ErpService']);
    const text = "import type { CollectService } from '../collect/index.ts';\n// no PlantService here\nconst p = new PlantServiceFactory();";
    expect(foreignServices(text, ['CollectService', 'PlantService'])).toEqual(['CollectService']);
  });

  it("no module names another module's service", () => {
    const owner = new Map<string, string>();
    for (const m of modules()) {
      let face = '';
      try {
        face = readFileSync(path.join(SRC, m, 'index.ts'), 'utf8');
      } catch {
        continue; // a folder without a face (none today) has no services to guard
      }
      for (const s of servicesOf(face)) owner.set(s, m);
    }
    expect(owner.get('CollectService')).toBe('collect');
    expect(owner.get('PlantService')).toBe('plant');
    const found: string[] = [];
    for (const m of modules()) {
      if (m === 'platform') continue;
      const foreign = [...owner].filter(([, o]) => o !== m).map(([s]) => s);
      for (const file of sourceFiles(path.join(SRC, m)))
        for (const s of foreignServices(readFileSync(file, 'utf8'), foreign)) found.push(`${path.relative(SRC, file)} names ${s} (${owner.get(s)})`);
    }
    expect(found).toEqual([]);
  });
});
