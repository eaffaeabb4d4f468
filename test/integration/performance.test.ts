// Performance end to end: machine data into the collect pipeline, KPIs out of the API (the external contract), late
// data correcting them, aggregates, groups, CSV, and stop reasons with the Pareto; on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToUtc } from '../../src/plant/index.ts';
import { pastWeekday } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { setStaleAfter } from '../support/stale.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10'; // calendar two-shift (Europe/Berlin), idealCycleTime 12 s
const LINE1 = 'acme/lakeside/assembly/line1';

for (const kind of DB_KINDS) {
  describe(`performance on ${kind}`, () => {
    let t: TestServer;
    const day = pastWeekday();
    const at = (hhmm: string, plusS = 0) => localToUtc(day, hhmm, 'Europe/Berlin') + plusS * 1000;
    const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const res = await t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res;
    };
    const get = async (url: string) => (await inject('GET', url)).json();
    const submit = (values: Array<[string, number | string, number]>) =>
      t.collect.pipeline.submit({
        rejections: [],
        observations: values.map(([tag, value, ts]) => ({
          source: { protocol: 'test', client: 'perf-test' },
          topic: `test/${tag}`,
          equipmentPath: ST10,
          tag,
          value,
          ts,
          receivedAt: Date.now(),
        })),
      });
    const kpis = (from: number, to: number, extra = '') =>
      get(`/api/performance/kpis?equipment=${encodeURIComponent(ST10)}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}${extra}`);

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      // the histories below send a state only when it changes: a day's limit keeps their pauses from being silences
      await setStaleAfter(t, [ST10], 86_400);
    });
    afterAll(async () => t?.close());

    it('computes the contract figures of a machine-hour with a failure and a counter reset', async () => {
      // 07:00 Execute; 07:30–07:40 Held (a 10-min failure); Execute; 08:00 Idle.
      // good counter 0 (07:00, baseline) → 100 (07:20) → 5 (07:45, reset: counts 5) → 150 (07:59:59): 100 + 5 + 145 = 250
      // scrap counter 0 → 10. PQ 260, GQ 250, SQ 10; PRI 12 s → Σ PRI × PQ = 3120 s
      // POT = PBT = 3600 (no break 07–08); APT 3000; ADET 600
      // A = 3000 / 3600 = 0.833333; E = 3120 / 3000 = 1.04; Q = 250 / 260 = 0.961538; OEE = 0.833333
      // MTTR = 600 / 1; MTBF = AUPT / (failures + 1) = 3000 / 2 = 1500 (ISO 22400-2: FE + 1 intervals)
      await submit([
        ['state', 'Execute', at('07:00')],
        ['good', 0, at('07:00')],
        ['scrap', 0, at('07:00')],
        ['good', 100, at('07:20')],
        ['state', 'Held', at('07:30')],
        ['state', 'Execute', at('07:40')],
        ['good', 5, at('07:45')],
        ['good', 150, at('07:59', 59)],
        ['scrap', 10, at('07:59', 59)],
        ['state', 'Idle', at('08:00')],
      ]);
      const k = await kpis(at('07:00'), at('08:00'));
      expect(k.times).toEqual({ pot: 3600, pdot: 0, pbt: 3600, adot: 0, aubt: 3600, adet: 600, aupt: 3000, asut: 0, apt: 3000, unknown: 0 });
      expect(k.counts).toEqual({ pq: 260, gq: 250, sq: 10, rq: 0 });
      expect(k.availability).toBeCloseTo(0.833333, 6);
      expect(k.effectiveness).toBeCloseTo(1.04, 6);
      expect(k.quality).toBeCloseTo(0.961538, 6);
      expect(k.oee).toBeCloseTo(0.833333, 6);
      expect(k.mttr).toBe(600);
      expect(k.mtbf).toBe(1500);
      expect(k.definitions.settings).toEqual({ minorStops: 'availability', idle: 'iso', mtbf: 'operating' });
      expect(k.inputs.idealS).toBe(3120);
      // the hour is folded into the roll-up, and the roll-up gives the same answer as the raw data
      const rows = await t.sql(`SELECT apt, adet FROM perf_hour h JOIN equipment e ON e.id = h.equipment_id WHERE e.path = $1 AND h.hour = to_timestamp($2)`, [
        ST10,
        at('07:00') / 1000,
      ]);
      expect(rows).toEqual([{ apt: 3000, adet: 600 }]);
    });

    it('late data corrects the figures (collect rebuilds the intervals, the roll-up re-folds the hour)', async () => {
      // a late Held 07:10–07:12 (2 min: a minor stop) arrives after everything else:
      // APT 3000 − 120 = 2880; ADET 720; A = 0.8; E = 3120 / 2880 = 1.083333; OEE unchanged 0.833333
      await submit([
        ['state', 'Held', at('07:10')],
        ['state', 'Execute', at('07:12')],
      ]);
      const k = await kpis(at('07:00'), at('08:00'));
      expect(k.times).toMatchObject({ apt: 2880, adet: 720, pbt: 3600 });
      expect(k.inputs).toMatchObject({ minorStops: 1, minorStopS: 120, failures: 1, failureS: 600 });
      expect(k.availability).toBeCloseTo(0.8, 6);
      expect(k.effectiveness).toBeCloseTo(1.083333, 6);
      // the common-practice setting moves the minor stop into production time
      const c = await kpis(at('07:00'), at('08:00'), '&minorStops=performance');
      expect(c.availability).toBeCloseTo(3000 / 3600, 6);
      expect(c.definitions.text[0]).toMatch(/speed loss/);
    });

    it('aggregates a line, groups by shift, exports CSV', async () => {
      const from = at('06:00');
      const to = at('22:00');
      const line = await get(
        `/api/performance/kpis?equipment=${encodeURIComponent(LINE1)}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&group=shift`,
      );
      const st10 = await kpis(from, to);
      // two shifts of 8 h with a 30-min break each; st10 was commissioned by its first data at 07:00, so its POT is
      // 07:00–22:00 = 54 000 (06:00–07:00 is outside), PDOT 3600 (both breaks are later)
      expect(st10.times.pot).toBe(54000);
      expect(st10.times.pdot).toBe(3600);
      expect(st10.inputs.outside).toBe(3600);
      // the other two stations never sent anything and have no commissioning date: no planned time at all
      expect(line.times.pot).toBe(54000);
      expect(line.counts).toEqual(st10.counts);
      expect(line.machines).toHaveLength(3);
      expect(line.machines.find((m: { path: string }) => m.path.endsWith('st20')).times).toMatchObject({ pot: 0, unknown: 0 });
      expect(line.groups.map((g: { label: string }) => g.label)).toEqual([`${day} Early`, `${day} Late`]);
      expect(line.groups[0].counts.pq + line.groups[1].counts.pq).toBe(line.counts.pq);
      const csv = (
        await inject(
          'GET',
          `/api/performance/kpis?equipment=${encodeURIComponent(ST10)}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&group=shift&format=csv`,
        )
      ).body;
      const lines = csv.trim().split('\n');
      expect(lines[0]).toMatch(/^label,from,to,pot_s,pdot_s,pbt_s/);
      expect(lines).toHaveLength(3);
    });

    it('lists stops, classifies one with a reason and shows it in the Pareto', async () => {
      const q = `equipment=${encodeURIComponent(ST10)}&from=${new Date(at('07:00')).toISOString()}&to=${new Date(at('08:00')).toISOString()}`;
      const stops = await get(`/api/performance/stops?${q}`);
      expect(stops.map((s: { kind: string; durationS: number }) => [s.kind, s.durationS])).toEqual([
        ['minor', 120],
        ['failure', 600],
      ]);
      const failure = stops[1];
      expect(failure.needsReason).toBe(true);
      const reasons = await get('/api/performance/reasons');
      expect(reasons.find((r: { id: string }) => r.id === 'breakdown.tool')).toMatchObject({ loss: 'breakdown' });
      const res = await inject('POST', `/api/performance/stops/${encodeURIComponent(ST10)}/${encodeURIComponent(failure.start)}/reason`, {
        reasonId: 'breakdown.tool',
        comment: 'mould jammed',
      });
      expect(res.json()).toMatchObject({ reasonId: 'breakdown.tool', needsReason: false, comment: 'mould jammed' });
      const pareto = await get(`/api/performance/pareto?${q}&by=reason`);
      expect(pareto.rows[0]).toMatchObject({ key: 'Tool or mould damage', seconds: 600, stops: 1 });
      const audit = await t.sql(`SELECT entity, action FROM audit_log WHERE entity = 'stop_reason'`);
      expect(audit).toEqual([{ entity: 'stop_reason', action: 'create' }]);
    });

    it('refuses bad periods and unknown equipment with clear errors', async () => {
      const bad = await t.app.server.inject({
        method: 'GET',
        url: `/api/performance/kpis?equipment=${ST10}&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect(bad.statusCode).toBe(400);
      const missing = await t.app.server.inject({
        method: 'GET',
        url: '/api/performance/kpis?equipment=nope',
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect(missing.statusCode).toBe(404);
    });
  });
}
