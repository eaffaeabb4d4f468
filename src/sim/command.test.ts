import { describe, expect, it, vi } from 'vitest';
import { runSimCommand } from './command.ts';

describe('takt sim flags', () => {
  it('refuses bad flags with exit code 2 before connecting anywhere', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runSimCommand({ protocol: 'opcua' })).toBe(2);
      expect(await runSimCommand({ speed: '0' })).toBe(2);
      expect(await runSimCommand({ machines: 'many' })).toBe(2);
      expect(await runSimCommand({ machines: '3', plant: 'x.yaml' })).toBe(2);
      expect(await runSimCommand({ url: 'localhost:1883' })).toBe(2);
      expect(await runSimCommand({ plant: '/nonexistent/plant.yaml', duration: '0.01' })).toBe(2);
      expect(await runSimCommand({ writePlant: '/tmp/x.yaml' })).toBe(2);
      const out = err.mock.calls.map((c) => String(c[0])).join('');
      expect(out).toContain('--protocol must be uns, sparkplug or mixed');
      expect(out).toContain('plant file not found');
    } finally {
      err.mockRestore();
    }
  });
});
