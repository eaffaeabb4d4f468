// The maintenance KPI report as GET /api/maintenance/kpis answers it (the figures' shape is the server's).
import type { MaintenanceKpis } from '../../../../src/maintenance/index.ts';

export type MaintenanceKpiReport = MaintenanceKpis & {
  equipment: { id: string; path: string; name: string } | null;
  from: string;
  to: string;
  mtbfH: number | null;
  mttrH: number | null;
  failures: number | null;
  /** where the repair time went: the mean split of the corrective orders done in the period, minutes */
  mttrSplit: {
    repairs: number;
    meanMinutes: { total: number; waitingForTechnician: number; repair: number; waitingForParts: number; other: number } | null;
  };
};
