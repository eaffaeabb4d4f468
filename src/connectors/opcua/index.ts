// OPC UA connector: subscribes to a machine's OPC UA server and feeds its values into the collect pipeline;
// Stop/Start through methods and parameter writes, each confirmed by reading back. See connector.ts for the
// reconnection model and nodeids.ts for how node ids and namespaces are written in the plant model.
import type { Connector, ConnectorContext } from '../connector.ts';
import type { OpcuaSettings } from './client.ts';
import { OpcuaConnector, type OpcuaConnectorOptions } from './connector.ts';

export { browseOpcua, type BrowseNode, type BrowseOptions } from './browse.ts';
export { OpcuaConnector, type OpcuaConnectorOptions } from './connector.ts';
export { defaultPkiDir, type OpcuaSettings, type OpcuaClientOptions, type OpcuaEndpointOptions } from './client.ts';
export { NamespaceResolver, parseNodeId, nodeIdError } from './nodeids.ts';
export { decodeDataValue } from './values.ts';
export { routeOpcuaLogs } from './logging.ts';

/**
 * @param settings the parsed `opcua` connection of a piece of equipment (src/plant/schemas.ts)
 * @param options client PKI folder (pass `<dataDir>/opcua-pki`), backoff, timeouts
 */
export function createOpcuaConnector(settings: OpcuaSettings, ctx: ConnectorContext, options: OpcuaConnectorOptions = {}): Connector & OpcuaConnector {
  return new OpcuaConnector(settings, ctx, options);
}
