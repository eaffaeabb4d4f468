import { describe, expect, it } from 'vitest';
import type { AppError } from '../platform/errors.ts';
import { parsePlantFile, resolveEquipment } from './plant-file.ts';

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return ((err as AppError).details as Array<{ path: string; message: string }>) ?? [];
  }
  throw new Error('expected an error');
};

describe('plant files', () => {
  it('parses YAML and fills defaults', () => {
    const f = parsePlantFile('equipment:\n  - { id: acme, level: enterprise, name: ACME }\n');
    expect(f.version).toBe(1);
    expect(f.materials).toEqual([]);
    expect(f.equipment[0].id).toBe('acme');
  });

  it('names the line of a YAML syntax error and the path of a schema error', () => {
    expect(issuesOf(() => parsePlantFile('equipment:\n  - { id: a, level: enterprise\n'))[0].path).toMatch(/line \d+/);
    const issues = issuesOf(() =>
      parsePlantFile({ equipment: [{ id: 'a', level: 'enterprise', name: 'A', children: [{ id: 'b/c', level: 'site', name: 'B' }] }], bogus: 1 }),
    );
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['equipment[0].children[0].id', '(root)']));
  });

  it('resolves nested and flat entries to paths', () => {
    const f = parsePlantFile({
      equipment: [
        { id: 'acme', level: 'enterprise', name: 'A', children: [{ id: 's1', level: 'site', name: 'S1' }] },
        { id: 'm1', level: 'machine', name: 'M1', parent: 'area1' },
        { id: 'area1', level: 'area', name: 'Area', parent: 'acme/s1' },
        { id: 'm2', level: 'machine', name: 'M2', parent: 'existing/area' },
      ],
    });
    const { entries, issues } = resolveEquipment(f, new Set(['existing/area']));
    expect(issues).toEqual([]);
    expect(entries.map((e) => e.path)).toEqual(['acme', 'acme/s1', 'acme/s1/area1/m1', 'acme/s1/area1', 'existing/area/m2']);
  });

  it('finds cycles, unknown parents, ambiguous ids and duplicates', () => {
    const f = parsePlantFile({
      equipment: [
        { id: 'a', level: 'area', name: 'a', parent: 'c' },
        { id: 'b', level: 'area', name: 'b', parent: 'a' },
        { id: 'c', level: 'area', name: 'c', parent: 'b' },
        { id: 'd', level: 'area', name: 'd', parent: 'nowhere/x' },
        {
          id: 'e',
          level: 'enterprise',
          name: 'e',
          children: [
            { id: 'dup', level: 'site', name: 'x' },
            { id: 'dup', level: 'site', name: 'y' },
          ],
        },
        { id: 'm', level: 'machine', name: 'm', parent: 'dup' },
      ],
    });
    const { issues } = resolveEquipment(f, new Set());
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    expect(text).toMatch(/equipment\[\d\]\.parent: cycle in the hierarchy: .*a.*→/);
    expect(text).toMatch(/equipment\[3\]\.parent: parent 'nowhere\/x'/);
    expect(text).toMatch(/equipment\[5\]\.parent: 'dup' is ambiguous/);
    expect(text).toMatch(/equipment\[4\]\.children\[1\]\.id: equipment 'e\/dup' appears twice/);
  });
});
