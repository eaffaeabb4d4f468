// The first hour of a new user (issue #13): a port in use stops Takt naming the setting, two demo instances keep to
// their own ports and folders, and a clean start's output is JSON lines only, without warnings, when not a terminal.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectorsModule } from '../../src/modules.ts';
import { freePort, ROOT, stopChild } from '../support/processes.ts';
import { DB_KINDS, startTestServer } from '../support/server.ts';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** `takt start` as a new user runs it (stdout and stderr are pipes, not a terminal), with a fresh data folder. */
function spawnTakt(args: string[], env: Record<string, string>) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(TAKT_|DATABASE_URL$|MQTT_URL$)/.test(k)) delete base[k];
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/takt.mjs'), 'start', ...args], {
    cwd: ROOT,
    env: { ...base, TAKT_DATA_DIR: tmp('takt-hour-'), TAKT_ADMIN_PASSWORD: 'first-hour-pass', TAKT_HOST: '127.0.0.1', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited };
}

/** Holds a port the way another program would (all interfaces), until released. */
async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, () => r()));
  return { port: (server.address() as net.AddressInfo).port, release: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('a listener that cannot open stops Takt, naming the setting', () => {
  it('MQTT port in use (TAKT_MQTT_PORT): exits non-zero instead of serving HTTP without a broker', async () => {
    const held = await holdPort();
    try {
      const httpPort = await freePort();
      const t = spawnTakt([], { TAKT_PORT: String(httpPort), TAKT_MQTT_PORT: String(held.port), TAKT_SIMULATE: 'false' });
      const code = await t.exited;
      expect(code, t.out.stdout + t.out.stderr).not.toBe(0);
      expect(t.out.stderr).toContain(`takt: MQTT port ${held.port} is in use (TAKT_MQTT_PORT)`);
      // nothing is left serving
      expect(
        await fetch(`http://127.0.0.1:${httpPort}/api/health`).then(
          () => 'answered',
          () => 'refused',
        ),
      ).toBe('refused');
    } finally {
      await held.release();
    }
  }, 180_000);

  it('HTTP port in use (TAKT_PORT)', async () => {
    const held = await holdPort();
    try {
      const t = spawnTakt([], { TAKT_PORT: String(held.port), TAKT_MQTT_PORT: String(await freePort()), TAKT_SIMULATE: 'false' });
      expect(await t.exited).not.toBe(0);
      expect(t.out.stderr).toContain(`takt: HTTP port ${held.port} is in use (TAKT_PORT or --port)`);
    } finally {
      await held.release();
    }
  }, 180_000);
});

for (const kind of DB_KINDS)
  describe(`two demo instances on ${kind}`, () => {
    it('do not share the OPC UA simulator port or the EUROMAP 63 session folder', async () => {
      const [dirA, dirB] = [tmp('takt-demo-a-'), tmp('takt-demo-b-')];
      const chosen = await freePort();
      const a = await startTestServer({ db: kind, dataDir: dirA, listen: false, config: { demoOpcuaPort: chosen } });
      const b = await startTestServer({ db: kind, dataDir: dirB, listen: false });
      try {
        const targets = (t: typeof a) => {
          const health = (t.app.modules.get('connectors') as ConnectorsModule).manager.health();
          return Object.fromEntries(health.map((h) => [h.protocol, h.target]));
        };
        const [ta, tb] = [targets(a), targets(b)];
        // TAKT_DEMO_OPCUA_PORT is written into the demo plant; the other instance got a free port of its own
        expect(ta.opcua).toBe(`opc.tcp://127.0.0.1:${chosen}`);
        expect(tb.opcua).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
        expect(tb.opcua).not.toBe(ta.opcua);
        expect(tb.opcua).not.toBe('opc.tcp://127.0.0.1:48405');
        // stored in the plant model, as the plant page and the simulator read it
        const imm05 = (await a.sql(`SELECT connections FROM equipment WHERE path = 'acme/lakeside/moulding/imm-cell2/imm05'`)) as Array<{
          connections: Array<{ endpoint: string }>;
        }>;
        expect(imm05[0].connections[0].endpoint).toBe(`opc.tcp://127.0.0.1:${chosen}`);
        // the session folder is under each instance's data folder (created there), not under the working directory
        expect(ta.euromap63).toBe(path.join(dirA, 'euromap63', 'imm06'));
        expect(tb.euromap63).toBe(path.join(dirB, 'euromap63', 'imm06'));
        expect(existsSync(ta.euromap63) && existsSync(tb.euromap63)).toBe(true);
      } finally {
        await a.close();
        await b.close();
      }
    }, 300_000); // two instances, each migrating a fresh database
  });

describe('a clean `takt start --demo` whose output is not a terminal', () => {
  it('prints only JSON lines, and no warning while it starts and runs its first seconds', async () => {
    const port = await freePort();
    const t = spawnTakt(['--demo'], { TAKT_PORT: String(port), TAKT_MQTT_PORT: String(await freePort()), TAKT_LOG_LEVEL: 'info' });
    try {
      const end = Date.now() + 150_000;
      while (!/"msg":"Takt \S+ on http/.test(t.out.stdout)) {
        if (t.child.exitCode !== null || Date.now() > end) throw new Error(`takt did not start:\n${t.out.stdout}\n${t.out.stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // the first seconds of the running demo: connectors reach the simulated presses, machines produce
      await new Promise((r) => setTimeout(r, 12_000));
    } finally {
      await stopChild(t.child, 'SIGTERM');
    }
    expect(t.child.exitCode).toBe(0);
    const lines = t.out.stdout.split('\n').filter((l) => l.length);
    const records = lines.map((l) => {
      try {
        return JSON.parse(l) as { level: number; msg: string };
      } catch {
        throw new Error(`not a JSON line on stdout: ${l}`);
      }
    });
    expect(records.map((r) => r.msg)).toContain('demo plant simulator running (TAKT_SIMULATE=false to turn it off)');
    expect(records.filter((r) => r.level >= 40)).toEqual([]);
    // the OPC UA stack's own output went through the logger (at debug, so not shown at info)
    expect(t.out.stdout + t.out.stderr).not.toMatch(/NODE-OPCUA|security-revert|Creating default certificate/);
  }, 240_000);
});
