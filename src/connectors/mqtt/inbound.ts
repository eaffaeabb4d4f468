// From MQTT messages to the pipeline: UNS JSON decoding or the Sparkplug host, then submit. Shared by the embedded
// broker and the external-broker client.
import type { CollectService } from '../../collect/index.ts';
import { SparkplugHost } from '../sparkplug/index.ts';
import type { InboundHandler } from './broker.ts';
import { decodeUns, isCommandTopic, UNS_PREFIX } from './uns.ts';

export interface MqttInbound extends InboundHandler {
  host: SparkplugHost;
  /** Machines answer commands on takt/v1/<path>/_cmd/<name>/reply. */
  onCommandReply?: (topic: string, payload: Buffer) => void;
}

const REPLY = /^takt\/v1\/.+\/_cmd\/[^/]+\/reply$/;

export function createInbound(collect: CollectService, hostId: string, publish: (topic: string, payload: Buffer, qos: 0 | 1, retain: boolean) => Promise<void>): MqttInbound {
  const { registry, pipeline } = collect;
  const host = new SparkplugHost({
    hostId,
    resolveEquipment: (group, node, device) => registry.bySparkplugId(group, node, device)?.path,
    metricToTag: (path, metric) => {
      const eq = registry.byEquipmentPath(path);
      return eq ? registry.sparkplugMetricTag(eq, metric) : undefined;
    },
    publish: (topic, payload, o) => publish(topic, payload, o.qos, o.retain),
  });
  const inbound: MqttInbound = {
    host,
    wants: (topic) => (topic.startsWith(UNS_PREFIX) && !isCommandTopic(topic)) || topic.startsWith('spBv1.0/'),
    handle(topic, payload, clientId) {
      const receivedAt = Date.now();
      if (REPLY.test(topic)) {
        inbound.onCommandReply?.(topic, payload);
        return Promise.resolve();
      }
      if (topic.startsWith('spBv1.0/')) {
        const r = host.handle(topic, payload, receivedAt);
        for (const s of r.statuses) pipeline.sourceStatus(s);
        if (!r.observations.length && !r.rejections.length) return Promise.resolve();
        return pipeline.submit(r);
      }
      return pipeline.submit(decodeUns(topic, payload, { protocol: 'mqtt', client: clientId }, receivedAt));
    },
  };
  return inbound;
}
