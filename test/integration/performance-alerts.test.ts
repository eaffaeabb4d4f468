// Early warning end to end on PGlite and PostgreSQL: rules on KPIs, states and the scrap trend raise an alert once
// per episode, keep it while the value sits inside the hysteresis band, clear it when the condition ends (also after
// late data rewrote the history), let a person acknowledge it, and publish every change on the live stream; alerts of
// other modules (the ExternalAlerts port) are stored and listed with their source and cleared only by their module.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { PerformanceModule } from '../../src/performance/index.ts';
import type { EventMap } from '../../src/platform/events.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';
import { setStaleAfter } from '../support/stale.ts';

const SITE = 'acme/pilot'; // a site without a shift calendar: planned around the clock, so "now" is always planned
const M1 = `${SITE}/pl1/m1`;
const M2 = `${SITE}/pl1/m2`;
const MIN = 60_000;

type Alert = {
  id: string;
  ruleId: string;
  path: string;
  open: boolean;
  value: number;
  message: string;
  clearedAt: string | null;
  acknowledgedBy: string | null;
};

for (const kind of DB_KINDS) {
  describe(`performance alerts on ${kind}`, () => {
    let t: TestServer;
    let t0 = 0; // set once the server runs: the histories below are relative to it
    const events: Array<EventMap['performance.alert']> = [];
    const rules: Record<string, string> = {};
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, token = t.adminToken) =>
      t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
    const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const res = await call(method, url, payload);
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.statusCode === 204 ? undefined : res.json();
    };
    const submit = (path: string, values: Array<[string, number | string, number]>) =>
      t.collect.pipeline.submit({
        rejections: [],
        observations: values.map(([tag, value, ts]) => ({
          source: { protocol: 'test', client: 'alerts-test' },
          topic: `test/${tag}`,
          equipmentPath: path,
          tag,
          value,
          ts,
          receivedAt: Date.now(),
        })),
      });
    const alerts = async (query = ''): Promise<Alert[]> => ok('GET', `/api/performance/alerts${query}`);
    const rule = (name: string, body: Record<string, unknown>) => ({ name, equipment: SITE, ...body });

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: true });
      t.app.ctx.events.subscribe('performance.alert', (e) => events.push(e));
      const list = (await ok('GET', '/api/equipment')) as Array<{ id: string; path: string }>;
      const acme = list.find((e) => e.path === 'acme')!;
      const site = await ok('POST', '/api/equipment', { parentId: acme.id, extId: 'pilot', level: 'site', name: 'Pilot plant' });
      const line = await ok('POST', '/api/equipment', { parentId: site.id, extId: 'pl1', level: 'line', name: 'Pilot line' });
      for (const m of ['m1', 'm2']) await ok('POST', '/api/equipment', { parentId: line.id, extId: m, level: 'machine', name: m.toUpperCase() });
      // the new machines are in force in collect and performance when the POST answers (platform/master-data.ts)
      // the histories below send a state only when it changes: a day's limit keeps their pauses from being silences
      await setStaleAfter(t, [M1, M2], 86_400);
      t0 = Date.now();
    });
    afterAll(async () => t?.close());

    it('raises one alert per episode and rule, with the value and threshold', async () => {
      // m1: Execute from t0 − 90 min, Held (down) since t0 − 30 min → availability of the last hour 30 / 60 = 0.5
      // m2: runs; 98 good + 2 scrap in t0 − 60…−30 min (2 %), 100 good + 10 scrap in the last 30 min (9.09 %): +7.09 points
      await submit(M1, [
        ['state', 'Execute', t0 - 90 * MIN],
        ['state', 'Held', t0 - 30 * MIN],
      ]);
      await submit(M2, [
        ['state', 'Execute', t0 - 70 * MIN],
        ['good', 0, t0 - 65 * MIN],
        ['scrap', 0, t0 - 65 * MIN],
        ['good', 98, t0 - 45 * MIN],
        ['scrap', 2, t0 - 45 * MIN],
        ['good', 198, t0 - 10 * MIN],
        ['scrap', 12, t0 - 10 * MIN],
      ]);
      rules.avail = (
        await ok(
          'POST',
          '/api/performance/alert-rules',
          rule('Availability low', { kind: 'kpi_below', metric: 'availability', threshold: 0.85, hysteresis: 0.02, windowS: 3600 }),
        )
      ).id;
      rules.down = (
        await ok(
          'POST',
          '/api/performance/alert-rules',
          rule('Down > 10 min', { kind: 'state_longer_than', state: 'adet', threshold: 600, severity: 'critical', equipment: M1 }),
        )
      ).id;
      rules.scrap = (await ok('POST', '/api/performance/alert-rules', rule('Scrap rising', { kind: 'scrap_rising', threshold: 0.05, windowS: 1800 }))).id;
      rules.off = (
        await ok('POST', '/api/performance/alert-rules', rule('Disabled', { kind: 'kpi_below', metric: 'availability', threshold: 0.99, enabled: false }))
      ).id;
      await ok('POST', '/api/performance/alerts/evaluate');
      await ok('POST', '/api/performance/alerts/evaluate'); // the same episode: nothing new
      const open = await alerts();
      expect(
        open
          .map((a) => `${a.ruleId === rules.avail ? 'avail' : a.ruleId === rules.down ? 'down' : a.ruleId === rules.scrap ? 'scrap' : 'other'}@${a.path}`)
          .sort(),
      ).toEqual([`avail@${M1}`, `down@${M1}`, `scrap@${M2}`]);
      const avail = open.find((a) => a.ruleId === rules.avail)!;
      expect(avail.value).toBeCloseTo(0.5, 2); // a few seconds pass between t0 and the evaluation
      expect(avail.message).toMatch(/^acme\/pilot\/pl1\/m1: Availability (49\.\d|50\.0) % < 85\.0 % over the last 1 h$/);
      expect(open.find((a) => a.ruleId === rules.scrap)!.value).toBeCloseTo(10 / 110 - 0.02, 6);
      expect(open.find((a) => a.ruleId === rules.down)!.value).toBeGreaterThan(1800);
      expect(await t.sql('SELECT count(*)::int AS n FROM perf_alerts')).toEqual([{ n: 3 }]);
      expect(events.filter((e) => e.state === 'raised')).toHaveLength(3);
      // filters
      expect((await alerts(`?equipment=${encodeURIComponent(M2)}`)).map((a) => a.ruleId)).toEqual([rules.scrap]);
      expect((await alerts('?severity=critical')).map((a) => a.ruleId)).toEqual([rules.down]);
      expect(await alerts(`?ruleId=${rules.avail}`)).toHaveLength(1);
    });

    it('acknowledges by a person (audited, once) and streams the change live', async () => {
      const res = await fetch(`${t.url}/api/performance/alerts/stream`, { headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const until = async (pattern: RegExp) => {
        while (!pattern.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      };
      await until(/event: snapshot\ndata: \[.*\]\n\n/);
      const down = (await alerts(`?ruleId=${rules.down}`))[0];
      const supervisor = await t.tokenFor(['supervisor']);
      const acked = await call('POST', `/api/performance/alerts/${down.id}/acknowledge`, undefined, supervisor);
      expect(acked.json()).toMatchObject({ acknowledgedBy: expect.any(String), open: true });
      await until(/event: alert\ndata: \{[^\n]*"state":"acknowledged"/);
      await reader.cancel();
      expect((await call('POST', `/api/performance/alerts/${down.id}/acknowledge`)).statusCode).toBe(409);
      expect((await call('POST', '/api/performance/alerts/00000000-0000-4000-8000-000000000000/acknowledge')).statusCode).toBe(404);
      const audit = await t.sql(`SELECT action, entity_id AS id FROM audit_log WHERE entity = 'alert'`);
      expect(audit).toEqual([{ action: 'acknowledge', id: down.id }]);
    });

    it('keeps an alert inside the hysteresis band and clears it when the condition ends, also after late data', async () => {
      // m1 resumes at t0 − 22 min: down 8 min of the last hour → availability 52 / 60 = 0.866667: above 85 % but not
      // above 85 % + 2 points → the availability alert stays open; the machine is no longer down → that alert clears
      await submit(M1, [['state', 'Execute', t0 - 22 * MIN]]);
      await ok('POST', '/api/performance/alerts/evaluate');
      let open = await alerts();
      expect(open.map((a) => a.ruleId).sort()).toEqual([rules.avail, rules.scrap].sort());
      // late data: the stop really ended at t0 − 29 min (collect rebuilds the intervals) → 59 / 60 = 0.983: cleared
      await submit(M1, [['state', 'Execute', t0 - 29 * MIN]]);
      await ok('POST', '/api/performance/alerts/evaluate');
      open = await alerts();
      expect(open.map((a) => a.ruleId)).toEqual([rules.scrap]);
      const all = await alerts('?status=all');
      expect(all).toHaveLength(3);
      expect(
        all
          .filter((a) => a.clearedAt !== null)
          .map((a) => a.ruleId)
          .sort(),
      ).toEqual([rules.avail, rules.down].sort());
      expect(
        events
          .filter((e) => e.state === 'cleared')
          .map((e) => e.ruleId)
          .sort(),
      ).toEqual([rules.avail, rules.down].sort());
    });

    it('a disabled rule ends its episode; a new episode is a new alert; rules are validated and guarded', async () => {
      const body = rule('Scrap rising', { kind: 'scrap_rising', threshold: 0.05, windowS: 1800, enabled: false });
      await ok('PUT', `/api/performance/alert-rules/${rules.scrap}`, body);
      await ok('POST', '/api/performance/alerts/evaluate');
      expect(await alerts()).toEqual([]);
      await ok('PUT', `/api/performance/alert-rules/${rules.scrap}`, { ...body, enabled: true });
      await ok('POST', '/api/performance/alerts/evaluate');
      expect((await alerts()).map((a) => a.ruleId)).toEqual([rules.scrap]);
      expect(await t.sql(`SELECT count(*)::int AS n FROM perf_alerts WHERE rule_id = $1`, [rules.scrap])).toEqual([{ n: 2 }]);
      // deleting a rule deletes its alerts
      await ok('DELETE', `/api/performance/alert-rules/${rules.avail}`);
      expect((await alerts('?status=all')).some((a) => a.ruleId === rules.avail)).toBe(false);
      expect((await ok('GET', '/api/performance/alert-rules')).map((r: { name: string; equipment: { path: string } }) => [r.name, r.equipment.path])).toEqual([
        ['Disabled', SITE],
        ['Down > 10 min', M1],
        ['Scrap rising', SITE],
      ]);
      const bad = [
        rule('x', { kind: 'kpi_below', threshold: 0.8 }), // no metric
        rule('x', { kind: 'state_longer_than', threshold: 600 }), // no state
        rule('x', { kind: 'kpi_above', metric: 'scrap_ratio', threshold: 0.05, windowS: 10 }), // window too short
      ];
      for (const b of bad) expect((await call('POST', '/api/performance/alert-rules', b)).statusCode).toBe(400);
      expect(
        (await call('POST', '/api/performance/alert-rules', rule('x', { kind: 'kpi_below', metric: 'oee', threshold: 0.6, equipment: 'nope' }))).statusCode,
      ).toBe(404);
      const operator = await t.tokenFor(['operator']);
      expect((await call('POST', '/api/performance/alert-rules', rule('x', { kind: 'kpi_below', metric: 'oee', threshold: 0.6 }), operator)).statusCode).toBe(
        403,
      );
      const audit = await t.sql(`SELECT action FROM audit_log WHERE entity = 'alert_rule' ORDER BY seq`);
      expect(audit.map((a) => (a as { action: string }).action)).toEqual(['create', 'create', 'create', 'create', 'update', 'update', 'delete']);
    });

    it("another module's alerts: stored and listed with their source, left alone by the evaluator, cleared by their module only", async () => {
      const ext = (t.app.modules.get('performance') as PerformanceModule).externalAlerts;
      const m2 = ((await ok('GET', '/api/equipment')) as Array<{ id: string; path: string }>).find((e) => e.path === M2)!;
      const source = 'test.condition:c1';
      const input = (id: string, at: number) => ({
        id,
        source,
        label: 'Test condition',
        link: '/maintenance/condition',
        equipmentId: m2.id,
        severity: 'warning' as const,
        message: `${M2}: test condition`,
        value: 7,
        threshold: null,
        at,
      });
      const [a1, a2] = [randomUUID(), randomUUID()];
      const seen = events.length;
      expect(await ext.raise(input(a1, t0 - 5 * MIN))).toBe(true);
      expect(await ext.raise(input(a1, t0 - 5 * MIN))).toBe(false); // the same episode once
      const listed = (await alerts(`?source=${encodeURIComponent(source)}`)) as Array<Alert & Record<string, unknown>>;
      expect(listed).toMatchObject([
        { id: a1, ruleId: source, source, kind: 'external', ruleName: 'Test condition', link: '/maintenance/condition', path: M2, threshold: null, open: true },
      ]);
      // a rule's alert has neither source nor link
      expect((await alerts()).filter((a) => a.id !== a1).every((a) => (a as unknown as { source: unknown; link: unknown }).source === null)).toBe(true);
      await ok('POST', '/api/performance/alerts/evaluate');
      expect((await alerts(`?source=${encodeURIComponent(source)}`)).map((a) => a.id)).toEqual([a1]);
      // a new episode of the same source on the machine ends the previous one
      expect(await ext.raise(input(a2, t0 - 2 * MIN))).toBe(true);
      expect((await alerts(`?status=all&source=${encodeURIComponent(source)}`)).map((a) => [a.id, a.open])).toEqual([
        [a2, true],
        [a1, false],
      ]);
      // the module clears its own alert, once; a rule's alert is not its to clear
      const ruleAlert = (await alerts()).find((a) => a.ruleId === rules.scrap)!;
      expect(await ext.clear(ruleAlert.id, { at: t0, by: 'sam', reason: 'no' })).toBe(false);
      expect((await alerts()).some((a) => a.id === ruleAlert.id)).toBe(true);
      expect(await ext.clear(a2, { at: t0, by: 'sam', reason: 'decided' })).toBe(true);
      expect(await ext.clear(a2, { at: t0, by: 'sam', reason: 'decided' })).toBe(false);
      expect(await alerts(`?source=${encodeURIComponent(source)}`)).toEqual([]);
      expect((await alerts(`?status=all&source=${encodeURIComponent(source)}`)).map((a) => [a.id, a.acknowledgedBy])).toEqual([
        [a2, 'sam'],
        [a1, null],
      ]);
      expect(
        events
          .slice(seen)
          .filter((e) => e.ruleId === source)
          .map((e) => [e.id, e.state]),
      ).toEqual([
        [a1, 'raised'],
        [a1, 'cleared'],
        [a2, 'raised'],
        [a2, 'cleared'],
      ]);
      // bad input is refused naming the fields
      const bad = ext.raise({ ...input(randomUUID(), t0), source: 'no source', label: ' ', equipmentId: 'imm02', at: Number.NaN });
      const err = (await bad.catch((e: unknown) => e)) as { code: string; details: Array<{ path: string }> };
      expect(err.code).toBe('validation_failed');
      expect(err.details.map((d) => d.path)).toEqual(['source', 'label', 'equipmentId', 'at']);
      expect(await alerts(`?status=all&source=${encodeURIComponent('no source')}`)).toEqual([]);
    });
  });
}
