// Real processes for fault tests: a private Mosquitto, a TCP proxy that can cut a connection, `takt start` as a child.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

const waitForPort = async (port: number, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A Mosquitto of our own on a free port (no persistence), so a test may stop and start it. */
export async function startMosquitto(port?: number): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const p = port ?? (await freePort());
  const child = spawn('mosquitto', ['-p', String(p), ...(process.env.DEBUG_MOSQUITTO ? ['-v'] : [])], {
    stdio: process.env.DEBUG_MOSQUITTO ? 'inherit' : 'ignore',
  });
  await waitForPort(p);
  return {
    port: p,
    url: `mqtt://127.0.0.1:${p}`,
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Forwards TCP to a target; cut() drops every connection and refuses new ones until restore(). */
export async function tcpProxy(targetPort: number): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface TaktProcess {
  child: ChildProcess;
  url: string;
  mqttUrl: string;
  output(): string;
}

/** `takt start` as its own process (so it can be killed with SIGKILL), waiting until it answers. */
export async function startTaktProcess(env: Record<string, string>): Promise<TaktProcess> {
  const port = await freePort();
  const mqttPort = env.TAKT_MQTT_PORT ?? String(await freePort());
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/takt.mjs'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, TAKT_PORT: String(port), TAKT_MQTT_PORT: mqttPort, TAKT_SIMULATE: 'false', TAKT_LOG_LEVEL: 'warn', TAKT_CONFIG: '', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > end) throw new Error(`takt did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, output: () => out };
}
