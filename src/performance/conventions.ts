// The plant's time-model conventions: the places where ISO 22400-2 leaves a choice or where common practice departs
// from it, made explicit and set per plant as equipment properties (inherited from the nearest ancestor that sets
// them, like calendars; docs/plant-file.md, docs/performance.md). Pure.
//
// - maintenanceMode: collect puts every second of PackML Maintenance mode in the pdot bucket.
//     'planned'   (default) maintenance mode is planned downtime (ISO 22400-2 PDOT: planned maintenance).
//     'unplanned' maintenance mode is a repair: ADET, an own stop of the unit (a failure or minor stop, counted in
//                 availability, failures and MTTR; EN 13306: active repair time includes the function check). Planned
//                 maintenance is then what the calendar plans (plannedDowntime), which stays PDOT.
// - stopWithoutOrder: collect puts Stopped/Aborted/Held/… in ADET whether or not an order is on the unit.
//     'unplanned' (default) a stop is an unplanned stop (ADET) with or without an order: order booking is optional in
//                 Takt, and a plant without it would otherwise lose every failure.
//     'idle'      ISO 22400-2 reading: ADET is a delay while an order runs (AUBT); with no order on the unit the time
//                 is ADOT (idle), not a failure.
// - mtbfDivisor: ISO 22400-2 MTBF = Σ TBF / (FE + 1): FE failures split the operating time into FE + 1 intervals.
//     'failuresPlusOne' (default, ISO) or 'failures' (common practice: operating time / FE).
import type { StateSpan } from './time-model.ts';

export interface PlantConventions {
  maintenanceMode: 'planned' | 'unplanned';
  stopWithoutOrder: 'unplanned' | 'idle';
  mtbfDivisor: 'failuresPlusOne' | 'failures';
}

export const DEFAULT_CONVENTIONS: PlantConventions = { maintenanceMode: 'planned', stopWithoutOrder: 'unplanned', mtbfDivisor: 'failuresPlusOne' };

export const CONVENTION_VALUES = {
  maintenanceMode: ['planned', 'unplanned'],
  stopWithoutOrder: ['unplanned', 'idle'],
  mtbfDivisor: ['failuresPlusOne', 'failures'],
} as const satisfies { [K in keyof PlantConventions]: ReadonlyArray<PlantConventions[K]> };

export const CONVENTION_TEXT = {
  maintenanceMode: {
    planned: 'maintenance mode is planned downtime (PDOT)',
    unplanned: 'maintenance mode is an unplanned repair (ADET: a stop, counted in failures and MTTR); planned maintenance is what the calendar plans',
  },
  stopWithoutOrder: {
    unplanned: 'Stopped/Aborted/Held count as unplanned stops (ADET) with or without an order',
    idle: 'with no order on the unit, stops are idle time (ADOT), not failures (ISO 22400-2: ADET while an order runs)',
  },
  mtbfDivisor: {
    failuresPlusOne: 'MTBF divides the operating time by failures + 1 (ISO 22400-2)',
    failures: 'MTBF divides the operating time by failures (common practice)',
  },
} as const;

type Props = Record<string, unknown>;

/** The value a property sets, if it is one of the allowed ones (properties are `{value, unit?}`; a bare value also does). */
function conventionValue<K extends keyof PlantConventions>(props: Props, key: K): PlantConventions[K] | undefined {
  const p = props[key] as { value?: unknown } | string | undefined;
  const v = typeof p === 'object' && p !== null ? p.value : p;
  return (CONVENTION_VALUES[key] as readonly string[]).includes(v as string) ? (v as PlantConventions[K]) : undefined;
}

/**
 * The conventions in force for a piece of equipment, from the properties of it and its ancestors (nearest first):
 * each convention from the nearest one that sets it to an allowed value, else the default.
 */
export function conventionsFrom(chain: Props[]): PlantConventions {
  const out = { ...DEFAULT_CONVENTIONS } as Record<keyof PlantConventions, string>;
  for (const key of Object.keys(DEFAULT_CONVENTIONS) as Array<keyof PlantConventions>) {
    for (const props of chain) {
      const v = conventionValue(props, key);
      if (v !== undefined) {
        out[key] = v;
        break;
      }
    }
  }
  return out as PlantConventions;
}

/** Whether collect's intervals need re-bucketing under these conventions. */
export const rebuckets = (c: PlantConventions) => c.maintenanceMode !== 'planned' || c.stopWithoutOrder !== 'unplanned';

/**
 * A state interval with the bucket the plant's conventions give it. `orderId` is the order on the unit when the
 * interval began (collect's context); it decides stopWithoutOrder. Returns the interval itself when nothing changes.
 */
export function applyConventions<S extends StateSpan & { orderId?: string | null }>(s: S, c: PlantConventions): S {
  // a repair in maintenance mode is a stop whether or not an order is on the unit (the mode says what it is)
  if (s.bucket === 'pdot' && c.maintenanceMode === 'unplanned') return { ...s, bucket: 'adet' };
  if (s.bucket === 'adet' && c.stopWithoutOrder === 'idle' && !s.orderId) return { ...s, bucket: 'adot' };
  return s;
}
