// The lots API's shapes are the server's own (src/lots/index.ts); what is here is how the pages show them.
import type { LotStatus } from '../../../src/lots/index.ts';

export type { Direction, Lot, LotStatus, Trace, TraceNode } from '../../../src/lots/index.ts';

export const STATUS_LABEL: Record<LotStatus, string> = {
  available: 'Available',
  on_hold: 'On hold',
  consumed: 'Consumed',
  scrapped: 'Scrapped',
  returned: 'Returned',
};
export const STATUS_TONE: Record<LotStatus, string> = { available: 'ok', on_hold: 'danger', consumed: 'neutral', scrapped: 'danger', returned: 'neutral' };
/** Node colours of the trace graph; hold and scrap stand out, consumed lots recede. */
export const STATUS_COLOUR: Record<LotStatus, string> = {
  available: '#2e7d32',
  on_hold: '#e69500',
  consumed: '#8a949e',
  scrapped: '#c62828',
  returned: '#5c6bc0',
};

export const qty = (q: number, unit: string) => `${Number(q.toPrecision(10))} ${unit}`;
