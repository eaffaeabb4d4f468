import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditAnchor, anchorSettings, parseCheckpoints } from './anchor.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'takt-anchor-unit-'));
const hash = (c: string) => c.repeat(64);

describe('audit anchor', () => {
  it('creates the key file once with mode 0600 and derives the same keys from it again', () => {
    const dir = tmp();
    const s = anchorSettings({ dataDir: dir });
    const a = AuditAnchor.open(s);
    expect(a.createdKeyFile).toBe(path.join(dir, 'audit.key'));
    expect(statSync(s.keyFile!).mode & 0o777).toBe(0o600);
    const b = AuditAnchor.open(s);
    expect(b.createdKeyFile).toBeNull();
    expect(b.keyId).toBe(a.keyId);
    expect(b.rowMac(7, hash('a'))).toBe(a.rowMac(7, hash('a')));
  });

  it('a different key gives different HMACs; the HMAC covers sequence and hash', () => {
    const a = AuditAnchor.open({ key: 'ab'.repeat(32), keyFile: null, checkpointFile: null });
    const b = AuditAnchor.open({ key: 'cd'.repeat(32), keyFile: null, checkpointFile: null });
    expect(a.rowMac(1, hash('a'))).not.toBe(b.rowMac(1, hash('a')));
    expect(a.rowMac(1, hash('a'))).not.toBe(a.rowMac(2, hash('a')));
    expect(a.rowMac(1, hash('a'))).not.toBe(a.rowMac(1, hash('b')));
    expect(a.rowMacMatches(1, hash('a'), a.rowMac(1, hash('a')))).toBe(true);
    expect(a.rowMacMatches(1, hash('a'), b.rowMac(1, hash('a')))).toBe(false);
    expect(a.rowMacMatches(1, hash('a'), 'zz')).toBe(false);
  });

  it('refuses to make a new key when checkpoints exist (the old key is lost, not replaced)', () => {
    const dir = tmp();
    const s = anchorSettings({ dataDir: dir });
    AuditAnchor.open(s).append(3, hash('a'), 'manual');
    writeFileSync(s.keyFile!, ''); // emptied: not a key
    expect(() => AuditAnchor.open(s)).toThrow(/64 hex/);
    const moved = { ...s, keyFile: path.join(dir, 'elsewhere.key') };
    expect(() => AuditAnchor.open(moved)).toThrow(/missing but .* holds checkpoints/);
  });

  it('checkpoints verify with the public key alone; any changed field or another key fails', () => {
    const dir = tmp();
    const a = AuditAnchor.open(anchorSettings({ dataDir: dir }));
    a.append(5, hash('a'), 'periodic');
    a.append(9, hash('b'), 'manual');
    const text = readFileSync(a.checkpointFile!, 'utf8');
    const read = parseCheckpoints(text, a.publicKey);
    expect(read.problems).toEqual([]);
    expect(read.valid.map((c) => c.seq)).toEqual([5, 9]);
    for (const field of ['seq', 'hash', 'at', 'reason'] as const) {
      const line = JSON.parse(text.split('\n')[0]!);
      line[field] = field === 'seq' ? 6 : field === 'hash' ? hash('c') : 'x';
      expect(parseCheckpoints(JSON.stringify(line), a.publicKey).problems[0]?.reason, field).toMatch(/signature does not hold/);
    }
    const other = AuditAnchor.open({ key: 'ef'.repeat(32), keyFile: null, checkpointFile: null });
    expect(parseCheckpoints(text, other.publicKey).problems).toHaveLength(2);
  });

  it('fuzz: any checkpoint file text is either valid checkpoints or named problems, never a throw', () => {
    const a = AuditAnchor.open({ key: '12'.repeat(32), keyFile: null, checkpointFile: null });
    const good = JSON.stringify(a.append(1, hash('d'), 'manual'));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 2 }), fc.constant(good), fc.constant(good.slice(0, 40))), { maxLength: 6 }),
        (lines) => {
          const r = parseCheckpoints(lines.join('\n'), a.publicKey);
          expect(r.valid.length + r.problems.length).toBeLessThanOrEqual(lines.join('\n').split('\n').length);
          for (const v of r.valid) expect(v).toMatchObject({ seq: 1, hash: hash('d') });
        },
      ),
      { numRuns: 100 },
    );
  });
});
