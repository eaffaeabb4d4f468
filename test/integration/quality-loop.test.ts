// Quality's closed loop on PGlite and PostgreSQL (docs/quality.md, "In-line measurements", "Reaction plans", "Holds"):
// a simulated screwing station on the embedded MQTT broker reports torque; an out-of-spec value stops it through the
// confirmed command path (the station answers the stop), holds the lot it consumed and the running operation; a run of
// further bad values is one episode (one stop); consuming the held lot and completing the held operation are refused;
// a person with the quality role releases (with a reason, the lot with a signature) and then both work. Plus the
// alarm-only episode on manual measurements, the plan's and the mapping's 400s, the routes' roles, and a bounded fuzz
// of the reaction-plan body.
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityModule } from '../../src/quality/index.ts';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer, injectApi } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const CHAR = 'TQ-ST10';

for (const kind of DB_KINDS) {
  describe(`quality loop on ${kind}`, () => {
    let t: TestServer;
    let machine: MqttClient;
    const stops: string[] = [];
    const tokens: Record<string, string> = {};
    const { call, ok } = injectApi(() => t);
    const settled = () => (t.app.modules.get('quality') as QualityModule).settled();
    const openHolds = async () =>
      (await ok('GET', '/api/quality/holds?status=open')) as Array<{ id: string; kind: string; target: string; ref: string | null }>;

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      tokens.operator = await t.tokenFor(['operator']);
      tokens.supervisor = await t.tokenFor(['supervisor']);
      await ok('POST', '/api/users', { username: 'qa-quinn', displayName: 'Quinn QA', roles: ['quality'], password: t.userPassword });
      tokens.quality = (
        await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'qa-quinn', password: t.userPassword } })
      ).json().token;
      // the station: applies a recipe and reports it back, stops when told to and reports Stopped
      machine = await connectMqtt(t.mqttUrl, { username: 'st10', password: await t.deviceToken() });
      await machine.subscribeAsync(`takt/v1/${ST10}/_cmd/+`, { qos: 1 });
      machine.on('message', (topic, payload) => {
        const name = topic.split('/').pop()!;
        const cmd = JSON.parse(payload.toString());
        const base = `takt/v1/${ST10}`;
        if (name === 'writeParameters') machine.publish(`${base}/_batch`, JSON.stringify({ values: cmd.parameters }), { qos: 1 });
        if (name === 'stop') {
          stops.push(cmd.id);
          machine.publish(`${base}/state`, 'Stopped', { qos: 1 });
        }
      });
      await machine.publishAsync(`takt/v1/${ST10}/state`, 'Execute', { qos: 1 });
    }, 60_000);

    afterAll(async () => {
      await machine?.endAsync();
      await t?.close();
    });

    it('maps a characteristic to a machine tag and sets its reaction plan, refusing what cannot be', async () => {
      await ok('POST', '/api/quality/characteristics', {
        id: CHAR,
        name: 'Screw torque st10',
        product: 'S200',
        operationSeq: 10,
        kind: 'variable',
        unit: 'Nm',
        nominal: 0.9,
        lsl: 0.8,
        usl: 1.0,
        chart: 'i-mr',
      });
      const url = `/api/quality/characteristics/${CHAR}`;
      // none yet: the single GET answers 404, the list of the characteristic's mappings answers []
      expect((await call('GET', `${url}/machine-tag`)).status).toBe(404);
      expect(await ok('GET', `/api/quality/machine-tags?characteristic=${CHAR}`, undefined, tokens.operator)).toEqual([]);
      expect((await call('GET', '/api/quality/machine-tags?characteristic=bad%20id')).status).toBe(400);
      expect((await call('PUT', `${url}/machine-tag`, { equipment: ST10, tag: 'nope' })).body.error.message).toMatch(/has no tag 'nope'.*torque/);
      expect((await call('PUT', `${url}/machine-tag`, { equipment: 'acme/none', tag: 'torque' })).status).toBe(400);
      expect((await call('PUT', `${url}/machine-tag`, { equipment: ST10, tag: 'torque' }, tokens.operator)).status).toBe(403);
      expect(await ok('PUT', `${url}/machine-tag`, { equipment: ST10, tag: 'torque' }, tokens.quality)).toMatchObject({ equipment: ST10, tag: 'torque' });
      expect(await ok('GET', `${url}/machine-tag`)).toMatchObject({ characteristic: CHAR, equipment: ST10, tag: 'torque', createdBy: 'qa-quinn' });
      expect(await ok('GET', `/api/quality/machine-tags?characteristic=${CHAR}`, undefined, tokens.operator)).toMatchObject([
        { characteristic: CHAR, equipment: ST10, tag: 'torque', createdBy: 'qa-quinn' },
      ]);
      expect((await ok('GET', '/api/quality/machine-tags')).map((m: { characteristic: string }) => m.characteristic)).toEqual([CHAR]);

      expect(await ok('GET', `${url}/reaction-plan`)).toBeNull();
      const bad = [
        { onSpec: false, rules: [], action: 'stop' },
        { onSpec: true, rules: [1, 1], action: 'stop' },
        { onSpec: true, rules: [9], action: 'stop' },
        { onSpec: true, action: 'explode' },
        { onSpec: true, action: 'stop', extra: 1 },
      ];
      for (const b of bad) expect((await call('PUT', `${url}/reaction-plan`, b, tokens.quality)).status, JSON.stringify(b)).toBe(400);
      expect((await call('PUT', `${url}/reaction-plan`, { onSpec: true, action: 'stop' }, tokens.supervisor)).status).toBe(403);
      expect(await ok('PUT', `${url}/reaction-plan`, { onSpec: true, rules: [], action: 'stop' }, tokens.quality)).toMatchObject({
        characteristic: CHAR,
        onSpec: true,
        action: 'stop',
        updatedBy: 'qa-quinn',
      });
      const trail = await ok('GET', `/api/audit?entity=quality_reaction_plan&entityId=${CHAR}`);
      expect(trail[0]).toMatchObject({ action: 'create', actor: 'qa-quinn' });
    });

    it('stops the machine, holds the lot and the operation on an out-of-spec value; refuses consuming and completing until released', async () => {
      const op = tokens.operator;
      await ok('POST', '/api/orders', { id: 'QL-1', product: 'S200', quantity: 10 });
      await ok('POST', '/api/orders/QL-1/release');
      await ok('POST', '/api/lots', { id: 'TOP-Q1', material: 'HSG-TOP', quantity: 100, location: 'line1' });
      const setup = await ok('POST', '/api/operations/QL-1/10/setup', { equipment: ST10 }, op);
      expect(setup.download).toMatchObject({ status: 'confirmed' });
      await ok('POST', '/api/operations/QL-1/10/start', {}, op);
      await ok('POST', '/api/operations/QL-1/10/consume', { lotId: 'TOP-Q1', quantity: 1 }, op);

      // a good value is a measurement with its order and operation, and nothing happens
      await publish(machine, `takt/v1/${ST10}/torque`, '0.91');
      await eventually(async () => (await settled(), (await ok('GET', `/api/quality/characteristics/${CHAR}/spc`)).points.length === 1), 15_000);
      const [m] = (await t.sql(`SELECT * FROM quality_measurements WHERE characteristic = $1`, [CHAR])) as Array<Record<string, unknown>>;
      expect(m).toMatchObject({ source: 'machine', order_id: 'QL-1', operation_seq: 10, equipment: ST10, value: 0.91, recorded_by: 'collect' });
      expect(await openHolds()).toEqual([]);

      // out of spec: stop (confirmed by the station), the operation and the consumed lot on hold
      await publish(machine, `takt/v1/${ST10}/torque`, '1.42');
      const reaction = await eventually(async () => {
        await settled();
        const [r] = await ok('GET', `/api/quality/reactions?characteristic=${CHAR}`);
        return r?.commandStatus ? r : undefined;
      }, 20_000);
      expect(reaction).toMatchObject({
        trigger: 'spec',
        value: 1.42,
        actions: ['alarm', 'hold', 'stop'],
        commandStatus: 'confirmed',
        equipment: ST10,
        orderId: 'QL-1',
        operationSeq: 10,
      });
      expect(stops).toEqual([reaction.commandId]);
      const command = (await ok('GET', `/api/equipment/${encodeURIComponent(ST10)}/commands`))[0];
      expect(command).toMatchObject({ id: reaction.commandId, kind: 'stop', status: 'confirmed', requestedBy: 'system' });
      const holds = await openHolds();
      expect(holds.map((h) => `${h.kind} ${h.target}`).sort()).toEqual(['lot TOP-Q1', 'machine acme/lakeside/assembly/line1/st10', 'operation QL-1/10']);
      expect(reaction.holds.sort()).toEqual(holds.map((h) => h.id).sort());
      // …and opens one nonconformance for the reaction, pre-filled with where it happened (bus event quality.reaction)
      const ncrs = await eventually(async () => {
        const list = (await ok('GET', '/api/quality/ncrs?source=check')) as Array<{ reactionId: string | null }>;
        return list.length ? list : undefined;
      }, 15_000);
      expect(ncrs).toHaveLength(1);
      expect(ncrs?.[0]).toMatchObject({ reactionId: reaction.id, orderId: 'QL-1' });

      // more bad values while held: recorded and linked to the same episode, no second stop
      await publish(machine, `takt/v1/${ST10}/torque`, '1.5');
      await publish(machine, `takt/v1/${ST10}/torque`, '0.3');
      await eventually(async () => (await settled(), (await ok('GET', `/api/quality/reactions?characteristic=${CHAR}`))[0].linked === 2), 15_000);
      expect(await ok('GET', `/api/quality/reactions?characteristic=${CHAR}`)).toHaveLength(1);
      expect(stops).toHaveLength(1);

      // held lot: the ledger refuses it; held operation: completion refused naming the hold
      const consume = await call('POST', '/api/operations/QL-1/10/consume', { lotId: 'TOP-Q1', quantity: 1 }, op);
      expect(consume.status).toBeGreaterThanOrEqual(400);
      expect(consume.body.error.message).toMatch(/hold/);
      const complete = await call('POST', '/api/operations/QL-1/10/complete', {}, op);
      expect(complete.status).toBe(409);
      expect(complete.body.error.message).toMatch(/on hold .*placed by system: quality reaction/);

      // release: quality role and a reason; the lot also needs the lot.release signature
      const lotHold = holds.find((h) => h.kind === 'lot')!;
      expect((await call('POST', `/api/quality/holds/${lotHold.id}/release`, { reason: 'sorted' }, op)).status).toBe(403);
      expect((await call('POST', `/api/quality/holds/${lotHold.id}/release`, {}, tokens.quality)).status).toBe(400);
      expect((await call('POST', `/api/quality/holds/${lotHold.id}/release`, { reason: ' ' }, tokens.quality)).status).toBe(400);
      const unsigned = await call('POST', `/api/quality/holds/${lotHold.id}/release`, { reason: 'parts sorted, lot fine' }, tokens.quality);
      expect(unsigned.status).toBe(409);
      expect(unsigned.body.error.code).toBe('signature_required');
      const sig = await call(
        'POST',
        '/api/signatures',
        { recordType: 'quality.hold', recordId: lotHold.id, meaning: 'approval', action: 'lot.release', username: 'qa-quinn', password: t.userPassword },
        tokens.quality,
      );
      expect(sig.status, JSON.stringify(sig.body)).toBe(201);
      for (const h of holds)
        expect(
          await ok('POST', `/api/quality/holds/${h.id}/release`, { reason: 'cause found: worn bit replaced, parts sorted' }, tokens.quality),
        ).toMatchObject({
          releasedBy: 'qa-quinn',
          releaseReason: 'cause found: worn bit replaced, parts sorted',
        });
      expect((await call('POST', `/api/quality/holds/${lotHold.id}/release`, { reason: 'again' }, tokens.quality)).status).toBe(409);
      expect(await openHolds()).toEqual([]);
      expect((await ok('GET', `/api/quality/reactions?characteristic=${CHAR}`))[0].closedAt).not.toBeNull();
      const audit = await ok('GET', `/api/audit?entity=quality_hold&entityId=${lotHold.id}`);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['release', 'hold']);
      expect(audit[0].after.signatures).toEqual([sig.body.id]);

      // then both work
      await ok('POST', '/api/operations/QL-1/10/consume', { lotId: 'TOP-Q1', quantity: 1 }, op);
      await ok('POST', '/api/operations/QL-1/10/complete', {}, op);

      // released, the episode is over: the next bad value is a new reaction with its own stop (no operation runs now)
      await publish(machine, `takt/v1/${ST10}/torque`, '1.6');
      await eventually(async () => (await settled(), stops.length === 2 && (await openHolds()).length === 1), 15_000);
      const [second] = await ok('GET', `/api/quality/reactions?characteristic=${CHAR}`);
      expect(second).toMatchObject({ value: 1.6, commandId: stops[1], commandStatus: 'confirmed', orderId: null, actions: ['alarm', 'hold', 'stop'] });
      expect((await openHolds())[0]).toMatchObject({ kind: 'machine', target: ST10, ref: stops[1] });
    });

    it('alarm-only plans on manual measurements: one reaction per run of violations, a good value ends the episode', async () => {
      await ok('POST', '/api/quality/characteristics', {
        id: 'GAP-MAN',
        name: 'Gap by hand',
        product: 'S200',
        kind: 'variable',
        lsl: 1,
        usl: 2,
        chart: 'i-mr',
      });
      await ok('PUT', '/api/quality/characteristics/GAP-MAN/reaction-plan', { onSpec: true, action: 'alarm' }, tokens.quality);
      const values = [1.5, 2.5, 2.6, 0.5, 1.2, 3, 1.1];
      const start = Date.now() - 60 * 60_000;
      const records = values.map((value, i) => ({ key: `gap-${i}`, characteristic: 'GAP-MAN', ts: new Date(start + i * 60_000).toISOString(), value }));
      for (const r of records) await ok('POST', '/api/quality/measurements', { records: [r] }, tokens.operator);
      await settled();
      const reactions = await ok('GET', '/api/quality/reactions?characteristic=GAP-MAN');
      // 2.5, 2.6, 0.5 are one run; 3 is the second
      expect(reactions.map((r: { value: number; linked: number; actions: string[] }) => [r.value, r.linked, r.actions])).toEqual([
        [3, 0, ['alarm']],
        [2.5, 2, ['alarm']],
      ]);
      expect(reactions.every((r: { closedAt: string | null }) => r.closedAt !== null)).toBe(true);
      // a resend is the stored measurement: it is not evaluated again
      await ok('POST', '/api/quality/measurements', { records: [records[5]] }, tokens.operator);
      await settled();
      expect(await ok('GET', '/api/quality/reactions?characteristic=GAP-MAN')).toHaveLength(2);
    });

    it('answers a random reaction-plan body with 200 or 400, never a 500', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              onSpec: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)),
              rules: fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 10 }),
              action: fc.string(),
            },
            { requiredKeys: [] },
          ),
          async (body) => {
            const res = await call('PUT', '/api/quality/characteristics/GAP-MAN/reaction-plan', body, tokens.quality);
            expect([200, 400]).toContain(res.status);
          },
        ),
        { numRuns: 40 },
      );
      expect((await call('PUT', '/api/quality/characteristics/NOPE/reaction-plan', { onSpec: true, action: 'alarm' }, tokens.quality)).status).toBe(404);
      expect((await call('POST', '/api/quality/holds/nope/release', { reason: 'x' }, tokens.quality)).status).toBe(404);
      expect((await call('GET', '/api/quality/holds?status=maybe')).status).toBe(400);
    });
  });
}
