// Shapes of the planning API (GET /api/schedules, /api/schedules/{id}).
export type Risk = 'on-time' | 'at-risk' | 'late';
export type VersionStatus = 'running' | 'ready' | 'published' | 'superseded' | 'failed';

export interface Assignment {
  orderId: string;
  seq: number;
  machine: string;
  start: string;
  end: string;
  setupS: number;
  running: boolean;
  pinned?: boolean;
  risk: Risk;
  eligible: string[];
  productId?: string;
  priority?: number;
  dueAt?: string | null;
}

export interface LateOrder {
  orderId: string;
  dueAt: string;
  completion: string;
  lateS: number;
}

export interface Progress {
  phase?: string;
  fraction?: number;
  elapsedMs?: number;
  objective?: number | null;
}

export interface VersionSummary {
  id: number;
  createdAt: string;
  createdBy: string;
  status: VersionStatus;
  objective: string;
  timeLimitS: number;
  progress: Progress;
  basedOn: number | null;
  reason: 'manual' | 'move' | 'machine-down' | 'rush-order' | 'repair';
  reasonDetail: string;
  kpis: { makespanS?: number; makespanEnd?: string | null; totalWeightedTardiness?: number; utilisation?: Record<string, number>; operations?: number };
  lateOrders: LateOrder[];
  stats: { machines?: Array<{ path: string; name: string; down: boolean }>; kept?: number; replanned?: number; skipped?: Array<{ orderId: string; reason: string }>; down?: Record<string, string> };
  error: string | null;
  publishedAt: string | null;
}

export interface Version extends VersionSummary {
  assignments: Assignment[];
  diff: { moved: Array<{ orderId: string; seq: number; from: { machine: string; start: string }; to: { machine: string; start: string } }>; added: number; removed: number; unchanged: number } | null;
  publishedId: number | null;
}

export const REASON_LABEL: Record<VersionSummary['reason'], string> = {
  manual: 'New plan',
  move: 'Moved by hand',
  'machine-down': 'Machine down',
  'rush-order': 'Rush order',
  repair: 'Repair',
};

export const RISK_COLOUR: Record<Risk, string> = { 'on-time': '#2e7d32', 'at-risk': '#e0a100', late: '#c62828' };
export const RISK_LABEL: Record<Risk, string> = { 'on-time': 'on time', 'at-risk': 'at risk', late: 'late' };

export function duration(s: number | undefined): string {
  if (s === undefined) return '–';
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h >= 48 ? `${Math.round(h / 24)} d ${h % 24} h` : `${h} h ${m} min`;
}
