// Who may publish and subscribe what on the embedded broker (issue #11 item 6). An API token bound to equipment
// (`takt token add --equipment <path>`) reaches only topics that belong to that equipment or below it, on every
// namespace Takt serves: the UNS (takt/v1/<path>/…, command topics …/_cmd/<name> and their …/reply) and Sparkplug B
// (spBv1.0/<group>/<type>/<node>[/<device>], mapped to equipment by the plant model's sparkplug connections).
// Rules (docs/security.md):
//   - commands (UNS _cmd, Sparkplug NCMD/DCMD) and host STATE are published by Takt only, whatever the token;
//   - every token may subscribe to host STATE (Sparkplug 3.0 §5.13: edge nodes watch their primary host);
//   - bound token: publishes data/replies only for its equipment; a Sparkplug edge node topic counts as its own only
//     when every machine mapped to that node is (an NBIRTH resets all of the node's devices), and an unmapped
//     node or device belongs to nobody; a device token subscribes to its own command topics only, a bound
//     integration token to any topic of its own equipment; wildcards in the levels that name the equipment are refused;
//   - unbound device token: a plant-wide gateway: publishes data for any equipment, subscribes to command topics;
//   - unbound integration token: reads everything, publishes data (not commands).
import type { EquipmentDirectory } from '../../collect/index.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { DEVICE_MESSAGE_TYPES, NODE_MESSAGE_TYPES, SPARKPLUG_NAMESPACE } from '../sparkplug/topic.ts';

/** The plant model's Sparkplug mapping, as far as authorisation needs it. */
export interface SparkplugMap {
  /** The equipment an edge node (device undefined) or device is mapped to. */
  equipment(group: string, node: string, device?: string): string | undefined;
  /** Every equipment mapped to this edge node or to one of its devices. */
  nodeEquipment(group: string, node: string): string[];
}

export function registrySparkplugMap(registry: Pick<EquipmentDirectory, 'all' | 'bySparkplugId'>): SparkplugMap {
  return {
    equipment: (group, node, device) => registry.bySparkplugId(group, node, device)?.path,
    nodeEquipment(group, node) {
      const direct = registry.bySparkplugId(group, node);
      const out = direct ? [direct.path] : [];
      for (const eq of registry.all())
        for (const c of eq.connections) if (c.protocol === 'sparkplug' && c.group === group && c.node === node && c.device) out.push(eq.path);
      return out;
    },
  };
}

export type Caller = Principal | 'internal';

const UNS = 'takt/v1/';
const SP = `${SPARKPLUG_NAMESPACE}/`;
const COMMAND_TYPES = new Set(['NCMD', 'DCMD']);
const NODE_TYPES = new Set<string>(NODE_MESSAGE_TYPES);
const DEVICE_TYPES = new Set<string>(DEVICE_MESSAGE_TYPES);
/** A UNS command filter: takt/v1/<path>/_cmd/<name | + | #>. */
const UNS_COMMAND_FILTER = /^takt\/v1\/.+\/_cmd\/(#|\+|[^/+#]+)$/;
const UNS_REPLY = /\/_cmd\/[^/]+\/reply$/;
const wild = (level: string | undefined) => level === '+' || level === '#';

const within = (path: string, scope: string) => path === scope || path.startsWith(`${scope}/`);

/** Does a Sparkplug edge node belong to the scope: mapped, and every machine on it inside? */
function nodeOwned(map: SparkplugMap, group: string, node: string, scope: string): boolean {
  const paths = map.nodeEquipment(group, node);
  return paths.length > 0 && paths.every((p) => within(p, scope));
}

function deviceOwned(map: SparkplugMap, group: string, node: string, device: string, scope: string): boolean {
  const path = map.equipment(group, node, device);
  // an unmapped device of a node that is wholly the token's is the token's too (its data goes to quarantine)
  return path ? within(path, scope) : nodeOwned(map, group, node, scope);
}

const isStateTopic = (topic: string) => topic.startsWith(`${SP}STATE/`);

/** A publish the caller may not make: why; undefined when allowed. */
export function publishRefusal(caller: Caller | undefined, topic: string, map: SparkplugMap): string | undefined {
  if (caller === 'internal') return undefined;
  if (!caller) return 'not authenticated';
  const levels = topic.split('/');
  if ((topic.includes('/_cmd/') && !UNS_REPLY.test(topic)) || isStateTopic(topic) || (levels[0] === SPARKPLUG_NAMESPACE && COMMAND_TYPES.has(levels[2])))
    return 'commands and host state are published by Takt only (machines answer on …/_cmd/<name>/reply)';
  const scope = caller.equipmentPath;
  if (!scope) return undefined;
  const refusal = `this token is bound to ${scope} and may only publish for it`;
  if (topic.startsWith(UNS)) return topic.startsWith(`${UNS}${scope}/`) ? undefined : `${refusal} (below ${UNS}${scope}/)`;
  if (topic.startsWith(SP)) {
    const [, group, type, node, device] = levels;
    if (NODE_TYPES.has(type) && levels.length === 4)
      return nodeOwned(map, group, node, scope) ? undefined : `${refusal}: Sparkplug edge node ${group}/${node} is not (only) its`;
    if (DEVICE_TYPES.has(type) && levels.length === 5)
      return deviceOwned(map, group, node, device, scope) ? undefined : `${refusal}: Sparkplug device ${group}/${node}/${device} is not its`;
    return `${refusal}: not a Sparkplug topic of its equipment`;
  }
  return `${refusal}: only its ${UNS} and ${SP} topics`;
}

/** A subscription the caller may not make: why; undefined when allowed. */
export function subscribeRefusal(caller: Caller | undefined, filter: string, map: SparkplugMap): string | undefined {
  if (caller === 'internal') return undefined;
  if (!caller) return 'not authenticated';
  if (isStateTopic(filter) && filter.split('/').length === 3) return undefined;
  const integration = caller.roles.includes('integration');
  const scope = caller.equipmentPath;
  const levels = filter.split('/');
  const sparkplugCommand = levels[0] === SPARKPLUG_NAMESPACE && COMMAND_TYPES.has(levels[2]);
  if (!scope) {
    if (integration || UNS_COMMAND_FILTER.test(filter) || sparkplugCommand) return undefined;
    return `a device token may subscribe to command topics and host STATE only, not ${filter}`;
  }
  const refusal = `this token is bound to ${scope} and may only subscribe to ${integration ? 'its equipment' : 'its command topics'}, not ${filter}`;
  if (filter.startsWith(`${UNS}${scope}/`)) return integration || UNS_COMMAND_FILTER.test(filter) ? undefined : refusal;
  if (levels[0] !== SPARKPLUG_NAMESPACE || levels.length < 4 || levels.length > 5) return refusal;
  const [, group, type, node, device] = levels;
  // a wildcard where the group or node goes could match other equipment
  if (wild(group) || wild(node)) return refusal;
  const typeOk = integration ? type === '+' || NODE_TYPES.has(type) || DEVICE_TYPES.has(type) : COMMAND_TYPES.has(type);
  if (!typeOk) return refusal;
  // one device of its own: spBv1.0/<g>/DCMD/<n>/<d> (or DDATA … for an integration)
  if (device !== undefined && !wild(device) && DEVICE_TYPES.has(type)) return deviceOwned(map, group, node, device, scope) ? undefined : refusal;
  // the node itself or all of its devices
  return nodeOwned(map, group, node, scope) ? undefined : refusal;
}
