// A small lot genealogy in the demo plant for the browser tests of trace pages: resin lot RESIN-1 (supplier lot RC-42)
// and masterbatch lot MB-1 received, order O-E2E consuming both on IMM 01 and producing lot TOP-E2E.
import { MaterialLedger } from '../../src/lots/index.ts';
import { PlantService } from '../../src/plant/index.ts';
import type { Db } from '../../src/platform/db/database.ts';
import type { TestServer } from './server.ts';
import { orderBook } from '../../src/execution/index.ts';

export async function seedGenealogy(server: TestServer): Promise<void> {
  const post = async (url: string, body: unknown) => {
    const res = await server.app.server.inject({ method: 'POST', url, payload: body as object, headers: { authorization: `Bearer ${server.adminToken}` } });
    if (res.statusCode >= 300) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  };
  await post('/api/lots', { id: 'RESIN-1', material: 'PP-GRAN-BK', quantity: 500, location: 'store', supplier: 'Resin Co', supplierLot: 'RC-42' });
  await post('/api/lots', { id: 'MB-1', material: 'MB-RED-02', quantity: 20, location: 'store' });
  await post('/api/orders', { id: 'O-E2E', product: 'HSG-TOP', quantity: 100 });
  const ledger = new MaterialLedger(new PlantService(server.app.ctx.db, server.app.ctx.events), orderBook);
  const actor = { id: null, name: 'e2e' };
  await server.app.ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    await ledger.consume(db, actor, {
      lotId: 'RESIN-1',
      quantity: 4.2,
      allowedMaterials: ['PP-GRAN-BK'],
      orderId: 'O-E2E',
      seq: 10,
      equipment: 'imm01',
      method: 'scan',
    });
    await ledger.backflush(db, actor, { materialId: 'MB-RED-02', quantity: 0.1, orderId: 'O-E2E', seq: 10, equipment: 'imm01' });
    await ledger.produce(db, actor, {
      lotId: 'TOP-E2E',
      materialId: 'HSG-TOP',
      quantity: 100,
      unit: 'pcs',
      orderId: 'O-E2E',
      seq: 10,
      equipment: 'imm01',
      operator: 'olga',
      parameters: {},
    });
  });
}
