// Nonconformances on PGlite and PostgreSQL: opened by hand, from a complaint against a lot and from a reaction plan's
// reaction (the bus, once per reaction); every status × action allowed or refused; each disposition's effect in the
// lot ledger and on the order; closing needs a quality signature, which breaks when the NCR is altered in the
// database; photos; roles; and a bounded fuzz of the create boundary.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityModule, QualityReaction } from '../../src/quality/index.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

type Ncr = {
  id: string;
  status: string;
  source: string;
  lots: Array<{ lot: string; quantity: number | null }>;
  dispositions: Array<{ kind: string; quantity: number; lot: string | null; orderId: string | null; operationSeq: number | null; createdBy: string }>;
  photos: Array<{ id: string; sha256: string }>;
  signatures: string[];
  [k: string]: unknown;
};
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

for (const kind of DB_KINDS) {
  describe(`nonconformances on ${kind}`, () => {
    let t: TestServer;
    let signer = '';
    const tokens: Record<string, string> = {};
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method: method as 'GET',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const open = async (body: Record<string, unknown>) => {
      const res = await call('POST', '/api/quality/ncrs', { title: 'short shot on cavity 2', ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as Ncr;
    };
    const dispose = (id: string, body: Record<string, unknown>) => call('POST', `/api/quality/ncrs/${id}/dispositions`, { reason: 'MRB decision', ...body });
    const lot = async (id: string) => (await call('GET', `/api/lots/${id}`)).body as { quantity: number; status: string; holdReason: string | null };
    const receive = async (id: string, quantity: number) => {
      const res = await call('POST', '/api/lots', { id, material: 'PP-GRAN-BK', quantity, supplier: 'Resin Co', supplierLot: `S-${id}` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    const sign = (id: string, action = 'ncr.close') =>
      call('POST', '/api/signatures', { recordType: 'ncr', recordId: id, meaning: 'approval', action, username: 'qa-nina', password: t.userPassword }, signer);
    const signaturesOf = async (id: string) =>
      (await call('GET', `/api/signatures?recordType=ncr&recordId=${id}`)).body as {
        current: string;
        signatures: Array<{ id: string; status: string; changed: string[] }>;
      };

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      for (const role of ['supervisor', 'operator', 'quality', 'maintenance']) tokens[role] = await t.tokenFor([role]);
      tokens.integration = (await call('POST', '/api/tokens', { name: 'ncr-int', role: 'integration' })).body.token;
      expect(
        (await call('POST', '/api/users', { username: 'qa-nina', displayName: 'Nina Quality', roles: ['quality'], password: t.userPassword })).status,
      ).toBe(201);
      const login = await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'qa-nina', password: t.userPassword } });
      signer = login.json().token;
      expect((await call('POST', '/api/orders', { id: 'NC-O1', product: 'HSG-TOP', quantity: 100 })).status).toBe(201);
    });
    afterAll(async () => t?.close());

    it('opens an NCR by hand with what, where, defect codes and quantity, audited', async () => {
      await receive('NC-L0', 50);
      const n = await open({
        orderId: 'NC-O1',
        operationSeq: null,
        equipment: 'imm01',
        lots: [{ lot: 'NC-L0', quantity: 20 }],
        defectCodes: ['SHORT', 'SHORT', 'FLASH'],
        quantity: 20,
      });
      expect(n).toMatchObject({
        id: expect.stringMatching(/^NCR-\d+$/),
        status: 'open',
        source: 'manual',
        orderId: 'NC-O1',
        defectCodes: ['SHORT', 'FLASH'],
        quantity: 20,
      });
      expect((await call('GET', `/api/quality/ncrs/${n.id}`, undefined, tokens.operator)).body).toEqual(n);
      const audit = (await call('GET', `/api/audit?entity=ncr&entityId=${n.id}`)).body as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(['create']);
      const listed = (await call('GET', '/api/quality/ncrs?status=open&defect=FLASH&lot=NC-L0')).body as Ncr[];
      expect(listed.map((x) => x.id)).toEqual([n.id]);
      expect((await call('GET', '/api/quality/ncrs?defect=NOPE')).body).toEqual([]);
    });

    it('refuses bad input with 4xx and the reason', async () => {
      const bad = async (body: Record<string, unknown>, status: number, message: RegExp) => {
        const res = await call('POST', '/api/quality/ncrs', { title: 'x', ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(status);
        expect(res.body.error.message).toMatch(message);
      };
      await bad({ source: 'complaint' }, 400, /complaint is against a lot/);
      await bad({ source: 'hold' }, 400, /names the hold/);
      await bad({ operationSeq: 10 }, 400, /give orderId/);
      await bad({ lots: [{ lot: 'NO-SUCH-LOT' }] }, 404, /lot 'NO-SUCH-LOT' does not exist/);
      await bad({ orderId: 'NO-SUCH-ORDER' }, 404, /order 'NO-SUCH-ORDER' does not exist/);
      await bad({ lots: [{ lot: 'NC-L0' }, { lot: 'NC-L0' }] }, 400, /listed twice/);
      await bad({ source: 'check' }, 400, /./);
      await bad({ quantity: -1 }, 400, /./);
      expect((await call('GET', '/api/quality/ncrs/NCR-999999')).status).toBe(404);
      expect((await call('GET', '/api/quality/ncrs/nonsense')).status).toBe(400);
    });

    it('opens an NCR from a customer complaint against a lot', async () => {
      await receive('NC-CPL', 10);
      const n = await open({ source: 'complaint', sourceRef: 'CUST-4711', lots: [{ lot: 'NC-CPL', quantity: 4 }], defectCodes: ['CRACK'] });
      expect(n).toMatchObject({ source: 'complaint', sourceRef: 'CUST-4711', lots: [{ lot: 'NC-CPL', quantity: 4 }] });
      expect(((await call('GET', '/api/quality/ncrs?source=complaint')).body as Ncr[]).map((x) => x.id)).toContain(n.id);
    });

    it('opens one NCR per reaction from the bus, pre-filled from it', async () => {
      const reaction: QualityReaction = {
        id: `R-${kind}-1`,
        characteristic: 'WALL-1',
        characteristicName: 'Wall thickness',
        measurementId: 42,
        value: 2.31,
        trigger: 'spec',
        rule: null,
        actions: ['hold'],
        holds: ['H-1'],
        commandId: null,
        equipment: 'imm01',
        orderId: 'NC-O1',
        operationSeq: 10,
        lot: 'NC-L0',
        ts: new Date().toISOString(),
        summary: 'Wall thickness 2.31 mm above USL 2.2 on IMM 01: lot NC-L0 held',
      };
      t.app.ctx.events.publish('quality.reaction', reaction);
      t.app.ctx.events.publish('quality.reaction', reaction);
      let found: Ncr[] = [];
      for (let i = 0; i < 200 && found.length === 0; i++) {
        found = ((await call('GET', '/api/quality/ncrs?source=check')).body as Ncr[]).filter((n) => n.reactionId === reaction.id);
        if (!found.length) await new Promise((r) => setTimeout(r, 25));
      }
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        source: 'check',
        sourceRef: reaction.id,
        characteristic: 'WALL-1',
        measurementId: 42,
        value: 2.31,
        orderId: 'NC-O1',
        operationSeq: 10,
        equipment: 'imm01',
        lots: [{ lot: 'NC-L0', quantity: null }],
        description: reaction.summary,
        title: 'Wall thickness: out of specification',
      });
      // a third delivery, awaited: still the one NCR
      const again = await (t.app.modules.get('quality') as unknown as { ncr: { fromReaction(r: QualityReaction): Promise<Ncr> } }).ncr.fromReaction(reaction);
      expect(again.id).toBe(found[0]!.id);
      expect(((await call('GET', '/api/quality/ncrs?source=check')).body as Ncr[]).filter((n) => n.reactionId === reaction.id)).toHaveLength(1);
    });

    it('books each disposition in the lot ledger or on the order, with who, how much and why', async () => {
      await receive('NC-L1', 100);
      await receive('NC-L2', 30);
      await receive('NC-L3', 40);
      expect((await call('POST', '/api/lots/NC-L3/hold', { reason: 'suspect moisture' })).status).toBe(200);
      const n = await open({
        orderId: 'NC-O1',
        equipment: 'imm01',
        lots: [
          { lot: 'NC-L1', quantity: 100 },
          { lot: 'NC-L2', quantity: 30 },
          { lot: 'NC-L3', quantity: 40 },
        ],
        defectCodes: ['SINK'],
      });
      // scrap part of a lot: its quantity drops, it stays available
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-L1', quantity: 25 })).status).toBe(201);
      expect(await lot('NC-L1')).toMatchObject({ quantity: 75, status: 'available' });
      // scrap the rest: the lot is scrapped
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-L1', quantity: 75 })).status).toBe(201);
      expect(await lot('NC-L1')).toMatchObject({ status: 'scrapped' });
      // more than is left: 409, nothing booked
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-L2', quantity: 31 })).status).toBe(409);
      // return to supplier: the lot leaves stock as 'returned'
      expect((await dispose(n.id, { kind: 'return_to_supplier', lot: 'NC-L2', quantity: 30 })).status).toBe(201);
      expect(await lot('NC-L2')).toMatchObject({ status: 'returned' });
      expect((await call('POST', '/api/lots/NC-L2/hold', { reason: 'x' })).status).toBe(409);
      // use as is: the held lot is released, with the NCR's reason
      // releasing the held lot needs the policy's lot.release signature, given on the NCR as it is now
      const unsigned = await dispose(n.id, { kind: 'use_as_is', lot: 'NC-L3', quantity: 40, reason: 'within customer deviation D-7' });
      expect(unsigned.status).toBe(409);
      expect(unsigned.body.error).toMatchObject({ code: 'signature_required', details: { action: 'lot.release' } });
      expect(await lot('NC-L3')).toMatchObject({ status: 'on_hold' });
      expect((await sign(n.id, 'lot.release')).status).toBe(201);
      expect((await dispose(n.id, { kind: 'use_as_is', lot: 'NC-L3', quantity: 40, reason: 'within customer deviation D-7' })).status).toBe(201);
      expect(await lot('NC-L3')).toMatchObject({ status: 'available', holdReason: null });
      const release = ((await call('GET', '/api/audit?entity=material_lot&entityId=NC-L3')).body as Array<{ action: string; reason: string }>).find(
        (a) => a.action === 'release',
      );
      expect(release?.reason).toBe(`${n.id}: within customer deviation D-7`);
      // rework: an operation added to the order, marked as rework of this NCR
      const rw = await dispose(n.id, { kind: 'rework', quantity: 12 });
      expect(rw.status, JSON.stringify(rw.body)).toBe(201);
      const d = (rw.body as Ncr).dispositions.at(-1)!;
      const ops = ((await call('GET', '/api/orders/NC-O1')).body as { operations: Array<{ seq: number; reworkOf?: string; quantity: number }> }).operations;
      expect(ops.find((o) => o.seq === d.operationSeq)).toMatchObject({ reworkOf: n.id, quantity: 12 });
      // a lot not on the NCR, a scrap without a lot: 400
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-L0', quantity: 1 })).status).toBe(400);
      expect((await dispose(n.id, { kind: 'scrap', quantity: 1 })).status).toBe(400);
      const after = (await call('GET', `/api/quality/ncrs/${n.id}`)).body as Ncr;
      expect(after.status).toBe('dispositioned');
      expect(after.dispositions.map((x) => [x.kind, x.lot, x.quantity, x.createdBy])).toEqual([
        ['scrap', 'NC-L1', 25, 'admin'],
        ['scrap', 'NC-L1', 75, 'admin'],
        ['return_to_supplier', 'NC-L2', 30, 'admin'],
        ['use_as_is', 'NC-L3', 40, 'admin'],
        ['rework', null, 12, 'admin'],
      ]);
      // the KPIs' rework source sees the reworked quantity by product, machine and defect
      const ncr = (t.app.modules.get('quality') as unknown as { ncr: { reworked: (w: { from: Date; to: Date }, f?: object) => Promise<unknown> } }).ncr;
      const window = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
      expect(await ncr.reworked(window, { machine: 'imm01' })).toEqual([{ product: 'HSG-TOP', machine: 'imm01', defect: 'SINK', quantity: 12 }]);
      expect(await ncr.reworked(window, { product: 'NOPE' })).toEqual([]);
    });

    it('an NCR opened from a hold closes that hold once its dispositions settle the held quantity', async () => {
      await receive('NC-HS1', 30);
      const holds = (t.app.modules.get('quality') as QualityModule).holds;
      const hold = await holds.place({ id: null, name: 'quality reaction plan' }, 'lot', 'NC-HS1', 'wall thickness out of spec', null);
      if (typeof hold === 'string') throw new Error(hold);
      const n = await open({ source: 'hold', sourceRef: hold.id, lots: [{ lot: 'NC-HS1', quantity: 30 }], quantity: 30 });
      const state = async () =>
        (await call('GET', `/api/quality/holds/${hold.id}`)).body as { releasedAt: string | null; releasedBy: string | null; releaseReason: string | null };
      // part of it: the hold stays
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-HS1', quantity: 10 })).status).toBe(201);
      expect((await state()).releasedAt).toBeNull();
      // the rest: the hold is closed by whoever booked it, naming the NCR; the lot is as the disposition left it
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-HS1', quantity: 20 })).status).toBe(201);
      expect(await state()).toMatchObject({ releasedBy: 'admin', releaseReason: `${n.id}: dispositions settle the held quantity` });
      expect((await state()).releasedAt).not.toBeNull();
      expect(await lot('NC-HS1')).toMatchObject({ status: 'scrapped' });
    });

    it('refuses a rework for a cancelled order and a return of a lot Takt made', async () => {
      expect((await call('POST', '/api/orders', { id: 'NC-O2', product: 'HSG-TOP', quantity: 10 })).status).toBe(201);
      const n = await open({ orderId: 'NC-O2' });
      expect((await call('POST', '/api/orders/NC-O2/cancel', { reason: 'ERP cancelled it' })).status).toBe(200);
      const res = await dispose(n.id, { kind: 'rework', quantity: 2 });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/cancelled: a rework operation cannot be added/);
      const none = await open({});
      expect((await dispose(none.id, { kind: 'rework', quantity: 2 })).status).toBe(422);
      expect(((await call('GET', `/api/quality/ncrs/${n.id}`)).body as Ncr).status).toBe('open');
    });

    it('allows and refuses every action from every status', async () => {
      type Action = 'edit' | 'photo' | 'disposition' | 'close' | 'cancel';
      const act: Record<Action, (id: string) => Promise<{ status: number; body: { error?: { code: string } } }>> = {
        edit: (id) => call('PATCH', `/api/quality/ncrs/${id}`, { description: 'more detail', reason: 'found more' }),
        photo: async (id) => {
          const res = await t.app.server.inject({
            method: 'POST',
            url: `/api/quality/ncrs/${id}/photos?name=part.png`,
            payload: PNG,
            headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'image/png' },
          });
          return { status: res.statusCode, body: res.json() };
        },
        disposition: (id) => dispose(id, { kind: 'use_as_is', quantity: 1 }),
        close: async (id) => {
          await sign(id);
          return call('POST', `/api/quality/ncrs/${id}/close`, { reason: 'done' });
        },
        cancel: (id) => call('POST', `/api/quality/ncrs/${id}/cancel`, { reason: 'opened in error' }),
      };
      const start: Record<string, () => Promise<string>> = {
        open: async () => (await open({})).id,
        dispositioned: async () => {
          const { id } = await open({});
          expect((await act.disposition(id)).status).toBe(201);
          return id;
        },
        closed: async () => {
          const id = await start.dispositioned!();
          expect((await act.close(id)).status).toBe(200);
          return id;
        },
        cancelled: async () => {
          const { id } = await open({});
          expect((await act.cancel(id)).status).toBe(200);
          return id;
        },
      };
      // [from, action, the status after it, or the HTTP status of the refusal]
      const table: Array<[string, Action, string | number]> = [
        ['open', 'edit', 'open'],
        ['open', 'photo', 'open'],
        ['open', 'disposition', 'dispositioned'],
        ['open', 'close', 409],
        ['open', 'cancel', 'cancelled'],
        ['dispositioned', 'edit', 'dispositioned'],
        ['dispositioned', 'photo', 'dispositioned'],
        ['dispositioned', 'disposition', 'dispositioned'],
        ['dispositioned', 'close', 'closed'],
        ['dispositioned', 'cancel', 409],
        ...(['edit', 'photo', 'disposition', 'close', 'cancel'] as Action[]).flatMap(
          (a): Array<[string, Action, number]> => [
            ['closed', a, 409],
            ['cancelled', a, 409],
          ],
        ),
      ];
      for (const [from, action, expected] of table) {
        const id = await start[from]!();
        const res = await act[action](id);
        const now = ((await call('GET', `/api/quality/ncrs/${id}`)).body as Ncr).status;
        if (typeof expected === 'number') {
          expect([from, action, res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([from, action, expected, 'conflict']);
          expect(now).toBe(from);
        } else {
          expect([from, action, res.status < 300, now], JSON.stringify(res.body)).toEqual([from, action, true, expected]);
        }
      }
    });

    it('closes only with a quality signature, which stays valid when closed and breaks when the record is tampered with', async () => {
      await receive('NC-S1', 20);
      const n = await open({ lots: [{ lot: 'NC-S1', quantity: 5 }], defectCodes: ['BURR'], quantity: 5 });
      expect((await dispose(n.id, { kind: 'scrap', lot: 'NC-S1', quantity: 5 })).status).toBe(201);
      const unsigned = await call('POST', `/api/quality/ncrs/${n.id}/close`, {});
      expect([unsigned.status, unsigned.body.error.code]).toEqual([409, 'signature_required']);
      // a signature by someone without the quality role does not count
      expect((await call('POST', '/api/users', { username: 'sup-sam', displayName: 'Sam', roles: ['supervisor'], password: t.userPassword })).status).toBe(201);
      const sam = (await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sup-sam', password: t.userPassword } })).json()
        .token;
      const samSigned = await call(
        'POST',
        '/api/signatures',
        { recordType: 'ncr', recordId: n.id, meaning: 'approval', action: 'ncr.close', username: 'sup-sam', password: t.userPassword },
        sam,
      );
      expect(samSigned.status).toBe(201);
      expect((await call('POST', `/api/quality/ncrs/${n.id}/close`, {})).status).toBe(403);
      const signed = await sign(n.id);
      expect(signed.status, JSON.stringify(signed.body)).toBe(201);
      const closed = await call('POST', `/api/quality/ncrs/${n.id}/close`, { reason: 'scrapped, cause fixed by CAPA' });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      expect(closed.body).toMatchObject({ status: 'closed', closedBy: 'admin', signatures: [signed.body.id], statusReason: 'scrapped, cause fixed by CAPA' });
      const valid = await signaturesOf(n.id);
      expect(valid.signatures.find((s) => s.id === signed.body.id)?.status).toBe('valid');
      const audit = (await call('GET', `/api/audit?entity=ncr&entityId=${n.id}`)).body as Array<{ action: string; after: { signatures?: string[] } }>;
      expect(audit.find((a) => a.action === 'close')?.after.signatures).toEqual([signed.body.id]);
      // a tamperer changes the quantity in the database: the signature shows broken, naming what changed
      await t.sql('UPDATE quality_ncrs SET quantity = 1 WHERE id = $1', [n.id]);
      const broken = await signaturesOf(n.id);
      const s = broken.signatures.find((x) => x.id === signed.body.id)!;
      expect(s.status).toBe('broken');
      expect(s.changed).toContain('$.quantity');
      // and a changed disposition as well
      await t.sql('UPDATE quality_ncrs SET quantity = 5 WHERE id = $1', [n.id]);
      expect((await signaturesOf(n.id)).signatures.find((x) => x.id === signed.body.id)?.status).toBe('valid');
      await t.sql('UPDATE quality_ncr_dispositions SET quantity = 4 WHERE ncr_id = $1', [n.id]);
      expect((await signaturesOf(n.id)).signatures.find((x) => x.id === signed.body.id)?.status).toBe('broken');
    });

    it('takes photos as type-checked images and shows them', async () => {
      const n = await open({});
      const up = (body: Buffer, type: string, token = t.adminToken) =>
        t.app.server.inject({
          method: 'POST',
          url: `/api/quality/ncrs/${n.id}/photos?name=crack.png`,
          payload: body,
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
        });
      const res = await up(PNG, 'image/png', tokens.operator);
      expect(res.statusCode, res.body).toBe(201);
      const photo = res.json();
      const got = await t.app.server.inject({
        method: 'GET',
        url: `/api/quality/ncrs/${n.id}/photos/${photo.id}`,
        headers: { authorization: `Bearer ${tokens.operator}` },
      });
      expect([got.statusCode, got.headers['content-type'], Buffer.compare(got.rawPayload, PNG)]).toEqual([200, 'image/png', 0]);
      expect((await up(PNG, 'image/jpeg')).statusCode).toBe(415);
      expect((await up(Buffer.from('<svg/>'), 'image/svg+xml')).statusCode).toBe(415);
      expect((await up(Buffer.alloc(6 * 1024 * 1024, 1), 'image/png')).statusCode).toBe(413);
      expect(((await call('GET', `/api/quality/ncrs/${n.id}`)).body as Ncr).photos).toHaveLength(1);
    });

    it('lets people at the line open NCRs and only quality decide on them', async () => {
      expect((await call('POST', '/api/quality/ncrs', { title: 'seen at the press' }, tokens.operator)).status).toBe(201);
      expect((await call('POST', '/api/quality/ncrs', { title: 'x' }, tokens.maintenance)).status).toBe(403);
      expect((await call('POST', '/api/quality/ncrs', { title: 'x' }, tokens.integration)).status).toBe(403);
      const n = await open({});
      for (const role of ['operator', 'supervisor', 'maintenance']) {
        expect((await call('POST', `/api/quality/ncrs/${n.id}/dispositions`, { kind: 'use_as_is', quantity: 1, reason: 'x' }, tokens[role])).status).toBe(403);
        expect((await call('POST', `/api/quality/ncrs/${n.id}/cancel`, { reason: 'x' }, tokens[role])).status).toBe(403);
      }
      expect((await call('POST', `/api/quality/ncrs/${n.id}/dispositions`, { kind: 'use_as_is', quantity: 1, reason: 'x' }, tokens.quality)).status).toBe(201);
      expect((await call('GET', '/api/quality/ncrs', undefined, tokens.integration)).status).toBe(200);
    });

    it('keeps CAPAs: root cause, actions with owners and due dates, linked NCRs, overdue actions, the effectiveness check', async () => {
      const a = await open({ defectCodes: ['SHORT'] });
      const b = await open({ defectCodes: ['SHORT'] });
      const today = new Date().toISOString().slice(0, 10);
      const res = await call('POST', '/api/quality/capas', {
        title: 'Short shots on IMM 01',
        problem: 'cavity 2 does not fill',
        whys: ['cavity 2 does not fill', 'melt too cold', 'heater band 3 fails'],
        category: 'machine',
        rootCause: 'heater band 3 past its life',
        ncrs: [a.id, b.id, a.id],
        actions: [
          { kind: 'corrective', description: 'replace heater band 3', owner: 'maint-max', dueDate: '2020-01-10' },
          { kind: 'preventive', description: 'heater bands into the PM plan', owner: 'qa-nina', dueDate: '2999-12-31' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const capa = res.body as { id: string; ncrs: string[]; actions: Array<{ id: number; overdue: boolean; dueDate: string; doneDate: string | null }> };
      expect(capa.ncrs).toEqual([a.id, b.id].sort());
      expect(capa.actions.map((x) => [x.dueDate, x.overdue])).toEqual([
        ['2020-01-10', true],
        ['2999-12-31', false],
      ]);
      const overdue = (await call('GET', '/api/quality/capas?overdue=true', undefined, tokens.operator)).body as Array<{ id: string; actions: unknown[] }>;
      expect(overdue.find((c) => c.id === capa.id)?.actions).toHaveLength(1);
      expect(((await call('GET', `/api/quality/capas?ncr=${b.id}`)).body as Array<{ id: string }>).map((c) => c.id)).toEqual([capa.id]);
      // not effective while an action is open; bad input refused
      expect((await call('POST', `/api/quality/capas/${capa.id}/effectiveness`, { result: 'effective' })).status).toBe(409);
      expect((await call('POST', '/api/quality/capas', { title: 'x', category: 'luck' })).status).toBe(400);
      expect((await call('POST', '/api/quality/capas', { title: 'x', ncrs: ['NCR-999999'] })).status).toBe(400);
      expect(
        (await call('POST', '/api/quality/capas', { title: 'x', actions: [{ kind: 'corrective', description: 'y', owner: 'z', dueDate: '2026-02-30' }] }))
          .status,
      ).toBe(400);
      expect((await call('POST', '/api/quality/capas', { title: 'x' }, tokens.operator)).status).toBe(403);
      for (const x of capa.actions) expect((await call('PATCH', `/api/quality/capas/${capa.id}/actions/${x.id}`, { doneDate: today })).status).toBe(200);
      expect(((await call('GET', '/api/quality/capas?overdue=true')).body as Array<{ id: string }>).some((c) => c.id === capa.id)).toBe(false);
      const judged = await call(
        'POST',
        `/api/quality/capas/${capa.id}/effectiveness`,
        { result: 'effective', note: 'no short shot in 3 weeks' },
        tokens.quality,
      );
      expect(judged.status, JSON.stringify(judged.body)).toBe(200);
      expect(judged.body).toMatchObject({
        status: 'closed',
        effectiveness: 'effective',
        effectivenessNote: 'no short shot in 3 weeks',
        effectivenessAt: expect.any(String),
      });
      expect((await call('PATCH', `/api/quality/capas/${capa.id}`, { rootCause: 'changed later' })).status).toBe(409);
      const audit = (await call('GET', `/api/audit?entity=capa&entityId=${capa.id}`)).body as Array<{ action: string }>;
      expect(audit.map((x) => x.action).sort()).toEqual(['create', 'effectiveness', 'update_action', 'update_action']);
    });

    it('answers any create body with 201 or a 4xx, never a 5xx (bounded fuzz)', async () => {
      const field = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.anything(), { maxLength: 3 }),
      );
      const body = fc.record(
        {
          title: fc.oneof(fc.string({ maxLength: 220 }), field),
          source: fc.oneof(fc.constantFrom('manual', 'hold', 'complaint', 'check'), field),
          sourceRef: fc.oneof(fc.string({ maxLength: 20 }), field),
          orderId: fc.oneof(fc.constantFrom('NC-O1', 'NOPE', ''), field),
          operationSeq: fc.oneof(fc.integer({ min: -5, max: 30 }), field),
          lots: fc.oneof(
            fc.array(fc.record({ lot: fc.oneof(fc.constantFrom('NC-L0', 'NC-CPL', 'MISSING'), field), quantity: fc.oneof(fc.double(), field) }), {
              maxLength: 3,
            }),
            field,
          ),
          defectCodes: fc.oneof(fc.array(fc.string({ maxLength: 45 }), { maxLength: 25 }), field),
          quantity: fc.oneof(fc.double(), field),
          extra: field,
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const res = await call('POST', '/api/quality/ncrs', b, tokens.quality);
          expect(res.status === 201 || (res.status >= 400 && res.status < 500), `${res.status} ${JSON.stringify(b)} ${JSON.stringify(res.body)}`).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  });
}
