// Shapes of the records the Takt server returns. Mirrors the server's API; kept loose where the
// server stores free-form data (attributes, audit before/after).

export type Role =
  | 'admin'
  | 'supervisor'
  | 'operator'
  | 'quality'
  | 'maintenance'
  | 'integration'
  | 'device';

export const PERSON_ROLES: Role[] = ['admin', 'supervisor', 'operator', 'quality', 'maintenance'];
export const TOKEN_ROLES: Role[] = ['integration', 'device'];

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  active?: boolean;
  badge?: string | null;
  createdAt?: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: 'integration' | 'device';
  equipmentPath: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy?: string;
  token?: string;
}

export const LEVELS = ['enterprise', 'site', 'area', 'line', 'workCenter', 'cell', 'machine'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_LABELS: Record<Level, string> = {
  enterprise: 'Enterprise',
  site: 'Site',
  area: 'Area',
  line: 'Line',
  workCenter: 'Work center',
  cell: 'Cell',
  machine: 'Machine',
};

export interface PropertyValue {
  value: unknown;
  unit?: string;
}
export type Properties = Record<string, PropertyValue>;

export interface Equipment {
  id: string;
  extId: string;
  path: string;
  level: Level;
  name: string;
  description: string;
  parentId: string | null;
  equipmentClass: string | null;
  calendarId: string | null;
  properties: Properties;
  attributes: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface EquipmentClass {
  id: string;
  name: string;
  description: string;
  properties: Properties;
}

export interface Material {
  id: string;
  name: string;
  unit: string;
  materialClass: string | null;
  description: string;
  properties: Properties;
}

export interface ProcessParameter {
  name: string;
  target?: number | string | boolean;
  min?: number;
  max?: number;
  unit?: string;
}

export interface BomLine {
  materialId: string;
  quantity: number;
  unit?: string;
}

export interface Operation {
  seq: number;
  name: string;
  workCenter: string | null;
  equipmentClass: string | null;
  idealCycleTimeS: number;
  setupTimeS: number;
  parameters: ProcessParameter[];
  bom: BomLine[];
  instructions?: string;
}

export interface Product {
  id: string;
  name: string;
  unit: string;
  family: string | null;
  materialId: string | null;
  description: string;
  routing: Operation[];
}

export interface Break {
  start: string;
  end: string;
  name?: string;
}

export interface Shift {
  name: string;
  start: string;
  end: string;
  days: number[];
  breaks: Break[];
}

export interface PlannedDowntime {
  from: string;
  to: string;
  reason: string;
  equipmentPath?: string;
}

export interface Calendar {
  id: string;
  name: string;
  timezone: string;
  shifts: Shift[];
  plannedDowntime: PlannedDowntime[];
  holidays: string[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: 'create' | 'update' | 'delete';
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  hash: string;
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

export interface Health {
  status: string;
  database: string;
  version: string;
}
