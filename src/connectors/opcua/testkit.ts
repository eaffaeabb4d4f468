// Test helpers for the OPC UA connector: an in-memory sink, a connector context, waiting for a condition.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { DecodeResult, Observation, ObservationSink, Rejection, SourceStatus } from '../../collect/index.ts';
import { connectionSchema } from '../../plant/index.ts';
import type { ConnectorContext } from '../connector.ts';
import type { OpcuaSettings } from './client.ts';

export class MemorySink implements ObservationSink {
  observations: Observation[] = [];
  rejections: Rejection[] = [];
  statuses: SourceStatus[] = [];
  async submit(batch: DecodeResult): Promise<void> {
    this.observations.push(...batch.observations);
    this.rejections.push(...batch.rejections);
  }
  sourceStatus(s: SourceStatus): void {
    this.statuses.push(s);
  }
  of(tag: string): Observation[] {
    return this.observations.filter((o) => o.tag === tag);
  }
}

export function testContext(equipmentPath = 'acme/plant/moulding/imm01'): ConnectorContext {
  return { equipmentId: 'imm01', equipmentPath, log: pino({ level: 'silent' }) as unknown as FastifyBaseLogger, now: () => Date.now() };
}

export function opcuaSettings(input: Record<string, unknown>): OpcuaSettings {
  return connectionSchema.parse({ protocol: 'opcua', ...input }) as OpcuaSettings;
}

/** One client PKI folder per test file: creating the client certificate takes a moment. */
export function tempPki(): string {
  return mkdtempSync(join(tmpdir(), 'takt-opcua-client-'));
}

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
