// Shapes of the performance API (GET /api/performance/kpis …), as the pages use them.
export interface Times {
  pot: number;
  pdot: number;
  pbt: number;
  adot: number;
  aubt: number;
  adet: number;
  aupt: number;
  asut: number;
  apt: number;
  unknown: number;
}

export interface Figures {
  oee: number | null;
  availability: number | null;
  effectiveness: number | null;
  quality: number | null;
  mtbf: number | null;
  mttr: number | null;
  /** Figures not to be read as good news (effectiveness above 100 %: the ideal cycle time is too slow). */
  warnings?: Array<{ code: 'ideal_cycle_too_slow'; message: string }>;
  times: Times;
  counts: { pq: number; gq: number; sq: number; rq: number };
  kpis: Record<string, number | null>;
  inputs: Record<string, number>;
  sixBigLosses: Record<string, number>;
}

export interface KpiResult extends Figures {
  equipment: { id: string; path: string; name: string; level: string };
  from: string;
  to: string;
  definitions: { settings: Record<string, string>; text: string[]; minorStopThresholdS: number; formulas: Record<string, string> };
  machines?: Array<Figures & { id: string; path: string; name: string }>;
  groups?: Array<Figures & { label: string; from: string; to: string }>;
}

export interface Stop {
  equipmentId: string;
  path: string;
  start: string;
  end: string;
  ongoing: boolean;
  durationS: number;
  kind: 'failure' | 'minor';
  states: string[];
  shift: string | null;
  reasonId: string | null;
  reason: string | null;
  reasonSource: 'person' | 'alarm' | null;
  alarmCode: string | null;
  comment: string;
  needsReason: boolean;
}

export interface Reason {
  id: string;
  parentId: string | null;
  name: string;
  planned: boolean;
  loss: string | null;
}

export interface Pareto {
  by: string;
  totalSeconds: number;
  rows: Array<{ key: string; seconds: number; stops: number; minorStops: number; cumulativeShare: number }>;
}

export interface EquipmentItem {
  id: string;
  path: string;
  name: string;
  level: string;
}

export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);
export const hours = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

// ------------------------------------------------------------------------------- early warning, bottleneck

export type Severity = 'info' | 'warning' | 'critical';

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  equipmentId: string;
  path: string | null;
  machine: string | null;
  severity: Severity;
  message: string;
  value: number | null;
  threshold: number;
  lastValue: number | null;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  open: boolean;
}

export interface AlertRule {
  id: string;
  name: string;
  kind: 'kpi_below' | 'kpi_above' | 'state_longer_than' | 'scrap_rising';
  metric: 'oee' | 'availability' | 'effectiveness' | 'quality' | 'scrap_ratio' | null;
  state: string | null;
  equipmentId: string;
  equipment: { id: string; path: string; name: string; level: string } | null;
  threshold: number;
  hysteresis: number;
  windowS: number;
  severity: Severity;
  enabled: boolean;
}

export interface BottleneckResult {
  equipment: { id: string; path: string; name: string; level: string };
  from: string;
  to: string;
  method: string[];
  machines: Array<{
    id: string;
    path: string;
    name: string;
    rank: number;
    bottleneck: boolean;
    figures: {
      activeS: number;
      waitingS: number;
      starvedOrBlockedS: number;
      idleS: number;
      unknownS: number;
      pbtS: number;
      activeShare: number | null;
      throughputPerHour: number | null;
      idealPerHour: number | null;
      loading: number | null;
      parts: number;
    };
  }>;
}
