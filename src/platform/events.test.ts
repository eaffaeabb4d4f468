// The bus's map is the platform's own events plus what each module declares in its events.ts (declaration merging):
// payloads carry the modules' own types, so a status, bucket or state outside their sets does not compile.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Bucket, MachineState } from '../collect/states.ts';
import type { OrderStatus } from '../execution/model.ts';
import type { Severity } from '../performance/alert-rules.ts';
import { EventBus, type EventMap, type EventName } from './events.ts';

describe('EventBus', () => {
  it('delivers a module event to its subscribers until they unsubscribe', () => {
    const bus = new EventBus();
    const got: Array<EventMap['execution.order']> = [];
    const off = bus.subscribe('execution.order', (e) => got.push(e));
    bus.publish('execution.order', { orderId: 'O-1', status: 'released', action: 'release' });
    off();
    bus.publish('execution.order', { orderId: 'O-1', status: 'cancelled', action: 'cancel' });
    expect(got).toEqual([{ orderId: 'O-1', status: 'released', action: 'release' }]);
  });

  it('types each payload with the words of the module that declares it', () => {
    expectTypeOf<EventMap['execution.order']['status']>().toEqualTypeOf<OrderStatus>();
    expectTypeOf<EventMap['execution.operation']['status']>().toEqualTypeOf<OrderStatus>();
    expectTypeOf<EventMap['collect.state']['state']>().toEqualTypeOf<MachineState>();
    expectTypeOf<EventMap['collect.state']['bucket']>().toEqualTypeOf<Bucket>();
    expectTypeOf<EventMap['performance.alert']['severity']>().toEqualTypeOf<Severity>();
    expectTypeOf<'audit.appended' | 'collect.stored' | 'execution.andon' | 'performance.alert'>().toExtend<EventName>();
    const bus = new EventBus();
    // @ts-expect-error an order status outside ORDER_STATUSES
    bus.publish('execution.order', { orderId: 'O-1', status: 'paused', action: 'x' });
    // @ts-expect-error a bucket outside ISO 22400's
    bus.publish('collect.state', { equipmentId: 'm', state: 'Execute', bucket: 'busy', since: 0, online: true });
    // @ts-expect-error a PackML state that does not exist
    bus.publish('collect.state', { equipmentId: 'm', state: 'Running', bucket: 'apt', since: 0, online: true });
    // @ts-expect-error an event nobody declares
    bus.publish('execution.unknown', {});
  });
});
