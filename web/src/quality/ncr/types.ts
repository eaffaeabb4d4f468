// How the NCR and CAPA pages show the server's records (the shapes themselves are the server's: src/quality/index.ts).
export type { Capa, CapaAction, CapaRow, Disposition, Ncr, NcrRow, NcrStatus } from '../../../../src/quality/index.ts';

export const NCR_STATUS_LABEL = { open: 'Open', dispositioned: 'Dispositioned', closed: 'Closed', cancelled: 'Cancelled' } as const;
export const NCR_STATUS_TONE = { open: 'warn', dispositioned: 'info', closed: 'ok', cancelled: 'neutral' } as const;
export const SOURCE_LABEL = { manual: 'By hand', check: 'Failed check', hold: 'Hold', complaint: 'Customer complaint' } as const;
export const DISPOSITION_LABEL = { scrap: 'Scrap', rework: 'Rework', use_as_is: 'Use as is', return_to_supplier: 'Return to supplier' } as const;
export const CATEGORY_LABEL = {
  man: 'Man',
  machine: 'Machine',
  method: 'Method',
  material: 'Material',
  measurement: 'Measurement',
  environment: 'Environment',
} as const;

/** "SHORT, FLASH" → ['SHORT', 'FLASH'] */
export const codesOf = (s: string): string[] =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);
