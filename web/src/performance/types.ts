// The performance API's shapes are the server's own (src/performance/index.ts); the formatters are the pages'.
import type { KpiResult } from '../../../src/performance/index.ts';
import type { PublicEquipment } from '../../../src/plant/index.ts';

export type { BottleneckResult, Figures, KpiResult, Pareto, ReasonRow as Reason, Severity, StopView as Stop } from '../../../src/performance/index.ts';
export type { PublicAlert as Alert, PublicAlertRule as AlertRule } from '../../../src/performance/index.ts';

/** The time model's figures of a result (APT, ADET …, seconds). */
export type Times = KpiResult['times'];

/** What the pickers read of GET /api/equipment. */
export type EquipmentItem = Pick<PublicEquipment, 'id' | 'path' | 'name' | 'level'>;

export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);
export const hours = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);
