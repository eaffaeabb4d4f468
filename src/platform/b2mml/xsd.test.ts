// The schemas B2MML intake and the ERP documents validate against ship with the repository (issue #13): a bare
// checkout validates, and TAKT_B2MML_SCHEMAS still overrides the folder.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { B2MML_EXAMPLES } from '../../../test/fixtures/fixtures.ts';
import { B2MML_DOCUMENTS, B2MML_ENTRY_SCHEMAS, B2MML_NAMESPACES, B2MML_VERSIONS, schemaFolder, validateB2mml, versionOfNamespace } from './index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The entry schemas the intake (schedules) and the ERP documents (performance) load, per generation.
const ENTRIES = Object.fromEntries(B2MML_VERSIONS.map((v) => [v, B2MML_DOCUMENTS.map((k) => B2MML_ENTRY_SCHEMAS[k][v])]));

/** Every file an entry schema reaches through xsd:include / xsd:import, itself included. */
function closure(dir: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (!existsSync(path.join(dir, f))) continue; // reported by the caller
    for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/schemaLocation\s*=\s*"([^"]+)"/g)) todo.push(m[1]!);
  }
  return seen;
}

describe('B2MML namespaces', () => {
  it('names each generation by the target namespace of its MESA schemas, and nothing else', () => {
    for (const v of B2MML_VERSIONS) {
      for (const k of B2MML_DOCUMENTS) {
        const xsd = readFileSync(path.join(schemaFolder({}), v, B2MML_ENTRY_SCHEMAS[k][v]), 'utf8');
        expect(/targetNamespace\s*=\s*"([^"]+)"/.exec(xsd)?.[1], `${v} ${k}`).toBe(B2MML_NAMESPACES[v]);
      }
      expect(versionOfNamespace(B2MML_NAMESPACES[v])).toBe(v);
    }
    for (const other of ['http://www.mesa.org/xml/B2MML-V0500', '', undefined, null, 42]) expect(versionOfNamespace(other)).toBeUndefined();
  });
});

describe('B2MML schema folder', () => {
  it('defaults to schemas/b2mml inside the repository, never a folder beside it', () => {
    const folder = schemaFolder({});
    expect(folder).toBe(path.join(ROOT, 'schemas', 'b2mml'));
    expect(path.relative(ROOT, folder).startsWith('..')).toBe(false);
  });

  it('holds every schema the entry schemas include or import, for both generations', () => {
    const folder = schemaFolder({});
    for (const [version, entries] of Object.entries(ENTRIES)) {
      const dir = path.join(folder, version);
      for (const entry of entries) {
        const files = [...closure(dir, entry)];
        expect(files.length, `${version}/${entry} includes something`).toBeGreaterThan(1);
        expect(
          files.filter((f) => !existsSync(path.join(dir, f))),
          `${version}/${entry}`,
        ).toEqual([]);
      }
    }
  });

  it("ships MESA's licence and the acknowledgement it asks for", () => {
    const ack = 'The Business To Manufacturing Markup Language (B2MML) is used courtesy of MESA International.';
    expect(readFileSync(path.join(schemaFolder({}), 'LICENSE-B2MML.txt'), 'utf8')).toContain('MESA International');
    expect(readFileSync(path.join(ROOT, 'NOTICE'), 'utf8').replace(/\s+/g, ' ')).toContain(ack);
    expect(readFileSync(path.join(schemaFolder({}), 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain(ack);
  });

  it('is overridden by TAKT_B2MML_SCHEMAS; a folder without the schemas refuses to validate (503), never accepts', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'takt-xsd-'));
    expect(schemaFolder({ TAKT_B2MML_SCHEMAS: empty })).toBe(path.resolve(empty));
    const xml = readFileSync(path.join(B2MML_EXAMPLES, 'production-schedule.v0600.xml'), 'utf8');
    const err = await validateB2mml(xml, 'V0600', 'schedule', schemaFolder({ TAKT_B2MML_SCHEMAS: empty })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
  });

  it('validates the MESA examples with the shipped schemas (the default folder is usable)', { timeout: 60_000 }, async () => {
    expect(await validateB2mml(readFileSync(path.join(B2MML_EXAMPLES, 'production-schedule.v0600.xml'), 'utf8'), 'V0600', 'schedule')).toEqual([]);
    expect(await validateB2mml(readFileSync(path.join(B2MML_EXAMPLES, 'operations-schedule.v0701.xml'), 'utf8'), 'V0701', 'schedule')).toEqual([]);
  });
});
