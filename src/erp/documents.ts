// Results back to the ERP: what was actually done for an order as B2MML documents (pure functions, no I/O).
// V0600 ProductionPerformance (ISA-95.00.02-2010 production performance) and V0701 OperationsPerformance
// (ISA-95.00.02-2013 operations performance, OperationsType Production). The element order follows the XSD sequences
// in MESA's schemas (schemas/b2mml); every document these functions produce is validated against them in the unit tests.
import { XMLBuilder } from 'fast-xml-parser';
import type { OperationPerformance, OrderPerformance } from '../execution/index.ts';
import { B2MML_NOUNS, NS_V0600, NS_V0701 } from '../platform/b2mml/index.ts';

export const PERFORMANCE_FORMATS = ['b2mml-v0600', 'b2mml-v0701', 'json'] as const;
export type PerformanceFormat = (typeof PERFORMANCE_FORMATS)[number];

export interface DocumentOptions {
  /** PublishedDate; defaults to now. */
  publishedAt?: string;
  /** Only this operation's SegmentResponse (an operation confirmation); all operations when absent. */
  onlySeq?: number | null;
  /** JSON only: the event the document reports (operation.completed, order.completed). */
  event?: string;
}

type El = Record<string, unknown>;

// ISA-95 response states. Not yet started = Ready; a cancelled order or operation was Aborted.
const STATE_V0600: Record<OrderPerformance['status'], string> = {
  created: 'Ready',
  released: 'Ready',
  running: 'Running',
  completed: 'Completed',
  cancelled: 'Aborted',
};
const STATE_V0701: Record<OrderPerformance['status'], string> = {
  created: 'Waiting',
  released: 'Ready',
  running: 'Running',
  completed: 'Completed',
  cancelled: 'Aborted',
};

/** A number as XML Schema text: finite, no exponent, no float noise (0.1 + 0.2 → 0.3). */
export function quantityText(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const rounded = Number(n.toFixed(6));
  if (Number.isInteger(rounded)) return BigInt(rounded).toString();
  return rounded.toFixed(6).replace(/0+$/, '');
}

/** ISO 8601 instant in UTC (xsd:dateTime); null for an absent or unreadable time. */
function instant(s: string | null | undefined): string | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const qty = (value: number, unit: string, key?: 'Good' | 'Scrap'): El => ({
  QuantityString: quantityText(value),
  DataType: 'double',
  UnitOfMeasure: unit,
  ...(key ? { Key: key } : {}),
});

const value = (v: unknown, unit?: string): El => {
  const numeric = typeof v === 'number' && Number.isFinite(v);
  const text = numeric ? quantityText(v as number) : typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v ?? null);
  return { ValueString: text, DataType: numeric ? 'double' : typeof v === 'boolean' ? 'boolean' : 'string', ...(unit ? { UnitOfMeasure: unit } : {}) };
};

/** Drops absent members so optional elements are left out rather than written empty. */
function compact(o: El): El {
  const out: El = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

export const responseId = (orderId: string) => `${orderId}-R`;

/**
 * The one document ID scheme (docs/erp.md "Document IDs"): `<order>-ORDER` for the order's performance (what
 * `GET /api/orders/{id}/performance` answers and what an order.completed webhook carries), `<order>-OP<seq>` for an
 * operation confirmation (operation.completed). The same order's documents are found under the same stem whichever
 * way they were obtained.
 */
export const documentId = (orderId: string, seq?: number | null) => (seq === null || seq === undefined ? `${orderId}-ORDER` : `${orderId}-OP${seq}`);
export const segmentResponseId = (orderId: string, seq: number) => `${orderId}-${String(seq).padStart(3, '0')}-R`;

function operationsOf(perf: OrderPerformance, onlySeq: number | null | undefined): OperationPerformance[] {
  const ops = [...perf.operations].sort((a, b) => a.seq - b.seq);
  return onlySeq === null || onlySeq === undefined ? ops : ops.filter((o) => o.seq === onlySeq);
}

/** Good and scrap of an operation as segment data: unambiguous whether or not the operation made lots. */
function quantityData(op: OperationPerformance): Array<{ id: string; value: El }> {
  return [
    { id: 'GoodQuantity', value: value(op.goodQuantity, op.unit) },
    { id: 'ScrapQuantity', value: value(op.scrapQuantity, op.unit) },
    ...op.parameters.map((p) => ({ id: p.name, value: value(p.value, p.unit) })),
  ];
}

/**
 * What the operation made: one entry per produced lot (Key Good), plus one without a lot for the scrap (Key Scrap).
 * An operation that made no lot (an intermediate step) reports its good and scrap against the order's material.
 */
interface Line {
  material: string | null;
  lot: string | null;
  quantities: El[];
}

function producedLines(perf: OrderPerformance, op: OperationPerformance): Line[] {
  if (op.produced.length === 0) {
    if (op.goodQuantity === 0 && op.scrapQuantity === 0) return [];
    return [{ material: perf.materialId, lot: null, quantities: [qty(op.goodQuantity, op.unit, 'Good'), qty(op.scrapQuantity, op.unit, 'Scrap')] }];
  }
  const lines: Line[] = [...op.produced]
    .sort((a, b) => a.seq - b.seq)
    .map((l) => ({ material: l.materialId, lot: l.lotId, quantities: [qty(l.quantity, l.unit, 'Good')] }));
  if (op.scrapQuantity > 0) lines.push({ material: op.produced[0]!.materialId, lot: null, quantities: [qty(op.scrapQuantity, op.unit, 'Scrap')] });
  return lines;
}

const consumedLines = (op: OperationPerformance) =>
  [...op.consumed]
    .sort((a, b) => a.seq - b.seq)
    .map((l) => ({ material: l.materialId, lot: l.lotId, quantity: qty(l.quantity, l.unit), method: l.method, supplierLot: l.supplierLot }));

const description = (l: { method: string; supplierLot: string | null }) => `${l.method}${l.supplierLot ? `; supplier lot ${l.supplierLot}` : ''}`;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: false });

function render(root: string, body: El): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: body }) as string}`;
}

/** B2MML V0600 ProductionPerformance: one ProductionResponse for the order, a SegmentResponse per operation. */
export function toProductionPerformance(perf: OrderPerformance, opts: DocumentOptions = {}): string {
  const segment = (op: OperationPerformance): El =>
    compact({
      ID: segmentResponseId(perf.orderId, op.seq),
      ProcessSegmentID: op.segmentId ?? op.name,
      Description: op.name,
      ActualStartTime: instant(op.startedAt),
      ActualEndTime: instant(op.completedAt),
      ProductionData: quantityData(op).map((d) => ({ ID: d.id, Value: d.value })),
      PersonnelActual: op.operators.map((p) => ({ PersonID: p })),
      EquipmentActual: op.equipment ? [{ EquipmentID: op.equipment }] : [],
      MaterialProducedActual: producedLines(perf, op).map((l) => compact({ MaterialDefinitionID: l.material, MaterialLotID: l.lot, Quantity: l.quantities })),
      MaterialConsumedActual: consumedLines(op).map((l) =>
        compact({ MaterialDefinitionID: l.material, MaterialLotID: l.lot, Description: description(l), Quantity: [l.quantity] }),
      ),
      SegmentState: STATE_V0600[op.status],
    });
  const response = compact({
    ID: responseId(perf.orderId),
    ProductionRequestID: perf.requestId ?? perf.orderId,
    ProductProductionRuleID: perf.productId,
    StartTime: instant(perf.startedAt),
    EndTime: instant(perf.completedAt),
    SegmentResponse: operationsOf(perf, opts.onlySeq).map(segment),
    ResponseState: STATE_V0600[perf.status],
  });
  return render(
    B2MML_NOUNS.performance.V0600,
    compact({
      '@_xmlns': NS_V0600,
      ID: documentId(perf.orderId, opts.onlySeq),
      Description: `Production performance of order ${perf.orderId}: ${quantityText(perf.goodQuantity)} good, ${quantityText(perf.scrapQuantity)} scrap ${perf.unit}`,
      PublishedDate: instant(opts.publishedAt) ?? new Date().toISOString(),
      ProductionScheduleID: perf.scheduleId,
      StartTime: instant(perf.startedAt),
      EndTime: instant(perf.completedAt),
      ProductionResponse: [response],
      PerformanceState: STATE_V0600[perf.status],
    }),
  );
}

/** B2MML V0701 OperationsPerformance (OperationsType Production): OperationsResponse, SegmentResponse, MaterialActual. */
export function toOperationsPerformance(perf: OrderPerformance, opts: DocumentOptions = {}): string {
  const segment = (op: OperationPerformance): El => {
    let n = 0;
    const produced = producedLines(perf, op).map((l) =>
      compact({ ID: `MA-${++n}`, MaterialDefinitionID: l.material, MaterialLotID: l.lot, MaterialUse: 'Produced', Quantity: l.quantities }),
    );
    const consumed = consumedLines(op).map((l) =>
      compact({
        ID: `MA-${++n}`,
        MaterialDefinitionID: l.material,
        MaterialLotID: l.lot,
        Description: description(l),
        MaterialUse: 'Consumed',
        Quantity: [l.quantity],
      }),
    );
    return compact({
      ID: segmentResponseId(perf.orderId, op.seq),
      Description: op.name,
      ActualStartTime: instant(op.startedAt),
      ActualEndTime: instant(op.completedAt),
      OperationsType: 'Production',
      ProcessSegmentID: op.segmentId ?? op.name,
      OperationsRequestID: perf.requestId ?? perf.orderId,
      SegmentState: STATE_V0701[op.status],
      SegmentData: quantityData(op).map((d) => ({ ID: d.id, Value: [d.value] })),
      PersonnelActual: op.operators.map((p, i) => ({ ID: `PA-${i + 1}`, PersonID: p })),
      EquipmentActual: op.equipment ? [{ ID: 'EA-1', EquipmentID: op.equipment }] : [],
      MaterialActual: [...produced, ...consumed],
    });
  };
  const ops = operationsOf(perf, opts.onlySeq);
  // V0701 requires at least one SegmentResponse: an order without operations reports itself as the one segment.
  const segments = ops.length
    ? ops.map(segment)
    : [
        compact({
          ID: segmentResponseId(perf.orderId, 0),
          OperationsType: 'Production',
          ProcessSegmentID: perf.productId,
          SegmentState: STATE_V0701[perf.status],
        }),
      ];
  const response = compact({
    ID: responseId(perf.orderId),
    StartTime: instant(perf.startedAt),
    EndTime: instant(perf.completedAt),
    OperationsType: 'Production',
    OperationsRequestID: perf.requestId ?? perf.orderId,
    OperationsDefinitionID: perf.productId,
    ResponseState: STATE_V0701[perf.status],
    SegmentResponse: segments,
  });
  return render(
    B2MML_NOUNS.performance.V0701,
    compact({
      '@_xmlns': NS_V0701,
      ID: documentId(perf.orderId, opts.onlySeq),
      Description: `Operations performance of order ${perf.orderId}: ${quantityText(perf.goodQuantity)} good, ${quantityText(perf.scrapQuantity)} scrap ${perf.unit}`,
      PublishedDate: instant(opts.publishedAt) ?? new Date().toISOString(),
      StartTime: instant(perf.startedAt),
      // sic: the V0701 schema spells this element "Endtime"
      Endtime: instant(perf.completedAt),
      OperationsType: 'Production',
      OperationsScheduleID: perf.scheduleId,
      PerformanceState: STATE_V0701[perf.status],
      OperationsResponse: [response],
    }),
  );
}

/** The JSON form: the performance itself (restricted to one operation when asked), with what it is about. */
export function toJsonPerformance(perf: OrderPerformance, opts: DocumentOptions = {}): string {
  const operations = operationsOf(perf, opts.onlySeq);
  return JSON.stringify({
    id: documentId(perf.orderId, opts.onlySeq),
    ...(opts.event ? { event: opts.event } : {}),
    publishedAt: instant(opts.publishedAt) ?? new Date().toISOString(),
    ...perf,
    operations,
  });
}

export const CONTENT_TYPES: Record<PerformanceFormat, string> = {
  'b2mml-v0600': 'application/xml; charset=utf-8',
  'b2mml-v0701': 'application/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The document in the asked format. */
export function renderPerformance(perf: OrderPerformance, format: PerformanceFormat, opts: DocumentOptions = {}): { contentType: string; body: string } {
  const body =
    format === 'b2mml-v0600'
      ? toProductionPerformance(perf, opts)
      : format === 'b2mml-v0701'
        ? toOperationsPerformance(perf, opts)
        : toJsonPerformance(perf, opts);
  return { contentType: CONTENT_TYPES[format], body };
}
