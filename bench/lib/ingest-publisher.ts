// The load generator of bench:ingest, run as its own process: N machines × M tags over MQTT QoS 1, as fast as the
// broker acknowledges, with a bounded window of unacknowledged messages per connection. Prints one JSON line of results.
import mqtt from 'mqtt';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const url = arg('url', 'mqtt://127.0.0.1:1883');
const password = arg('password', '');
const machines = Number(arg('machines', '100'));
const tags = Number(arg('tags', '10'));
const seconds = Number(arg('seconds', '10'));
const connections = Number(arg('connections', '8'));
const window = Number(arg('window', '2000'));
const prefix = arg('prefix', 'bench');

const latencies: number[] = [];
let acked = 0;
let sent = 0;
const start = Date.now();
const end = start + seconds * 1000;
// timestamps are unique per (machine, tag): a counter of microseconds offsets from a base in the recent past
const base = start - 60_000;

async function runConnection(k: number): Promise<void> {
  const client = mqtt.connect(url, { username: 'bench', password, clientId: `bench-pub-${process.pid}-${k}`, clean: true, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const mine = Array.from({ length: machines }, (_, i) => i).filter((i) => i % connections === k);
  let inflight = 0;
  let seq = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (inflight < window && Date.now() < end) {
        const m = mine[seq % mine.length];
        const t = Math.floor(seq / mine.length) % tags;
        const n = Math.floor(seq / (mine.length * tags));
        seq++;
        const sentAt = performance.now();
        const payload = `{"value":${(n % 1000) / 10},"ts":${base + n}}`;
        inflight++;
        sent++;
        client.publish(`takt/v1/${prefix}/m${m}/p${t}`, payload, { qos: 1 }, (err) => {
          inflight--;
          if (!err) {
            acked++;
            if ((acked & 7) === 0) latencies.push(performance.now() - sentAt);
          }
          if (Date.now() < end) {
            if (inflight < window / 2) setImmediate(pump);
          } else if (inflight === 0) resolve();
        });
      }
      if (Date.now() >= end && inflight === 0) resolve();
    };
    pump();
  });
  await client.endAsync();
}

const progress = setInterval(() => process.stderr.write(`  publisher: ${acked} acknowledged, ${Math.round(acked / ((Date.now() - start) / 1000))}/s\n`), 2000);
await Promise.all(Array.from({ length: connections }, (_, k) => runConnection(k)));
clearInterval(progress);
latencies.sort((a, b) => a - b);
const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN);
process.stdout.write(`${JSON.stringify({ sent, acked, seconds: (Date.now() - start) / 1000, p50: q(0.5), p99: q(0.99) })}\n`);
