// Sparkplug B 3.0 host application logic: session state per edge node/device, seq and bdSeq checks, alias
// resolution, rebirth requests and the host's own STATE certificates. Pure logic: MQTT I/O is injected.
import type { DecodeResult, Rejection, SourceRef, SourceStatus } from '../../collect/index.ts';
import { payloadText } from '../../collect/index.ts';
import { decodeSparkplug, encodeSparkplug } from './codec.ts';
import type { SparkplugPayload } from './codec.ts';
import { bdSeqOf, collectMetrics, defaultMetricToTag, recordBirth } from './metrics.ts';
import { newBook, newDeviceSession, newNodeSession, nodeHealth } from './session.ts';
import type { MetricBook, NodeSession, SparkplugNodeHealth } from './session.ts';
import { ncmdTopic, parseSparkplugTopic, SPARKPLUG_NAMESPACE, stateTopic } from './topic.ts';
import type { SparkplugTopic } from './topic.ts';

export interface PublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

export interface SparkplugHostOptions {
  /** Sparkplug Host ID (§5.13: unique in the infrastructure; no + / #). */
  hostId: string;
  /** ISA-95 equipment path for an edge node (device undefined) or a device, or undefined if not mapped. */
  resolveEquipment: (group: string, node: string, device?: string) => string | undefined;
  /** Tag for a metric on that equipment, undefined to drop it. Default: the metric name with '/' and ' ' → '.'. */
  metricToTag?: (equipmentPath: string, metricName: string) => string | undefined;
  /** Sends an MQTT message (rebirth NCMD, STATE). */
  publish: (topic: string, payload: Buffer, opts: PublishOptions) => void | Promise<void>;
  now?: () => number;
  /** At most one rebirth request per edge node within this window while unanswered (default 5000 ms). */
  rebirthHoldOffMs?: number;
  /** Send rebirth NCMDs (default true). Turn off when another, primary host application owns commands (§3.5). */
  requestRebirths?: boolean;
}

export interface StateMessage {
  topic: string;
  payload: Buffer;
  qos: 1;
  retain: true;
}

export type SparkplugHandleResult = DecodeResult & { statuses: SourceStatus[] };

/** Per message: where it came from and what it produced. */
interface Ctx {
  topic: string;
  payload: Buffer;
  receivedAt: number;
  source: SourceRef;
  out: SparkplugHandleResult;
  node?: NodeSession;
}

const UNKNOWN_SOURCE: SourceRef = { protocol: 'sparkplug', client: 'unknown' };
const MAX_LISTED_PROBLEMS = 10;

export class SparkplugHost {
  readonly hostId: string;
  readonly stateTopic: string;
  /**
   * §4.2.3.1.1 (tck-id-host-topic-phid-birth-sub-required): subscribe to the Sparkplug namespace and to the own
   * STATE topic before publishing the birth; 'spBv1.0/#' covers both.
   */
  readonly subscriptions: readonly string[] = [`${SPARKPLUG_NAMESPACE}/#`];
  private readonly opts: SparkplugHostOptions;
  private readonly now: () => number;
  private readonly metricToTag: (equipmentPath: string, metricName: string) => string | undefined;
  private readonly sessions = new Map<string, NodeSession>();
  private stateTimestamp?: number;

  constructor(opts: SparkplugHostOptions) {
    if (!opts.hostId || /[+#/]/.test(opts.hostId)) throw new Error(`invalid Sparkplug host id '${opts.hostId}' (non-empty, no + / #)`);
    this.opts = opts;
    this.hostId = opts.hostId;
    this.stateTopic = stateTopic(opts.hostId);
    this.now = opts.now ?? Date.now;
    this.metricToTag = opts.metricToTag ?? defaultMetricToTag;
  }

  /**
   * The host's death certificate, to register as the MQTT will (§5.13, tck-id-operational-behavior-host-
   * application-connect-will-*: topic spBv1.0/STATE/<host id>, JSON {online:false, timestamp}, QoS 1, retained).
   * Each call starts a new STATE timestamp, which the next birthState() repeats.
   */
  deathState(): StateMessage {
    this.stateTimestamp = this.now();
    return this.state(false);
  }

  /**
   * The host's birth certificate, to publish after subscribing (§5.13, tck-id-operational-behavior-host-
   * application-connect-birth-*: JSON {online:true, timestamp}, QoS 1, retained). Its timestamp matches the will
   * registered with the immediately prior CONNECT, i.e. the last deathState().
   */
  birthState(): StateMessage {
    this.stateTimestamp ??= this.now();
    return this.state(true);
  }

  private state(online: boolean): StateMessage {
    const payload = Buffer.from(JSON.stringify({ online, timestamp: this.stateTimestamp }), 'utf8');
    return { topic: this.stateTopic, payload, qos: 1, retain: true };
  }

  /** Handles one MQTT message from the Sparkplug namespace. Never throws. */
  handle(topic: string, payload: Buffer, receivedAt: number): SparkplugHandleResult {
    const ctx: Ctx = { topic, payload, receivedAt, source: UNKNOWN_SOURCE, out: { observations: [], rejections: [], statuses: [] } };
    try {
      this.dispatch(ctx);
    } catch (err) {
      this.reject(ctx, `internal error handling Sparkplug message: ${(err as Error).message}`);
    }
    return ctx.out;
  }

  /**
   * The host lost its MQTT connection: every edge node and device goes offline (§5.3: their metrics become STALE)
   * and must be born again before its data is accepted.
   */
  connectionLost(at: number = this.now()): SourceStatus[] {
    const statuses: SourceStatus[] = [];
    for (const node of this.sessions.values()) this.kill(node, at, 'host lost its MQTT connection', statuses);
    return statuses;
  }

  /** Health snapshot per edge node. */
  nodes(): SparkplugNodeHealth[] {
    return [...this.sessions.values()].map(nodeHealth);
  }

  // -------------------------------------------------------------------------------------------------------------

  private dispatch(ctx: Ctx): void {
    const parsed = parseSparkplugTopic(ctx.topic);
    if (!parsed.ok) return this.reject(ctx, parsed.reason);
    const t = parsed.topic;
    if (t.kind === 'state') return this.onState(t.hostId, ctx.payload);
    // Commands on the bus come from host applications (possibly this one): nothing for the host to collect.
    if (t.type === 'NCMD' || t.type === 'DCMD') return;
    ctx.source = { protocol: 'sparkplug', client: `${t.group}/${t.node}` };
    const decoded = decodeSparkplug(ctx.payload);
    const node = this.session(t.group, t.node);
    ctx.node = node;
    node.lastMessageAt = ctx.receivedAt;
    if (!decoded.ok) return this.reject(ctx, decoded.reason);
    const p = decoded.payload;
    switch (t.type) {
      case 'NBIRTH':
        return this.onNodeBirth(ctx, node, p);
      case 'NDATA':
        return this.onNodeData(ctx, node, p);
      case 'NDEATH':
        return this.onNodeDeath(ctx, node, p);
      case 'DBIRTH':
      case 'DDATA':
      case 'DDEATH':
        return this.onDeviceMessage(ctx, node, t, p);
    }
  }

  /** §6.4.19 NBIRTH: a new session. seq restarts (0), bdSeq recorded, metric names/aliases replaced. */
  private onNodeBirth(ctx: Ctx, node: NodeSession, p: SparkplugPayload): void {
    node.born = true;
    node.online = true;
    node.births++;
    node.bdSeq = bdSeqOf(p);
    node.lastSeq = p.seq ?? 0; // §6.4.5 (tck-id-payloads-sequence-num-zero-nbirth)
    node.rebirthOutstandingSince = undefined;
    node.book = newBook();
    // §6.4.20 (tck-id-payloads-dbirth-order): the DBIRTHs follow; until then device aliases are unknown.
    for (const d of node.devices.values()) {
      d.born = false;
      d.book = newBook();
    }
    recordBirth(node.book, p.metrics);
    const equipmentPath = (node.equipmentPath = this.opts.resolveEquipment(node.group, node.node));
    if (equipmentPath) {
      ctx.out.statuses.push({ source: ctx.source, equipmentPath, online: true, at: p.timestamp ?? ctx.receivedAt, reason: 'NBIRTH' });
    }
    this.emit(ctx, p, node.book, equipmentPath, 'node', `edge node ${node.group}/${node.node}`);
  }

  /** §6.4.21 NDATA: report by exception, metrics usually by alias only. */
  private onNodeData(ctx: Ctx, node: NodeSession, p: SparkplugPayload): void {
    if (!node.born) return this.noBirth(ctx, node, `edge node ${node.group}/${node.node}`);
    this.checkSeq(node, p.seq);
    node.equipmentPath = this.opts.resolveEquipment(node.group, node.node);
    this.emit(ctx, p, node.book, node.equipmentPath, 'node', `edge node ${node.group}/${node.node}`);
  }

  /**
   * §6.4.25 NDEATH / §5.5: paired with the birth by bdSeq. A match takes the node and all its devices offline (at
   * the host's time, tck-id-operational-behavior-edge-node-termination-host-action-ndeath-*); a different bdSeq is
   * a late will from an earlier session and is ignored.
   */
  private onNodeDeath(ctx: Ctx, node: NodeSession, p: SparkplugPayload): void {
    const bdSeq = bdSeqOf(p);
    if (!node.born) {
      node.staleDeaths++;
      node.lastStaleDeath = `NDEATH bdSeq ${bdSeq ?? '?'} without a current birth`;
      return;
    }
    if (node.bdSeq !== undefined && bdSeq !== undefined && bdSeq !== node.bdSeq) {
      node.staleDeaths++;
      node.lastStaleDeath = `NDEATH bdSeq ${bdSeq} does not match birth bdSeq ${node.bdSeq}`;
      return;
    }
    this.kill(node, ctx.receivedAt, 'NDEATH', ctx.out.statuses);
  }

  /** §6.4.20 DBIRTH, §6.4.22 DDATA, §6.4.26 DDEATH: in the node's seq stream, within the node's session. */
  private onDeviceMessage(ctx: Ctx, node: NodeSession, t: Extract<SparkplugTopic, { kind: 'device' }>, p: SparkplugPayload): void {
    const who = `device ${node.group}/${node.node}/${t.device}`;
    if (!node.born) {
      if (t.type === 'DDEATH') return; // nothing known to take offline
      return this.noBirth(ctx, node, `edge node ${node.group}/${node.node}`);
    }
    this.checkSeq(node, p.seq);
    let dev = node.devices.get(t.device);
    if (!dev) node.devices.set(t.device, (dev = newDeviceSession(t.device)));
    dev.lastMessageAt = ctx.receivedAt;
    const equipmentPath = (dev.equipmentPath = this.opts.resolveEquipment(node.group, node.node, t.device));
    if (t.type === 'DBIRTH') {
      dev.born = true;
      dev.online = true;
      dev.births++;
      dev.book = newBook();
      recordBirth(dev.book, p.metrics);
      if (equipmentPath) {
        ctx.out.statuses.push({ source: ctx.source, equipmentPath, online: true, at: p.timestamp ?? ctx.receivedAt, reason: 'DBIRTH' });
      }
      return this.emit(ctx, p, dev.book, equipmentPath, 'device', who);
    }
    if (t.type === 'DDEATH') {
      // §5.7 (tck-id-operational-behavior-edge-node-termination-host-action-ddeath-*): offline at the DDEATH's time.
      if (dev.online) {
        dev.deaths++;
        if (equipmentPath) {
          ctx.out.statuses.push({ source: ctx.source, equipmentPath, online: false, at: p.timestamp ?? ctx.receivedAt, reason: 'DDEATH' });
        }
      }
      dev.online = false;
      dev.born = false;
      return;
    }
    if (!dev.born) return this.noBirth(ctx, node, who);
    this.emit(ctx, p, dev.book, equipmentPath, 'device', who);
  }

  /** Node and its devices offline, session over. */
  private kill(node: NodeSession, at: number, reason: string, statuses: SourceStatus[]): void {
    const source: SourceRef = { protocol: 'sparkplug', client: `${node.group}/${node.node}` };
    if (node.online) {
      node.deaths++;
      const equipmentPath = this.opts.resolveEquipment(node.group, node.node);
      if (equipmentPath) statuses.push({ source, equipmentPath, online: false, at, reason });
    }
    for (const d of node.devices.values()) {
      if (d.online) {
        d.deaths++;
        const equipmentPath = this.opts.resolveEquipment(node.group, node.node, d.device);
        if (equipmentPath) statuses.push({ source, equipmentPath, online: false, at, reason: `${reason} (edge node)` });
      }
      d.online = false;
      d.born = false;
    }
    node.online = false;
    node.born = false;
    node.lastSeq = undefined;
    node.rebirthOutstandingSince = undefined;
  }

  /**
   * §6.4.5 (tck-id-payloads-sequence-num-incrementing): every message after NBIRTH carries (previous + 1) mod 256.
   * A gap means lost messages: count it and ask for a rebirth (§5.9, tck-id-operational-behavior-host-reordering-
   * rebirth). MQTT keeps one client's messages in order, so we do not wait for a reordered late arrival.
   */
  private checkSeq(node: NodeSession, seq: number | undefined): void {
    if (seq === undefined) return;
    if (node.lastSeq !== undefined) {
      const expected = (node.lastSeq + 1) % 256;
      if (seq !== expected) {
        node.seqGaps++;
        this.requestRebirth(node, `seq gap: expected ${expected}, got ${seq}`);
      }
    }
    node.lastSeq = seq;
  }

  private noBirth(ctx: Ctx, node: NodeSession, who: string): void {
    this.reject(ctx, `no birth certificate for Sparkplug ${who}; rebirth requested`);
    this.requestRebirth(node, `data without birth certificate for ${who}`);
  }

  /**
   * §5.17 (tck-id-operational-behavior-data-commands-ncmd-rebirth-*): NCMD with 'Node Control/Rebirth' = true;
   * §6.4.23: payload timestamp, no seq, QoS 0, not retained. One outstanding request per node per hold-off window.
   */
  private requestRebirth(node: NodeSession, reason: string): void {
    if (this.opts.requestRebirths === false) return;
    const now = this.now();
    const holdOff = this.opts.rebirthHoldOffMs ?? 5000;
    if (node.rebirthOutstandingSince !== undefined && now - node.rebirthOutstandingSince < holdOff) return;
    node.rebirthOutstandingSince = now;
    node.lastRebirthRequestAt = now;
    node.lastRebirthReason = reason;
    node.rebirthsRequested++;
    const payload = encodeSparkplug({
      timestamp: now,
      metrics: [{ name: 'Node Control/Rebirth', timestamp: now, datatype: 'Boolean', value: true }],
    });
    const failed = (err: unknown) => {
      node.rebirthPublishFailures++;
      node.lastPublishError = err instanceof Error ? err.message : String(err);
    };
    try {
      const r = this.opts.publish(ncmdTopic(node.group, node.node), payload, { qos: 0, retain: false });
      if (r && typeof r.then === 'function') r.then(undefined, failed);
    } catch (err) {
      failed(err);
    }
  }

  /**
   * §5.13 (tck-id-message-flow-hid-sparkplug-state-message-delivered): if the host is delivered its own STATE with
   * online=false (e.g. a retained will of an earlier connection), it republishes its birth. Other hosts' STATE is
   * none of our business.
   */
  private onState(hostId: string, payload: Buffer): void {
    if (hostId !== this.hostId) return;
    let online: unknown;
    try {
      online = (JSON.parse(payload.toString('utf8')) as { online?: unknown } | null)?.online;
    } catch {
      return;
    }
    if (online !== false) return;
    const birth = this.birthState();
    try {
      const r = this.opts.publish(birth.topic, birth.payload, { qos: birth.qos, retain: birth.retain });
      if (r && typeof r.then === 'function') r.then(undefined, () => undefined);
    } catch {
      // the lead's connection logic publishes the birth again on reconnect
    }
  }

  /** Metrics → observations; one rejection per message collects what could not be used. */
  private emit(ctx: Ctx, p: SparkplugPayload, book: MetricBook, equipmentPath: string | undefined, scope: 'node' | 'device', who: string): void {
    const node = ctx.node!;
    const r = collectMetrics({
      payload: p,
      book,
      equipmentPath,
      scope,
      who,
      source: ctx.source,
      topic: ctx.topic,
      receivedAt: ctx.receivedAt,
      metricToTag: this.metricToTag,
    });
    node.skippedMetrics += r.skipped;
    if (r.rebirth) this.requestRebirth(node, r.rebirth);
    if (!equipmentPath) {
      // Never guessed: an unmapped source goes to quarantine until the plant model maps it.
      if (r.processMetrics > 0) this.reject(ctx, `unknown Sparkplug ${who}; map it to equipment in the plant model`);
      return;
    }
    ctx.out.observations.push(...r.observations);
    if (r.problems.length) {
      const listed = r.problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
      const more = r.problems.length > MAX_LISTED_PROBLEMS ? `; … and ${r.problems.length - MAX_LISTED_PROBLEMS} more` : '';
      this.reject(ctx, `Sparkplug ${who}: ${listed}${more}`);
    }
  }

  private reject(ctx: Ctx, reason: string): void {
    if (ctx.node) ctx.node.rejections++;
    const r: Rejection = { source: ctx.source, topic: ctx.topic, reason, payload: payloadText(ctx.payload), receivedAt: ctx.receivedAt };
    ctx.out.rejections.push(r);
  }

  private session(group: string, node: string): NodeSession {
    const key = `${group}/${node}`;
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = newNodeSession(group, node)));
    return s;
  }
}
