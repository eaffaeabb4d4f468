// Commands back to machines: stop, start, write and read parameters — authorised by the route, audited here, sent over
// the machine's own protocol, confirmed by reading back, and recorded with their outcome. A stop goes on the wire
// first and is recorded (command record and audit entry) right after, retried until written — never dropped; every
// other command is recorded before it is sent.
import { randomUUID } from 'node:crypto';
import { confirmsCommand, type MachineView } from '../collect/index.ts';
import type { TagValue } from '../collect/index.ts';
import { appendAudit } from '../platform/audit/audit.service.ts';
import { sql } from '../platform/db/database.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import type { CommandResult, MachineCommand } from './connector.ts';
import type { ConnectorManager } from './manager.ts';
import type { MqttConnector } from './mqtt/index.ts';
import type { CommandRecord } from './schemas.ts';
import { encodeSparkplug } from './sparkplug/index.ts';

export type { CommandRecord };

/** A read-back equals what was written: numbers within rounding (a float register, a value echoed as text). */
export function sameValue(got: TagValue, sent: TagValue): boolean {
  if (typeof sent === 'number') {
    const n = typeof got === 'number' ? got : typeof got === 'string' && got.trim() !== '' ? Number(got) : NaN;
    return Number.isFinite(n) && Math.abs(n - sent) <= Math.max(1e-9, Math.abs(sent) * 1e-6);
  }
  return String(got) === String(sent);
}

export class CommandService {
  private replies = new Map<string, (r: { status: 'ok' | 'rejected'; reason?: string }) => void>();

  constructor(
    private readonly ctx: AppContext,
    private readonly collect: Pick<MachineView, 'equipment' | 'tags'>,
    private readonly connectors: ConnectorManager,
    private readonly mqtt: () => MqttConnector | undefined,
  ) {}

  /** A machine's answer on takt/v1/<path>/_cmd/<name>/reply: {"id": …, "status": "ok"|"rejected", "reason"?: …}. */
  onReply(payload: Buffer): void {
    try {
      const r = JSON.parse(payload.toString('utf8')) as { id?: string; status?: string; reason?: string };
      if (r.id && (r.status === 'ok' || r.status === 'rejected')) this.replies.get(r.id)?.({ status: r.status, reason: r.reason });
    } catch {
      /* not a reply we sent a command for */
    }
  }

  async send(actor: Actor, idOrPath: string, cmd: MachineCommand, reason: string | undefined, timeoutMs = 15_000): Promise<CommandRecord> {
    const eq = this.collect.equipment(idOrPath);
    const connector = this.connectors.of(eq.id)[0];
    const sparkplug = eq.connections.find((c) => c.protocol === 'sparkplug');
    const protocol = connector?.protocol ?? (sparkplug ? 'sparkplug' : 'mqtt');
    const id = randomUUID();
    const params = cmd.kind === 'writeParameters' ? cmd.parameters : null;
    const requestedAt = new Date();
    const record = () =>
      this.ctx.db.transaction(async (tx) => {
        await tx.execute(
          sql`INSERT INTO machine_commands (id, equipment_id, kind, parameters, protocol, requested_by, requested_at, reason, status)
            VALUES (${id}, ${eq.id}, ${cmd.kind}, ${params ? JSON.stringify(params) : null}::jsonb, ${protocol}, ${actor.name}, ${requestedAt.toISOString()}::timestamptz, ${reason ?? null}, 'pending')`,
        );
        await appendAudit(tx, actor, {
          action: 'create',
          entity: 'machine_command',
          entityId: id,
          after: { equipment: eq.path, command: cmd, protocol },
          reason,
        });
      });
    let sent = () => {};
    const onWire = new Promise<void>((resolve) => (sent = resolve));
    const run = async (): Promise<CommandResult> => {
      try {
        if (connector) {
          const answer = connector.command(cmd, timeoutMs); // the connector writes to the machine before its first await
          sent();
          return await answer;
        }
        return await this.viaMqtt(eq, id, cmd, sparkplug, timeoutMs, sent);
      } catch (err) {
        return { status: 'failed', detail: (err as Error).message };
      } finally {
        sent();
      }
    };
    let result: CommandResult;
    if (cmd.kind === 'stop') {
      // the fastest way to the wire (quality's stop loop): publish, then record; the outcome waits for the record
      const running = run();
      await onWire;
      const recorded = this.durably(id, record);
      result = await running;
      await recorded;
    } else {
      await record();
      result = await run();
    }
    await this.ctx.db.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE machine_commands SET status = ${result.status}, detail = ${result.detail ?? null}, read_back = ${result.readBack ? JSON.stringify(result.readBack) : null}::jsonb, completed_at = now() WHERE id = ${id}`,
      );
      await appendAudit(tx, actor, {
        action: 'update',
        entity: 'machine_command',
        entityId: id,
        after: { status: result.status, detail: result.detail ?? null, readBack: result.readBack ?? null },
      });
    });
    return (await this.list(eq.id, 1, id))[0];
  }

  /** UNS: takt/v1/<path>/_cmd/<name> JSON; Sparkplug: NCMD/DCMD with one metric per parameter. Confirmed by read-back. */
  private async viaMqtt(
    eq: ReturnType<MachineView['equipment']>,
    id: string,
    cmd: MachineCommand,
    sparkplug: { group: string; node: string; device?: string } | undefined,
    timeoutMs: number,
    sent: () => void = () => {},
  ): Promise<CommandResult> {
    if (cmd.kind === 'readParameters') return this.readLatest(eq, cmd.names);
    const mqtt = this.mqtt();
    if (!mqtt) return { status: 'failed', detail: 'MQTT is not running' };
    const expected: Record<string, (v: TagValue) => boolean> = {};
    if (cmd.kind === 'writeParameters') for (const [k, v] of Object.entries(cmd.parameters)) expected[k] = (x) => sameValue(x, v);
    else {
      const kind = cmd.kind;
      expected.state = (x) => confirmsCommand(kind, x) !== undefined; // the same rule as every connector's (collect/states.ts)
    }
    const confirmed = this.awaitReadBack(eq.id, expected, timeoutMs);
    const replied = new Promise<CommandResult>((resolve) =>
      this.replies.set(id, (r) => r.status === 'rejected' && resolve({ status: 'rejected', detail: r.reason ?? 'rejected by the machine' })),
    );
    if (sparkplug) {
      const metrics =
        cmd.kind === 'writeParameters'
          ? Object.entries(cmd.parameters).map(
              ([name, value]) => ({ name, datatype: typeof value === 'number' ? 'Double' : typeof value === 'boolean' ? 'Boolean' : 'String', value }) as const,
            )
          : [{ name: cmd.kind === 'stop' ? 'Command/Stop' : 'Command/Start', datatype: 'Boolean' as const, value: true }];
      const topic = sparkplug.device
        ? `spBv1.0/${sparkplug.group}/DCMD/${sparkplug.node}/${sparkplug.device}`
        : `spBv1.0/${sparkplug.group}/NCMD/${sparkplug.node}`;
      await mqtt.publish(topic, encodeSparkplug({ timestamp: Date.now(), metrics: metrics as never }), 0, false);
    } else {
      const payload = { id, ...(cmd.kind === 'writeParameters' ? { parameters: cmd.parameters } : {}) };
      await mqtt.publish(`takt/v1/${eq.path}/_cmd/${cmd.kind}`, Buffer.from(JSON.stringify(payload)), 1, false);
    }
    sent();
    try {
      return await Promise.race([confirmed.promise, replied]);
    } finally {
      confirmed.cancel();
      this.replies.delete(id);
    }
  }

  /** Writes a command's record until it is written: a failure is logged and retried (backing off to 5 s), never dropped. */
  private async durably(id: string, write: () => Promise<unknown>): Promise<void> {
    for (let delay = 50; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await write();
        return;
      } catch (err) {
        this.ctx.log.error({ err, command: id, retryInMs: delay }, 'connectors: recording a command sent to a machine failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Waits until the machine reports values that satisfy every expectation (or the timeout passes). */
  private awaitReadBack(equipmentId: string, expected: Record<string, (v: TagValue) => boolean>, timeoutMs: number) {
    const seen: Record<string, TagValue> = {};
    let off = () => {};
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<CommandResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'timed_out', detail: `no read-back within ${Math.round(timeoutMs / 1000)} s`, readBack: seen }), timeoutMs);
      off = this.ctx.events.subscribe('collect.stored', (e) => {
        for (const v of e.values) if (v.equipmentId === equipmentId && expected[v.tag]?.(v.value)) seen[v.tag] = v.value;
        if (Object.keys(expected).every((k) => k in seen)) resolve({ status: 'confirmed', readBack: seen });
      });
    });
    return {
      promise,
      cancel: () => {
        off();
        clearTimeout(timer);
      },
    };
  }

  private async readLatest(eq: ReturnType<MachineView['equipment']>, names?: string[]): Promise<CommandResult> {
    const tags = await this.collect.tags(eq.id);
    const readBack: Record<string, TagValue> = {};
    for (const t of tags) if ((!names || names.includes(t.tag)) && t.latest?.value != null) readBack[t.tag] = t.latest.value;
    return { status: 'confirmed', detail: 'latest values reported by the machine', readBack };
  }

  async list(equipmentId: string, limit = 50, id?: string): Promise<CommandRecord[]> {
    const rows = await this.ctx.database.query<Record<string, unknown>>(
      `SELECT id, equipment_id, kind, parameters, protocol, requested_by, requested_at, reason, status, detail, read_back, completed_at
       FROM machine_commands WHERE equipment_id = $1 AND ($2::uuid IS NULL OR id = $2) ORDER BY requested_at DESC LIMIT $3`,
      [equipmentId, id ?? null, limit],
    );
    const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
    return rows.map((r) => ({
      id: r.id as string,
      equipmentId: r.equipment_id as string,
      kind: r.kind as string,
      parameters: (r.parameters as Record<string, TagValue>) ?? null,
      protocol: r.protocol as string,
      requestedBy: r.requested_by as string,
      requestedAt: iso(r.requested_at)!,
      reason: (r.reason as string) ?? null,
      status: r.status as CommandRecord['status'],
      detail: (r.detail as string) ?? null,
      readBack: (r.read_back as Record<string, TagValue>) ?? null,
      completedAt: iso(r.completed_at),
    }));
  }
}
