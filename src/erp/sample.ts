// A sample of what execution reports for a finished order: the unit and integration tests build on it, and
// docs/erp.md's example documents were produced from it.
import type { OrderPerformance } from '../execution/index.ts';

const AT = '2026-05-04T06:00:00.000Z';

/** A three-operation order: moulding makes two lots from granulate, assembly consumes them and a bought part, packing runs. */
export function sampleOrder(over: Partial<OrderPerformance> = {}): OrderPerformance {
  return {
    orderId: 'WO-1001',
    productId: 'HOUSING-BLK',
    materialId: 'HOUSING-BLK',
    plannedQuantity: 1000,
    unit: 'pcs',
    status: 'completed',
    scheduleId: 'SCH-1',
    requestId: 'WO-1001',
    source: 'b2mml-v0600',
    startedAt: '2026-05-04T06:00:00Z',
    completedAt: '2026-05-04T09:30:00Z',
    goodQuantity: 990,
    scrapQuantity: 10.5,
    operations: [
      {
        seq: 10,
        name: 'Moulding & trimming <hot>',
        segmentId: 'MOULD',
        status: 'completed',
        equipment: 'acme/lakeside/moulding/IMM-07',
        startedAt: '2026-05-04T06:00:00Z',
        completedAt: '2026-05-04T08:00:00Z',
        plannedQuantity: 1000,
        goodQuantity: 990,
        scrapQuantity: 10.5,
        unit: 'pcs',
        operators: ['anna', 'bob'],
        parameters: [
          { name: 'melt_temp', value: 231.5, unit: '°C' },
          { name: 'recipe', value: 'R&D "7" <b>' },
        ],
        consumed: [
          { lotId: 'LOT-PP-4711', materialId: 'PP-GRANULATE', quantity: 24.125, unit: 'kg', supplierLot: 'S&P-9', method: 'scan', at: AT, seq: 1 },
          { lotId: 'LOT-PP-4712', materialId: 'PP-GRANULATE', quantity: 0.1 + 0.2, unit: 'kg', supplierLot: null, method: 'backflush', at: AT, seq: 2 },
        ],
        produced: [
          { lotId: 'LOT-HB-0002', materialId: 'HOUSING-BLK', quantity: 490, unit: 'pcs', at: AT, seq: 2 },
          { lotId: 'LOT-HB-0001', materialId: 'HOUSING-BLK', quantity: 500, unit: 'pcs', at: AT, seq: 1 },
        ],
      },
      {
        seq: 20,
        name: 'Assembly',
        segmentId: null,
        status: 'completed',
        equipment: null,
        startedAt: '2026-05-04T08:10:00Z',
        completedAt: '2026-05-04T09:00:00Z',
        plannedQuantity: 990,
        goodQuantity: 990,
        scrapQuantity: 0,
        unit: 'pcs',
        operators: [],
        parameters: [],
        consumed: [{ lotId: 'LOT-HB-0001', materialId: 'HOUSING-BLK', quantity: 500, unit: 'pcs', supplierLot: null, method: 'scan', at: AT, seq: 3 }],
        produced: [],
      },
      {
        seq: 30,
        name: 'Pack',
        segmentId: 'PACK',
        status: 'completed',
        equipment: 'acme/lakeside/pack/PK-1',
        startedAt: '2026-05-04T09:00:00Z',
        completedAt: '2026-05-04T09:30:00Z',
        plannedQuantity: 990,
        goodQuantity: 990,
        scrapQuantity: 0,
        unit: 'pcs',
        operators: ['carl'],
        parameters: [
          { name: 'flags', value: { a: true } },
          { name: 'check', value: true },
        ],
        consumed: [],
        produced: [{ lotId: 'LOT-FG-1', materialId: 'HOUSING-BLK-BOX', quantity: 990, unit: 'pcs', at: AT, seq: 4 }],
      },
    ],
    ...over,
  };
}
