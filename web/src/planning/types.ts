// The planning API's shapes (GET /api/schedules, /api/schedules/{id}) are the server's (src/planning/index.ts).
import type { Risk, VersionDetail, VersionReason, VersionRow } from '../../../src/planning/index.ts';

export type { Assignment, LateOrder, Risk, VersionStatus } from '../../../src/planning/index.ts';

/** How far a solve is: the server keeps it as a free-form record, this is what the solver writes into it. */
export interface Progress {
  phase?: string;
  fraction?: number;
  elapsedMs?: number;
  objective?: number | null;
}

/** The free-form `stats` of a version, read for what the pages show. */
export interface VersionStats {
  machines?: Array<{ path: string; name: string; down: boolean }>;
  kept?: number;
  replanned?: number;
  skipped?: Array<{ orderId: string; reason: string }>;
  down?: Record<string, string>;
}

type Typed<T> = Omit<T, 'progress' | 'stats'> & { progress: Progress; stats: VersionStats };
/** A version in the list (its assignments left out) … */
export type VersionSummary = Typed<VersionRow>;
/** … and one version in full, with its difference to the published plan. */
export type Version = Typed<VersionDetail>;

export const REASON_LABEL: Record<VersionReason, string> = {
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
