// Runs the virtual machines against a broker. The behaviour model is pure (machine.ts); this file maps simulated
// time onto the wall clock with one coalesced scheduler tick for all machines, and groups them onto connections.
import { fileURLToPath } from 'node:url';
import { plannedAt, type PlannedAt } from './calendar.ts';
import type { DegradationSpec } from './degradation.ts';
import { MachineModel, type TagChange } from './machine.ts';
import { loadPlantFile, syntheticMachines, type MachineSpec, type ProtocolChoice } from './plant.ts';
import { UnsPublisher } from './publish-uns.ts';
import { SparkplugEdgeNode } from './publish-sparkplug.ts';
import { deriveSeed } from './rng.ts';
import type { Publisher, SimDevice } from './transport.ts';

export interface SimOptions {
  brokerUrl: string;
  username?: string;
  password?: string;
  /** Default: <repo>/demo/plant.yaml; machines = equipment with level 'machine'. */
  plantFile?: string;
  /** Synthetic load mode: N machines 'sim/area<k>/line<j>/m<i>' instead of a plant file. */
  machines?: number;
  /** Synthetic mode: process values per machine (default 4). */
  tagsPerMachine?: number;
  protocol?: ProtocolChoice;
  seed?: number;
  /** 1 = real time, 60 = one simulated minute per second. */
  speed?: number;
  batch?: boolean;
  counterResets?: boolean;
  /** Multiplies changeover (setup) durations; default 1. */
  setupScale?: number;
  /** Machines with a shift calendar in the plant file produce only in its planned time (shifts minus breaks and
   *  planned downtime) and wait Idle outside it; the demo plant turns this on. */
  calendars?: boolean;
  /** Scheduler tick in wall ms (default 100): all machines advance together on it. */
  tickMs?: number;
  /** Progress line interval in wall ms (default 5000; 0 = none). */
  progressMs?: number;
  log?: (line: string) => void;
}

export interface SimHandle {
  stop(): Promise<void>;
  stats(): { machines: number; published: number; dropped: number; connected: number; connections: number };
  /** The machines being simulated, with their protocol and area. */
  readonly machines: MachineSpec[];
}

export const DEFAULT_PLANT_FILE = fileURLToPath(new URL('../../demo/plant.yaml', import.meta.url));

export function resolveMachines(opts: Pick<SimOptions, 'plantFile' | 'machines' | 'tagsPerMachine' | 'protocol'>): MachineSpec[] {
  const protocol = opts.protocol ?? 'mixed';
  if (opts.machines !== undefined) return syntheticMachines(opts.machines, opts.tagsPerMachine ?? 4, protocol);
  return loadPlantFile(opts.plantFile ?? DEFAULT_PLANT_FILE, protocol);
}

/** A wearing machine's degradation (plant file attribute simWear) as the simulator runs it: a random stream of its own. */
export function wearOf(spec: MachineSpec, seed: number): DegradationSpec | undefined {
  return spec.degradation && { ...spec.degradation, seed: deriveSeed(seed, `${spec.path}#wear`) };
}

export async function startSimulator(opts: SimOptions): Promise<SimHandle> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const speed = opts.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`speed must be a positive number, got ${speed}`);
  const seed = opts.seed ?? 1;
  const specs = resolveMachines(opts);
  if (!specs.length) throw new Error('no machines to simulate (no equipment with level "machine" in the plant file)');

  // Simulated time starts now and runs `speed` times faster. Published timestamps are the wall-clock instants at which
  // the simulated events happen, so Takt never sees timestamps in the future, whatever the speed.
  const wall0 = Date.now();
  const simNow = () => wall0 + (Date.now() - wall0) * speed;
  const toWall = (c: TagChange): TagChange => ({ ...c, ts: Math.round(wall0 + (c.ts - wall0) / speed) });
  // the calendar is in wall-clock time (published timestamps are wall-clock instants); the model runs in simulated time
  const simCalendar = (cal: PlannedAt) => (t: number) => {
    const c = cal(wall0 + (t - wall0) / speed);
    return { planned: c.planned, until: wall0 + (c.until - wall0) * speed };
  };

  const machines = specs.map((spec) => {
    const model = new MachineModel(spec, {
      seed: deriveSeed(seed, spec.path),
      startMs: wall0,
      counterResets: opts.counterResets,
      setupScale: opts.setupScale,
      ...(opts.calendars && spec.calendar ? { calendar: simCalendar(plannedAt(spec.calendar, spec.path)) } : {}),
      ...(spec.degradation ? { degradation: wearOf(spec, seed) } : {}),
    });
    const device: SimDevice = {
      spec,
      tags: model.tags,
      snapshot: () => model.snapshot().map(toWall),
      write: (values) => {
        const r = model.applySetpoints(values, simNow());
        return 'error' in r ? r : { changes: r.changes.map(toWall) };
      },
    };
    return { spec, model, device, publisher: undefined as unknown as Publisher };
  });

  // One connection per area and protocol (an edge node per area for Sparkplug), never one per machine.
  const publishers = new Map<string, Publisher>();
  const broker = { brokerUrl: opts.brokerUrl, username: opts.username, password: opts.password, log };
  const groups = new Map<string, typeof machines>();
  for (const m of machines) {
    const key = `${m.spec.protocol}:${m.spec.area}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const [key, group] of groups) {
    const [protocol, area] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const devices = group.map((m) => m.device);
    const pub = protocol === 'sparkplug' ? new SparkplugEdgeNode(broker, area, devices) : new UnsPublisher(broker, area, devices, !!opts.batch);
    publishers.set(key, pub);
    for (const m of group) m.publisher = pub;
  }
  const count = (p: MachineSpec['protocol']) => specs.filter((s) => s.protocol === p).length;
  log(
    `takt sim: ${specs.length} machines (${count('uns')} UNS JSON, ${count('sparkplug')} Sparkplug B) on ${publishers.size} connections, ` +
      `speed ×${speed}, seed ${seed}`,
  );

  const published = () => [...publishers.values()].reduce((a, p) => a + p.published, 0);
  const dropped = () => [...publishers.values()].reduce((a, p) => a + p.dropped, 0);
  const connected = () => [...publishers.values()].filter((p) => p.connected()).length;

  // One tick for all machines (not a timer per machine): cheap at hundreds of machines, and every machine sees the
  // same simulated instant. A slow tick simply makes the next one cover more simulated time.
  const tick = () => {
    const now = simNow();
    for (const m of machines) {
      const changes = m.model.step(now);
      if (changes.length) m.publisher.publish(m.device, changes.map(toWall));
    }
  };
  const tickTimer = setInterval(tick, opts.tickMs ?? 100);

  let lastCount = 0;
  let lastAt = Date.now();
  const progressMs = opts.progressMs ?? 5000;
  const progressTimer =
    progressMs > 0
      ? setInterval(() => {
          const n = published();
          const t = Date.now();
          const rate = ((n - lastCount) * 1000) / Math.max(1, t - lastAt);
          lastCount = n;
          lastAt = t;
          const simS = Math.round((simNow() - wall0) / 1000);
          const hms = `${String(Math.floor(simS / 3600)).padStart(2, '0')}:${String(Math.floor(simS / 60) % 60).padStart(2, '0')}:${String(simS % 60).padStart(2, '0')}`;
          log(
            `takt sim: ${specs.length} machines, ${connected()}/${publishers.size} connections up, ${rate.toFixed(0)} msg/s, ` +
              `${n} published, ${dropped()} dropped while offline, simulated +${hms}`,
          );
        }, progressMs)
      : undefined;

  let stopped = false;
  return {
    machines: specs,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(tickTimer);
      if (progressTimer) clearInterval(progressTimer);
      await Promise.all([...publishers.values()].map((p) => p.stop()));
    },
    stats: () => ({ machines: specs.length, published: published(), dropped: dropped(), connected: connected(), connections: publishers.size }),
  };
}
