// Shapes of the connector side of the API: tag definitions and connections in the plant model (mirrors the zod
// schemas in src/plant/schemas.ts), machine commands and connection health (src/connectors/connectors.routes.ts).
import type { Equipment, EquipmentClass } from '../platform/types.ts';

export const TAG_ROLES = ['state', 'mode', 'good', 'scrap', 'cycle_time', 'alarm', 'online', 'process'] as const;
export type TagRole = (typeof TAG_ROLES)[number];
export const TAG_TYPES = ['number', 'string', 'boolean'] as const;
export type TagType = (typeof TAG_TYPES)[number];

export interface TagDef {
  name: string;
  role?: TagRole;
  type?: TagType;
  unit?: string;
  min?: number;
  max?: number;
  description?: string;
  rollover?: number;
}

export interface SparkplugConnection {
  protocol: 'sparkplug';
  group: string;
  node: string;
  device?: string;
  metrics?: Record<string, string>;
}

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

export interface OpcuaItem {
  nodeId: string;
  tag: string;
  samplingIntervalMs?: number;
  deadband?: number;
}

export interface OpcuaMethod {
  objectId: string;
  methodId: string;
}

export interface OpcuaConnection {
  protocol: 'opcua';
  endpoint: string;
  securityMode: (typeof OPCUA_SECURITY_MODES)[number];
  securityPolicy: (typeof OPCUA_SECURITY_POLICIES)[number];
  username?: string;
  password?: string;
  namespaceUri?: string;
  samplingIntervalMs: number;
  items: OpcuaItem[];
  methods?: { stop?: OpcuaMethod; start?: OpcuaMethod };
  parameters?: Record<string, string>;
}

export interface Euromap63Connection {
  protocol: 'euromap63';
  sessionDir: string;
  timezone: string;
  reportParameters?: string[];
  mapping?: Record<string, string>;
  responseTimeoutS: number;
  pollIntervalMs: number;
  /** No heartbeat or report for this long: the connection is stale and the jobs are sent again (default 30). */
  staleAfterS?: number;
}

export type Connection = SparkplugConnection | OpcuaConnection | Euromap63Connection;
export type Protocol = Connection['protocol'];

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  sparkplug: 'Sparkplug B (MQTT)',
  opcua: 'OPC UA',
  euromap63: 'EUROMAP 63 (file exchange)',
};

/** Equipment and classes as the server returns them, with the connector fields the shell's types leave out. */
export type EquipmentWithConnectors = Equipment & { tags?: TagDef[]; connections?: Connection[] };
export type EquipmentClassWithTags = EquipmentClass & { tags?: TagDef[] };

export type Scalar = number | string | boolean;
export type CommandKind = 'stop' | 'start' | 'writeParameters' | 'readParameters';
export type CommandStatus = 'pending' | 'confirmed' | 'rejected' | 'timed_out' | 'failed';

export interface CommandRecord {
  id: string;
  equipmentId: string;
  kind: CommandKind | string;
  parameters: Record<string, Scalar> | null;
  protocol: string;
  requestedBy: string;
  requestedAt: string;
  reason: string | null;
  status: CommandStatus;
  detail: string | null;
  readBack: Record<string, Scalar> | null;
  completedAt: string | null;
}

export type ConnectorState = 'stopped' | 'connecting' | 'connected' | 'stale' | 'backoff' | 'failed';

export interface ConnectorHealth {
  protocol: string;
  equipmentPath: string;
  state: ConnectorState;
  target: string;
  connectedSince: string | null;
  lastDataAt: string | null;
  received: number;
  errors: number;
  lastError: string | null;
  reconnects: number;
}

export interface ConnectionsHealth {
  configured: Connection[];
  mqtt: {
    broker: { mode: string; url: string; connected: boolean; sparkplugNodes: number } | null;
    lastData: string | null;
    online: boolean;
  };
  connectors: ConnectorHealth[];
}
