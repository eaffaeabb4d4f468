// Shapes of the lots API (src/lots) as the web shell reads them.
export type LotStatus = 'available' | 'on_hold' | 'consumed' | 'scrapped';
export type Direction = 'backward' | 'forward';

export interface Lot {
  id: string;
  materialId: string;
  quantity: number;
  initialQuantity: number;
  unit: string;
  status: LotStatus;
  holdReason: string | null;
  location: string | null;
  supplier: string | null;
  supplierLot: string | null;
  producedBy: { orderId: string; seq: number | null; equipment: string | null; operator: string | null; parameters: Record<string, unknown> | null } | null;
  createdBy: string;
  createdAt: string;
}

export interface TraceNode {
  lot: string;
  materialId: string;
  quantity: number;
  initialQuantity: number;
  unit: string;
  status: LotStatus;
  holdReason: string | null;
  location: string | null;
  supplier: string | null;
  supplierLot: string | null;
  received: boolean;
  orderId: string | null;
  seq: number | null;
  equipment: string | null;
  operator: string | null;
  madeAt: string;
  depth: number;
}

export interface Trace {
  direction: Direction;
  roots: string[];
  nodes: TraceNode[];
  edges: Array<{ parent: string; child: string; quantity: number }>;
  orders?: Array<{ orderId: string; productId: string | null; status: string | null; lots: string[] }>;
  truncated: boolean;
  truncatedReason: string | null;
}

export const STATUS_LABEL: Record<LotStatus, string> = { available: 'Available', on_hold: 'On hold', consumed: 'Consumed', scrapped: 'Scrapped' };
export const STATUS_TONE: Record<LotStatus, string> = { available: 'ok', on_hold: 'danger', consumed: 'neutral', scrapped: 'danger' };
/** Node colours of the trace graph; hold and scrap stand out, consumed lots recede. */
export const STATUS_COLOUR: Record<LotStatus, string> = { available: '#2e7d32', on_hold: '#e69500', consumed: '#8a949e', scrapped: '#c62828' };

export const qty = (q: number, unit: string) => `${Number(q.toPrecision(10))} ${unit}`;
