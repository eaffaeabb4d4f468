// HTTP face of the connectors: commands to a machine (and their history), and the health of its connections.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MachineView } from '../collect/index.ts';
import { redactConnections } from '../plant/index.ts';
import { actorOf } from '../platform/auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import type { OutboundGuard } from '../platform/net/outbound.ts';
import type { Wire } from '../platform/wire.ts';
import type { Connection } from '../plant/index.ts';
import { ROLES, principalOf } from '../platform/http/guard.ts';
import type { CommandService } from './commands.ts';
import type { ConnectorHealth, MachineCommand } from './connector.ts';
import type { ConnectorManager } from './manager.ts';
import type { MqttConnector } from './mqtt/index.ts';
import { browseNodeSchema, commandRecordSchema, equipmentConnectionsSchema } from './schemas.ts';

/** GET /api/equipment/{id}/connections: the configured connections (no passwords) and how each is doing, times in ISO. */
export interface ConnectionsHealth {
  configured: Connection[];
  mqtt: { broker: ReturnType<MqttConnector['health']> | null; lastData: string | null; online: boolean };
  connectors: Array<Wire<ConnectorHealth, 'connectedSince' | 'lastDataAt'>>;
}

const scalar = z.union([z.number().refine(Number.isFinite, 'must be finite'), z.string().max(1000), z.boolean()]);
const commandBody = z
  .object({
    command: z.enum(['stop', 'start', 'writeParameters', 'readParameters']),
    parameters: z.record(z.string().min(1).max(100), scalar).optional(),
    names: z.array(z.string().min(1).max(100)).max(500).optional(),
    reason: z.string().max(1000).optional(),
    timeoutS: z.number().positive().max(300).default(15),
  })
  .strict();
const idParams = z.object({ id: z.string().min(1).max(1000) });

export function connectorRoutes(
  collect: Pick<MachineView, 'equipment' | 'liveness'>,
  commands: CommandService,
  manager: ConnectorManager,
  mqtt: () => MqttConnector | undefined,
  outbound: OutboundGuard,
) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/api/equipment/:id/commands',
      {
        config: { roles: ['admin', 'supervisor', 'integration'] },
        schema: {
          tags: ['commands'],
          summary: "Send a command over the machine's own protocol; waits for the read-back and answers confirmed, rejected or timed_out",
          params: idParams,
          body: commandBody,
          response: { 200: commandRecordSchema },
        },
      },
      async (req) => {
        const b = req.body;
        let cmd: MachineCommand;
        if (b.command === 'writeParameters') {
          if (!b.parameters || !Object.keys(b.parameters).length)
            throw new AppError('validation_failed', 'writeParameters needs parameters', [{ path: 'body.parameters', message: 'at least one parameter' }]);
          cmd = { kind: 'writeParameters', parameters: b.parameters };
        } else if (b.command === 'readParameters') cmd = { kind: 'readParameters', names: b.names };
        else cmd = { kind: b.command };
        return commands.send(actorOf(principalOf(req)), decodeURIComponent(req.params.id), cmd, b.reason, b.timeoutS * 1000);
      },
    );

    app.get(
      '/api/equipment/:id/commands',
      {
        config: { roles: ROLES.anyone },
        schema: {
          tags: ['commands'],
          summary: 'Commands sent to this machine, newest first',
          params: idParams,
          response: { 200: z.array(commandRecordSchema) },
        },
      },
      async (req) => commands.list(collect.equipment(decodeURIComponent(req.params.id)).id),
    );

    app.get(
      '/api/opcua/browse',
      {
        config: { roles: ROLES.plantEditors },
        schema: {
          tags: ['connectors'],
          summary: "Browse an OPC UA server's address space (children of nodeId, default the Objects folder) to pick nodes",
          querystring: z.object({
            endpoint: z
              .string()
              .regex(/^opc\.tcp:\/\/.+/, 'an opc.tcp:// endpoint URL')
              .max(500),
            nodeId: z.string().max(500).optional(),
            securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
            securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
            username: z.string().max(200).optional(),
            /** Use the stored credentials of this equipment's OPC UA connection to the same endpoint. */
            equipment: z.string().max(1000).optional(),
          }),
          response: { 200: z.array(browseNodeSchema) },
        },
      },
      async (req) => {
        const q = req.query;
        let password: string | undefined;
        let username = q.username;
        if (q.equipment) {
          const conn = collect.equipment(q.equipment).connections.find((c) => c.protocol === 'opcua' && c.endpoint === q.endpoint);
          if (conn && conn.protocol === 'opcua') (username = username ?? conn.username), (password = conn.password);
        }
        const { browseOpcua, routeOpcuaLogs } = await import('./opcua/index.ts');
        routeOpcuaLogs(app.log);
        try {
          // an endpoint from the request is an SSRF probe unless checked: the guard refuses (422) or pins the address
          return await browseOpcua(
            q.endpoint,
            { securityMode: q.securityMode, securityPolicy: q.securityPolicy, username, password, timeoutMs: 10_000, guard: outbound },
            q.nodeId,
          );
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new AppError('unprocessable', `browsing ${q.endpoint} failed: ${(err as Error).message}`);
        }
      },
    );

    app.get(
      '/api/equipment/:id/connections',
      {
        config: { roles: ROLES.anyone },
        schema: {
          tags: ['connectors'],
          summary: 'How this machine is connected and how each connection is doing',
          params: idParams,
          response: { 200: equipmentConnectionsSchema },
        },
      },
      async (req): Promise<ConnectionsHealth> => {
        const eq = collect.equipment(decodeURIComponent(req.params.id));
        const m = collect.liveness(eq.id);
        return {
          // connection passwords never leave the server (as in the plant API and export); any role may read this route
          configured: redactConnections(eq.connections),
          mqtt: { broker: mqtt()?.health() ?? null, lastData: m?.lastSeen ? new Date(m.lastSeen).toISOString() : null, online: m?.online ?? false },
          connectors: manager.health(eq.id).map((h) => ({
            ...h,
            connectedSince: h.connectedSince === null ? null : new Date(h.connectedSince).toISOString(),
            lastDataAt: h.lastDataAt === null ? null : new Date(h.lastDataAt).toISOString(),
          })),
        };
      },
    );
  };
}
