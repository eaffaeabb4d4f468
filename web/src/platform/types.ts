// The records the Takt server returns are the server's own types, imported (type-only: nothing of the server reaches
// the browser bundle) from the modules' faces and the platform; what is left here is how the pages name and list them.
import type { Level, PublicCode, RoutingOperation } from '../../../src/plant/index.ts';

export type Role = 'admin' | 'supervisor' | 'operator' | 'quality' | 'maintenance' | 'integration' | 'device';

export const PERSON_ROLES: Role[] = ['admin', 'supervisor', 'operator', 'quality', 'maintenance'];
export const TOKEN_ROLES: Role[] = ['integration', 'device'];

export type { PublicUser as User } from '../../../src/platform/auth/auth.service.ts';
export type { ApiToken } from '../../../src/platform/auth/auth.routes.ts';

export const LEVELS = ['enterprise', 'site', 'area', 'line', 'workCenter', 'cell', 'machine'] as const satisfies readonly Level[];
export type { Level } from '../../../src/plant/index.ts';

export const LEVEL_LABELS: Record<Level, string> = {
  enterprise: 'Enterprise',
  site: 'Site',
  area: 'Area',
  line: 'Line',
  workCenter: 'Work center',
  cell: 'Cell',
  machine: 'Machine',
};

export type { Properties } from '../../../src/plant/index.ts';

/** The plant model's records as the API sends them (src/plant/index.ts). */
export type { PublicEquipment as Equipment } from '../../../src/plant/index.ts';
export type EquipmentClass = PublicCode<'equipmentClass'>;
export type Material = PublicCode<'material'>;
export type Product = PublicCode<'product'>;
export type Calendar = PublicCode<'calendar'>;
export type Operation = RoutingOperation;
export type ProcessParameter = RoutingOperation['parameters'][number];
export type Shift = Calendar['shifts'][number];
export type Break = Shift['breaks'][number];
export type PlannedDowntime = Calendar['plannedDowntime'][number];

/** The audit trail (src/platform/audit): an entry and the chain's check. */
export type { AuditRecord as AuditEntry, VerifyResult as AuditVerify } from '../../../src/platform/audit/audit.service.ts';

export type { Health } from '../../../src/platform/health.routes.ts';
