// Certificates of analysis per lot (issue #15) on PGlite and PostgreSQL: a produced lot's certificate lists its product's
// plan and the measurements recorded against it with a summary per characteristic; a quality person signs it and the
// PDF prints the signature valid; a measurement altered in the database afterwards shows the signature BROKEN in the
// JSON, the PDF and the signatures API. Unknown lots answer 404, text that is no lot number 400, every role may read.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/platform/http/guard.ts';
import { seedGenealogy } from '../support/lots.ts';
import { readPdf } from '../support/pdf.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const LOT = 'TOP-E2E';

for (const kind of DB_KINDS) {
  describe(`certificates of analysis on ${kind}`, () => {
    let t: TestServer;
    let quinn: string;
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, token?: string) => {
      const res = await t.app.server.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token ?? t.adminToken}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return {
        status: res.statusCode,
        headers: res.headers,
        raw: res.rawPayload,
        body: String(res.headers['content-type']).includes('json') ? res.json() : undefined,
      };
    };
    const certificate = async (lot = LOT) => {
      const res = await call('GET', `/api/quality/lots/${encodeURIComponent(lot)}/certificate`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const pdf = async (lot = LOT) => {
      const res = await call('GET', `/api/quality/lots/${encodeURIComponent(lot)}/certificate.pdf`);
      expect(res.status, res.raw.toString().slice(0, 300)).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`inline; filename="certificate-${lot}.pdf"`);
      return readPdf(res.raw);
    };
    const at = (min: number) => new Date(Date.UTC(2026, 10, 20, 8, min)).toISOString();

    beforeAll(async () => {
      t = await startTestServer({ db: kind, demo: true, listen: false });
      await seedGenealogy(t);
      const res = await call('POST', '/api/users', { username: 'qa-quinn', displayName: 'Quinn Quality', roles: ['quality'], password: t.userPassword });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const login = await call('POST', '/api/auth/login', { username: 'qa-quinn', password: t.userPassword });
      quinn = login.body.token;
      // the characteristics' gauge, calibrated on 2026-11-01, due ten years later (docs/quality.md "Gauges and calibration")
      const calibrated = '2026-11-01';
      const gauge = await call('POST', '/api/quality/gauges', { id: 'C-12', name: 'caliper 150 mm', intervalDays: 3650, lastCalibrated: calibrated });
      expect(gauge.status, JSON.stringify(gauge.body)).toBe(201);
      for (const c of [
        {
          id: 'COA-WALL',
          name: 'Wall thickness',
          kind: 'variable',
          chart: 'i-mr',
          unit: 'mm',
          nominal: 2,
          lsl: 1.8,
          usl: 2.2,
          method: 'at rib 3',
          gauge: 'C-12',
        },
        { id: 'COA-FLASH', name: 'Flash', kind: 'attribute', chart: 'np', subgroupSize: 50, method: 'visual, 50 parts' },
      ]) {
        const r = await call('POST', '/api/quality/characteristics', { product: 'HSG-TOP', operationSeq: 10, ...c });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
    });
    afterAll(async () => t?.close());

    it('a lot without measurements: the plan, and a certificate that says nothing was measured', async () => {
      const c = await certificate();
      expect(c.lot).toMatchObject({
        id: LOT,
        materialId: 'HSG-TOP',
        initialQuantity: 100,
        unit: 'pcs',
        producedBy: { orderId: 'O-E2E', seq: 10, equipment: 'imm01' },
      });
      expect(c.plan.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['COA-WALL', 'COA-FLASH']));
      expect(c.measurements).toEqual([]);
      expect(c.signatures).toEqual([]);
      const { text } = await pdf();
      expect(text).toContain(`No measurements have been recorded against lot ${LOT}.`);
      expect(text).toContain('order O-E2E, operation 10, machine imm01');
      expect(text).toContain('COA-WALL Wall thickness');
      expect(text).toContain('Not signed.');
    });

    it('lists the lot’s measurements with their verdicts and a summary per characteristic', async () => {
      const records = [
        ...[1.95, 2.05, 2.25].map((value, i) => ({
          key: `coa-w${i}`,
          characteristic: 'COA-WALL',
          ts: at(i),
          value,
          lot: LOT,
          orderId: 'O-E2E',
          operationSeq: 10,
          equipment: 'imm01',
        })),
        { key: 'coa-f0', characteristic: 'COA-FLASH', ts: at(5), defectives: 0, n: 50, lot: LOT },
        { key: 'coa-other', characteristic: 'COA-WALL', ts: at(6), value: 9, lot: 'ANOTHER-LOT' },
      ];
      const res = await call('POST', '/api/quality/measurements', { records });
      expect(res.body.accepted, JSON.stringify(res.body)).toBe(5);
      const c = await certificate();
      expect(c.measurements.map((m: { characteristic: string; value: number | null; inSpec: boolean }) => [m.characteristic, m.value, m.inSpec])).toEqual([
        ['COA-WALL', 1.95, true],
        ['COA-WALL', 2.05, true],
        ['COA-WALL', 2.25, false],
        ['COA-FLASH', null, true],
      ]);
      const wall = c.summaries.find((s: { characteristic: string }) => s.characteristic === 'COA-WALL');
      expect(wall).toMatchObject({ n: 3, min: 1.95, max: 2.25, outOfSpec: 1, allInSpec: false });
      expect(wall.mean).toBeCloseTo(6.25 / 3, 12);
      // moving ranges 0.1, 0.2 → σw = 0.15/1.128; Cpk = (2.2 − 2.0833…)/(3σw)
      expect(wall.cpk).toBeCloseTo((2.2 - 6.25 / 3) / ((3 * 0.15) / 1.128), 9);
      expect(c.summaries.find((s: { characteristic: string }) => s.characteristic === 'COA-FLASH')).toMatchObject({ n: 1, cpk: null, allInSpec: true });
      const { text } = await pdf();
      for (const s of ['1.95', '2.05', '2.25', 'COA-FLASH', '0 of 50', 'NO']) expect(text).toContain(s);
      expect(text).not.toContain('No measurements');
    });

    it('signed by a quality person: valid in the JSON and the PDF; a measurement altered in the database breaks it everywhere', async () => {
      const before = await certificate();
      const signed = await call(
        'POST',
        '/api/signatures',
        { recordType: 'quality.coa', recordId: LOT, meaning: 'approval', expectedHash: before.currentHash, username: 'qa-quinn', password: t.userPassword },
        quinn,
      );
      expect(signed.status, JSON.stringify(signed.body)).toBe(201);
      expect(signed.body.recordHash).toBe(before.currentHash);
      const c = await certificate();
      expect(c.signatures).toHaveLength(1);
      expect(c.signatures[0]).toMatchObject({ signerName: 'Quinn Quality', signerUsername: 'qa-quinn', meaning: 'approval', status: 'valid' });
      let text = (await pdf()).text;
      expect(text).toMatch(/Quinn Quality \(qa-quinn\), approval, signed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: valid/);
      expect(text).toContain('Signatures: Quinn Quality (approval, valid)');

      // behind Takt's back: the second wall value of the lot is changed
      await t.sql(`UPDATE quality_measurements SET value = 2.06 WHERE idem_key = 'coa-w1'`);
      const after = await certificate();
      expect(after.currentHash).not.toBe(before.currentHash);
      expect(after.signatures[0]).toMatchObject({ status: 'broken', changed: ['$.measurements[1].value'] });
      expect(after.signatures[0].problems.join(' ')).toMatch(/changed/);
      text = (await pdf()).text;
      expect(text).toMatch(/Quinn Quality \(qa-quinn\), approval, signed .* UTC: BROKEN/);
      expect(text).toContain('Signatures: Quinn Quality (approval, BROKEN)');
      expect(text).toContain('$.measurements[1].value');
      const api = await call('GET', `/api/signatures?recordType=quality.coa&recordId=${LOT}`);
      expect(api.body).toMatchObject({ current: 'found', currentHash: after.currentHash, signatures: [{ status: 'broken' }] });
    });

    it('a measurement recorded later breaks it too; a new signature on the new version is valid beside the broken one', async () => {
      await call('POST', '/api/quality/measurements', { records: [{ key: 'coa-w9', characteristic: 'COA-WALL', ts: at(9), value: 2, lot: LOT }] });
      const c = await certificate();
      const res = await call(
        'POST',
        '/api/signatures',
        { recordType: 'quality.coa', recordId: LOT, meaning: 'review', expectedHash: c.currentHash, username: 'qa-quinn', password: t.userPassword },
        quinn,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect((await certificate()).signatures.map((s: { meaning: string; status: string }) => [s.meaning, s.status])).toEqual([
        ['approval', 'broken'],
        ['review', 'valid'],
      ]);
    });

    it('approval follows the policy for coa.sign: a signature for it by quality approves; a two-signature rule needs a second person', async () => {
      const c = await certificate();
      // the signatures so far were given for no action: they do not approve
      expect(c.approval).toMatchObject({ action: 'coa.sign', needed: 1, counted: [], roles: ['quality'], meaning: 'approval', complete: false });
      const body = {
        recordType: 'quality.coa',
        recordId: LOT,
        meaning: 'approval',
        action: 'coa.sign',
        expectedHash: c.currentHash,
        username: 'qa-quinn',
        password: t.userPassword,
      };
      const signed = await call('POST', '/api/signatures', body, quinn);
      expect(signed.status, JSON.stringify(signed.body)).toBe(201);
      expect((await certificate()).approval).toMatchObject({ needed: 1, counted: [signed.body.id], complete: true });
      expect((await pdf()).text).toContain('Approval (coa.sign): a signature meaning approval by quality; 1 of 1 given - approved');
      const policy = (await call('GET', '/api/signatures/policy')).body.rules as Array<{ action: string; signatures: number }>;
      const two = policy.map((r) => (r.action === 'coa.sign' ? { ...r, signatures: 2 } : r));
      expect((await call('PUT', '/api/signatures/policy', { rules: two })).status).toBe(200);
      expect((await certificate()).approval).toMatchObject({ needed: 2, counted: [signed.body.id], complete: false });
      expect((await call('PUT', '/api/signatures/policy', { rules: policy })).status).toBe(200);
    });

    it('an unknown lot is 404, text that is no lot number 400, on both forms', async () => {
      for (const suffix of ['certificate', 'certificate.pdf']) {
        const missing = await call('GET', `/api/quality/lots/NO-SUCH-LOT/${suffix}`);
        expect(missing.status).toBe(404);
        expect(missing.body.error).toMatchObject({ code: 'not_found', message: "lot 'NO-SUCH-LOT' does not exist" });
        const bad = await call('GET', `/api/quality/lots/${encodeURIComponent('lot with spaces')}/${suffix}`);
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe('validation_failed');
        expect((await call('GET', `/api/quality/lots/${'x'.repeat(101)}/${suffix}`)).status).toBe(400);
      }
      // a signature of a lot that does not exist is refused
      const sig = await call(
        'POST',
        '/api/signatures',
        { recordType: 'quality.coa', recordId: 'NO-SUCH-LOT', meaning: 'approval', username: 'qa-quinn', password: t.userPassword },
        quinn,
      );
      expect(sig.status).toBe(404);
    });

    it('every person and the integration token read it; a device token is refused; without a token 401', async () => {
      const tokens: Record<string, string> = {};
      for (const role of ['admin', 'supervisor', 'operator', 'quality', 'maintenance']) tokens[role] = await t.tokenFor([role]);
      for (const role of ['integration', 'device']) tokens[role] = (await call('POST', '/api/tokens', { name: `${role}-coa`, role })).body.token;
      for (const [role, token] of Object.entries(tokens))
        for (const suffix of ['certificate', 'certificate.pdf'])
          expect((await call('GET', `/api/quality/lots/${LOT}/${suffix}`, undefined, token)).status, `${role} ${suffix}`).toBe(
            (ROLES.anyone as readonly string[]).includes(role) ? 200 : 403,
          );
      const anon = await t.app.server.inject({ method: 'GET', url: `/api/quality/lots/${LOT}/certificate` });
      expect(anon.statusCode).toBe(401);
    });

    it('fuzz: any lot id in the path answers 200, 400 or 404, never a server error', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ maxLength: 120 }), fc.stringMatching(/^[A-Za-z0-9_.:#-]{1,100}$/)), async (id) => {
          for (const suffix of ['certificate', 'certificate.pdf']) {
            const res = await call('GET', `/api/quality/lots/${encodeURIComponent(id)}/${suffix}`);
            expect([200, 400, 404], `${JSON.stringify(id)} → ${res.status}`).toContain(res.status);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
}
