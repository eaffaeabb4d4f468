// Silence judged on the data's own timestamps (issue #12 item 3): a hole in timestamped history — posted at once,
// posted out of order, or filled later by late values — is Unknown by the same rule as live data. And a machine's time
// before its commissioning (its first data, or its `commissionedAt` date) is not planned (item 6). Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToUtc } from '../../src/plant/index.ts';
import { pastWeekday } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { setStaleAfter } from '../support/stale.ts';

// calendar two-shift (Europe/Berlin): Early 06:00–14:00 with lunch 11:30–12:00 → POT 28 800 s, PDOT 1800 s, PBT 27 000 s
const ST20 = 'acme/lakeside/assembly/line1/st20';
const ST30 = 'acme/lakeside/assembly/line1/st30';
const ST10 = 'acme/lakeside/assembly/line1/st10';
// calendar three-shift: Early 06:00–14:00 with breaks 09:00–09:15 and 12:00–12:30
const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const IMM02 = 'acme/lakeside/moulding/imm-cell1/imm02';

for (const kind of DB_KINDS) {
  describe(`silences in timestamped history on ${kind}`, () => {
    let t: TestServer;
    const day = pastWeekday();
    const at = (hhmm: string) => localToUtc(day, hhmm, 'Europe/Berlin');
    const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
      const res = await t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    /** A heartbeat every 5 minutes: the state `Execute` again, from `a` to `b` inclusive (local hh:mm). */
    const heartbeats = (equipment: string, a: string, b: string) => {
      const out: Array<{ equipment: string; tag: string; ts: string; value: string }> = [];
      for (let ts = at(a); ts <= at(b); ts += 300_000) out.push({ equipment, tag: 'state', ts: new Date(ts).toISOString(), value: 'Execute' });
      return out;
    };
    const ingest = async (records: unknown[]) => {
      const r = await call('POST', '/api/ingest', { records });
      expect(r.results.every((x: { status: string }) => x.status === 'accepted')).toBe(true);
    };
    const early = (path: string) =>
      call(
        'GET',
        `/api/performance/kpis?equipment=${encodeURIComponent(path)}&from=${new Date(at('06:00')).toISOString()}&to=${new Date(at('14:00')).toISOString()}`,
      );

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      // the stale limit of the stations: 600 s (heartbeats every 300 s are not a silence)
      await setStaleAfter(t, [ST10, ST20, ST30], 600);
    });
    afterAll(async () => t?.close());

    it('a one-hour hole in history posted at once is Unknown: 3600 s, availability 0.867', async () => {
      // heartbeats 06:00–07:00 and 08:00–14:00, nothing from 07:00 to 08:00 (3600 s > 600 s): Unknown from the last
      // data (07:00) to the next (08:00). PBT 27 000; unknown 3600; APT 27 000 − 3600 = 23 400; A = 23 400 / 27 000
      await ingest([...heartbeats(ST30, '06:00', '07:00'), ...heartbeats(ST30, '08:00', '14:00')]);
      const k = await early(ST30);
      expect(k.times).toMatchObject({ pot: 28800, pdot: 1800, pbt: 27000, unknown: 3600, apt: 23400 });
      expect(k.availability).toBeCloseTo(23400 / 27000, 6);
      expect(k.availability).toBeCloseTo(0.867, 3);
      const states = await call(
        'GET',
        `/api/equipment/${encodeURIComponent(ST30)}/states?from=${new Date(at('06:00')).toISOString()}&to=${new Date(at('14:00')).toISOString()}`,
      );
      expect(
        states.filter((s: { state: string }) => s.state === 'Unknown').map((s: { start: string; end: string }) => [Date.parse(s.start), Date.parse(s.end)]),
      ).toEqual([[at('07:00'), at('08:00')]]);
    });

    it('the same hole posted out of order (the later part first) is found again when the history is rebuilt', async () => {
      await ingest(heartbeats(ST20, '08:00', '14:00'));
      await ingest(heartbeats(ST20, '06:00', '07:00')); // late: collect rebuilds from 06:00
      const k = await early(ST20);
      expect(k.times).toMatchObject({ pbt: 27000, unknown: 3600, apt: 23400 });
      expect(k.availability).toBeCloseTo(0.866667, 6);
    });

    it('late values that fill the hole remove the Unknown time', async () => {
      // store-and-forward delivers 07:05–07:55: every gap is now 300 s, within the limit
      await ingest(heartbeats(ST20, '07:05', '07:55'));
      const k = await early(ST20);
      expect(k.times).toMatchObject({ pbt: 27000, unknown: 0, apt: 27000 });
      expect(k.availability).toBe(1);
    });

    it("time before a machine's first data is not planned time, not even unknown", async () => {
      // st10 sends from 10:00 only. Early 06:00–14:00: POT = 10:00–14:00 = 14 400; PDOT = lunch 1800; PBT 12 600, all
      // running; the 4 hours before are outside (not unknown). Before: POT 28 800, unknown 14 400, A = 12 600 / 27 000.
      await ingest(heartbeats(ST10, '10:00', '14:00'));
      const k = await early(ST10);
      expect(k.times).toMatchObject({ pot: 14400, pdot: 1800, pbt: 12600, unknown: 0, apt: 12600 });
      expect(k.inputs.outside).toBe(14400);
      expect(k.availability).toBe(1);
    });

    it('a commissioning date in the plant model starts the planned time; a machine never commissioned has none', async () => {
      // imm01 commissioned at 08:00, no data since: POT 08:00–14:00 = 21 600, PDOT 09:00–09:15 + 12:00–12:30 = 2700,
      // PBT 18 900, all unknown, availability 0. imm02: no data and no date → no planned time, availability null.
      const eq = await call('GET', `/api/equipment/${encodeURIComponent(IMM01)}`);
      await call('PATCH', `/api/equipment/${eq.id}`, { properties: { ...eq.properties, commissionedAt: { value: new Date(at('08:00')).toISOString() } } });
      // in force when the PATCH answers (the master-data rule): no wait
      const k = await early(IMM01);
      expect(k.times).toMatchObject({ pot: 21600, pdot: 2700, pbt: 18900, unknown: 18900, apt: 0 });
      expect(k.inputs.outside).toBe(7200);
      expect(k.availability).toBe(0);
      const never = await early(IMM02);
      expect(never.times).toMatchObject({ pot: 0, pbt: 0, unknown: 0 });
      expect(never.inputs.outside).toBe(28800);
      expect(never.availability).toBeNull();
    });
  });
}
