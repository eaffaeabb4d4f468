// MQTT helpers for tests: a connected mqtt.js client and publish-and-wait.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export async function connectMqtt(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const c = mqtt.connect(url, { reconnectPeriod: 200, connectTimeout: 5000, ...opts });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      c.end(true);
      reject(err);
    };
    c.once('error', fail);
    c.once('connect', () => {
      // from here on mqtt.js reconnects by itself: a later error must not end the client
      c.off('error', fail);
      c.on('error', () => {});
      resolve();
    });
  });
  return c;
}

export function publish(c: MqttClient, topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
  return new Promise((resolve, reject) => c.publish(topic, payload, { qos }, (err) => (err ? reject(err) : resolve())));
}

/** Polls until fn returns a truthy value (or throws after the timeout). */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw last instanceof Error ? last : new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
