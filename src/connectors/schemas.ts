// What the connectors' routes answer, defined once: each reply's zod schema (also its serializer) and the type derived
// from it. Kept apart from the protocol code, so the routes describe OPC UA browse results without loading node-opcua.
import { z } from 'zod';

/** One node of a server's address space, for the UI's node picker (OPC UA Part 4 §5.8.2 Browse). */
export const browseNodeSchema = z.object({
  /** Absolute node id (`nsu=<uri>;s=…`, or `i=…` in namespace 0): valid whatever index the server assigns. */
  nodeId: z.string(),
  /** Browse name without its namespace index. */
  browseName: z.string(),
  displayName: z.string(),
  nodeClass: z.enum(['Object', 'Variable', 'Method', 'ObjectType', 'VariableType', 'ReferenceType', 'DataType', 'View', 'Unspecified']),
  /** Variables: the built-in type name ('Double', 'String' …) or the data type's node id. */
  dataType: z.string().optional(),
  /** Variables: whether the current value may be written (AccessLevel CurrentWrite, Part 3 §8.57). */
  writable: z.boolean().optional(),
  hasChildren: z.boolean(),
});
export type BrowseNode = z.infer<typeof browseNodeSchema>;

export const CONNECTOR_STATES = ['stopped', 'connecting', 'connected', 'stale', 'backoff', 'failed'] as const;

/** How one running connector is doing, instants as ISO 8601 (the manager keeps epoch ms: ConnectorHealth). */
export const connectorStatusSchema = z.object({
  protocol: z.string(),
  equipmentPath: z.string(),
  state: z.enum(CONNECTOR_STATES),
  /** Where it connects (endpoint URL, session folder …), without secrets. */
  target: z.string(),
  connectedSince: z.string().nullable(),
  lastDataAt: z.string().nullable(),
  /** Messages/values received since start. */
  received: z.number(),
  errors: z.number(),
  lastError: z.string().nullable(),
  reconnects: z.number(),
});
export type ConnectorStatus = z.infer<typeof connectorStatusSchema>;

/** GET /api/equipment/:id/connections: the configured connections (passwords redacted) and how each is doing. */
export const equipmentConnectionsSchema = z.object({
  configured: z.array(z.record(z.string(), z.unknown())),
  mqtt: z.object({
    broker: z.object({ mode: z.enum(['embedded', 'external']), url: z.string(), connected: z.boolean(), sparkplugNodes: z.number() }).nullable(),
    lastData: z.string().nullable(),
    online: z.boolean(),
  }),
  connectors: z.array(connectorStatusSchema),
});
export type EquipmentConnections = z.infer<typeof equipmentConnectionsSchema>;

const tagValue = z.union([z.number(), z.string(), z.boolean()]);

/** A command sent to a machine and how it ended (POST and GET /api/equipment/:id/commands). */
export const commandRecordSchema = z.object({
  id: z.string(),
  equipmentId: z.string(),
  kind: z.string(),
  parameters: z.record(z.string(), tagValue).nullable(),
  protocol: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  reason: z.string().nullable(),
  status: z.enum(['pending', 'confirmed', 'rejected', 'timed_out', 'failed']),
  detail: z.string().nullable(),
  /** Values read back from the machine after the command (or the values read, for readParameters). */
  readBack: z.record(z.string(), tagValue).nullable(),
  completedAt: z.string().nullable(),
});
export type CommandRecord = z.infer<typeof commandRecordSchema>;
