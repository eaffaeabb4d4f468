// The subscription and its monitored items, built from the settings' `items` (OPC UA Part 4 §5.12, §5.13).
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  TimestampsToReturn,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
} from 'node-opcua';
import type { NamespaceResolver } from './nodeids.ts';
import type { OpcuaSettings } from './client.ts';
import { statusName } from './values.ts';

export type OpcuaItem = OpcuaSettings['items'][number];

/**
 * Tags whose every change counts (the collect roles state, mode, alarm, good, scrap, cycle_time): on a queue
 * overflow the server keeps the earliest changes and replaces only the newest (discardOldest false, Part 4
 * §5.12.1.5), so no transition in the middle of a burst silently disappears without the Overflow bit being set.
 * Process values keep the newest (discardOldest true): a fresher sample is worth more than an old one.
 */
const EVENT_LIKE = new Set(['state', 'mode', 'alarm', 'good', 'scrap', 'cycle_time']);
/** Items per CreateMonitoredItems request: servers limit it (OperationLimits MaxMonitoredItemsPerCall, Part 5 §6.3.11). */
const MAX_ITEMS_PER_CALL = 500;

export interface SubscriptionPlan {
  publishingIntervalMs: number;
  keepAliveCount: number;
  groups: { samplingIntervalMs: number; deadband: number | undefined; discardOldest: boolean; queueSize: number; items: OpcuaItem[] }[];
}

/** Groups items sharing monitoring parameters, so each group is one CreateMonitoredItems request. */
export function planSubscription(
  settings: Pick<OpcuaSettings, 'items' | 'samplingIntervalMs'>,
  publishingIntervalMs?: number,
  keepAliveMs = 5000,
): SubscriptionPlan {
  const sampling = (it: OpcuaItem) => it.samplingIntervalMs ?? settings.samplingIntervalMs;
  const fastest = settings.items.length ? Math.min(...settings.items.map(sampling)) : settings.samplingIntervalMs;
  const pub = publishingIntervalMs ?? Math.min(1000, Math.max(50, fastest));
  const groups: SubscriptionPlan['groups'] = [];
  const open = new Map<string, SubscriptionPlan['groups'][number]>();
  for (const it of settings.items) {
    const s = sampling(it);
    const discardOldest = !EVENT_LIKE.has(it.tag);
    // Room for every sample between two publishes twice over, and never 1: with queue size 1 a second change
    // between publishes replaces the first (Part 4 §5.12.1.5). Sampling 0 means "as fast as the server can".
    const perPublish = Math.ceil(pub / Math.max(s, 10));
    const queueSize = Math.min(1000, Math.max(10, 2 * perPublish + 1));
    const key = `${s}|${it.deadband ?? ''}|${discardOldest}|${queueSize}`;
    let g = open.get(key);
    if (!g || g.items.length >= MAX_ITEMS_PER_CALL) {
      g = { samplingIntervalMs: s, deadband: it.deadband, discardOldest, queueSize, items: [] };
      open.set(key, g);
      groups.push(g);
    }
    g.items.push(it);
  }
  // A keep-alive every keepAliveMs (at most every 3 publishing intervals) when nothing changes: the stall watchdog relies on it.
  return { publishingIntervalMs: pub, keepAliveCount: Math.max(3, Math.ceil(keepAliveMs / pub)), groups };
}

export interface ItemHandlers {
  onValue(item: OpcuaItem, dv: DataValue): void;
  /** A monitored item the server refused (unknown node, bad filter …) or a node id that cannot be resolved. */
  onItemError(item: OpcuaItem, reason: string): void;
}

export async function createSubscription(
  session: ClientSession,
  resolver: NamespaceResolver,
  plan: SubscriptionPlan,
  handlers: ItemHandlers,
): Promise<ClientSubscription> {
  const sub = await session.createSubscription2({
    requestedPublishingInterval: plan.publishingIntervalMs,
    requestedMaxKeepAliveCount: plan.keepAliveCount,
    // Part 4 §5.13.1: the lifetime count must be at least three times the keep-alive count.
    requestedLifetimeCount: plan.keepAliveCount * 6,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 10,
  });
  for (const g of plan.groups) {
    const items: OpcuaItem[] = [];
    const reads: { nodeId: string; attributeId: number }[] = [];
    for (const it of g.items) {
      try {
        reads.push({ nodeId: resolver.resolve(it.nodeId), attributeId: AttributeIds.Value });
        items.push(it);
      } catch (err) {
        handlers.onItemError(it, (err as Error).message);
      }
    }
    if (!items.length) continue;
    const filter =
      g.deadband !== undefined
        ? new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: g.deadband })
        : null;
    const group = ClientMonitoredItemGroup.create(
      sub,
      reads,
      { samplingInterval: g.samplingIntervalMs, queueSize: g.queueSize, discardOldest: g.discardOldest, filter },
      TimestampsToReturn.Both,
    );
    group.on('changed', (_mi, dv, index) => handlers.onValue(items[index], dv));
    await new Promise<void>((resolve, reject) => {
      group.once('initialized', () => resolve());
      group.once('terminated', (err) => reject(err ?? new Error('monitored items terminated')));
    }).catch((err: Error) => {
      // The whole request failed (e.g. the filter is not supported): report every item of the group.
      for (const it of items) handlers.onItemError(it, err.message);
    });
    group.monitoredItems.forEach((mi, i) => {
      const sc = mi.statusCode;
      if (sc?.isNotGood()) handlers.onItemError(items[i], `monitored item refused: ${statusName(sc)}`);
    });
  }
  return sub;
}
