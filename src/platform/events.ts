// Typed events in one map (house rule 5). Modules publish facts here and react to each other's facts here.
// The platform declares its own events; each module declares its events with its own types in its `events.ts`, merged
// into this interface (`declare module '../platform/events.ts' { interface EventMap extends XEvents {} }`).
import { EventEmitter } from 'node:events';
import { MasterDataChanges } from './master-data.ts';

export interface EventMap {
  'audit.appended': { seq: number; entity: string; entityId: string; action: string; actor: string };
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
