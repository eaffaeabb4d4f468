// The maintenance KPIs of work orders, hand-checked: work hours by kind inside the period, the planned share,
// preventive compliance (done by the end of the window) and today's backlog by age.
import { describe, expect, it } from 'vitest';
import { maintenanceKpis, type KpiWorkOrder } from './kpis.ts';

const H = 3_600_000;
const D = 24 * H;
const FROM = Date.parse('2026-03-02T00:00:00Z');
const TO = FROM + 7 * D;
const NOW = TO + 2 * D;

const wo = (id: string, kind: KpiWorkOrder['kind'], status: KpiWorkOrder['status'], w: Partial<KpiWorkOrder> = {}): KpiWorkOrder => ({
  id,
  kind,
  status,
  createdAt: FROM,
  startedAt: null,
  doneAt: null,
  plannedStart: null,
  plannedEnd: null,
  estimateMinutes: null,
  ...w,
});

describe('maintenance KPIs', () => {
  it('counts work hours inside the period by kind and the planned share', () => {
    const k = maintenanceKpis(
      [
        // 2 h corrective, of which the first hour lies before the period
        wo('C1', 'corrective', 'done', { startedAt: FROM - H, doneAt: FROM + H }),
        // 3 h preventive inside
        wo('P1', 'preventive', 'verified', { startedAt: FROM + D, doneAt: FROM + D + 3 * H }),
        // in progress since 2 h before the end of the period (now is later: cut at the end)
        wo('C2', 'corrective', 'in_progress', { startedAt: TO - 2 * H }),
        // cancelled while in progress: no end, no hours
        wo('C3', 'corrective', 'cancelled', { startedAt: FROM + 2 * D }),
      ],
      FROM,
      TO,
      NOW,
    );
    expect(k.workHours).toEqual({ preventive: 3, corrective: 3 });
    expect(k.plannedShare).toBe(0.5);
  });

  it('preventive compliance: done by the end of the window, of the windows ending in the period', () => {
    const k = maintenanceKpis(
      [
        wo('P1', 'preventive', 'done', { plannedStart: FROM + D, plannedEnd: FROM + D + 2 * H, doneAt: FROM + D + H }),
        wo('P2', 'preventive', 'verified', { plannedStart: FROM + 2 * D, plannedEnd: FROM + 2 * D + 2 * H, doneAt: FROM + 2 * D + 3 * H }),
        wo('P3', 'preventive', 'scheduled', { plannedStart: FROM + 3 * D, plannedEnd: FROM + 3 * D + 2 * H }),
        wo('P4', 'preventive', 'cancelled', { plannedStart: FROM + 3 * D, plannedEnd: FROM + 3 * D + 2 * H }),
        wo('P5', 'preventive', 'scheduled', { plannedStart: TO + H, plannedEnd: TO + 2 * H }), // not due in the period
      ],
      FROM,
      TO,
      NOW,
    );
    expect(k.compliance).toEqual({ due: 3, onTime: 1, late: ['P2', 'P3'], ratio: 0.333 });
    expect(maintenanceKpis([], FROM, TO, NOW).compliance.ratio).toBeNull();
    expect(maintenanceKpis([], FROM, TO, NOW).plannedShare).toBeNull();
  });

  it("the backlog is today's open orders with their estimates, by age", () => {
    const k = maintenanceKpis(
      [
        wo('A', 'corrective', 'requested', { createdAt: NOW - 2 * H, estimateMinutes: 90 }),
        wo('B', 'preventive', 'scheduled', { createdAt: NOW - 3 * D, estimateMinutes: 30 }),
        wo('C', 'corrective', 'in_progress', { createdAt: NOW - 40 * D }),
        wo('D', 'corrective', 'done', { createdAt: NOW - 3 * D, estimateMinutes: 600 }),
      ],
      FROM,
      TO,
      NOW,
    );
    expect(k.backlog).toEqual({
      count: 3,
      estimatedHours: 2,
      withoutEstimate: 1,
      byAge: [
        { age: 'under 1 day', count: 1, estimatedHours: 1.5 },
        { age: '1–7 days', count: 1, estimatedHours: 0.5 },
        { age: '7–30 days', count: 0, estimatedHours: 0 },
        { age: '30 days or more', count: 1, estimatedHours: 0 },
      ],
      byKind: { preventive: 1, corrective: 2 },
    });
  });
});
