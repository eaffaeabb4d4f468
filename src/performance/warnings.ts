// Figures that must not be read as good news (issue #12 item 6). ISO 22400-2 Effectiveness = Σ(PRI × PQ) / APT is at
// most 1 when the planned run time per item (PRI) is what the unit can really do; above 1 the unit made more than its
// ideal allows, so the ideal cycle time is set too slow (or parts are counted twice) — the figure measures the master
// data, not the machine, and OEE built on it is inflated. The API flags it; the pages show the flag, not a green bar.

export interface KpiWarning {
  code: 'ideal_cycle_too_slow';
  message: string;
}

/** Warnings about a set of figures (a machine, a group, an aggregate). */
export function kpiWarnings(k: { effectiveness: number | null }): KpiWarning[] {
  const out: KpiWarning[] = [];
  if (k.effectiveness !== null && k.effectiveness > 1)
    out.push({
      code: 'ideal_cycle_too_slow',
      message: `ideal cycle time too slow: effectiveness ${(k.effectiveness * 100).toFixed(1)} % is above 100 % — the parts were made faster than the ideal cycle time (PRI) allows, so correct the ideal cycle time of the machine or routing operation`,
    });
  return out;
}
