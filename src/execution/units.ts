// Which units count whole things, and the check every quantity in such a unit passes where it enters Takt: an order's
// quantity, an operator's good and scrap counts, a lot received, counted or booked. A product counted in pieces is
// never made, scrapped or consumed as 2.5 of them.
import { validationFailed } from '../platform/errors.ts';

/**
 * Units of things counted one by one, compared without regard to case. The plant model's own unit is `pcs` (the
 * default of a product); the rest are the usual spellings and the UN/CEFACT Recommendation 20 codes an ERP sends in
 * B2MML UnitOfMeasure: C62 "one", EA "each", H87 and PCE "piece", NAR "number of articles", NMP "number of packs",
 * NPR "number of pairs", PR "pair", SET "set". Measured units (kg, m, l, …) take any positive quantity.
 */
export const COUNTABLE_UNITS: readonly string[] = [
  'pcs',
  'pc',
  'piece',
  'pieces',
  'ea',
  'each',
  'stk',
  'pair',
  'pairs',
  'set',
  'sets',
  'c62',
  'h87',
  'pce',
  'nar',
  'nmp',
  'npr',
  'pr',
];

const countable = new Set(COUNTABLE_UNITS);

export function isCountable(unit: string | null | undefined): boolean {
  return typeof unit === 'string' && countable.has(unit.trim().toLowerCase());
}

/** Why `quantity` cannot be in `unit` (a fraction of a counted unit), or undefined when it can. */
export function wholeProblem(quantity: number, unit: string | null | undefined, field = 'quantity'): string | undefined {
  if (!isCountable(unit) || !Number.isFinite(quantity) || Number.isInteger(quantity)) return undefined;
  return `${field} ${quantity} is not a whole number: ${unit} are counted in whole units`;
}

/** Throws the 400 for a fraction of a counted unit, naming the field. */
export function checkWhole(quantity: number, unit: string | null | undefined, field = 'quantity'): void {
  const problem = wholeProblem(quantity, unit, field);
  if (problem) throw validationFailed(problem, [{ path: field, message: `a whole number of ${unit}` }]);
}
