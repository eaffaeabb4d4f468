// The connectors module's face: other modules and the composition root (src/modules.ts) import only from here.
export { CommandService, commandRecordSchema, sameValue, type CommandRecord } from './commands.ts';
export { Backoff, type CommandResult, type Connector, type ConnectorContext, type ConnectorHealth, type ConnectorState, type MachineCommand } from './connector.ts';
export { connectorRoutes } from './connectors.routes.ts';
export { ingestRoutes } from './http/ingest.ts';
export { ConnectorManager, lazyFactory, type ConnectorFactory } from './manager.ts';
export { startMqtt, type MqttConnector } from './mqtt/index.ts';

/** The OPC UA and EUROMAP 63 connectors load on first use only: node-opcua is large and most plants need one of them at most. */
export const loadOpcua = () => import('./opcua/index.ts');
export const loadEuromap63 = () => import('./euromap63/index.ts');
