// Issue #12 items 2, 4, 5, hand-computed through the API on PGlite and PostgreSQL: MTTR of a failure across a shift
// change (ISO 22400-2: whole restoration times) and MTBF's divisor; parts made in a break; maintenance mode and stops
// without an order under the plant's conventions (equipment properties).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToUtc } from '../../src/plant/index.ts';
import { pastWeekday, submitHistory } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { setStaleAfter } from '../support/stale.ts';

const LINE1 = 'acme/lakeside/assembly/line1'; // calendar two-shift (Europe/Berlin): Early 06–14 (lunch 11:30–12:00), Late 14–22 (dinner 18:00–18:30)

for (const kind of DB_KINDS) {
  describe(`performance conventions on ${kind}`, () => {
    let t: TestServer;
    const day = pastWeekday();
    const at = (hhmm: string, plusS = 0) => localToUtc(day, hhmm, 'Europe/Berlin') + plusS * 1000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const inject = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
      const res = await t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const submit = (path: string, values: Array<[string, number | string, number]>) => submitHistory(t, 'perf-conventions', path, values);
    const kpis = (path: string, from: number, to: number, extra = '') =>
      inject('GET', `/api/performance/kpis?equipment=${encodeURIComponent(path)}&from=${iso(from)}&to=${iso(to)}${extra}`);
    /** Sets properties of a machine (its conventions), keeping the others: in force when the PATCH answers (master-data rule). */
    const setProperties = async (
      path: string,
      properties: Record<string, { value: unknown; unit?: string }>,
      check: (k: { definitions: { conventions: Record<string, string> } }) => boolean,
    ) => {
      const eq = (await inject('GET', `/api/equipment/${encodeURIComponent(path)}`)) as { id: string; properties: Record<string, unknown> };
      await inject('PATCH', `/api/equipment/${eq.id}`, { properties: { ...eq.properties, ...properties }, reason: 'conventions test' });
      expect(check(await kpis(path, at('06:00'), at('07:00')))).toBe(true);
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      // the histories below send a state only when it changes: a day's limit keeps their pauses from being silences
      await setStaleAfter(
        t,
        ['st10', 'st20', 'st30'].map((m) => `${LINE1}/${m}`),
        86_400,
      );
    });
    afterAll(async () => t?.close());

    it('item 2: a failure across the shift change counts with its whole restoration time where it began; MTBF over FE + 1', async () => {
      const st10 = `${LINE1}/st10`;
      // Execute 06:00; breakdown Aborted 13:30–14:30 (60 min); Execute 14:30–22:00; Idle 22:00.
      // Early (06–14): APT = 7.5 h − lunch 0.5 h = 25 200 s; ADET 1800 s inside the shift; 1 failure (it began there)
      //   MTTR = whole restoration 3600 s (before: 1800 s, the part inside the shift); MTBF = AUPT / (FE + 1) = 12 600 s
      // Late (14–22): APT = 7.5 h − dinner 0.5 h = 25 200 s; no failure began there: MTTR null; MTBF = 25 200 / 1
      // Window 10:30–14:15: MTTR 3600 s (before: 2700 s)
      await submit(st10, [
        ['state', 'Execute', at('06:00')],
        ['state', 'Aborted', at('13:30')],
        ['state', 'Execute', at('14:30')],
        ['state', 'Idle', at('22:00')],
      ]);
      const early = await kpis(st10, at('06:00'), at('14:00'));
      expect(early.times).toMatchObject({ apt: 25200, adet: 1800, pbt: 27000 });
      expect(early.inputs).toMatchObject({ failures: 1, failureS: 1800, failureWholeS: 3600 });
      expect(early.mttr).toBe(3600);
      expect(early.mtbf).toBe(12600);
      const late = await kpis(st10, at('14:00'), at('22:00'));
      expect(late.inputs).toMatchObject({ failures: 0, failureS: 1800 });
      expect(late.mttr).toBeNull();
      expect(late.mtbf).toBe(25200);
      expect((await kpis(st10, at('10:30'), at('14:15'))).mttr).toBe(3600);
      const shifts = await kpis(st10, at('06:00'), at('22:00'), '&group=shift');
      expect(shifts.groups.map((g: { mttr: number | null }) => g.mttr)).toEqual([3600, null]);
      expect(shifts.mttr).toBe(3600);
      // the plant's convention: common-practice divisor FE
      await setProperties(
        st10,
        { idealCycleTime: { value: 12, unit: 's' }, mtbfDivisor: { value: 'failures' } },
        (k) => k.definitions.conventions.mtbfDivisor === 'failures',
      );
      const fe = await kpis(st10, at('06:00'), at('14:00'));
      expect(fe.mtbf).toBe(25200);
      expect(fe.definitions.formulas.mtbf).toBe('AUPT / failures');
      expect((await kpis(st10, at('14:00'), at('22:00'))).mtbf).toBeNull();
    });

    it('item 4: parts made during the lunch break are planned downtime like the break, not produced quantity', async () => {
      const st20 = `${LINE1}/st20`; // idealCycleTime 15 s
      // Execute 06:00–14:00 through lunch 11:30–12:00: PBT = APT = 27 000 s.
      // good counter 0 (06:00) → 1000 (11:00) → 1120 (11:45, in the break: 120 parts) → 1600 (13:59:59): PQ = 1000 + 480
      // Σ PRI × PQ = 1480 × 15 = 22 200 s: E = 22 200 / 27 000 = 0.822222; reduced speed 4800 s; fully productive 22 200 s.
      // (Before: PQ 1600, E 0.888889.)
      await submit(st20, [
        ['state', 'Execute', at('06:00')],
        ['good', 0, at('06:00')],
        ['good', 1000, at('11:00')],
        ['good', 1120, at('11:45')],
        ['good', 1600, at('13:59', 59)],
        ['state', 'Idle', at('14:00')],
      ]);
      const k = await kpis(st20, at('06:00'), at('14:00'));
      expect(k.times).toMatchObject({ pbt: 27000, apt: 27000, pdot: 1800 });
      expect(k.counts).toEqual({ pq: 1480, gq: 1480, sq: 0, rq: 0 });
      expect(k.inputs).toMatchObject({ pdotGood: 120, pdotScrap: 0, idealS: 22200 });
      expect(k.effectiveness).toBeCloseTo(0.822222, 6);
      expect(k.sixBigLosses).toMatchObject({ reducedSpeed: 4800, fullyProductive: 22200, breakdowns: 0, noData: 0 });
      const l = k.sixBigLosses;
      expect(
        l.breakdowns + l.setupAndAdjustment + l.idlingAndMinorStops + l.reducedSpeed + l.processDefects + l.reducedYield + l.fullyProductive + l.noData,
      ).toBe(27000);
    });

    it('item 5: maintenance mode and stops without an order follow the plant conventions', async () => {
      const st30 = `${LINE1}/st30`; // idealCycleTime 8 s
      // 06:00 Execute; 08:00–09:00 Stopped in Maintenance mode (a repair); 09:00 Execute in Production;
      // 10:00–10:30 Stopped with no order on the unit; 10:30–11:00 Execute; 11:00 Idle. Period 06:00–11:00 (no break).
      // good counter 0 (06:00) → 10 (08:30, in maintenance mode) → 30 (10:45).
      await submit(st30, [
        ['state', 'Execute', at('06:00')],
        ['good', 0, at('06:00')],
        ['mode', 'Maintenance', at('08:00')],
        ['state', 'Stopped', at('08:00')],
        ['good', 10, at('08:30')],
        ['mode', 'Production', at('09:00')],
        ['state', 'Execute', at('09:00')],
        ['state', 'Stopped', at('10:00')],
        ['state', 'Execute', at('10:30')],
        ['good', 30, at('10:45')],
        ['state', 'Idle', at('11:00')],
      ]);
      // Defaults (maintenance planned, stops unplanned with or without an order):
      // PDOT 3600 (maintenance), PBT 14 400, APT 12 600, ADET 1800 (one failure 10:00–10:30): A = 0.875, MTTR 1800;
      // the 10 parts of the maintenance hour are PDOT: PQ 20.
      const a = await kpis(st30, at('06:00'), at('11:00'));
      expect(a.times).toMatchObject({ pdot: 3600, pbt: 14400, apt: 12600, adet: 1800, adot: 0 });
      expect(a.inputs).toMatchObject({ failures: 1, pdotGood: 10 });
      expect(a.counts.pq).toBe(20);
      expect(a.availability).toBe(0.875);
      expect(a.mttr).toBe(1800);
      expect(a.definitions.conventions).toEqual({ maintenanceMode: 'planned', stopWithoutOrder: 'unplanned', mtbfDivisor: 'failuresPlusOne' });
      // maintenanceMode=unplanned, stopWithoutOrder=idle:
      // the repair is ADET (a 3600 s failure), the stop without an order is ADOT (no failure): PBT 18 000, APT 12 600,
      // ADET 3600, ADOT 1800: A = 0.7, failures 1, MTTR 3600; the maintenance hour's parts count: PQ 30.
      await setProperties(
        st30,
        { idealCycleTime: { value: 8, unit: 's' }, maintenanceMode: { value: 'unplanned' }, stopWithoutOrder: { value: 'idle' } },
        (k) => k.definitions.conventions.maintenanceMode === 'unplanned' && k.definitions.conventions.stopWithoutOrder === 'idle',
      );
      const b = await kpis(st30, at('06:00'), at('11:00'));
      expect(b.times).toMatchObject({ pdot: 0, pbt: 18000, apt: 12600, adet: 3600, adot: 1800 });
      expect(b.inputs).toMatchObject({ failures: 1, failureWholeS: 3600, pdotGood: 0 });
      expect(b.counts.pq).toBe(30);
      expect(b.availability).toBe(0.7);
      expect(b.mttr).toBe(3600);
      // the repair is in the stops list as a failure, the stop without an order is not
      const stops = await inject('GET', `/api/performance/stops?equipment=${encodeURIComponent(st30)}&from=${iso(at('06:00'))}&to=${iso(at('11:00'))}`);
      expect(stops.map((s: { start: string; durationS: number; kind: string }) => [s.start, s.durationS, s.kind])).toEqual([
        [iso(at('08:00')), 3600, 'failure'],
      ]);
    });
  });
}
