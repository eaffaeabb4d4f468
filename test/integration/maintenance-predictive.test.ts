// Predictive maintenance on PGlite and PostgreSQL: a drift of a collected tag raises one warning (with its evidence:
// the chart series and the forecast), a dismissed warning is not raised again for the same episode, a new excursion
// after the value was back to normal is a new warning, accepting opens the work order with the evidence; each warning
// is an alert of performance's early-warning path (GET /api/performance/alerts) until it is dismissed, accepted or
// back to normal, or its monitor is disabled or deleted; the
// reliability route says when there are not enough failures; bad input is a 400 naming the field; bounded fuzz of the
// bodies.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaintenanceModule, WorkOrderDetail } from '../../src/maintenance/index.ts';
import type { PerformanceModule, PublicAlert } from '../../src/performance/index.ts';
import { submitHistory } from '../support/history.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const MIN = 60_000;
const H = 3600_000;

for (const kind of DB_KINDS) {
  describe(`predictive maintenance on ${kind}`, () => {
    let t: TestServer;
    let operator = '';
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const maintenance = () => t.app.modules.get('maintenance') as MaintenanceModule;
    // the early-warning alerts a monitor raised (performance's alert list), newest first
    const alertsOf = async (monitorId: string, status: 'open' | 'all') => {
      const res = await call('GET', `/api/performance/alerts?status=${status}&source=${encodeURIComponent(`maintenance.monitor:${monitorId}`)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as PublicAlert[];
    };
    // a day ago, on a whole hour: the history below is all in the past
    const base = Math.floor((Date.now() - 24 * H) / H) * H;
    // melt temperature per minute: 230 ± 0.5 (a fixed wiggle) for 4 h, rising to 238 by 6 h, back to 230 until 10 h,
    // rising again until 12 h
    const melt = (m: number) => {
      const wiggle = 0.5 * Math.sin(m / 3);
      const ramp = (from: number, to: number) => (m >= from * 60 && m < to * 60 ? (8 * (m - from * 60)) / ((to - from) * 60) : 0);
      return 230 + wiggle + ramp(4, 6) + ramp(10, 12);
    };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      operator = await t.tokenFor(['operator']);
      const values: Array<[string, number, number]> = [];
      for (let m = 0; m < 12 * 60; m++) values.push(['meltTemperature', Number(melt(m).toFixed(2)), base + m * MIN]);
      await submitHistory(t, 'predictive-test', IMM01, values);
    });
    afterAll(async () => t?.close());

    it('raises one warning for a drift, not again after a dismissal for the same episode, again for a new excursion; accept opens the work order', async () => {
      const created = await call('POST', '/api/maintenance/monitors', {
        equipment: IMM01,
        tag: 'meltTemperature',
        method: 'ewma',
        min: 220,
        max: 240,
        params: { bucketMin: 10, lookbackH: 24, mean: 230, sd: 1, lambda: 0.3, L: 3, trendPoints: 6, horizonH: 24 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const monitorId = created.body.id as string;
      const svc = maintenance().predictive;

      expect(await svc.evaluate(base + 3 * H)).toEqual({ raised: 0, ended: 0 });
      expect(await svc.evaluate(base + 6 * H)).toEqual({ raised: 1, ended: 0 });
      expect(await svc.evaluate(base + 6 * H + 10 * MIN)).toEqual({ raised: 0, ended: 0 });
      const open = (await call('GET', '/api/maintenance/warnings?state=open')).body;
      expect(open).toHaveLength(1);
      const w = open[0];
      expect(w.monitorId).toBe(monitorId);
      // the episode starts during the ramp (4–6 h), the evidence carries the series and a forecast heading for 240
      expect(Date.parse(w.episodeStart)).toBeGreaterThan(base + 4 * H);
      expect(Date.parse(w.episodeStart)).toBeLessThan(base + 6 * H);
      expect(w.evidence.points.length).toBeGreaterThan(30);
      expect(w.evidence.forecast.limit).toBe(240);
      expect(w.evidence.forecast.hours).toBeGreaterThan(0);
      expect(w.message).toContain('meltTemperature');

      // the warning is an open alert of the early-warning path: stored (listed by GET), not a rule's, linking to its page
      const [alert] = await alertsOf(monitorId, 'open');
      expect(alert).toMatchObject({
        id: w.id,
        ruleId: `maintenance.monitor:${monitorId}`,
        source: `maintenance.monitor:${monitorId}`,
        kind: 'external',
        ruleName: 'Condition monitor meltTemperature (EWMA)',
        link: '/maintenance/condition',
        severity: 'warning',
        message: w.message,
        path: IMM01,
        threshold: 240,
        open: true,
        acknowledgedBy: null,
      });
      expect(alert.raisedAt).toBe(new Date(base + 6 * H).toISOString());
      expect((await call('GET', '/api/performance/alerts')).body.map((a: PublicAlert) => a.id)).toContain(w.id);
      // the rule evaluator leaves it alone: only maintenance ends it
      expect(await (t.app.modules.get('performance') as PerformanceModule).alerts.evaluate()).toEqual({ raised: 0, cleared: 0 });
      expect(await alertsOf(monitorId, 'open')).toHaveLength(1);

      expect((await call('POST', `/api/maintenance/warnings/${w.id}/dismiss`, { reason: 'heater checked, fine' }, operator)).status).toBe(403);
      const dismissed = await call('POST', `/api/maintenance/warnings/${w.id}/dismiss`, { reason: 'heater checked, fine' });
      expect(dismissed.status).toBe(200);
      expect(dismissed.body.state).toBe('dismissed');
      expect((await call('POST', `/api/maintenance/warnings/${w.id}/dismiss`, { reason: 'again' })).status).toBe(409);
      // dismissed: the alert is cleared, the person who decided recorded as having seen it
      expect(await alertsOf(monitorId, 'open')).toEqual([]);
      const [cleared] = await alertsOf(monitorId, 'all');
      expect(cleared).toMatchObject({ id: w.id, open: false, acknowledgedBy: 'admin' });
      // the same excursion: not raised again
      expect(await svc.evaluate(base + 6 * H + 20 * MIN)).toEqual({ raised: 0, ended: 0 });
      // back to normal: the episode ends; the next excursion is a new warning
      expect(await svc.evaluate(base + 9 * H)).toEqual({ raised: 0, ended: 1 });
      expect(await svc.evaluate(base + 12 * H)).toEqual({ raised: 1, ended: 0 });
      const next = (await call('GET', '/api/maintenance/warnings?state=open')).body;
      expect(next).toHaveLength(1);
      expect(next[0].id).not.toBe(w.id);
      expect((await alertsOf(monitorId, 'open')).map((a) => a.id)).toEqual([next[0].id]);

      const accepted = await call('POST', `/api/maintenance/warnings/${next[0].id}/accept`, { kind: 'preventive' });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body.state).toBe('accepted');
      const wo = (await call('GET', `/api/maintenance/work-orders/${accepted.body.workOrderId}`)).body as WorkOrderDetail;
      expect(wo).toMatchObject({ kind: 'preventive', origin: 'predictive', planId: next[0].id, equipment: IMM01 });
      expect(wo.description).toContain(next[0].message);
      expect((await call('POST', `/api/maintenance/warnings/${next[0].id}/accept`, {})).status).toBe(409);
      // accepted: its alert is cleared too; the two episodes are two rows of the alert history
      expect(await alertsOf(monitorId, 'open')).toEqual([]);
      expect((await alertsOf(monitorId, 'all')).map((a) => [a.id, a.open, a.acknowledgedBy])).toEqual([
        [next[0].id, false, 'admin'],
        [w.id, false, 'admin'],
      ]);

      // the chart: bucket means, statistic, episodes, forecast band
      const chart = await call('GET', `/api/maintenance/monitors/${monitorId}`);
      expect(chart.status).toBe(200);
      expect(chart.body.monitor.tag).toBe('meltTemperature');
      expect(Array.isArray(chart.body.analysis.points)).toBe(true);
      // audit: the decisions are in the trail
      const audit = (await t.sql(`SELECT action FROM audit_log WHERE entity = 'maintenance.warning' ORDER BY seq`)) as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(['dismiss', 'accept']);
    });

    it('an undecided warning is an alert until its episode ends; disabling the monitor ends its alert', async () => {
      // injection pressure with the melt temperature's shape: 850 ± 2.5 bar, rising by 40 bar twice
      const values: Array<[string, number, number]> = [];
      for (let m = 0; m < 12 * 60; m++) values.push(['injectionPressure', Number((850 + 5 * (melt(m) - 230)).toFixed(2)), base + m * MIN]);
      await submitHistory(t, 'predictive-test', IMM01, values);
      const created = await call('POST', '/api/maintenance/monitors', {
        equipment: IMM01,
        tag: 'injectionPressure',
        method: 'ewma',
        min: 800,
        max: 900,
        params: { bucketMin: 10, lookbackH: 24, mean: 850, sd: 5, lambda: 0.3, L: 3, trendPoints: 6, horizonH: 24 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const monitorId = created.body.id as string;
      const svc = maintenance().predictive;
      const warningsOf = async () =>
        ((await call('GET', '/api/maintenance/warnings')).body as Array<{ id: string; monitorId: string; state: string }>).filter(
          (w) => w.monitorId === monitorId,
        );

      await svc.evaluate(base + 6 * H);
      const [first] = await alertsOf(monitorId, 'open');
      expect(first).toMatchObject({ ruleName: 'Condition monitor injectionPressure (EWMA)', threshold: 900, acknowledgedBy: null });
      // back to normal and nobody decided: the alert ends (nobody recorded as having seen it), the warning still waits
      await svc.evaluate(base + 9 * H);
      expect(await alertsOf(monitorId, 'open')).toEqual([]);
      expect(await alertsOf(monitorId, 'all')).toMatchObject([{ id: first.id, open: false, acknowledgedBy: null }]);
      expect(await warningsOf()).toMatchObject([{ id: first.id, state: 'open' }]);

      // a new excursion is a new alert; acknowledged on the alerts page it stays open: its condition still holds
      await svc.evaluate(base + 12 * H);
      const [second] = await alertsOf(monitorId, 'open');
      expect(second.id).not.toBe(first.id);
      const ack = await call('POST', `/api/performance/alerts/${second.id}/acknowledge`, undefined, operator);
      expect(ack.status, JSON.stringify(ack.body)).toBe(200);
      expect(ack.body).toMatchObject({ id: second.id, open: true, kind: 'external' });
      expect((await alertsOf(monitorId, 'open')).map((a) => a.id)).toEqual([second.id]);
      // the monitor disabled: it is no longer evaluated, so its alert ends; the person who saw it stays recorded
      expect((await call('PATCH', `/api/maintenance/monitors/${monitorId}`, { enabled: false })).status).toBe(200);
      expect(await alertsOf(monitorId, 'open')).toEqual([]);
      expect((await alertsOf(monitorId, 'all')).map((a) => [a.id, a.open, a.acknowledgedBy !== null])).toEqual([
        [second.id, false, true],
        [first.id, false, false],
      ]);
    });

    it('says when a machine has not enough failures for a Weibull fit', async () => {
      const res = await call('GET', `/api/maintenance/reliability?equipment=${encodeURIComponent(IMM01)}&days=30`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.weibull.ok).toBe(false);
      expect(res.body.weibull.reason).toMatch(/^not enough failures \(\d\)/);
      expect(res.body.reading).toBe(res.body.weibull.reason);
      expect((await call('GET', '/api/maintenance/reliability?equipment=nowhere/none')).status).toBe(404);
    });

    it('refuses bad monitors with a 400 naming the field, and a second monitor of the same kind with a 409', async () => {
      const body = { equipment: IMM01, tag: 'mouldTemperature', method: 'cusum', min: 40, max: 50 };
      expect((await call('POST', '/api/maintenance/monitors', body, operator)).status).toBe(403);
      const bad = await call('POST', '/api/maintenance/monitors', { ...body, min: 60 });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('min');
      const noEq = await call('POST', '/api/maintenance/monitors', { ...body, equipment: 'nowhere/none' });
      expect(noEq.status).toBe(400);
      expect(JSON.stringify(noEq.body)).toContain('equipment');
      const oneLimit = await call('POST', '/api/maintenance/monitors', { ...body, min: null });
      expect(oneLimit.status).toBe(400);
      expect(JSON.stringify(oneLimit.body)).toContain('params.sd');
      expect((await call('POST', '/api/maintenance/monitors', body)).status).toBe(201);
      expect((await call('POST', '/api/maintenance/monitors', body)).status).toBe(409);
      expect((await call('PATCH', '/api/maintenance/monitors/00000000-0000-4000-8000-000000000000', { enabled: false })).status).toBe(404);
    });

    it('fuzz: monitor, patch, accept and dismiss bodies never answer 500', async () => {
      const value = fc.oneof(
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true }),
        fc.string({ maxLength: 20 }),
        fc.constant(IMM01),
      );
      const params = fc.dictionary(
        fc.constantFrom('bucketMin', 'lookbackH', 'mean', 'sd', 'lambda', 'L', 'k', 'h', 'trendPoints', 'horizonH', 'minT', 'x'),
        value,
      );
      const monitors = (await call('GET', '/api/maintenance/monitors')).body as Array<{ id: string }>;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom('equipment', 'tag', 'method', 'min', 'max', 'enabled', 'junk'), value),
          params,
          fc.dictionary(fc.constantFrom('kind', 'description', 'reason', 'junk'), value),
          async (body, p, decision) => {
            const created = await call('POST', '/api/maintenance/monitors', { ...body, params: p });
            expect([201, 400, 409]).toContain(created.status);
            expect([200, 400]).toContain((await call('PATCH', `/api/maintenance/monitors/${monitors[0].id}`, { params: p })).status);
            const missing = '00000000-0000-4000-8000-000000000000';
            expect([400, 404]).toContain((await call('POST', `/api/maintenance/warnings/${missing}/accept`, decision)).status);
            expect([400, 404]).toContain((await call('POST', `/api/maintenance/warnings/${missing}/dismiss`, decision)).status);
          },
        ),
        { numRuns: 30 },
      );
    });
  });
}
