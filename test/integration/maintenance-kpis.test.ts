// GET /api/maintenance/kpis on PGlite and PostgreSQL, hand-checked: work hours by kind and the planned share,
// preventive compliance and the backlog from the work orders (their times set to a known past period), MTBF and MTTR
// from performance for a machine with one failure, the equipment scope, and a bounded fuzz of the query.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToUtc } from '../../src/plant/index.ts';
import { pastWeekday } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer, injectApi } from '../support/server.ts';
import { setStaleAfter } from '../support/stale.ts';
import { FAILURE_CODES } from '../support/maintenance.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const CELL = 'acme/lakeside/moulding/imm-cell1';
const ST20 = 'acme/lakeside/assembly/line1/st20';
const H = 3_600_000;
const D = 24 * H;
const FROM = Date.parse('2025-03-03T00:00:00Z');
const TO = FROM + 10 * D;

for (const kind of DB_KINDS) {
  describe(`maintenance KPIs on ${kind}`, () => {
    let t: TestServer;
    let tech: string;
    const iso = (ms: number) => new Date(ms).toISOString();
    const { call, ok } = injectApi(() => t);
    const open = async (equipment: string, kind: string, extra: Record<string, unknown> = {}) =>
      (await ok('POST', '/api/maintenance/work-orders', { equipment, kind, description: `${kind} work`, ...extra })).id as string;
    const moves = async (id: string, steps: Array<[string, Record<string, unknown>?]>) => {
      for (const [to, extra] of steps) {
        // a corrective order is done only with its failure codes (technician work); the codes do not touch the KPIs
        if (to === 'done') await ok('PUT', `/api/maintenance/work-orders/${id}/failure-codes`, FAILURE_CODES, tech);
        await ok('POST', `/api/maintenance/work-orders/${id}/status`, { to, ...extra }, tech);
      }
    };
    /** sets a work order's times (epoch ms) as if it had lived in the past */
    const times = (id: string, cols: Record<string, number | null>) =>
      t.sql(
        `UPDATE maintenance_work_orders SET ${Object.keys(cols)
          .map((c, i) => `${c} = $${i + 2}::timestamptz`)
          .join(', ')} WHERE id = $1`,
        [id, ...Object.values(cols).map((v) => (v === null ? null : iso(v)))],
      );
    const kpis = (q: string) => ok('GET', `/api/maintenance/kpis?${q}`);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      tech = await t.tokenFor(['maintenance']);
      const win = (d: number) => ({ plannedStart: iso(FROM + d * D + 6 * H), plannedEnd: iso(FROM + d * D + 8 * H) });
      // A: a 3 h repair on day 1
      ids.A = await open(IMM01, 'corrective');
      await moves(ids.A, [['in_progress'], ['done']]);
      await times(ids.A, { created_at: FROM + D, started_at: FROM + D + 8 * H, done_at: FROM + D + 11 * H });
      // its labour: 08:00–10:00 stopped for parts, 10:30–11:00 done (the MTTR split: 8 h waiting, 2.5 h repair, 0.5 h parts)
      for (const [s, e, reason] of [
        [8, 10, 'parts'],
        [10.5, 11, 'done'],
      ] as const)
        await t.sql('INSERT INTO maintenance_labour (work_order_id, technician, started_at, stopped_at, stop_reason) VALUES ($1, $2, $3, $4, $5)', [
          ids.A,
          'tom',
          iso(FROM + D + s * H),
          iso(FROM + D + e * H),
          reason,
        ]);
      // B: preventive on day 2, 06:00–08:00, done 07:30 (on time, 1.5 h)
      ids.B = await open(IMM01, 'preventive');
      await moves(ids.B, [['approved'], ['scheduled', win(2)], ['in_progress'], ['done']]);
      await times(ids.B, { created_at: FROM, started_at: FROM + 2 * D + 6 * H, done_at: FROM + 2 * D + 7.5 * H });
      // C: preventive on day 3, 06:00–08:00, done 09:00 (late, 3 h)
      ids.C = await open(IMM01, 'preventive');
      await moves(ids.C, [['approved'], ['scheduled', win(3)], ['in_progress'], ['done']]);
      await times(ids.C, { created_at: FROM, started_at: FROM + 3 * D + 6 * H, done_at: FROM + 3 * D + 9 * H });
      // D: preventive on day 4, never done: due, late and in the backlog (created 40 days ago)
      ids.D = await open(IMM01, 'preventive');
      await moves(ids.D, [['approved'], ['scheduled', win(4)]]);
      await times(ids.D, { created_at: Date.now() - 40 * D });
      // E: a requested repair estimated at 2 h, three days old
      ids.E = await open(IMM01, 'corrective', { estimateMinutes: 120 });
      await times(ids.E, { created_at: Date.now() - 3 * D });
      // F: on another machine, 1 h repair on day 5: only in the plant-wide figures
      ids.F = await open(ST20, 'corrective', { estimateMinutes: 30 });
      await moves(ids.F, [['in_progress'], ['done']]);
      await times(ids.F, { created_at: FROM + 5 * D, started_at: FROM + 5 * D, done_at: FROM + 5 * D + H });
    });
    afterAll(async () => t?.close());

    it('a machine: work hours, planned share, compliance and backlog as counted by hand', async () => {
      for (const equipment of [IMM01, CELL]) {
        const k = await kpis(`equipment=${encodeURIComponent(equipment)}&from=${iso(FROM)}&to=${iso(TO)}`);
        expect(k.workHours).toEqual({ preventive: 4.5, corrective: 3 });
        expect(k.plannedShare).toBe(0.6);
        expect(k.compliance).toEqual({ due: 3, onTime: 1, late: [ids.C, ids.D].sort(), ratio: 0.333 });
        expect(k.backlog).toMatchObject({ count: 2, estimatedHours: 2, withoutEstimate: 1, byKind: { preventive: 1, corrective: 1 } });
        expect(k.backlog.byAge.map((a: { count: number }) => a.count)).toEqual([0, 1, 0, 1]);
        // no machine data in 2025: no failures to build MTBF or MTTR on
        expect(k).toMatchObject({ mtbfH: null, mttrH: null });
        // where A's repair time went (from its request, without a stop): 480 min waiting, 150 repair, 30 for parts
        expect(k.mttrSplit).toEqual({ repairs: 1, meanMinutes: { total: 660, waitingForTechnician: 480, repair: 150, waitingForParts: 30, other: 0 } });
      }
      // the whole plant adds the other machine's repair
      const all = await kpis(`from=${iso(FROM)}&to=${iso(TO)}`);
      expect(all.equipment).toBeNull();
      expect(all.workHours).toEqual({ preventive: 4.5, corrective: 4 });
      expect(all.plannedShare).toBe(0.529);
      expect(all.backlog.count).toBe(2);
      // and F's hour without labour, all of it waiting: the mean of 660 and 60 minutes
      expect(all.mttrSplit).toEqual({ repairs: 2, meanMinutes: { total: 360, waitingForTechnician: 270, repair: 75, waitingForParts: 15, other: 0 } });
      // a period before any of it: no work, nothing due; the backlog is still today's
      const before = await kpis(`equipment=${encodeURIComponent(IMM01)}&from=${iso(FROM - 20 * D)}&to=${iso(FROM - 10 * D)}`);
      expect(before).toMatchObject({ workHours: { preventive: 0, corrective: 0 }, plannedShare: null, compliance: { due: 0, ratio: null } });
      expect(before.backlog.count).toBe(2);
      expect(before.mttrSplit).toEqual({ repairs: 0, meanMinutes: null });
    });

    it('MTBF and MTTR come from performance: one failure of an hour in a shift', async () => {
      // two-shift calendar (Europe/Berlin), Early 06:00–14:00, lunch 11:30–12:00: PBT 27 000 s, down 08:00–09:00
      await setStaleAfter(t, [ST20], 6 * 3600);
      const day = pastWeekday();
      const at = (hhmm: string) => localToUtc(day, hhmm, 'Europe/Berlin');
      const records = [
        ['06:00', 'Execute'],
        ['08:00', 'Aborted'],
        ['09:00', 'Execute'],
        ['13:00', 'Execute'],
        ['14:00', 'Execute'],
      ].map(([hhmm, value]) => ({ equipment: ST20, tag: 'state', ts: iso(at(hhmm)), value }));
      await ok('POST', '/api/ingest', { records });
      const k = await kpis(`equipment=${encodeURIComponent(ST20)}&from=${iso(at('06:00'))}&to=${iso(at('14:00'))}`);
      // MTTR 3600 s = 1 h; MTBF = AUPT / (failures + 1) = 23 400 s / 2 = 3.25 h
      expect(k).toMatchObject({ failures: 1, mttrH: 1, mtbfH: 3.25 });
    });

    it('refuses bad queries with a 400 naming the field, never a 500 (bounded fuzz)', async () => {
      const bad = [
        [`from=${iso(TO)}&to=${iso(FROM)}`, 'querystring.to'],
        [`from=${iso(FROM - 500 * D)}&to=${iso(FROM)}`, 'querystring.to'],
        ['equipment=acme/nowhere', 'querystring.equipment'],
        ['from=yesterday', 'from'],
        ['colour=red', ''],
      ] as const;
      for (const [q, field] of bad) {
        const r = await call('GET', `/api/maintenance/kpis?${q}`);
        expect(r.status, q).toBe(400);
        expect(JSON.stringify(r.body), q).toContain(field);
      }
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              from: fc.oneof(
                fc.string({ maxLength: 30 }),
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              ),
              to: fc.oneof(
                fc.string({ maxLength: 30 }),
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              ),
              equipment: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(IMM01, CELL, ST20)),
            },
            { requiredKeys: [] },
          ),
          async (q) => {
            const r = await call('GET', `/api/maintenance/kpis?${new URLSearchParams(q as Record<string, string>).toString()}`);
            expect([200, 400]).toContain(r.status);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
