// Sparkplug B topic namespace (Sparkplug 3.0 §4.1 "Topic Namespace Elements").

/** Sparkplug 3.0 §4.1.1: the namespace element for Sparkplug B. */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export const NODE_MESSAGE_TYPES = ['NBIRTH', 'NDATA', 'NDEATH', 'NCMD'] as const;
export const DEVICE_MESSAGE_TYPES = ['DBIRTH', 'DDATA', 'DDEATH', 'DCMD'] as const;
export type NodeMessageType = (typeof NODE_MESSAGE_TYPES)[number];
export type DeviceMessageType = (typeof DEVICE_MESSAGE_TYPES)[number];
export type SparkplugMessageType = NodeMessageType | DeviceMessageType;

export type SparkplugTopic =
  | { kind: 'node'; type: NodeMessageType; group: string; node: string }
  | { kind: 'device'; type: DeviceMessageType; group: string; node: string; device: string }
  | { kind: 'state'; hostId: string };

export type TopicOutcome = { ok: true; topic: SparkplugTopic } | { ok: false; reason: string };

/**
 * Sparkplug 3.0 §4.1.2, §4.1.4, §4.1.5: group_id, edge_node_id and device_id are non-empty UTF-8 strings without
 * the MQTT reserved characters + / #. (A '/' cannot occur inside a level anyway; an empty level can.)
 */
function validId(id: string): boolean {
  return id.length > 0 && !/[+#/]/.test(id);
}

/**
 * Parses a Sparkplug B topic:
 *   spBv1.0/<group>/<NBIRTH|NDATA|NDEATH|NCMD>/<edge node>            (§4.2.1)
 *   spBv1.0/<group>/<DBIRTH|DDATA|DDEATH|DCMD>/<edge node>/<device>   (§4.2.2; device_id required, §4.1.5)
 *   spBv1.0/STATE/<host id>                                           (§4.2.3, the 3.0 STATE form)
 * Anything else is refused with a reason.
 */
export function parseSparkplugTopic(topic: string): TopicOutcome {
  const levels = topic.split('/');
  if (levels[0] !== SPARKPLUG_NAMESPACE) return { ok: false, reason: `not a Sparkplug B topic (namespace must be ${SPARKPLUG_NAMESPACE})` };
  if (levels.length === 3 && levels[1] === 'STATE') {
    const hostId = levels[2];
    return validId(hostId) ? { ok: true, topic: { kind: 'state', hostId } } : { ok: false, reason: `invalid Sparkplug host id in ${topic}` };
  }
  if (levels.length < 4) return { ok: false, reason: `Sparkplug topic too short: ${topic}` };
  const [, group, type, node, device] = levels;
  if (!validId(group)) return { ok: false, reason: `invalid Sparkplug group id in ${topic}` };
  if (!validId(node)) return { ok: false, reason: `invalid Sparkplug edge node id in ${topic}` };
  if ((NODE_MESSAGE_TYPES as readonly string[]).includes(type)) {
    // §4.1.5 (tck-id-topic-structure-namespace-device-id-non-associated-message-types): no device_id here.
    if (levels.length !== 4) return { ok: false, reason: `${type} topic must not carry a device id: ${topic}` };
    return { ok: true, topic: { kind: 'node', type: type as NodeMessageType, group, node } };
  }
  if ((DEVICE_MESSAGE_TYPES as readonly string[]).includes(type)) {
    // §4.1.5 (tck-id-topic-structure-namespace-device-id-associated-message-types): device_id required.
    if (levels.length !== 5 || !validId(device)) return { ok: false, reason: `${type} topic needs exactly one device id: ${topic}` };
    return { ok: true, topic: { kind: 'device', type: type as DeviceMessageType, group, node, device } };
  }
  return { ok: false, reason: `unknown Sparkplug message type '${type}' in ${topic}` };
}

/** Sparkplug 3.0 §4.2.3.1.1: the host application's STATE topic. */
export function stateTopic(hostId: string): string {
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

/** Sparkplug 3.0 §4.2.1.4.1: the edge node command topic. */
export function ncmdTopic(group: string, node: string): string {
  return `${SPARKPLUG_NAMESPACE}/${group}/NCMD/${node}`;
}
