// The house rule of docs/architecture.md, enforced: modules meet only through their faces. A module is a folder
// directly under src/; its face is its index.ts. Every relative import (static, re-export or dynamic) of a source file
// that lands in another module must land on that module's index.ts, and the platform floor imports no module at all.
// The composition root (src/*.ts) obeys the same rule. Exempt, as docs/adr/0004-module-faces.md explains: tests
// (*.test.ts) and the benchmark harness in bench/, which are white-box by purpose. The same for SQL: each table has one
// owner (the table in docs/architecture.md), and no module's statements name another module's table.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every relative specifier a file imports: `from '…'`, `import '…'` and `import('…')`. Comments are skipped. */
function relativeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g)) found.push(m[2]);
  return found;
}

/** The module a path under src/ belongs to ('' for the composition root's own files), or null outside src/. */
function moduleOf(file: string): string | null {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

interface Breach {
  file: string;
  imports: string;
  rule: string;
}

function breaches(files: string[], read: (f: string) => string = (f) => readFileSync(f, 'utf8')): Breach[] {
  const out: Breach[] = [];
  for (const file of files) {
    const from = moduleOf(file);
    for (const spec of relativeImports(read(file))) {
      const target = path.resolve(path.dirname(file), spec);
      const to = moduleOf(target);
      if (to === null || to === '' || to === from) continue;
      const rel = (f: string) => path.relative(SRC, f);
      if (from === 'platform') out.push({ file: rel(file), imports: rel(target), rule: 'the platform floor imports no module' });
      else if (to !== 'platform' && rel(target) !== path.join(to, 'index.ts'))
        out.push({ file: rel(file), imports: rel(target), rule: `another module is reached through its face, src/${to}/index.ts` });
    }
  }
  return out;
}

const ROOT = path.resolve(SRC, '..');

/** The owners table of docs/architecture.md: table name → owning module. */
function tableOwners(markdown: string): Map<string, string> {
  const owners = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const m = /^\| ([a-z]+) \| (`[a-z0-9_]+`(?:, `[a-z0-9_]+`)*) \|$/.exec(line);
    if (!m) continue;
    for (const t of m[2].matchAll(/`([a-z0-9_]+)`/g)) {
      if (owners.has(t[1])) throw new Error(`table ${t[1]} has two owners in docs/architecture.md`);
      owners.set(t[1], m[1]);
    }
  }
  return owners;
}

/** Tables the migrations create. */
const createdTables = (sqlText: string): string[] => [...sqlText.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z0-9_]+)/g)].map((m) => m[1]);

/** Tables a source file's SQL names (keywords in capitals, as every statement here writes them; prose is left alone). */
function tablesNamed(text: string, tables: Iterable<string>): string[] {
  const found: string[] = [];
  for (const t of tables) if (new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+"?${t}\\b`).test(text)) found.push(t);
  return found;
}

describe('module boundaries', () => {
  it('finds every kind of import, and no import named in a comment', () => {
    const text = [
      "import { a } from '../collect/registry.ts';",
      'import type { B } from "../plant/schemas.ts";',
      "export { c } from '../lots/ledger.ts';",
      "import '../sim/side-effect.ts';",
      "const m = await import('../connectors/opcua/index.ts');",
      "// import { x } from '../erp/outbox.ts';",
      "/* from '../erp/documents.ts' */",
      "import { ok } from 'node:path';",
    ].join('\n');
    expect(relativeImports(text)).toEqual([
      '../collect/registry.ts',
      '../plant/schemas.ts',
      '../lots/ledger.ts',
      '../sim/side-effect.ts',
      '../connectors/opcua/index.ts',
    ]);
  });

  it('tells a face from an internal, and keeps the platform free of modules', () => {
    const files: Record<string, string> = {
      [path.join(SRC, 'execution/a.ts')]:
        "import { x } from '../connectors/commands.ts';\nimport { y } from '../connectors/index.ts';\nimport { z } from '../platform/db/database.ts';\nimport { w } from './model.ts';",
      [path.join(SRC, 'platform/b.ts')]: "import type { S } from '../collect/index.ts';",
      [path.join(SRC, 'modules.ts')]: "const { f } = await import('./sim/opcua/index.ts');\nimport { g } from './sim/index.ts';",
    };
    expect(breaches(Object.keys(files), (f) => files[f]).map((b) => `${b.file} -> ${b.imports}`)).toEqual([
      'execution/a.ts -> connectors/commands.ts',
      'platform/b.ts -> collect/index.ts',
      'modules.ts -> sim/opcua/index.ts',
    ]);
  });

  it('every module and the composition root reach other modules only through their faces', () => {
    expect(breaches(sourceFiles(SRC))).toEqual([]);
  });

  it('reads the owners table and finds the tables a statement names, not prose', () => {
    const owners = tableOwners('| owner | tables |\n|---|---|\n| collect | `tag_values`, `quarantine` |\n| lots | `material_lots` |\n');
    expect([...owners]).toEqual([
      ['tag_values', 'collect'],
      ['quarantine', 'collect'],
      ['material_lots', 'lots'],
    ]);
    expect(() => tableOwners('| a | `t` |\n| b | `t` |')).toThrow(/two owners/);
    const text = 'sql`SELECT 1 FROM tag_values v JOIN material_lots l ON true`; // values go into quarantine\nsql`INSERT INTO quarantine`';
    expect(tablesNamed(text, owners.keys())).toEqual(['tag_values', 'quarantine', 'material_lots']);
    expect(tablesNamed('// reads from tag_values_1m', ['tag_values'])).toEqual([]);
  });

  it("every table has one owner, and no module names another module's table in its SQL", () => {
    const owners = tableOwners(readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8'));
    const migrations = readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql'));
    const created = new Set(migrations.flatMap((f) => createdTables(readFileSync(path.join(ROOT, 'migrations', f), 'utf8'))));
    expect(
      [...created].filter((t) => !owners.has(t)),
      'tables without an owner in docs/architecture.md',
    ).toEqual([]);
    expect(
      [...owners.keys()].filter((t) => !created.has(t)),
      'owners listed for tables no migration creates',
    ).toEqual([]);
    const foreign: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const mod = moduleOf(file);
      for (const t of tablesNamed(readFileSync(file, 'utf8'), owners.keys()))
        if (owners.get(t) !== mod) foreign.push(`${path.relative(SRC, file)} names ${t} (${owners.get(t)}'s)`);
    }
    expect(foreign).toEqual([]);
  });
});
