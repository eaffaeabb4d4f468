// Shapes of the shop-floor API (/api/stations, /api/operations, /api/andon, /api/alarms, /api/orders) as the
// terminal, the supervisor's view and the orders pages read them. Timestamps are ISO 8601 UTC.

export type Phase = 'setup' | 'running' | 'paused' | null;
export type OrderStatus = 'created' | 'released' | 'running' | 'completed' | 'cancelled';

export interface ReasonCode {
  kind: 'scrap' | 'pause' | 'andon';
  code: string;
  label: string;
}

export interface AndonCall {
  id: string;
  station: string;
  orderId: string | null;
  seq: number | null;
  reason: string;
  message: string;
  raisedBy: string;
  raisedAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export interface Alarm {
  id: string;
  orderId: string;
  seq: number;
  equipment: string;
  parameter: string;
  kind: 'out_of_limits' | 'setpoint_changed';
  value: unknown;
  reference: unknown;
  raisedAt: string;
  lastSeenAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

export interface Parameter {
  name: string;
  target?: unknown;
  min?: number | null;
  max?: number | null;
  unit?: string | null;
}

export interface MaterialLine {
  materialId: string;
  quantity: number;
  unit: string | null;
  use: string;
  perUnit?: number;
  consumed?: number;
}

export interface ConsumedLot {
  lotId: string;
  materialId: string;
  quantity: number;
  unit: string;
  method: 'scan' | 'backflush';
  at: string;
  seq: number;
}

export interface ProducedLot {
  lotId: string;
  materialId: string;
  quantity: number;
  unit: string;
  at: string;
  seq: number;
}

export interface JournalEntry {
  id: number;
  seq: number;
  at: string;
  kind: string;
  actor: string;
  station: string | null;
  data: Record<string, unknown>;
}

export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

/** GET /api/operations/{order}/{seq} (also `current` of a station). */
export interface OperationView {
  orderId: string;
  seq: number;
  name: string;
  productId: string;
  productName: string;
  orderQuantity: number;
  quantity: number;
  unit: string;
  /** The unit counts whole things (pcs, EA, …): quantities are whole numbers (src/execution/units.ts). */
  countable: boolean;
  priority: number;
  dueAt: string | null;
  status: OrderStatus;
  phase: Phase;
  pauseReason: string | null;
  equipment: string | null;
  candidates: string[];
  setupStartedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  startedBy: string | null;
  completedBy: string | null;
  standard: { setupTimeS: number; runTimeS: number; idealCycleTimeS: number | null };
  instructions: string;
  attachments: Attachment[];
  parameters: Parameter[];
  recipe: Record<string, unknown> | null;
  recipeVerified: boolean;
  recipeCommandId: string | null;
  good: number;
  scrap: number;
  remaining: number;
  counts: {
    machine: { good: number; scrap: number } | null;
    hand: { good: number; scrap: number; scrapFromGood: number };
    scrapByReason: Array<{ reason: string; quantity: number }>;
  };
  machine: { state: string; bucket: string; since: string | null; cycleTimeS: number | null } | null;
  interrupted: boolean;
  downtime: { seconds: number; stops: Array<{ start: string; end: string | null; state: string; bucket: string; seconds: number }> } | null;
  materials: MaterialLine[];
  consumed: ConsumedLot[];
  alarms: Alarm[];
  events: JournalEntry[];
}

export interface QueueEntry {
  orderId: string;
  seq: number;
  name: string;
  productId: string;
  quantity: number;
  unit: string;
  priority: number;
  dueAt: string | null;
  setupTimeS: number;
  runTimeS: number;
  candidates: string[];
}

/** GET /api/stations/{station} */
export interface StationView {
  station: { id: string; path: string; name: string; level: string; state: string; bucket: string; since: string | null; hasCounter: boolean };
  current: OperationView | null;
  queue: QueueEntry[];
  operators: Array<{ username: string; orderId: string | null; seq: number | null; since: string }>;
  andon: AndonCall[];
  alarms: Alarm[];
}

/** The machine command record the recipe download returns. */
export interface CommandRecord {
  id: string;
  status: string;
  detail?: string | null;
  readBack?: Record<string, unknown> | null;
  [k: string]: unknown;
}

export interface CompleteResult {
  good: number;
  scrap: number;
  backflushed: ConsumedLot[];
  produced: ProducedLot | null;
  orderCompleted: boolean;
  operation: OperationView;
}

export interface Order {
  id: string;
  productId: string;
  quantity: number;
  unit: string;
  startAfter: string | null;
  dueAt: string | null;
  priority: number;
  status: OrderStatus;
  source: string;
  description: string;
  releasedAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OrderOperation {
  seq: number;
  name: string;
  candidates: string[];
  quantity: number;
  unit: string;
  status: OrderStatus;
  setupTimeS: number;
  runTimeS: number;
  dueAt: string | null;
}
