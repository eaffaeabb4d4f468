// The whole run through the API with the simulator's machines, as issue 5 describes it: a B2MML schedule in → release →
// setup with the recipe downloaded and confirmed → production counted from the machine → scrap → material consumption
// (scanned and backflushed) → completion with the produced lot → performance documents out to a webhook receiver,
// signed and valid against the XSD → backward and forward trace return exactly the expected lots.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePerformance, verify } from '../../src/erp/index.ts';
import { startSimulator, type SimHandle } from '../../src/sim/index.ts';
import { eventually } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const LINE = 'acme/lakeside/assembly/line1';
const V7 = 'http://www.mesa.org/xml/B2MML';

interface Delivery {
  event: string;
  order: string;
  body: string;
  signed: boolean;
}

/** An outside client's schedule: one request for S200 with the three assembly segments and their materials. */
function schedule(orderId: string, quantity: number): string {
  let n = 0;
  const mat = (id: string, q: number, use: 'Consumed' | 'Produced', unit = 'pcs') =>
    `<MaterialRequirement><ID>MR-${++n}</ID><MaterialDefinitionID>${id}</MaterialDefinitionID><MaterialUse>${use}</MaterialUse><Quantity><QuantityString>${q}</QuantityString><UnitOfMeasure>${unit}</UnitOfMeasure></Quantity></MaterialRequirement>`;
  const seg = (id: string, process: string, station: string, materials: string) =>
    `<SegmentRequirement><ID>${id}</ID><ProcessSegmentID>${process}</ProcessSegmentID><Duration>PT1H</Duration><OperationsDefinitionID>OD-S200</OperationsDefinitionID><OperationsSegmentID>${id}</OperationsSegmentID><SegmentState>Released</SegmentState><EquipmentRequirement><ID>ER-${++n}</ID><EquipmentID>${LINE}/${station}</EquipmentID></EquipmentRequirement>${materials}</SegmentRequirement>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<SyncOperationsSchedule xmlns="${V7}" releaseID="1"><ApplicationArea><CreationDateTime>2026-11-23T06:00:00Z</CreationDateTime></ApplicationArea>
<DataArea><Sync/><OperationsSchedule><ID>SCH-E2E</ID><OperationsType>Production</OperationsType>
<OperationsRequest><ID>${orderId}</ID><EndTime>2030-01-01T00:00:00Z</EndTime><OperationsType>Production</OperationsType><Priority>5</Priority>
${seg('S1', 'Fit board and screw housing', 'st10', mat('HSG-TOP', quantity, 'Consumed') + mat('HSG-BOT', quantity, 'Consumed') + mat('PCB-S200', quantity, 'Consumed') + mat('SCREW-M3x8', quantity * 4, 'Consumed'))}
${seg('S2', 'End-of-line test', 'st20', '')}
${seg('S3', 'Pack', 'st30', mat('BOX-S', quantity, 'Consumed') + mat('S200', quantity, 'Produced'))}
</OperationsRequest></OperationsSchedule></DataArea></SyncOperationsSchedule>`;
}

for (const kind of DB_KINDS) {
  describe(`a production run end to end on ${kind}`, () => {
    let t: TestServer;
    let sim: SimHandle;
    let receiver: Server;
    const deliveries: Delivery[] = [];
    let secret = '';
    const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as string,
        headers: { authorization: `Bearer ${token ?? t.adminToken}`, ...headers },
      });
      return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body };
    };
    const ok = async (method: string, url: string, body?: unknown, token?: string) => {
      const r = await call(method, url, body, {}, token);
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const h = (k: string) => req.headers[k] as string | undefined;
          deliveries.push({
            event: h('x-takt-event') ?? '',
            order: h('x-takt-order') ?? '',
            body,
            signed: verify(secret, h('x-takt-signature'), h('x-takt-timestamp'), body),
          });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      t = await startTestServer({ db: kind, demo: true, outboundAllow: '127.0.0.1' });
      sim = await startSimulator({
        brokerUrl: t.mqttUrl,
        username: 'sim',
        password: await t.deviceToken(),
        protocol: 'uns',
        seed: 3,
        speed: 20,
        progressMs: 0,
        log: () => {},
      });
      // the simulated stations are connected and listening for commands once their first values are stored
      await eventually(
        async () => {
          const res = await t.app.server.inject({
            method: 'GET',
            url: `/api/equipment/${encodeURIComponent(`${LINE}/st20`)}/tags`,
            headers: { authorization: `Bearer ${t.adminToken}` },
          });
          return res.json().some((x: { tag: string; latest: unknown }) => x.tag === 'good' && x.latest);
        },
        20_000,
        200,
      );
    }, 60_000);

    afterAll(async () => {
      await sim?.stop();
      await t?.close();
      await new Promise((r) => receiver?.close(r));
    });

    it('runs a B2MML schedule through the stations to a valid performance document and an exact genealogy', async () => {
      const hook = await ok('POST', '/api/webhooks', {
        name: 'ERP',
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp`,
        format: 'b2mml-v0701',
        events: ['operation.completed', 'order.completed'],
      });
      secret = hook.secret;

      // stock: supplier lots, two of the screws so FIFO shows (the older one is used first)
      const receive = (id: string, material: string, quantity: number, supplierLot: string) =>
        ok('POST', '/api/lots', { id, material, quantity, supplier: 'ACME supply', supplierLot, location: 'line1' });
      await receive('TOP-A', 'HSG-TOP', 500, 'MOULD-TOP-7');
      await receive('BOT-A', 'HSG-BOT', 500, 'MOULD-BOT-3');
      await receive('PCB-A', 'PCB-S200', 500, 'PCB-BATCH-42');
      await receive('PCB-B', 'PCB-S200', 500, 'PCB-BATCH-43');
      await receive('SCR-OLD', 'SCREW-M3x8', 8, 'SCR-2026-01');
      await receive('SCR-NEW', 'SCREW-M3x8', 5000, 'SCR-2026-02');
      await receive('BOX-A', 'BOX-S', 500, 'BOX-11');

      // the schedule from the outside client
      const intake = await call('POST', '/api/integration/b2mml', schedule('E2E-1', 40), { 'content-type': 'application/xml' });
      expect(intake.status, JSON.stringify(intake.body)).toBe(200);
      expect(intake.body.results).toEqual([expect.objectContaining({ orderId: 'E2E-1', result: 'created' })]);
      const order = await ok('POST', '/api/orders/E2E-1/release');
      expect(order.operations.map((o: { seq: number; candidates: string[] }) => [o.seq, o.candidates])).toEqual([
        [10, [`${LINE}/st10`]],
        [20, [`${LINE}/st20`]],
        [30, [`${LINE}/st30`]],
      ]);
      const olivia = (
        await t.app.server.inject({
          method: 'POST',
          url: '/api/users',
          headers: { authorization: `Bearer ${t.adminToken}` },
          payload: { username: 'ole', roles: ['operator'], password: 'password-123', badge: 'E2E', pin: '246813' },
        })
      ).statusCode;
      expect(olivia).toBe(201);
      const op = (await t.app.server.inject({ method: 'POST', url: '/api/auth/badge', payload: { badge: 'E2E', pin: '246813' } })).json().token as string;

      // station 10: the recipe (torque) is downloaded and confirmed by the machine, production counted by the machine
      const s10 = await ok('POST', '/api/operations/E2E-1/10/setup', { equipment: `${LINE}/st10` }, op);
      expect(s10.download).toMatchObject({ status: 'confirmed', readBack: { 'torque.sp': 0.9 } });
      await ok('POST', '/api/operations/E2E-1/10/start', {}, op);
      await eventually(async () => (await call('GET', '/api/operations/E2E-1/10')).body.counts.machine.good >= 3, 90_000, 300);
      await ok('POST', '/api/operations/E2E-1/10/quantities', { kind: 'scrap', quantity: 1, reason: 'damaged', fromGood: true }, op);
      // scanned: a board lot; the wrong material and a lot on hold are refused with the reason
      const wrong = await call('POST', '/api/operations/E2E-1/10/consume', { lotId: 'BOX-A', quantity: 1 }, {}, op);
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.message).toMatch(/BOX-A is BOX-S/);
      await ok('POST', '/api/lots/PCB-B/hold', { reason: 'ESD check' });
      const held = await call('POST', '/api/operations/E2E-1/10/consume', { lotId: 'PCB-B', quantity: 1 }, {}, op);
      expect(held.status).toBe(409);
      expect(held.body.error.message).toMatch(/on hold \(reason: ESD check\)/);
      await ok('POST', '/api/operations/E2E-1/10/consume', { lotId: 'PCB-A', quantity: 2 }, op);
      const done10 = await ok('POST', '/api/operations/E2E-1/10/complete', {}, op);
      const made10 = done10.good + done10.scrap;
      // backflushed: the rest of the bill of materials for good + scrap, FIFO over the screws
      const booked = (m: string) =>
        done10.backflushed.filter((b: { materialId: string }) => b.materialId === m).reduce((s: number, b: { quantity: number }) => s + b.quantity, 0);
      expect(booked('HSG-TOP')).toBeCloseTo(made10, 6);
      expect(booked('PCB-S200')).toBeCloseTo(made10 - 2, 6);
      expect(
        done10.backflushed
          .filter((b: { materialId: string }) => b.materialId === 'SCREW-M3x8')
          .map((b: { lotId: string; quantity: number }) => [b.lotId, b.quantity]),
      ).toEqual([
        ['SCR-OLD', 8],
        ['SCR-NEW', made10 * 4 - 8],
      ]);

      // station 20: the test program is the recipe; station 30 has none; counts by hand at the packing station
      const s20 = await ok('POST', '/api/operations/E2E-1/20/setup', { equipment: `${LINE}/st20` }, op);
      expect(s20.download).toMatchObject({ status: 'confirmed', readBack: { 'testProgram.sp': 'S200-EOL-v3' } });
      await ok('POST', '/api/operations/E2E-1/20/start', {}, op);
      await ok('POST', '/api/operations/E2E-1/20/complete', {}, op);
      const s30 = await ok('POST', '/api/operations/E2E-1/30/setup', { equipment: `${LINE}/st30` }, op);
      expect(s30.download).toBeNull();
      await ok('POST', '/api/operations/E2E-1/30/start', {}, op);
      await ok('POST', '/api/operations/E2E-1/30/quantities', { kind: 'good', quantity: 6 }, op);
      const done30 = await ok('POST', '/api/operations/E2E-1/30/complete', { lotId: 'S200-E2E-1' }, op);
      expect(done30.orderCompleted).toBe(true);
      expect(done30.produced).toMatchObject({ lotId: 'S200-E2E-1', materialId: 'S200', quantity: done30.good });
      expect((await ok('GET', '/api/orders/E2E-1')).status).toBe('completed');

      // the produced lot remembers where, how and by whom
      const lot = await ok('GET', '/api/lots/S200-E2E-1');
      expect(lot.producedBy).toMatchObject({ orderId: 'E2E-1', seq: 30, equipment: `${LINE}/st30`, operator: 'ole' });

      // performance documents out to the receiver: signed, in order, valid against the V0701 XSD
      const got = await eventually(
        () => {
          if (deliveries.filter((d) => d.order === 'E2E-1').length < 4) throw new Error(`${deliveries.length} deliveries`);
          return deliveries.filter((d) => d.order === 'E2E-1');
        },
        30_000,
        200,
      );
      expect(got.map((d) => d.event)).toEqual(['operation.completed', 'operation.completed', 'operation.completed', 'order.completed']);
      expect(got.every((d) => d.signed)).toBe(true);
      for (const d of got) expect(await validatePerformance(d.body, 'V0701')).toEqual([]);
      const final = got[3].body;
      for (const l of ['S200-E2E-1', 'PCB-A', 'SCR-OLD', 'SCR-NEW', 'TOP-A', 'BOX-A']) expect(final).toContain(`>${l}<`);
      const v6 = await call('GET', '/api/orders/E2E-1/performance?format=b2mml-v0600');
      expect(v6.status).toBe(200);
      expect(await validatePerformance(v6.body as string, 'V0600')).toEqual([]);

      // backward trace: exactly the supplier lots the order consumed
      const back = await ok('GET', '/api/lots/S200-E2E-1/trace?direction=backward');
      expect(back.nodes.map((n: { lot: string }) => n.lot).sort()).toEqual(['BOT-A', 'BOX-A', 'PCB-A', 'S200-E2E-1', 'SCR-NEW', 'SCR-OLD', 'TOP-A']);
      // a recall of the board batch: forward to the produced lot and its order; the held batch went nowhere
      const recall = await ok('GET', '/api/lots/trace?supplierLot=PCB-BATCH-42');
      expect(recall.nodes.map((n: { lot: string }) => n.lot).sort()).toEqual(['PCB-A', 'S200-E2E-1']);
      expect(recall.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['E2E-1']);
      expect((await ok('GET', '/api/lots/trace?supplierLot=PCB-BATCH-43')).nodes.map((n: { lot: string }) => n.lot)).toEqual(['PCB-B']);
    }, 240_000);
  });
}
