// The connector side of the API is the server's: tag definitions and connections in the plant model
// (src/plant/index.ts), machine commands and connection health (src/connectors/index.ts). What is here are the lists
// the editors offer, checked against the server's types so that they cannot drift from them.
import type { Connection, TagDef } from '../../../src/plant/index.ts';
import type { CommandRecord, ConnectionsHealth, MachineCommand } from '../../../src/connectors/index.ts';
import type { Equipment, EquipmentClass } from '../platform/types.ts';

export type { Connection, TagDef, TagRole } from '../../../src/plant/index.ts';
export type { CommandRecord, ConnectionsHealth, ConnectorState } from '../../../src/connectors/index.ts';
export type { TagValue as Scalar } from '../../../src/collect/index.ts';

export const TAG_ROLES = ['state', 'mode', 'good', 'scrap', 'cycle_time', 'alarm', 'online', 'process'] as const satisfies ReadonlyArray<
  NonNullable<TagDef['role']>
>;
export const TAG_TYPES = ['number', 'string', 'boolean'] as const satisfies ReadonlyArray<NonNullable<TagDef['type']>>;
export type TagType = (typeof TAG_TYPES)[number];

export type SparkplugConnection = Extract<Connection, { protocol: 'sparkplug' }>;
export type OpcuaConnection = Extract<Connection, { protocol: 'opcua' }>;
export type Euromap63Connection = Extract<Connection, { protocol: 'euromap63' }>;
export type Protocol = Connection['protocol'];

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const satisfies ReadonlyArray<OpcuaConnection['securityMode']>;
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const satisfies ReadonlyArray<
  OpcuaConnection['securityPolicy']
>;

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  sparkplug: 'Sparkplug B (MQTT)',
  opcua: 'OPC UA',
  euromap63: 'EUROMAP 63 (file exchange)',
};

/** Equipment and classes as the server returns them, with the connector fields the shell's types leave out. */
export type EquipmentWithConnectors = Equipment & { tags?: TagDef[]; connections?: Connection[] };
export type EquipmentClassWithTags = EquipmentClass & { tags?: TagDef[] };

export type CommandKind = MachineCommand['kind'];
export type CommandStatus = CommandRecord['status'];
/** One connector's health as the route sends it (times as ISO strings). */
export type ConnectorHealth = ConnectionsHealth['connectors'][number];
