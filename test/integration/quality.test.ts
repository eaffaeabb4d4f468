// Quality's first slice on PGlite and PostgreSQL: define characteristics, post measurements (a resend answers the same,
// bad records are refused with their reason), the SPC contract equals the engine on the same points (and a hand-worked
// I–MR case), frozen limits chart a later window, every quality route × every role, and a bounded fuzz of the batch.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../src/platform/auth/principal.ts';
import { ROLES } from '../../src/platform/http/guard.ts';
import { analyze, contractView, MEASURERS, QUALITY_EDITORS, type ControlLimits, type Measurement } from '../../src/quality/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const MIN = 60_000;

for (const kind of DB_KINDS) {
  describe(`quality on ${kind}`, () => {
    let t: TestServer;
    const tokens: Record<string, string> = {};
    // whole minutes ten days ago: every timestamp is exact in both databases
    const t0 = Math.floor((Date.now() - 10 * 86_400_000) / MIN) * MIN;
    const at = (i: number) => new Date(t0 + i * MIN).toISOString();
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
    };
    const define = async (c: Record<string, unknown>) => {
      const res = await call('POST', '/api/quality/characteristics', { name: `test ${c.id as string}`, product: 'HSG-TOP', ...c });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    const post = async (records: unknown[], token?: string) => {
      const res = await call('POST', '/api/quality/measurements', { records }, token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as {
        accepted: number;
        replayed: number;
        refused: number;
        results: Array<{ index: number; status: string; id?: number; replayed?: boolean; reason?: string }>;
      };
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      for (const role of ['admin', 'supervisor', 'operator', 'quality', 'maintenance']) tokens[role] = await t.tokenFor([role]);
      for (const role of ['integration', 'device']) {
        const res = await call('POST', '/api/tokens', { name: `${role}-q`, role });
        tokens[role] = res.body.token;
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    it('defines characteristics and refuses impossible definitions with 400', async () => {
      // a characteristic's gauge is one of the register (docs/quality.md "Gauges and calibration")
      expect(
        (await call('POST', '/api/quality/gauges', { id: 'C-12', name: 'caliper 150 mm', intervalDays: 365, lastCalibrated: at(0).slice(0, 10) })).status,
      ).toBe(201);
      const c = await define({
        id: 'WALL-1',
        kind: 'variable',
        chart: 'i-mr',
        unit: 'mm',
        nominal: 2,
        lsl: 1.8,
        usl: 2.2,
        operationSeq: 10,
        gauge: 'C-12',
      });
      expect(c).toMatchObject({
        id: 'WALL-1',
        kind: 'variable',
        chart: 'i-mr',
        subgroupSize: 1,
        ruleSet: 'nelson',
        rules: [1, 2, 3, 4, 5, 6, 7, 8],
        operationSeq: 10,
      });
      expect((await call('GET', '/api/quality/characteristics/WALL-1', undefined, tokens.operator)).body).toEqual(c);
      expect((await call('GET', '/api/quality/characteristics?product=HSG-TOP&kind=variable')).body.map((x: { id: string }) => x.id)).toContain('WALL-1');
      expect((await call('GET', '/api/quality/characteristics?kind=attribute')).body.map((x: { id: string }) => x.id)).not.toContain('WALL-1');
      expect(
        (await call('POST', '/api/quality/characteristics', { id: 'WALL-1', name: 'again', product: 'HSG-TOP', kind: 'variable', chart: 'i-mr' })).status,
      ).toBe(409);
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ kind: 'variable', chart: 'p' }, /variable characteristic/],
        [{ kind: 'attribute', chart: 'xbar-r', subgroupSize: 5 }, /attribute characteristic/],
        [{ kind: 'variable', chart: 'xbar-r', subgroupSize: 1 }, /at least 2/],
        [{ kind: 'variable', chart: 'xbar-r', subgroupSize: 30 }, /xbar-s/],
        [{ kind: 'variable', chart: 'i-mr', subgroupSize: 3 }, /subgroupSize is 1/],
        [{ kind: 'variable', chart: 'i-mr', lsl: 3, usl: 2 }, /LSL must be below USL/],
        [{ kind: 'attribute', chart: 'p', usl: 2 }, /variable characteristics/],
        [{ kind: 'variable', chart: 'i-mr', ruleSet: 'western-electric', rules: [1, 5] }, /not 5/],
        [{ kind: 'variable', chart: 'i-mr', product: 'NO-SUCH' }, /does not exist/],
        [{ kind: 'variable', chart: 'i-mr', operationSeq: 99 }, /no operation 99/],
      ];
      for (const [def, why] of bad) {
        const res = await call('POST', '/api/quality/characteristics', { id: 'BAD-1', name: 'bad', product: 'HSG-TOP', ...def });
        expect(res.status, JSON.stringify(def)).toBe(400);
        expect(res.body.error.message, JSON.stringify(def)).toMatch(why);
      }
      expect((await call('GET', '/api/quality/characteristics/BAD-1')).status).toBe(404);
    });

    it('stores a batch, answers a resend the same without a duplicate, refuses bad records with their reason', async () => {
      await define({ id: 'DIA-R', kind: 'variable', chart: 'xbar-r', subgroupSize: 3 });
      await define({ id: 'DEF-P', kind: 'attribute', chart: 'p' });
      await define({ id: 'DEF-C', kind: 'attribute', chart: 'c' });
      const good = [
        { key: 'k1', characteristic: 'DIA-R', ts: at(1), value: 5.01, subgroup: 'S1', orderId: 'DEMO-1001', lot: 'L-1' },
        { key: 'k2', characteristic: 'DEF-P', ts: at(1), defectives: 2, n: 50 },
        { key: 'k3', characteristic: 'DEF-C', ts: at(1), defects: 4, source: 'lab' },
      ];
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ key: 'b1', characteristic: 'NOPE', value: 1 }, /does not exist/],
        [{ key: 'b2', characteristic: 'DIA-R', value: null, subgroup: 'S1' }, /finite number/],
        [{ key: 'b3', characteristic: 'DIA-R', value: 'NaN', subgroup: 'S1' }, /finite number/],
        [{ key: 'b4', characteristic: 'DIA-R', value: 1e300, subgroup: 'S1' }, /beyond/],
        [{ key: 'b5', characteristic: 'DEF-P', defectives: 51, n: 50 }, /cannot exceed/],
        [{ key: 'b6', characteristic: 'DEF-P', value: 3 }, /does not belong/],
        [{ key: 'b7', characteristic: 'DIA-R', defects: 3, subgroup: 'S1' }, /does not belong/],
        [{ key: 'b8', characteristic: 'DEF-C', defects: 1.5 }, /whole number/],
        [{ key: 'b9', characteristic: 'DIA-R', value: 5 }, /subgroup is required/],
        [{ characteristic: 'DEF-C', defects: 1 }, /key/],
        [{ key: 'b10', characteristic: 'DEF-C', defects: 1, ts: 'yesterday' }, /ISO 8601/],
        [{ key: 'b11', characteristic: 'DEF-C', defects: 1, colour: 'red' }, /unknown field/],
        [{ key: 'k2', characteristic: 'DEF-P', ts: at(1), defectives: 3, n: 50 }, /already names another measurement/],
      ];
      const first = await post([...good, ...bad.map(([r]) => r)]);
      expect(first.results.map((r) => r.index)).toEqual([...good, ...bad].map((_, i) => i));
      expect(first.results.slice(0, 3).every((r) => r.status === 'accepted' && typeof r.id === 'number' && !r.replayed)).toBe(true);
      bad.forEach(([, why], i) => {
        const r = first.results[good.length + i];
        expect(r.status, JSON.stringify(bad[i][0])).toBe('refused');
        expect(r.reason, JSON.stringify(bad[i][0])).toMatch(why);
      });
      expect([first.accepted, first.refused]).toEqual([3, bad.length]);
      const again = await post([...good, ...bad.map(([r]) => r)]);
      expect(again.results.map((r) => [r.status, r.id, r.reason])).toEqual(first.results.map((r) => [r.status, r.id, r.reason]));
      expect(again.results.slice(0, 3).every((r) => r.replayed)).toBe(true);
      expect([again.accepted, again.replayed]).toEqual([0, 3]);
      const [{ n }] = (await t.sql("SELECT count(*)::int AS n FROM quality_measurements WHERE idem_key IN ('k1', 'k2', 'k3')")) as Array<{ n: number }>;
      expect(n).toBe(3);
      // the same key from another source is another measurement; a measured characteristic keeps its chart and stays
      expect((await post([{ ...good[1], source: 'lab' }])).results[0]).toMatchObject({ status: 'accepted' });
      expect((await call('PATCH', '/api/quality/characteristics/DEF-P', { chart: 'np' })).status).toBe(409);
      expect((await call('PATCH', '/api/quality/characteristics/DEF-P', { name: 'Defective housings', reason: 'clearer' })).body.name).toBe(
        'Defective housings',
      );
      expect((await call('DELETE', '/api/quality/characteristics/DEF-P')).status).toBe(409);
      await define({ id: 'UNUSED', kind: 'attribute', chart: 'c' });
      expect((await call('DELETE', '/api/quality/characteristics/UNUSED?reason=typo')).status).toBe(204);
      expect((await call('GET', '/api/quality/characteristics/UNUSED')).status).toBe(404);
      expect((await call('POST', '/api/quality/measurements', { records: Array.from({ length: 1001 }, () => ({})) })).status).toBe(400);
      // an X̄–R subgroup of 3 takes 3 values (k1 is already in S1): the fourth is refused, on a resend too
      const s1 = [2, 3, 4].map((i) => ({ key: `s1-${i}`, characteristic: 'DIA-R', ts: at(i), value: 5 + i / 100, subgroup: 'S1' }));
      for (let round = 0; round < 2; round++) {
        const full = await post(s1);
        expect(full.results.map((x) => x.status)).toEqual(['accepted', 'accepted', 'refused']);
        expect(full.results[2].reason).toMatch(/subgroup S1 of DIA-R already holds its 3 values/);
      }
    });

    it('answers a hand-worked I–MR case exactly as the formulas give it', async () => {
      await define({ id: 'IMR-HAND', kind: 'variable', chart: 'i-mr', lsl: 6, usl: 17 });
      const values = [10, 12, 11, 13, 9];
      await post(values.map((value, i) => ({ key: `h${i}`, characteristic: 'IMR-HAND', ts: at(100 + i), value })));
      const res = await call('GET', `/api/quality/characteristics/IMR-HAND/spc?from=${at(100)}&to=${at(104)}`);
      expect(res.status).toBe(200);
      expect(res.headers['x-takt-limits']).toBe('window');
      // x̄ = 55/5 = 11; moving ranges 2, 1, 2, 4 → MR̄ = 2.25, σ̂ = 2.25/1.128; s² = (1+1+0+4+4)/4 = 2.5
      const sigma = 2.25 / 1.128;
      const s = Math.sqrt(2.5);
      const b = res.body;
      expect(Object.keys(b).sort()).toEqual(['centerLine', 'chart', 'cp', 'cpk', 'lcl', 'points', 'pp', 'ppk', 'ucl', 'violations']);
      expect(b.chart).toBe('i-mr');
      expect(b.centerLine).toBeCloseTo(11, 12);
      expect(b.ucl).toBeCloseTo(11 + 3 * sigma, 12);
      expect(b.lcl).toBeCloseTo(11 - 3 * sigma, 12);
      expect(b.cp).toBeCloseTo(11 / (6 * sigma), 12);
      expect(b.cpk).toBeCloseTo(5 / (3 * sigma), 12);
      expect(b.pp).toBeCloseTo(11 / (6 * s), 12);
      expect(b.ppk).toBeCloseTo(5 / (3 * s), 12);
      expect(b.points).toEqual(values.map((value, i) => ({ ts: at(100 + i), value })));
      expect(b.violations).toEqual([]);
      // the window's edges are inclusive; a window with nothing in it has no limits and no points
      expect((await call('GET', `/api/quality/characteristics/IMR-HAND/spc?from=${at(101)}&to=${at(103)}`)).body.points).toHaveLength(3);
      expect((await call('GET', `/api/quality/characteristics/IMR-HAND/spc?from=${at(200)}&to=${at(300)}`)).body).toMatchObject({
        centerLine: null,
        ucl: null,
        points: [],
        cpk: null,
      });
      for (const q of [`from=${at(104)}&to=${at(100)}`, 'from=yesterday', `to=${encodeURIComponent('2026-13-45T99:00:00Z')}`])
        expect((await call('GET', `/api/quality/characteristics/IMR-HAND/spc?${q}`)).status, q).toBe(400);
      expect((await call('GET', `/api/quality/characteristics/NOPE/spc?from=${at(0)}&to=${at(1)}`)).status).toBe(404);
      // the page's view states the sigmas behind those figures and carries the MR chart; with no limits, only points
      const view = (await call('GET', `/api/quality/characteristics/IMR-HAND/chart?from=${at(100)}&to=${at(104)}`)).body;
      expect(view.limits).toBe('window');
      expect(view.detail.capability).toMatchObject({ withinMethod: 'MR̄/1.128', n: 5, mean: 11 });
      expect(view.detail.capability.sigmaWithin).toBeCloseTo(sigma, 12);
      expect(view.detail.capability.sigmaOverall).toBeCloseTo(s, 12);
      expect(view.detail.secondary.chart).toBe('mr');
      expect(view.detail.secondary.points.map((p: { value: number | null }) => p.value)).toEqual([null, 2, 1, 2, 4]);
      expect(view.detail.histogram.bins.reduce((n: number, bin: { count: number }) => n + bin.count, 0)).toBe(5);
      const empty = (await call('GET', `/api/quality/characteristics/IMR-HAND/chart?from=${at(200)}&to=${at(300)}`)).body;
      expect(empty).toMatchObject({ limits: null, frozen: null, detail: null, contract: { points: [], centerLine: null } });
    });

    it('equals the engine on the same points, freezes limits from a baseline, and charts a later window with them', async () => {
      await define({ id: 'DIA-X', kind: 'variable', chart: 'xbar-r', subgroupSize: 4, lsl: 9, usl: 11, ruleSet: 'western-electric' });
      // a drifting process: 25 subgroups of 4, a shift after the 15th
      const ms: Measurement[] = [];
      for (let g = 0; g < 25; g++)
        for (let j = 0; j < 4; j++)
          ms.push({
            ts: at(1000 + g * 10 + j),
            value: Math.round((10 + Math.sin(g * 7 + j * 3) * 0.2 + (g >= 15 ? 0.35 : 0)) * 1000) / 1000,
            subgroup: `G${g}`,
          });
      const r = await post(ms.map((m, i) => ({ key: `x${i}`, characteristic: 'DIA-X', ...m })));
      expect(r.accepted).toBe(100);
      const rules = { ruleSet: 'western-electric' as const, rules: [1, 2, 3, 4] };
      const spec = { lsl: 9, usl: 11 };
      const win = (a: number, b: number) => `from=${at(a)}&to=${at(b)}`;
      const whole = await call('GET', `/api/quality/characteristics/DIA-X/spc?${win(1000, 1300)}`);
      expect(whole.body).toEqual(contractView(analyze({ chart: 'xbar-r', subgroupSize: 4 }, ms, { rules, spec })));
      expect(whole.body.violations.length).toBeGreaterThan(0);
      // baseline: the first 15 subgroups; too short a baseline gives no limits (409)
      expect((await call('POST', '/api/quality/characteristics/DIA-X/limits', { from: at(2000), to: at(2100), reason: 'empty' })).status).toBe(409);
      expect((await call('POST', '/api/quality/characteristics/DIA-X/limits', { from: at(1100), to: at(1000), reason: 'backwards' })).status).toBe(400);
      expect(
        (await call('POST', '/api/quality/characteristics/DIA-X/limits', { from: at(1000), to: at(1150), reason: 'phase I' }, tokens.operator)).status,
      ).toBe(403);
      const frozen = await call('POST', '/api/quality/characteristics/DIA-X/limits', { from: at(1000), to: at(1149), reason: 'phase I' }, tokens.quality);
      expect(frozen.status, JSON.stringify(frozen.body)).toBe(201);
      expect(frozen.body).toMatchObject({ version: 1, reason: 'phase I', limits: { chart: 'xbar-r', subgroupSize: 4, baseline: { points: 15, values: 60 } } });
      const limits = frozen.body.limits as ControlLimits;
      const later = await call('GET', `/api/quality/characteristics/DIA-X/spc?${win(1150, 1300)}`);
      expect(later.headers['x-takt-limits']).toBe('frozen; version=1');
      const laterData = ms.filter((m) => Date.parse(m.ts) >= Date.parse(at(1150)));
      expect(later.body).toEqual(contractView(analyze({ chart: 'xbar-r', subgroupSize: 4 }, laterData, { limits, rules, spec })));
      // not the limits the later window would give itself
      expect(later.body.centerLine).toBeCloseTo(limits.center, 12);
      expect(later.body.centerLine).not.toBeCloseTo(contractView(analyze({ chart: 'xbar-r', subgroupSize: 4 }, laterData, { rules, spec })).centerLine!, 3);
      // audited, and the history lists it; a second freeze is version 2 and takes over
      const audit = (await t.sql("SELECT action, reason FROM audit_log WHERE entity = 'quality_limits' AND entity_id = 'DIA-X/1'")) as Array<{
        action: string;
        reason: string;
      }>;
      expect(audit).toEqual([{ action: 'freeze-limits', reason: 'phase I' }]);
      await call('POST', '/api/quality/characteristics/DIA-X/limits', { from: at(1000), to: at(1300), reason: 'all of it' });
      const history = (await call('GET', '/api/quality/characteristics/DIA-X/limits', undefined, tokens.operator)).body;
      expect(history.map((h: { version: number }) => h.version)).toEqual([2, 1]);
      expect((await call('GET', `/api/quality/characteristics/DIA-X/spc?${win(1150, 1300)}`)).headers['x-takt-limits']).toBe('frozen; version=2');
      // a window cutting a subgroup down to one value leaves that subgroup out rather than failing the chart
      const cut = await call('GET', `/api/quality/characteristics/DIA-X/spc?${win(1003, 1300)}`);
      expect(cut.status).toBe(200);
      expect(cut.body.points[0].subgroup).toBe('G1');
      // the SPC page's view of any window is the same analysis: its contract is the spc route's answer to the byte, its
      // detail the engine's report against the newest frozen limits, capability with the sigma the chart used
      const v2 = (history[0] as { limits: ControlLimits }).limits;
      for (const [a, b] of [
        [1000, 1300],
        [1150, 1300],
        [1003, 1300],
        [1290, 1300],
        [2000, 2100],
      ]) {
        const spc = await call('GET', `/api/quality/characteristics/DIA-X/spc?${win(a, b)}`);
        const view = await call('GET', `/api/quality/characteristics/DIA-X/chart?${win(a, b)}`, undefined, tokens.maintenance);
        expect(view.status, JSON.stringify(view.body)).toBe(200);
        expect(view.body.contract, `${a}…${b}`).toEqual(spc.body);
        const inWindow = ms.filter((m) => Date.parse(m.ts) >= Date.parse(at(a)) && Date.parse(m.ts) <= Date.parse(at(b)));
        const sizes = new Map<unknown, number>();
        for (const m of inWindow) sizes.set(m.subgroup, (sizes.get(m.subgroup) ?? 0) + 1);
        const report = analyze(
          { chart: 'xbar-r', subgroupSize: 4 },
          inWindow.filter((m) => sizes.get(m.subgroup)! >= 2),
          { limits: v2, rules, spec },
        );
        expect(view.body.detail).toEqual({
          centerLine: report.centerLine,
          ucl: report.ucl,
          lcl: report.lcl,
          points: report.points,
          secondary: report.secondary,
          violations: report.violations.map(({ rule, chart, index, ts }) => ({ rule, chart, index, ts })),
          pending: report.pending,
          capability: report.capability,
          histogram: report.histogram,
        });
        expect(view.body).toMatchObject({ limits: 'frozen', frozen: { version: 2, reason: 'all of it' }, window: { from: at(a), to: at(b) } });
        expect(view.body.rules.map((r: { rule: number }) => r.rule)).toEqual([1, 2, 3, 4]);
      }
      expect((await call('GET', `/api/quality/characteristics/DIA-X/chart?${win(1300, 1000)}`)).status).toBe(400);
      expect((await call('GET', `/api/quality/characteristics/NOPE/chart?${win(1000, 1300)}`)).status).toBe(404);
    });

    it('lists characteristics by worst Cpk with the last 24 hours of violations', async () => {
      await define({ id: 'OV-GOOD', kind: 'variable', chart: 'i-mr', lsl: 0, usl: 100 });
      await define({ id: 'OV-BAD', kind: 'variable', chart: 'i-mr', lsl: 9, usl: 11 });
      const now = Date.now();
      const recent = (i: number) => new Date(now - (60 - i) * MIN).toISOString();
      const vals = [10, 10.5, 9.6, 10.2, 9.9, 10.4, 9.7, 10.1, 10, 15];
      await post(
        vals.flatMap((v, i) => [
          { key: `og${i}`, characteristic: 'OV-GOOD', ts: recent(i), value: 50 + (v - 10) },
          { key: `ob${i}`, characteristic: 'OV-BAD', ts: recent(i), value: v },
        ]),
      );
      const rows = (await call('GET', '/api/quality/overview', undefined, tokens.maintenance)).body as Array<{
        id: string;
        cpk: number | null;
        violations24h: number;
        points: number;
      }>;
      const ids = rows.map((r) => r.id);
      expect(ids.indexOf('OV-BAD')).toBeLessThan(ids.indexOf('OV-GOOD'));
      const bad = rows.find((r) => r.id === 'OV-BAD')!;
      expect(bad.points).toBe(10);
      expect(bad.violations24h).toBeGreaterThan(0);
      // ordered: every Cpk before the nulls, ascending
      const cpks = rows.map((r) => r.cpk ?? Infinity);
      expect(cpks).toEqual([...cpks].sort((a, b) => a - b));
    });

    it('lets every role call exactly the quality routes its policy allows', async () => {
      // the gauges, skills, nonconformance and CAPA routes have their own role tables (quality-people, ncr tests)
      const routes = t.app.routes.filter((r) => r.url.startsWith('/api/quality/') && !/^\/api\/quality\/(gauges|skills|people|ncrs|capas)\b/.test(r.url));
      expect(routes.length).toBe(23 + 10); // the tenth of the later ones: GET /api/quality/machine-tags
      const policy = (method: string, url: string) => (method === 'GET' ? ROLES.anyone : url === '/api/quality/measurements' ? MEASURERS : QUALITY_EDITORS);
      for (const r of routes) {
        expect([...(r.roles ?? [])].sort(), `${r.method} ${r.url}`).toEqual([...policy(r.method, r.url)].sort());
        for (const role of ALL_ROLES) {
          // an unknown id or an empty body: allowed callers get 400/404, the others 403
          const res = await call(
            r.method,
            r.url.replace(':id', 'NO-SUCH').replace(':product', 'NO-SUCH').replace(':lotId', 'NO-SUCH'),
            r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
            tokens[role],
          );
          const allowed = (r.roles ?? []).includes(role);
          expect(res.status === 403, `${role} ${r.method} ${r.url} → ${res.status}`).toBe(!allowed);
          expect(res.status, `${role} ${r.method} ${r.url}`).toBeLessThan(500);
        }
      }
    });

    it('answers any batch record by record, and a resend identically (bounded fuzz)', async () => {
      await define({ id: 'FZ-I', kind: 'variable', chart: 'i-mr' });
      await define({ id: 'FZ-U', kind: 'attribute', chart: 'u' });
      let run = 0;
      const field = fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.double(),
        fc.integer({ min: -5, max: 60 }),
        fc.string({ maxLength: 8 }),
        fc.constant(Number.NaN),
        fc.boolean(),
      );
      const record = fc.record(
        {
          key: fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant(undefined)),
          characteristic: fc.constantFrom('FZ-I', 'FZ-U', 'NOPE', undefined),
          value: field,
          defects: field,
          n: field,
          ts: fc.oneof(
            fc.constant(undefined),
            fc.integer({ min: 0, max: 500 }).map((i) => at(5000 + i)),
            fc.string({ maxLength: 10 }),
          ),
          source: fc.constantFrom(undefined, 'manual', 'lab', 'robot'),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(record, fc.constant(null), fc.integer()), { minLength: 1, maxLength: 25 }), async (records) => {
          run++;
          // keys of one run are its own, so runs do not answer each other's
          const batch = records.map((r) => (r && typeof r === 'object' && typeof r.key === 'string' ? { ...r, key: `${run}:${r.key}` } : r));
          const res = await call('POST', '/api/quality/measurements', { records: batch });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          const out = res.body as Awaited<ReturnType<typeof post>>;
          expect(out.results.map((r) => r.index)).toEqual(batch.map((_, i) => i));
          for (const r of out.results) expect(r.status === 'accepted' ? typeof r.id === 'number' : typeof r.reason === 'string').toBe(true);
          const again = (await call('POST', '/api/quality/measurements', { records: batch })).body as typeof out;
          expect(again.results.map((r) => [r.status, r.id, r.reason])).toEqual(out.results.map((r) => [r.status, r.id, r.reason]));
          expect(again.accepted).toBe(0);
        }),
        { numRuns: 15, seed: 15 },
      );
      // whatever was stored charts without a server error
      for (const id of ['FZ-I', 'FZ-U'])
        expect((await call('GET', `/api/quality/characteristics/${id}/spc?from=${at(4000)}&to=${at(6000)}`)).status).toBeLessThan(500);
    });
  });
}
