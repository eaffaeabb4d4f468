// Typed events in one map (house rule 5). Modules publish facts here and react to each other's facts here.
import { EventEmitter } from 'node:events';

export interface EventMap {
  'audit.appended': { seq: number; entity: string; entityId: string; action: string; actor: string };
  'plant.changed': { entity: string; entityId: string; action: string };
}

export type EventName = keyof EventMap;

export class EventBus {
  private readonly emitter = new EventEmitter();

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
