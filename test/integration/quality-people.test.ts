// Gauges with calibration and operator qualification on PGlite and PostgreSQL: a measurement with an overdue or failed
// gauge is refused or flagged per the gauge's setting, a calibration moves the due date; sign-in at a station is refused
// for a missing or expired skill (required by the machine or by the operation running there), a manual check for a
// characteristic that requires a skill likewise; the expiring list; every route × every role; a bounded fuzz of inputs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../src/platform/auth/principal.ts';
import { ROLES } from '../../src/platform/http/guard.ts';
import { addDays, addMonths } from '../../src/quality/dates.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const ST20 = 'acme/lakeside/assembly/line1/st20';
const ST30 = 'acme/lakeside/assembly/line1/st30';
const today = new Date().toISOString().slice(0, 10);

for (const kind of DB_KINDS) {
  describe(`gauges and qualification on ${kind}`, () => {
    let t: TestServer;
    const tokens: Record<string, string> = {};
    const people: Record<string, string> = {};
    let n = 0;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const ok = async (method: string, url: string, body?: unknown, status = 200, token?: string) => {
      const res = await call(method, url, body, token);
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
      return res.body;
    };
    /** A new operator (username → token). */
    const person = async (username: string) => {
      await ok('POST', '/api/users', { username, roles: ['operator'], password: t.userPassword }, 201);
      const res = await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: t.userPassword } });
      people[username] = res.json().token;
      return people[username];
    };
    const measure = async (records: unknown[], token?: string) => (await ok('POST', '/api/quality/measurements', { records }, 200, token)).results;
    const manual = (characteristic: string, value = 2) => ({ key: `m-${++n}`, characteristic, value, source: 'manual' });
    const signIn = (station: string, token: string) => call('POST', `/api/stations/${encodeURIComponent(station)}/sign-in`, undefined, token);

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      for (const role of ['admin', 'supervisor', 'operator', 'quality', 'maintenance']) tokens[role] = await t.tokenFor([role]);
      for (const role of ['integration', 'device']) tokens[role] = (await ok('POST', '/api/tokens', { name: `${role}-p`, role }, 201)).token;
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('registers gauges, lists them by state and moves the due date with a calibration', async () => {
      const g = await ok(
        'POST',
        '/api/quality/gauges',
        { id: 'G-OLD', name: 'caliper 1', type: 'caliper', intervalDays: 30, lastCalibrated: addDays(today, -40) },
        201,
      );
      expect(g).toMatchObject({
        lastCalibrated: addDays(today, -40),
        dueOn: addDays(today, -10),
        lastResult: 'pass',
        status: 'in-service',
        onOverdue: 'refuse',
      });
      await ok('POST', '/api/quality/gauges', { id: 'G-SOON', name: 'micrometer', intervalDays: 30, lastCalibrated: addDays(today, -25) }, 201);
      await ok('POST', '/api/quality/gauges', { id: 'G-OK', name: 'height gauge', intervalDays: 365, lastCalibrated: today }, 201);
      // the due day itself is the last day a gauge measures
      await ok('POST', '/api/quality/gauges', { id: 'G-EDGE', name: 'bore gauge', intervalDays: 10, lastCalibrated: addDays(today, -10) }, 201);
      const states = Object.fromEntries(
        (await ok('GET', '/api/quality/gauges?days=7', undefined, 200, tokens.operator)).map((x: { id: string; state: string }) => [x.id, x.state]),
      );
      expect(states).toMatchObject({ 'G-OLD': 'overdue', 'G-SOON': 'due-soon', 'G-OK': 'ok', 'G-EDGE': 'due-soon' });
      const due = (await ok('GET', '/api/quality/gauges?due=true&days=7')).map((x: { id: string }) => x.id);
      expect(due).toEqual(expect.arrayContaining(['G-OLD', 'G-SOON', 'G-EDGE']));
      expect(due).not.toContain('G-OK');

      // a pass moves the due date an interval on; an older record only joins the history
      const cal = await ok(
        'POST',
        '/api/quality/gauges/G-SOON/calibrations',
        { calibratedOn: addDays(today, -1), result: 'pass', calibratedBy: 'lab', certificate: 'CERT-1' },
        201,
      );
      expect(cal.gauge).toMatchObject({ lastCalibrated: addDays(today, -1), dueOn: addDays(today, 29), lastResult: 'pass' });
      const older = await ok(
        'POST',
        '/api/quality/gauges/G-SOON/calibrations',
        { calibratedOn: addDays(today, -20), result: 'pass', calibratedBy: 'lab' },
        201,
      );
      expect(older.gauge.dueOn).toBe(addDays(today, 29));
      const detail = await ok('GET', '/api/quality/gauges/G-SOON');
      expect(detail.calibrations.map((c: { certificate: string | null }) => c.certificate)).toEqual(['CERT-1', null]);
      // a new interval moves the due date from the last calibration
      expect((await ok('PATCH', '/api/quality/gauges/G-SOON', { intervalDays: 10, reason: 'tighter' })).dueOn).toBe(addDays(today, 9));

      // bad input: 400 with the field; a day in the future; a duplicate 409; an unknown gauge 404
      for (const body of [
        { id: 'bad id', name: 'x', intervalDays: 1 },
        { id: 'G-X', name: 'x', intervalDays: 0 },
        { id: 'G-X', name: 'x', intervalDays: 1, lastCalibrated: '2026-02-30' },
        { id: 'G-X', name: 'x', intervalDays: 1, lastCalibrated: addDays(today, 2) },
        { id: 'G-X', name: 'x', intervalDays: 1, onOverdue: 'ignore' },
      ])
        expect((await call('POST', '/api/quality/gauges', body)).status, JSON.stringify(body)).toBe(400);
      expect((await call('POST', '/api/quality/gauges', { id: 'G-OK', name: 'x', intervalDays: 1 })).status).toBe(409);
      expect((await call('POST', '/api/quality/gauges/NOPE/calibrations', { calibratedOn: today, result: 'pass', calibratedBy: 'lab' })).status).toBe(404);
    });

    it('refuses or flags a measurement with an overdue or failed gauge, per the gauge', async () => {
      await ok('POST', '/api/quality/gauges', { id: 'G-M', name: 'caliper M', intervalDays: 30, lastCalibrated: addDays(today, -40) }, 201);
      // a characteristic names a registered gauge; an unknown one is refused with 400
      const bad = await call('POST', '/api/quality/characteristics', {
        id: 'GC-X',
        name: 'x',
        product: 'HSG-TOP',
        kind: 'variable',
        chart: 'i-mr',
        gauge: 'no gauge',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('gauge register');
      await ok('POST', '/api/quality/characteristics', { id: 'GC-1', name: 'wall', product: 'HSG-TOP', kind: 'variable', chart: 'i-mr', gauge: 'G-M' }, 201);

      // overdue, refuse (the default): a manual value is refused naming the gauge and its due date
      let [r] = await measure([manual('GC-1')], tokens.operator);
      expect(r.status).toBe('refused');
      expect(r.reason).toContain(`gauge G-M (caliper M) was due for calibration on ${addDays(today, -10)}`);
      // a machine value is stored, flagged
      [r] = await measure([{ key: 'dev-1', characteristic: 'GC-1', value: 2.1 }], tokens.device);
      expect(r.status).toBe('accepted');
      // the gauge set to flag: a manual value is stored, flagged
      await ok('PATCH', '/api/quality/gauges/G-M', { onOverdue: 'flag' });
      [r] = await measure([manual('GC-1', 2.2)], tokens.operator);
      expect(r.status).toBe('accepted');
      const chart = await ok('GET', '/api/quality/characteristics/GC-1/chart');
      expect(chart.flagged.map((f: { flag: string }) => f.flag)).toEqual(['gauge-overdue', 'gauge-overdue']);
      expect(chart.contract.points).toHaveLength(2);

      // a passing calibration: values are taken and not flagged
      await ok('PATCH', '/api/quality/gauges/G-M', { onOverdue: 'refuse' });
      await ok('POST', '/api/quality/gauges/G-M/calibrations', { calibratedOn: today, result: 'pass', calibratedBy: 'metrology' }, 201);
      const taken = { ...manual('GC-1', 2.3), ts: new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString() };
      [r] = await measure([taken], tokens.operator);
      expect(r.status).toBe('accepted');
      expect((await ok('GET', '/api/quality/characteristics/GC-1/chart')).flagged).toHaveLength(2);
      // a failed calibration takes it out of use; out of service likewise
      await ok('POST', '/api/quality/gauges/G-M/calibrations', { calibratedOn: today, result: 'fail', calibratedBy: 'metrology' }, 201);
      [r] = await measure([manual('GC-1')], tokens.operator);
      expect(r.reason).toContain('gauge G-M (caliper M) failed its calibration');
      // a resend of a measurement stored before is answered as stored, whatever the gauge is now
      [r] = await measure([taken], tokens.operator);
      expect(r).toMatchObject({ status: 'accepted', replayed: true });
      await ok('POST', '/api/quality/gauges/G-M/calibrations', { calibratedOn: today, result: 'pass', calibratedBy: 'metrology' }, 201);
      await ok('PATCH', '/api/quality/gauges/G-M', { status: 'out-of-service' });
      [r] = await measure([manual('GC-1')], tokens.operator);
      expect(r.reason).toContain('gauge G-M (caliper M) is out of service');

      // an old free-text gauge stays readable and its characteristic editable; a gauge in use is not deleted
      await t.sql(`UPDATE quality_characteristics SET gauge = 'caliper (old text)' WHERE id = 'GC-1'`);
      expect((await ok('PATCH', '/api/quality/characteristics/GC-1', { name: 'wall thickness' })).gauge).toBe('caliper (old text)');
      [r] = await measure([manual('GC-1')], tokens.operator);
      expect(r.status).toBe('accepted');
      await ok('PATCH', '/api/quality/characteristics/GC-1', { gauge: 'G-M' });
      expect((await call('DELETE', '/api/quality/gauges/G-M')).status).toBe(409);
    });

    it('refuses sign-in at a station for a missing or expired skill, by machine or by the running operation', async () => {
      await ok('POST', '/api/quality/skills', { code: 'SK-ASM', name: 'Screw station', validityMonths: 12 }, 201);
      await ok('POST', '/api/quality/skills', { code: 'SK-PACK', name: 'Packing', validityMonths: null }, 201);
      await ok('POST', '/api/quality/skills/requirements', { skill: 'SK-ASM', kind: 'equipment', target: ST10 }, 201);
      await ok('POST', '/api/quality/skills/requirements', { skill: 'SK-PACK', kind: 'operation', target: 'S200', seq: 30 }, 201);
      const expiredOn = addMonths(addDays(today, -400), 12);
      const who = { valid: await person('p-valid'), expired: await person('p-expired'), none: await person('p-none'), renewed: await person('p-renewed') };
      await ok('POST', '/api/quality/people/p-valid/skills', { skill: 'SK-ASM', grantedOn: addDays(today, -10), trainer: 'sam' }, 201);
      await ok('POST', '/api/quality/people/p-expired/skills', { skill: 'SK-ASM', grantedOn: addDays(today, -400), trainer: 'sam', evidence: 'form 12' }, 201);
      await ok('POST', '/api/quality/people/p-renewed/skills', { skill: 'SK-ASM', grantedOn: addDays(today, -400), trainer: 'sam' }, 201);
      await ok('POST', '/api/quality/people/p-renewed/skills', { skill: 'SK-ASM', grantedOn: addDays(today, -5), trainer: 'sam' }, 201);

      const cases: Array<[string, string, string, number, string?]> = [
        ['none required', ST20, 'none', 200],
        ['held, valid', ST10, 'valid', 200],
        ['held, renewed after expiry', ST10, 'renewed', 200],
        ['held, expired', ST10, 'expired', 403, `skill SK-ASM (Screw station), required by equipment ${ST10}, is expired since ${expiredOn}`],
        ['not held', ST10, 'none', 403, `skill SK-ASM (Screw station), required by equipment ${ST10}, is not held`],
        ['operation requirement, nothing running', ST30, 'none', 200],
      ];
      for (const [name, station, p, status, message] of cases) {
        const res = await signIn(station, who[p as keyof typeof who]);
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(status);
        if (message) expect(res.body.error.message, name).toContain(message);
      }
      // the refusal is not a sign-in: no labour was opened for it
      const labour = (await t.sql(`SELECT username, station FROM labour_sessions WHERE username = 'p-none' AND ended_at IS NULL`)) as Array<{
        station: string;
      }>;
      expect(labour.map((l) => l.station)).toEqual([ST30]);

      // an operation that requires a skill runs at the station: then sign-in there needs it
      await ok('POST', '/api/orders', { id: 'QP-1', product: 'S200', quantity: 5, due: '2030-01-01T00:00:00Z' }, 201);
      await ok('POST', '/api/orders/QP-1/release');
      await ok('POST', '/api/operations/QP-1/30/setup', { equipment: ST30 });
      const refused = await signIn(ST30, who.none);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('skill SK-PACK (Packing), required by operation 30 of product S200, is not held');
      await ok('POST', '/api/quality/people/p-none/skills', { skill: 'SK-PACK', grantedOn: today, trainer: 'sam' }, 201);
      expect((await signIn(ST30, who.none)).status).toBe(200);
      // a training that expires after sign-in: reporting and completing are refused, naming the skill
      await ok('POST', '/api/quality/skills', { code: 'SK-EXPIRING', name: 'Packing audit', validityMonths: 12 }, 201);
      await ok('POST', '/api/quality/skills/requirements', { skill: 'SK-EXPIRING', kind: 'operation', target: 'S200', seq: 30 }, 201);
      await ok('POST', '/api/quality/people/p-none/skills', { skill: 'SK-EXPIRING', grantedOn: addDays(today, -10), trainer: 'sam' }, 201);
      expect((await signIn(ST30, who.none)).status).toBe(200);
      await ok('POST', '/api/operations/QP-1/30/start', {}, 200, who.none);
      await ok('POST', '/api/operations/QP-1/30/quantities', { kind: 'good', quantity: 1 }, 200, who.none);
      await t.sql(`UPDATE quality_trainings SET expires_on = '${addDays(today, -1)}' WHERE username = 'p-none' AND skill = 'SK-EXPIRING'`);
      const late = await call('POST', '/api/operations/QP-1/30/quantities', { kind: 'good', quantity: 1 }, who.none);
      expect(late.status).toBe(403);
      expect(late.body.error.message).toContain('skill SK-EXPIRING (Packing audit), required by operation 30 of product S200, is expired since');
      const done = await call('POST', '/api/operations/QP-1/30/complete', {}, who.none);
      expect(done.status).toBe(403);
      expect(done.body.error.message).toContain('SK-EXPIRING');
      // renewed: reporting goes on
      await ok('POST', '/api/quality/people/p-none/skills', { skill: 'SK-EXPIRING', grantedOn: today, trainer: 'sam' }, 201);
      await ok('POST', '/api/operations/QP-1/30/quantities', { kind: 'good', quantity: 1 }, 200, who.none);
      // bad requirements: 400
      for (const body of [
        { skill: 'NOPE', kind: 'equipment', target: ST10 },
        { skill: 'SK-ASM', kind: 'equipment', target: 'acme/nowhere' },
        { skill: 'SK-ASM', kind: 'operation', target: 'S200', seq: 99 },
        { skill: 'SK-ASM', kind: 'operation', target: 'S200' },
        { skill: 'SK-ASM', kind: 'characteristic', target: 'NOPE' },
        { skill: 'SK-ASM', kind: 'machine', target: ST10 },
      ])
        expect((await call('POST', '/api/quality/skills/requirements', body)).status, JSON.stringify(body)).toBe(400);
      expect((await call('POST', '/api/quality/skills/requirements', { skill: 'SK-ASM', kind: 'equipment', target: ST10 })).status).toBe(409);
    });

    it('refuses a manual check for a characteristic that requires a skill the person lacks', async () => {
      await ok('POST', '/api/quality/skills', { code: 'SK-CMM', name: 'Coordinate measuring', validityMonths: 24 }, 201);
      await ok('POST', '/api/quality/characteristics', { id: 'SKC-1', name: 'bore', product: 'HSG-TOP', kind: 'variable', chart: 'i-mr' }, 201);
      await ok('POST', '/api/quality/skills/requirements', { skill: 'SK-CMM', kind: 'characteristic', target: 'SKC-1' }, 201);
      const lacking = await person('c-lacking');
      const trained = await person('c-trained');
      await ok('POST', '/api/quality/people/c-trained/skills', { skill: 'SK-CMM', grantedOn: today, trainer: 'qa lead' }, 201);
      let [r] = await measure([manual('SKC-1')], lacking);
      expect(r.status).toBe('refused');
      expect(r.reason).toContain('c-lacking is not qualified: skill SK-CMM (Coordinate measuring), required by characteristic SKC-1, is not held');
      [r] = await measure([manual('SKC-1')], trained);
      expect(r.status).toBe('accepted');
      // a machine's value is no person's check
      [r] = await measure([{ key: 'dev-skc', characteristic: 'SKC-1', value: 2 }], tokens.device);
      expect(r.status).toBe('accepted');
    });

    it("lists people's skills and the skills expiring soon", async () => {
      await ok('POST', '/api/quality/skills', { code: 'SK-EXP', name: 'Forklift', validityMonths: 1 }, 201);
      await person('e-one');
      await person('e-two');
      await ok(
        'POST',
        '/api/quality/people/e-one/skills',
        { skill: 'SK-EXP', grantedOn: addDays(today, -20), expiresOn: addDays(today, 5), trainer: 'x' },
        201,
      );
      await ok(
        'POST',
        '/api/quality/people/e-two/skills',
        { skill: 'SK-EXP', grantedOn: addDays(today, -20), expiresOn: addDays(today, 40), trainer: 'x' },
        201,
      );
      const soon = await ok('GET', '/api/quality/skills/expiring?days=10', undefined, 200, tokens.operator);
      expect(soon.filter((s: { skill: string }) => s.skill === 'SK-EXP')).toEqual([
        { username: 'e-one', skill: 'SK-EXP', name: 'Forklift', expiresOn: addDays(today, 5), daysLeft: 5 },
      ]);
      expect((await ok('GET', '/api/quality/skills/expiring?days=60')).map((s: { username: string }) => s.username)).toEqual(
        expect.arrayContaining(['e-one', 'e-two']),
      );
      const mine = await ok('GET', '/api/quality/people/e-one/skills');
      expect(mine.skills).toEqual([{ skill: 'SK-EXP', name: 'Forklift', state: 'valid', grantedOn: addDays(today, -20), expiresOn: addDays(today, 5) }]);
      // the default expiry is the skill's validity after the grant
      const t1 = await ok('POST', '/api/quality/people/e-two/skills', { skill: 'SK-EXP', grantedOn: '2025-01-31', trainer: 'x' }, 201);
      expect(t1.expiresOn).toBe('2025-02-28');
      expect((await ok('GET', '/api/quality/people')).find((p: { username: string }) => p.username === 'e-two').skills).toHaveLength(1);
      expect((await call('GET', '/api/quality/people/nobody/skills')).status).toBe(404);
      expect((await call('POST', '/api/quality/people/e-one/skills', { skill: 'SK-EXP', grantedOn: today, expiresOn: today, trainer: 'x' })).status).toBe(400);
      expect((await call('POST', '/api/quality/people/e-one/skills', { skill: 'SK-EXP', grantedOn: addDays(today, 3), trainer: 'x' })).status).toBe(400);
    });

    it('lets every role call exactly the gauge and skill routes its policy allows', async () => {
      const routes = t.app.routes.filter((r) => /^\/api\/quality\/(gauges|skills|people)\b/.test(r.url));
      expect(routes.length).toBe(16);
      for (const r of routes) {
        expect([...(r.roles ?? [])].sort(), `${r.method} ${r.url}`).toEqual([...(r.method === 'GET' ? ROLES.anyone : ['admin', 'quality'])].sort());
        for (const role of ALL_ROLES) {
          const url = r.url.replace(':id', r.url.includes('requirements') ? '999999' : 'NO-SUCH').replace(':code', 'NO-SUCH');
          const res = await call(r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {}, tokens[role]);
          expect(res.status === 403, `${role} ${r.method} ${r.url} → ${res.status}`).toBe(!(r.roles ?? []).includes(role));
          expect(res.status, `${role} ${r.method} ${r.url}`).toBeLessThan(500);
        }
      }
    });

    it('answers any gauge, calibration, skill and training body with 2xx or 4xx (bounded fuzz)', async () => {
      const value = fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.string({ maxLength: 12 }),
        fc.integer({ min: -5, max: 5000 }),
        fc.double(),
        fc.boolean(),
        fc.constantFrom(today, '2026-02-29', '2024-02-29', '1899-12-31', addDays(today, 1), 'pass', 'fail', 'flag', 'refuse', 'out-of-service'),
      );
      const body = fc.dictionary(
        fc.constantFrom(
          'id',
          'name',
          'intervalDays',
          'lastCalibrated',
          'onOverdue',
          'status',
          'calibratedOn',
          'result',
          'calibratedBy',
          'code',
          'validityMonths',
          'skill',
          'grantedOn',
          'expiresOn',
          'trainer',
          'kind',
          'target',
          'seq',
        ),
        value,
      );
      const url = fc.constantFrom(
        '/api/quality/gauges',
        '/api/quality/gauges/G-OK/calibrations',
        '/api/quality/skills',
        '/api/quality/people/e-one/skills',
        '/api/quality/skills/requirements',
      );
      await fc.assert(
        fc.asyncProperty(url, body, async (u, b) => {
          const res = await call('POST', u, b);
          expect(res.status, `${u} ${JSON.stringify(b)} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
        }),
        { numRuns: 150, seed: 15 },
      );
    });
  });
}
