// KPIs per production order and per product. The roll-ups are per machine-hour and carry no order, so these groups
// are computed from the raw history with the context collect stored: a state interval belongs to the order that was
// on the machine when it began, a part to the order of its count. For each order the time model runs with the
// machine's planned time restricted to that order's intervals (so POT, PBT, APT … are the order's own), and the
// stops keep their full length (a failure stays a failure). Time with no order is its own group, so the groups add
// up to the machine's totals. The product of an order comes from the execution module (its face).
import type { OrderBook } from '../execution/index.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { intersect, union, type Span } from './intervals.ts';
import type { KpiSettings } from './kpis.ts';
import { loadRaw } from './performance.repository.ts';
import type { PerformanceService } from './performance.service.ts';
import type { MachineInfo } from './plant-view.ts';
import { addTotals, computeTimeModel, zeroTotals, type CalendarFn, type CountRow, type TimeTotals } from './time-model.ts';

const DAY = 86_400_000;
const NO_ORDER = '';

export interface OrderGroupQuery {
  equipment: string;
  from: number;
  to: number;
  group: 'order' | 'product';
  settings: KpiSettings;
}

/** The order's time on a machine: its intervals (open ones run until now) clipped to [from, to). */
function spansByOrder(
  intervals: Array<{ start: number; end: number | null; orderId: string | null }>,
  from: number,
  to: number,
  now: number,
): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  for (const i of intervals) {
    const s = { start: Math.max(from, i.start), end: Math.min(to, i.end ?? now) };
    if (s.end <= s.start) continue;
    const key = i.orderId ?? NO_ORDER;
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  return new Map([...out].map(([k, v]) => [k, union(v)]));
}

const restrict =
  (cal: CalendarFn, spans: Span[]): CalendarFn =>
  (a, b) => {
    const w = cal(a, b);
    return { pot: intersect(union(w.pot), spans), planned: w.planned };
  };

export class OrderKpis {
  constructor(
    private readonly ctx: AppContext,
    private readonly perf: PerformanceService,
    /** execution's order book: the product of an order the plant view cannot resolve */
    private readonly orders: Pick<OrderBook, 'summaries'>,
  ) {}

  /** Totals per (machine, order) over [from, to) from the raw history; '' = no order. */
  async totalsByOrder(machines: MachineInfo[], from: number, to: number): Promise<Map<string, Map<string, TimeTotals>>> {
    await this.perf.rollup.fold(); // knows each machine's commissioning (first data) afterwards
    const now = this.perf.rollup.now();
    const end = Math.max(from, Math.min(to, now));
    const ids = machines.map((m) => m.id);
    const threshold = this.perf.opts.minorStopThresholdS;
    const intervals = await this.perf.history.spans(this.ctx.database, ids, from, end);
    const raw = await loadRaw(this.perf.history, this.ctx.database, ids, from, end, threshold * 1000, this.perf.rollup.conventions);
    const out = new Map<string, Map<string, TimeTotals>>();
    for (const m of machines) {
      const h = raw.get(m.id)!;
      const perOrder = new Map<string, TimeTotals>();
      const spans = spansByOrder(intervals.get(m.id)!, from, end, now);
      // an order with counts but no interval of its own still gets its row (its parts show in inputs.outsideGood)
      for (const c of h.counts) if (!spans.has(c.orderId ?? NO_ORDER)) spans.set(c.orderId ?? NO_ORDER, []);
      for (const [orderId, s] of spans) {
        const counts: CountRow[] = h.counts
          .filter((c) => (c.orderId ?? NO_ORDER) === orderId)
          .map((c) => ({ ts: c.ts, kind: c.kind, delta: c.delta, idealCycleTimeS: this.perf.view.idealCycleTime(m, c.orderId, c.operationId) }));
        perOrder.set(
          orderId,
          computeTimeModel({
            from,
            to: end,
            now,
            states: h.states,
            counts,
            calendar: restrict(this.perf.rollup.calendarFn(m), s),
            minorStopThresholdS: threshold,
          }),
        );
      }
      out.set(m.id, perOrder);
    }
    return out;
  }

  /** The product of an order: the execution module's resolver if registered, else the order itself. */
  private async productOf(orderId: string, equipmentId: string, cache: Map<string, string | null>): Promise<string | null> {
    if (orderId === NO_ORDER) return null;
    if (cache.has(orderId)) return cache.get(orderId)!;
    let product = this.perf.view.productOf(equipmentId, orderId);
    if (!product) product = (await this.orders.summaries(this.ctx.db, [orderId]))[0]?.productId ?? null;
    cache.set(orderId, product);
    return product;
  }

  async kpis(q: OrderGroupQuery) {
    if (!(q.to > q.from)) throw new AppError('validation_failed', 'to must be after from', [{ path: 'querystring.to', message: 'must be after from' }]);
    if (q.to - q.from > 31 * DAY)
      throw new AppError('validation_failed', 'at most 31 days per request when grouping by order or product', [
        { path: 'querystring.to', message: 'period too long' },
      ]);
    const { eq, machines } = this.perf.scope(q.equipment);
    const to = Math.min(q.to, Math.max(q.from, this.perf.rollup.now()));
    const byMachine = await this.totalsByOrder(machines, q.from, to);
    const products = new Map<string, string | null>();
    const groups = new Map<string, { key: string | null; orderIds: Set<string>; machines: Set<string>; t: TimeTotals }>();
    for (const m of machines)
      for (const [orderId, t] of byMachine.get(m.id)!) {
        const key = q.group === 'order' ? (orderId === NO_ORDER ? null : orderId) : await this.productOf(orderId, m.id, products);
        const name = key ?? NO_ORDER;
        const g = groups.get(name) ?? { key, orderIds: new Set<string>(), machines: new Set<string>(), t: zeroTotals() };
        if (orderId !== NO_ORDER) g.orderIds.add(orderId);
        if (t.pot > 0 || t.good + t.scrap + t.outsideGood + t.outsideScrap > 0) g.machines.add(m.path);
        addTotals(g.t, t);
        groups.set(name, g);
      }
    const rows = [...groups.values()]
      .filter((g) => g.t.pot > 0 || g.t.good + g.t.scrap > 0 || g.key !== null)
      .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
    return {
      equipment: { id: eq.id, path: eq.path, name: eq.name, level: eq.level },
      from: new Date(q.from).toISOString(),
      to: new Date(to).toISOString(),
      group: q.group,
      groups: rows.map((g) => ({
        key: g.key,
        label: g.key ?? (q.group === 'order' ? 'no order' : 'no product known'),
        orders: [...g.orderIds].sort(),
        machines: [...g.machines].sort(),
        ...this.perf.figures(g.t, q.settings, this.perf.view.conventionsOf(eq)),
      })),
      definitions: this.perf.definitions(q.settings, this.perf.view.conventionsOf(eq)),
    };
  }
}
