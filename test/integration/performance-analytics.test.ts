// Performance analytics end to end, on PGlite and PostgreSQL: early-warning rules and alerts (raised once per
// episode, cleared with hysteresis, acknowledged, published live), the bottleneck ranking of a line, KPIs grouped by
// order and product, and alarm codes mapped to downtime reasons. Every expected figure is computed by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerformanceModule } from '../../src/performance/index.ts';
import { localToUtc } from '../../src/plant/index.ts';
import { pastWeekday, submitHistory } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { setStaleAfter } from '../support/stale.ts';

const LINE1 = 'acme/lakeside/assembly/line1'; // calendar two-shift (Europe/Berlin), no break 06:00–11:30
const ST10 = `${LINE1}/st10`; // idealCycleTime 12 s, class screw-station
const ST20 = `${LINE1}/st20`; // 15 s
const ST30 = `${LINE1}/st30`; // 8 s

for (const kind of DB_KINDS) {
  describe(`performance analytics on ${kind}`, () => {
    let t: TestServer;
    const day = pastWeekday();
    const at = (hhmm: string, plusS = 0) => localToUtc(day, hhmm, 'Europe/Berlin') + plusS * 1000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, token = t.adminToken) =>
      t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
    const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const res = await call(method, url, payload);
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.statusCode === 204 ? undefined : res.json();
    };
    const submit = (path: string, values: Array<[string, number | string, number]>) => submitHistory(t, 'analytics-test', path, values);
    const perf = () => t.app.modules.get('performance') as PerformanceModule;

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      // the histories below send a state only when it changes: a day's limit keeps their pauses from being silences
      await setStaleAfter(t, [ST10, ST20, ST30], 86_400);
    });
    afterAll(async () => t?.close());

    it('ranks the machines of a line by the active period method', async () => {
      // 07:00–08:00, planned busy time 3600 s on each station:
      //   st10 Execute, Held 07:50–08:00 (a 10-min failure: active) → active 3600, waiting 0 → share 1
      //        250 parts × 12 s = 3000 s → loading 0.833333, throughput 250 per planned hour
      //   st20 Execute, Suspended 07:30–08:00 (starved/blocked) → active 1800, waiting 1800 → 0.5; 100 × 15 s → 0.416667
      //   st30 Execute, Idle 07:45–08:00 (no work) → active 2700, waiting 900 → 0.75; 300 × 8 s → 0.666667
      // rank: st10, st30, st20
      await submit(ST10, [
        ['state', 'Execute', at('07:00')],
        ['good', 0, at('07:00')],
        ['state', 'Held', at('07:50')],
        ['good', 250, at('07:59', 59)],
        ['state', 'Idle', at('08:00')],
      ]);
      await submit(ST20, [
        ['state', 'Execute', at('07:00')],
        ['good', 0, at('07:00')],
        ['good', 100, at('07:29')],
        ['state', 'Suspended', at('07:30')],
        ['state', 'Idle', at('08:00')],
      ]);
      await submit(ST30, [
        ['state', 'Execute', at('07:00')],
        ['good', 0, at('07:00')],
        ['good', 300, at('07:44')],
        ['state', 'Idle', at('07:45')],
      ]);
      const r = await ok('GET', `/api/performance/bottleneck?equipment=${encodeURIComponent(LINE1)}&from=${iso(at('07:00'))}&to=${iso(at('08:00'))}`);
      expect(r.machines.map((m: { path: string; rank: number; bottleneck: boolean }) => [m.path, m.rank, m.bottleneck])).toEqual([
        [ST10, 1, true],
        [ST30, 2, false],
        [ST20, 3, false],
      ]);
      const [st10, st30, st20] = r.machines.map((m: { figures: Record<string, number> }) => m.figures);
      expect(st10).toMatchObject({ activeS: 3600, waitingS: 0, activeShare: 1, throughputPerHour: 250, idealPerHour: 300, parts: 250 });
      expect(st10.loading).toBeCloseTo(0.833333, 6);
      expect(st20).toMatchObject({ activeS: 1800, waitingS: 1800, starvedOrBlockedS: 1800, activeShare: 0.5 });
      expect(st20.loading).toBeCloseTo(0.416667, 6);
      expect(st30).toMatchObject({ activeS: 2700, waitingS: 900, idleS: 900, activeShare: 0.75 });
      expect(r.method.join(' ')).toMatch(/active period method/i);
    });

    it('groups KPIs by order and by product', async () => {
      // st30, 12:00–13:00 (after lunch 11:30–12:00). Orders by collect context: ORD-A before 12:30, ORD-B after.
      //   ORD-A 12:00–12:30: Execute, Held 12:20–12:25 (300 s: a failure), Execute; 150 good + 5 scrap, PRI 8 s
      //     POT 1800, APT 1500, ADET 300: A = 0.833333, E = 155 × 8 / 1500 = 0.826667, Q = 150 / 155 = 0.967742,
      //     OEE = 1200 / 1800 = 0.666667
      //   ORD-B 12:30–13:00: Idle 12:30–12:35 (ADOT 300), Execute; 150 good: A = 0.833333, E = 1200 / 1500 = 0.8, Q = 1
      const switchAt = at('12:30');
      t.collect.pipeline.contexts.setOrderContextProvider((equipmentId, ts) => {
        if (equipmentId !== perf().performance.view.find(ST30).id || ts < at('12:00') || ts >= at('13:00'))
          return { validUntil: ts < at('12:00') ? at('12:00') : undefined };
        return ts < switchAt ? { orderId: 'ORD-A', validUntil: switchAt } : { orderId: 'ORD-B', validUntil: at('13:00') };
      });
      await submit(ST30, [
        ['state', 'Execute', at('12:00')],
        ['good', 0, at('12:00')],
        ['scrap', 0, at('12:00')],
        ['good', 120, at('12:20')],
        ['state', 'Held', at('12:20')],
        ['state', 'Execute', at('12:25')],
        ['good', 150, at('12:29', 59)],
        ['scrap', 5, at('12:29', 59)],
        ['state', 'Idle', at('12:30')],
        ['state', 'Execute', at('12:35')],
        ['good', 300, at('12:59', 59)],
        ['state', 'Idle', at('13:00')],
      ]);
      t.collect.pipeline.contexts.setOrderContextProvider(() => ({}));
      const q = `equipment=${encodeURIComponent(ST30)}&from=${iso(at('12:00'))}&to=${iso(at('13:00'))}`;
      const byOrder = await ok('GET', `/api/performance/kpi-groups?${q}&group=order`);
      expect(byOrder.groups.map((g: { label: string }) => g.label)).toEqual(['ORD-A', 'ORD-B']);
      const [a, b] = byOrder.groups;
      expect(a.times).toMatchObject({ pot: 1800, pbt: 1800, apt: 1500, adet: 300, adot: 0 });
      expect(a.counts).toEqual({ pq: 155, gq: 150, sq: 5, rq: 0 });
      expect(a.inputs.failures).toBe(1);
      expect(a.availability).toBeCloseTo(0.833333, 6);
      expect(a.effectiveness).toBeCloseTo(0.826667, 6);
      expect(a.quality).toBeCloseTo(0.967742, 6);
      expect(a.oee).toBeCloseTo(0.666667, 6);
      expect(b.times).toMatchObject({ pot: 1800, apt: 1500, adot: 300, adet: 0 });
      expect([b.availability, b.effectiveness, b.quality].map((x: number) => +x.toFixed(6))).toEqual([0.833333, 0.8, 1]);
      // the orders add up to the machine's figures of the period
      const whole = await ok('GET', `/api/performance/kpis?${q}`);
      expect(a.times.apt + b.times.apt).toBe(whole.times.apt);
      expect(a.counts.pq + b.counts.pq).toBe(whole.counts.pq);
      // products: ORD-A through the execution module's resolver, ORD-B from the order the ERP sent
      perf().performance.setProductResolver(({ orderId }) => (orderId === 'ORD-A' ? { productId: 'HSG-TOP' } : null));
      await ok('POST', '/api/orders', { id: 'ORD-B', product: 'HSG-BOT', quantity: 150 });
      const byProduct = await ok('GET', `/api/performance/kpi-groups?${q}&group=product`);
      expect(byProduct.groups.map((g: { label: string; orders: string[] }) => [g.label, g.orders])).toEqual([
        ['HSG-BOT', ['ORD-B']],
        ['HSG-TOP', ['ORD-A']],
      ]);
      expect(byProduct.groups[1].oee).toBeCloseTo(0.666667, 6);
      perf().performance.setProductResolver(null);
      expect((await call('GET', `/api/performance/kpi-groups?${q}&group=lot`)).statusCode).toBe(400);
    });

    it('maps alarm codes to downtime reasons (machine before class before plant-wide); a person overrides', async () => {
      // st10, 09:00–10:40: three failures of 10 min
      //   09:20 Aborted with alarm E205 set in the same instant; 10:00 Held, alarm E999 set 5 s later; 10:20 Held, no alarm
      await submit(ST10, [
        ['state', 'Execute', at('09:00')],
        ['alarm', '', at('09:00')],
        ['state', 'Aborted', at('09:20')],
        ['alarm', 'E205', at('09:20')],
        ['state', 'Execute', at('09:30')],
        ['alarm', '', at('09:30')],
        ['state', 'Held', at('10:00')],
        ['alarm', 'E999', at('10:00', 5)],
        ['state', 'Execute', at('10:10')],
        ['alarm', '', at('10:10')],
        ['state', 'Held', at('10:20')],
        ['state', 'Execute', at('10:30')],
      ]);
      const q = `equipment=${encodeURIComponent(ST10)}&from=${iso(at('09:00'))}&to=${iso(at('10:40'))}`;
      type Stop = { start: string; alarmCode: string | null; reasonId: string | null; reasonSource: string | null; needsReason: boolean };
      const stops = async (): Promise<Stop[]> => ok('GET', `/api/performance/stops?${q}`);
      expect((await stops()).map((s) => [s.alarmCode, s.reasonId, s.needsReason])).toEqual([
        ['E205', null, true],
        ['E999', null, true],
        [null, null, true],
      ]);
      await ok('PUT', '/api/performance/alarm-reasons', { scope: 'class', target: 'screw-station', alarmCode: 'E205', reasonId: 'breakdown.mechanical' });
      expect((await stops())[0]).toMatchObject({ reasonId: 'breakdown.mechanical', reasonSource: 'alarm', needsReason: false });
      await ok('PUT', '/api/performance/alarm-reasons', { scope: 'machine', target: ST10, alarmCode: 'E205', reasonId: 'breakdown.electrical' });
      await t.sql(`UPDATE perf_reasons SET alarm_codes = '{E999}' WHERE id = 'jam'`);
      const mapped = await stops();
      expect(mapped.map((s) => [s.reasonId, s.reasonSource])).toEqual([
        ['breakdown.electrical', 'alarm'],
        ['jam', 'alarm'],
        [null, null],
      ]);
      // the Pareto counts the mapped reasons
      const pareto = await ok('GET', `/api/performance/pareto?${q}&by=reason`);
      expect(pareto.rows.map((r: { key: string; seconds: number }) => [r.key, r.seconds])).toEqual([
        ['Electrical failure', 600],
        ['Jam / minor stop', 600],
        ['unclassified', 600],
      ]);
      // a person's classification wins over the alarm's
      await ok('POST', `/api/performance/stops/${encodeURIComponent(ST10)}/${encodeURIComponent(mapped[0].start)}/reason`, { reasonId: 'breakdown.tool' });
      expect((await stops())[0]).toMatchObject({ reasonId: 'breakdown.tool', reasonSource: 'person', alarmCode: 'E205' });
      expect((await call('PUT', '/api/performance/alarm-reasons', { scope: 'class', target: 'nope', alarmCode: 'E1', reasonId: 'jam' })).statusCode).toBe(404);
      expect((await call('PUT', '/api/performance/alarm-reasons', { scope: 'machine', target: LINE1, alarmCode: 'E1', reasonId: 'jam' })).statusCode).toBe(400);
      expect((await call('PUT', '/api/performance/alarm-reasons', { scope: 'machine', target: ST10, alarmCode: 'E1', reasonId: 'nope' })).statusCode).toBe(400);
      const operator = await t.tokenFor(['operator']);
      expect(
        (await call('PUT', '/api/performance/alarm-reasons', { scope: 'machine', target: ST10, alarmCode: 'E1', reasonId: 'jam' }, operator)).statusCode,
      ).toBe(403);
      await ok('DELETE', `/api/performance/alarm-reasons?scope=machine&target=${encodeURIComponent(ST10)}&alarmCode=E205`);
      expect((await ok('GET', '/api/performance/alarm-reasons')).map((m: { scope: string; alarmCode: string }) => `${m.scope}:${m.alarmCode}`)).toEqual([
        'class:E205',
      ]);
      const audit = await t.sql(`SELECT action FROM audit_log WHERE entity = 'alarm_reason' ORDER BY seq`);
      expect(audit.map((a) => (a as { action: string }).action)).toEqual(['create', 'create', 'delete']);
    });
  });
}
