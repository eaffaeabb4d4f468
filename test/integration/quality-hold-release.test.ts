// Releasing a lot hold is one transaction (docs/quality.md, "Holds"), on PGlite and PostgreSQL: the lot's release in
// the lots ledger, the hold row, their audit entries and the episode's end land together or not at all. A failure
// injected into the hold's write (a trigger) leaves the lot held and the hold open with neither release audited, and
// the same release asked again completes with one release of each; a lot released at its own page first (with its own
// lot.release signature) is left as it is and the hold follows; a released hold is not released twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityModule } from '../../src/quality/index.ts';
import { DB_KINDS, startTestServer, type TestServer, injectApi } from '../support/server.ts';

for (const kind of DB_KINDS) {
  describe(`releasing a lot hold on ${kind}`, () => {
    let t: TestServer;
    let quality: string;
    const { call, ok } = injectApi(() => t);
    const actor = { id: null, name: 'quality reaction plan' };
    /** a received lot held by a reaction plan: the lots module's hold and quality's record of it */
    const heldLot = async (lot: string): Promise<string> => {
      await ok('POST', '/api/lots', { id: lot, material: 'PP-GRAN-BK', quantity: 40 });
      const h = await (t.app.modules.get('quality') as QualityModule).holds.place(actor, 'lot', lot, 'melt temperature out of spec', null);
      if (typeof h === 'string') throw new Error(h);
      return h.id;
    };
    const sign = (recordType: string, recordId: string) =>
      ok(
        'POST',
        '/api/signatures',
        { recordType, recordId, meaning: 'approval', action: 'lot.release', username: 'qa-rita', password: t.userPassword },
        quality,
      );
    const auditOf = async (entity: string, id: string) =>
      ((await ok('GET', `/api/audit?entity=${entity}&entityId=${encodeURIComponent(id)}`)) as Array<{ action: string }>).map((a) => a.action);

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      await ok('POST', '/api/users', { username: 'qa-rita', roles: ['quality'], password: t.userPassword });
      quality = (await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'qa-rita', password: t.userPassword } })).json()
        .token;
    }, 60_000);
    afterAll(async () => t?.close());

    it('a failure writing the hold leaves the lot held and the hold open; asked again, both are released once', async () => {
      const id = await heldLot('HR-1');
      await sign('quality.hold', id);
      await t.sql(`CREATE FUNCTION hr_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
      await t.sql(`CREATE TRIGGER hr_fail BEFORE UPDATE ON quality_holds FOR EACH ROW EXECUTE FUNCTION hr_fail()`);
      const failed = await call('POST', `/api/quality/holds/${id}/release`, { reason: 'sorted, measured good' }, quality);
      expect(failed.status).toBe(500);
      // nothing of the release landed: neither the lot's nor the hold's
      expect((await ok('GET', '/api/lots/HR-1')).status).toBe('on_hold');
      expect((await ok('GET', `/api/quality/holds/${id}`)).releasedAt).toBeNull();
      expect(await auditOf('material_lot', 'HR-1')).toEqual(['hold', 'receive']);
      expect(await auditOf('quality_hold', id)).toEqual(['hold']);

      await t.sql('DROP TRIGGER hr_fail ON quality_holds');
      await t.sql('DROP FUNCTION hr_fail()');
      // the hold did not change, so its signature still holds: the same release goes through
      expect(await ok('POST', `/api/quality/holds/${id}/release`, { reason: 'sorted, measured good' }, quality)).toMatchObject({
        releasedBy: 'qa-rita',
        releaseReason: 'sorted, measured good',
      });
      expect(await ok('GET', '/api/lots/HR-1')).toMatchObject({ status: 'available', holdReason: null });
      expect(await auditOf('material_lot', 'HR-1')).toEqual(['release', 'hold', 'receive']);
      expect(await auditOf('quality_hold', id)).toEqual(['release', 'hold']);
      // released: asked again, refused, nothing written
      expect((await call('POST', `/api/quality/holds/${id}/release`, { reason: 'again' }, quality)).status).toBe(409);
      expect(await auditOf('material_lot', 'HR-1')).toEqual(['release', 'hold', 'receive']);
    });

    it('a lot released at its own page first: the hold follows and the lot is not released twice', async () => {
      const id = await heldLot('HR-2');
      await sign('lot', 'HR-2');
      await ok('POST', '/api/lots/HR-2/release', { reason: 'checked at the lot' });
      await sign('quality.hold', id);
      expect(await ok('POST', `/api/quality/holds/${id}/release`, { reason: 'lot released at its page' }, quality)).toMatchObject({ releasedBy: 'qa-rita' });
      expect((await ok('GET', '/api/lots/HR-2')).status).toBe('available');
      expect(await auditOf('material_lot', 'HR-2')).toEqual(['release', 'hold', 'receive']);
      expect(await auditOf('quality_hold', id)).toEqual(['release', 'hold']);
    });

    it('a refused release (no signature) changes neither the lot nor the hold', async () => {
      const id = await heldLot('HR-3');
      const refused = await call('POST', `/api/quality/holds/${id}/release`, { reason: 'sorted' }, quality);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('signature_required');
      expect((await ok('GET', '/api/lots/HR-3')).status).toBe('on_hold');
      expect((await ok('GET', `/api/quality/holds/${id}`)).releasedAt).toBeNull();
      expect(await auditOf('material_lot', 'HR-3')).toEqual(['hold', 'receive']);
    });
  });
}
