// The quality API's shapes are the server's own (src/quality/index.ts); the formatters and option lists are the pages'.
import type { User } from '../platform/types.ts';

export type {
  Characteristic,
  ChartView,
  ExpiringSkill,
  FrozenLimits,
  GaugeView,
  KpiReport,
  OverviewRow,
  QualityCost,
  Requirement,
  Skill,
  SkillStanding,
  Training,
} from '../../../src/quality/index.ts';

/** Who defines characteristics and freezes limits (the server's QUALITY_EDITORS). */
export const canEditQuality = (u: User) => u.roles.some((r) => r === 'quality' || r === 'admin');

export const CHARTS = {
  variable: [
    { value: 'i-mr', label: 'I–MR (individual values)' },
    { value: 'xbar-r', label: 'X̄–R (subgroups of 2…25)' },
    { value: 'xbar-s', label: 'X̄–S (subgroups of 2 or more)' },
  ],
  attribute: [
    { value: 'p', label: 'p (proportion defective)' },
    { value: 'np', label: 'np (number defective)' },
    { value: 'c', label: 'c (defects per unit)' },
    { value: 'u', label: 'u (defects per unit, varying size)' },
  ],
} as const;

export const RULE_SETS = {
  nelson: [1, 2, 3, 4, 5, 6, 7, 8],
  'western-electric': [1, 2, 3, 4],
} as const;

/** The window presets of the chart page (the window always ends now). */
export const WINDOWS = [
  { id: '8h', label: 'Last 8 hours', ms: 8 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type WindowId = (typeof WINDOWS)[number]['id'];

/** A capability index or other figure: three decimals, "—" for the nulls the server sends when it cannot be formed. */
export const fig = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits));
