// Contextualise: what was going on at an equipment at an instant — the shift from its calendar and, once the
// execution module registers a provider, the order, operation and lot. Cached per equipment until the next change,
// so the lookup per message is a comparison, not a computation.
import { nextShiftChange, shiftAt } from '../plant/index.ts';
import { contextKey } from './collect.repository.ts';

export type CalendarInputLike = Parameters<typeof shiftAt>[0];

export interface OrderContext {
  orderId?: string | null;
  operationId?: string | null;
  lotId?: string | null;
  /** Until when this answer holds (epoch ms); the provider must call invalidate() when it changes earlier. */
  validUntil?: number;
}

export type OrderContextProvider = (equipmentId: string, ts: number) => OrderContext;

export interface ContextRecord {
  key: string;
  equipmentId: string;
  shift: string | null;
  shiftStart: number | null;
  orderId: string | null;
  operationId: string | null;
  lotId: string | null;
}

interface Cached {
  from: number;
  to: number;
  record: ContextRecord;
}

export class Contextualizer {
  private cache = new Map<string, Cached>();
  private orderProvider: OrderContextProvider = () => ({});
  readonly records = new Map<string, ContextRecord>();

  constructor(
    private calendars: Map<string, CalendarInputLike>,
    private calendarOf: (equipmentId: string) => string | null,
  ) {}

  setCalendars(calendars: Map<string, CalendarInputLike>): void {
    this.calendars = calendars;
    this.cache.clear();
  }

  setOrderContextProvider(p: OrderContextProvider): void {
    this.orderProvider = p;
    this.cache.clear();
  }

  /** Forget cached answers for one equipment (an order started or ended there). */
  invalidate(equipmentId?: string): void {
    if (equipmentId) this.cache.delete(equipmentId);
    else this.cache.clear();
  }

  at(equipmentId: string, ts: number): ContextRecord {
    const c = this.cache.get(equipmentId);
    if (c && c.from <= ts && ts < c.to) return c.record;
    const calId = this.calendarOf(equipmentId);
    const cal = calId ? this.calendars.get(calId) : undefined;
    const shift = cal ? shiftAt(cal, ts) : undefined;
    const order = this.orderProvider(equipmentId, ts);
    const record: ContextRecord = {
      key: '',
      equipmentId,
      shift: shift?.name ?? null,
      shiftStart: shift?.start ?? null,
      orderId: order.orderId ?? null,
      operationId: order.operationId ?? null,
      lotId: order.lotId ?? null,
    };
    record.key = contextKey(record);
    this.records.set(record.key, record);
    // the answer holds from the shift start (or now) until the next shift change or order change
    const from = shift?.start ?? ts;
    const to = Math.min(cal ? nextShiftChange(cal, ts) : ts + 3_600_000, order.validUntil ?? Infinity);
    // out-of-order timestamps must not poison the cache for the present
    if (!c || ts >= c.from) this.cache.set(equipmentId, { from: Math.min(from, ts), to, record });
    return record;
  }
}
