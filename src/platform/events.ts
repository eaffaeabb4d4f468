// Typed events in one map (house rule 5). Modules publish facts here and react to each other's facts here.
import { EventEmitter } from 'node:events';
import { MasterDataChanges } from './master-data.ts';

export interface EventMap {
  'audit.appended': { seq: number; entity: string; entityId: string; action: string; actor: string };
  /** Values just committed by the collect pipeline (late values excluded: they do not change the present). */
  'collect.stored': { values: Array<{ equipmentId: string; tag: string; ts: number; value: number | string | boolean }> };
  /** A machine's effective state changed (PackML state, or Unknown when its source went offline). */
  'collect.state': { equipmentId: string; state: string; bucket: string; since: number; online: boolean };
  /** Parts counted from a machine counter; shiftStart identifies the shift they belong to. */
  'collect.counts': { equipmentId: string; ts: number; kind: 'good' | 'scrap'; delta: number; shiftStart: number | null };
  /** Late data made collect rebuild a machine's state intervals and counts over [from, to] (committed). */
  'collect.rewritten': { equipmentId: string; from: number; to: number };
  'collect.quarantined': { receivedAt: number; equipmentPath: string | null; reason: string; topic: string };
  /** An operation changed on the shop floor (committed): status/phase, the machine it runs on. */
  'execution.operation': { orderId: string; seq: number; status: string; phase: string | null; equipment: string | null; action: string };
  /** An order's status changed (released, running, completed, cancelled). */
  'execution.order': { orderId: string; status: string; action: string };
  /** An andon call was raised, acknowledged or resolved. */
  'execution.andon': { id: string; station: string; state: 'raised' | 'acknowledged' | 'resolved'; reason: string };
  /** A parameter-lock alarm was raised or acknowledged for a running operation. */
  'execution.alarm': { id: string; orderId: string; seq: number; equipment: string; parameter: string; kind: string; state: 'raised' | 'acknowledged' | 'closed' };
  /** An early-warning alert of a performance rule was raised, cleared or acknowledged (committed). */
  'performance.alert': { id: string; ruleId: string; equipmentId: string; severity: string; state: 'raised' | 'cleared' | 'acknowledged'; message: string; at: number };
}

export type EventName = keyof EventMap;

export class EventBus {
  private readonly emitter = new EventEmitter();
  /**
   * Master-data changes are not a fire-and-forget event: the change's author awaits every cache's reload
   * (master-data.ts). They travel with the bus so that every PlantService, wherever it is built, reaches them.
   */
  readonly masterData = new MasterDataChanges();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish<K extends EventName>(name: K, payload: EventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  subscribe<K extends EventName>(name: K, handler: (payload: EventMap[K]) => void): () => void {
    this.emitter.on(name, handler);
    return () => this.emitter.off(name, handler);
  }
}
