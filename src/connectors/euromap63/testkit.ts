// Test helpers: a connector on a temporary session folder with an in-memory sink that keeps what is submitted.
import { mkdtempSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Observation, Rejection, SourceStatus } from '../../collect/index.ts';
import { Backoff } from '../connector.ts';
import { Euromap63Connector, type Euromap63Options, type Euromap63Settings } from './connector.ts';

export const quietLog = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
  child: () => quietLog,
  level: 'silent',
} as unknown as FastifyBaseLogger;

export function tempDir(prefix = 'em63-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function waitFor(cond: () => boolean, ms = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Harness {
  c: Euromap63Connector;
  obs: Observation[];
  rej: Rejection[];
  statuses: SourceStatus[];
  /** good observations by counter value, to check each shot came exactly once. */
  goods(): number[];
  stop(): Promise<void>;
}

export async function startConnector(
  sessionDir: string,
  settings: Partial<Euromap63Settings> = {},
  opts: Euromap63Options = {},
  /** The sink refuses this many batches first (storage down, buffer full). */
  refuseFirst = 0,
): Promise<Harness> {
  let refusals = refuseFirst;
  const full: Euromap63Settings = { protocol: 'euromap63', sessionDir, timezone: 'UTC', responseTimeoutS: 2, pollIntervalMs: 20, staleAfterS: 30, ...settings };
  const c = new Euromap63Connector(
    full,
    { equipmentId: 'e1', equipmentPath: 'acme/plant/moulding/imm63', log: quietLog, now: Date.now },
    {
      backoff: new Backoff(50, 200, () => 0.5),
      ...opts,
    },
  );
  const obs: Observation[] = [];
  const rej: Rejection[] = [];
  const statuses: SourceStatus[] = [];
  await c.start({
    async submit(b) {
      if (refusals > 0 && b.observations.length > 0) {
        refusals--;
        throw new Error('pipeline buffer full');
      }
      obs.push(...b.observations);
      rej.push(...b.rejections);
    },
    sourceStatus: (s) => void statuses.push(s),
  });
  return { c, obs, rej, statuses, goods: () => obs.filter((o) => o.tag === 'good').map((o) => o.value as number), stop: () => c.stop() };
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}
