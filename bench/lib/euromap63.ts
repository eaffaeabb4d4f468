// Benchmark: many emulated presses at high speed, each read by a EUROMAP 63 connector into a counting sink, and in the
// same run a bare reader that only tails and splits the same report files (no session protocol, no mapping). Their
// rates side by side show what the connector costs over reading the files at all.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { DecodeResult, ObservationSink } from '../../src/collect/index.ts';
import { createEuromap63Connector, type Euromap63Settings } from '../../src/connectors/euromap63/index.ts';
import { startEuromap63Press, type PressHandle } from '../../src/sim/euromap63/index.ts';

export interface Euromap63BenchOptions {
  presses: number;
  seconds: number;
  /** A scratch folder; one session folder per press is made (and removed) under it. */
  dir: string;
  /** Simulated seconds per wall second (default 4000: a 20 s cycle every 5 ms, 200 shots/s per press). */
  speed?: number;
  pollIntervalMs?: number;
}

export interface Euromap63BenchResult {
  connectorShotsPerS: number;
  bareShotsPerS: number;
  /** Shots the presses reported in the same window. */
  producedShotsPerS: number;
}

const quietLog = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child() {
    return quietLog;
  },
  level: 'silent',
} as unknown as FastifyBaseLogger;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Tails one file and counts its data rows: the least any reader of these files has to do. */
async function bareReader(file: string, pollMs: number, isStopped: () => boolean, count: (n: number) => void): Promise<void> {
  let offset = 0;
  let headerStarted = false; // the header's first line is read; continuation lines begin with a space
  let inHeader = true;
  while (!isStopped()) {
    try {
      const fh = await fsp.open(file, 'r');
      try {
        const { size } = await fh.stat();
        if (size < offset) (offset = 0), (inHeader = true), (headerStarted = false);
        if (size > offset) {
          const buf = Buffer.allocUnsafe(size - offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          const end = buf.subarray(0, bytesRead).lastIndexOf(10);
          if (end >= 0) {
            offset += end + 1;
            let rows = 0;
            for (const line of buf.toString('latin1', 0, end).split('\n')) {
              if (inHeader) {
                if (!headerStarted) {
                  headerStarted = true;
                  continue;
                }
                if (line.startsWith(' ')) continue;
                inHeader = false;
              }
              if (line.split(',').length > 2) rows++;
            }
            count(rows);
          }
        }
      } finally {
        await fh.close();
      }
    } catch {
      /* not there yet */
    }
    await sleep(pollMs);
  }
}

export async function benchEuromap63(opts: Euromap63BenchOptions): Promise<Euromap63BenchResult> {
  const speed = opts.speed ?? 4000;
  const pollMs = opts.pollIntervalMs ?? 50;
  const root = path.join(opts.dir, `em63-bench-${process.pid}`);
  await fsp.mkdir(root, { recursive: true });
  let connectorShots = 0;
  let bareShots = 0;
  const sink: ObservationSink = {
    async submit(b: DecodeResult) {
      for (const o of b.observations) if (o.tag === 'good') connectorShots++;
    },
    sourceStatus() {},
  };
  process.stderr.write(`EUROMAP 63 bench: ${opts.presses} presses at speed ${speed}, ${opts.seconds} s, in ${root}\n`);
  const presses: PressHandle[] = [];
  const connectors = [];
  let stopped = false;
  const readers: Promise<void>[] = [];
  for (let i = 0; i < opts.presses; i++) {
    const sessionDir = path.join(root, `P${String(i).padStart(4, '0')}`);
    presses.push(await startEuromap63Press({ sessionDir, seed: i + 1, speed, pollMs: 20 }));
    const settings: Euromap63Settings = { protocol: 'euromap63', sessionDir, timezone: 'UTC', responseTimeoutS: 10, pollIntervalMs: pollMs, staleAfterS: 30 };
    const c = createEuromap63Connector(
      settings,
      { equipmentId: `p${i}`, equipmentPath: `bench/em63/p${i}`, log: quietLog, now: Date.now },
      { rotateBytes: Infinity },
    );
    await c.start(sink);
    connectors.push(c);
    readers.push(
      bareReader(
        path.join(sessionDir, 'TKTREP.DAT'),
        pollMs,
        () => stopped,
        (n) => (bareShots += n),
      ),
    );
  }
  // warm-up: every connector connected and delivering
  const warmDeadline = Date.now() + 30_000;
  while (Date.now() < warmDeadline && connectors.some((c) => c.health().lastDataAt === null)) await sleep(100);
  const produced = () => presses.reduce((s, p) => s + p.reported().length, 0);
  const c0 = connectorShots,
    b0 = bareShots,
    p0 = produced(),
    t0 = performance.now();
  for (let s = 1; s <= opts.seconds; s++) {
    await sleep(1000);
    process.stderr.write(`  ${s}/${opts.seconds} s: produced ${produced() - p0}, connector ${connectorShots - c0}, bare ${bareShots - b0}\n`);
  }
  const secs = (performance.now() - t0) / 1000;
  const result = {
    connectorShotsPerS: Math.round((connectorShots - c0) / secs),
    bareShotsPerS: Math.round((bareShots - b0) / secs),
    producedShotsPerS: Math.round((produced() - p0) / secs),
  };
  stopped = true;
  await Promise.all(connectors.map((c) => c.stop()));
  await Promise.all(presses.map((p) => p.stop()));
  await Promise.all(readers);
  await fsp.rm(root, { recursive: true, force: true });
  process.stderr.write(`EUROMAP 63 bench: ${JSON.stringify(result)}\n`);
  return result;
}
