// The connectors module's face: other modules and the composition root (src/modules.ts) import only from here.
import type { CommandService } from './commands.ts';

export { CommandService, sameValue, type CommandRecord } from './commands.ts';
export {
  Backoff,
  type CommandResult,
  type Connector,
  type ConnectorContext,
  type ConnectorHealth,
  type ConnectorState,
  type MachineCommand,
} from './connector.ts';
export type { ConnectionsHealth } from './connectors.routes.ts';
export { commandRecordSchema, type BrowseNode, type ConnectorStatus, type EquipmentConnections } from './schemas.ts';
export { ConnectorManager, lazyFactory, type ConnectorFactory } from './manager.ts';
export { createConnectorsModule, createMqttModule, loadEuromap63, loadOpcua, type ConnectorsModule, type InstanceFolders, type MqttModule } from './module.ts';
export type { MqttConnector } from './mqtt/index.ts';

/** What execution sends machines through: a command to one machine, answered with its record (the machine commands port). */
export type MachineCommands = Pick<CommandService, 'send'>;
