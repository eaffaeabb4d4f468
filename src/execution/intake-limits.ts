// Limits of the CSV order import (issue #11 item 15): the body size (413) and the number of rows (422). The import is
// all or nothing in one transaction, so the row limit also bounds how long it holds the database.
import { readLimits, tooMany } from '../platform/limits.ts';
import { parseOrdersCsv, type CsvParse } from './intake.ts';

export interface CsvLimits {
  maxBytes: number;
  maxRows: number;
}

export const CSV_SETTINGS = { maxBytes: 'TAKT_CSV_MAX_BYTES', maxRows: 'TAKT_CSV_MAX_ROWS' } as const satisfies Record<keyof CsvLimits, string>;

export function csvLimits(env: NodeJS.ProcessEnv = process.env): CsvLimits {
  return readLimits(env, CSV_SETTINGS, { maxBytes: 2 * 1024 * 1024, maxRows: 5_000 });
}

export const CSV_JOB = new URL('./intake-limits.ts', import.meta.url);

/** Counts the order rows (non-blank lines after the header) before any row is checked, then parses. */
export function parseOrdersCsvLimited(text: string, limits: CsvLimits): CsvParse {
  let rows = 0;
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    if (text.slice(start, stop).trim() !== '' && ++rows > limits.maxRows) throw tooMany('CSV rows', rows, limits.maxRows, CSV_SETTINGS.maxRows, true);
    start = end + 1;
  }
  return parseOrdersCsv(text);
}
