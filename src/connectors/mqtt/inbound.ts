// From MQTT messages to the pipeline: UNS JSON decoding or the Sparkplug host, then submit. Shared by the embedded
// broker and the external-broker client.
import { SparkplugHost } from '../sparkplug/index.ts';
import type { DecodeResult, EquipmentDirectory, ObservationSink } from '../../collect/index.ts';
import type { InboundHandler } from './broker.ts';
import { excerpt, jsonDeeperThan, MAX_JSON_DEPTH, screenDecoded } from './limits.ts';
import { decodeUns, DEFAULT_MAX_UNS_PAYLOAD, isCommandTopic, UNS_PREFIX } from './uns.ts';

export interface MqttInbound extends InboundHandler {
  host: SparkplugHost;
  /** Machines answer commands on takt/v1/<path>/_cmd/<name>/reply. */
  onCommandReply?: (topic: string, payload: Buffer) => void;
}

const REPLY = /^takt\/v1\/.+\/_cmd\/[^/]+\/reply$/;
const MAX_REPLY_BYTES = 64 * 1024;

export function createInbound(
  registry: Pick<EquipmentDirectory, 'bySparkplugId' | 'byEquipmentPath' | 'sparkplugMetricTag'>,
  pipeline: ObservationSink,
  hostId: string,
  publish: (topic: string, payload: Buffer, qos: 0 | 1, retain: boolean) => Promise<void>,
  maxPayload = DEFAULT_MAX_UNS_PAYLOAD,
): MqttInbound {
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
      const source = { protocol: topic.startsWith('spBv1.0/') ? 'sparkplug' : 'mqtt', client: clientId };
      const refuse = (reason: string): DecodeResult => ({ observations: [], rejections: [{ source, topic, reason, payload: excerpt(payload), receivedAt }] });
      // Nothing a machine sends may throw out of here: this runs inside the broker's hooks, where an exception ends
      // the process (issue #11 item 2). Whatever cannot be decoded goes to quarantine with its reason.
      let decoded: DecodeResult;
      try {
        if (REPLY.test(topic)) {
          // a reply is a small JSON object ({id, status, reason?}); its reason ends up in the command record
          if (payload.length > MAX_REPLY_BYTES || jsonDeeperThan(payload, MAX_JSON_DEPTH))
            decoded = refuse(`a command reply must be a JSON object of at most ${MAX_REPLY_BYTES} bytes nested at most ${MAX_JSON_DEPTH} deep`);
          else {
            inbound.onCommandReply?.(topic, payload);
            return Promise.resolve();
          }
        } else if (topic.startsWith('spBv1.0/')) {
          if (payload.length > maxPayload) decoded = refuse(`payload of ${payload.length} bytes is larger than ${maxPayload}`);
          else {
            const r = host.handle(topic, payload, receivedAt);
            for (const s of r.statuses) pipeline.sourceStatus(s);
            if (!r.observations.length && !r.rejections.length) return Promise.resolve();
            decoded = r;
          }
        } else decoded = decodeUns(topic, payload, source, receivedAt, maxPayload);
      } catch (err) {
        decoded = refuse(`could not decode: ${(err as Error)?.message ?? String(err)}`);
      }
      try {
        return pipeline.submit(screenDecoded(decoded));
      } catch (err) {
        // the pipeline refused the decoded batch synchronously: keep the message, as a quarantined one
        try {
          return pipeline.submit(screenDecoded(refuse(`could not take the message: ${(err as Error)?.message ?? String(err)}`)));
        } catch (again) {
          return Promise.reject(again instanceof Error ? again : new Error(String(again)));
        }
      }
    },
  };
  return inbound;
}
