// The one CSV writer of the product (issue #11 item 5; docs/security.md "CSV exports"). Every route that answers
// text/csv builds its body here, so quoting (RFC 4180) and formula neutralisation (OWASP "CSV Injection") cannot be
// forgotten by a new export: a quarantined MQTT topic, a supplier name or a shift name is data a stranger may have
// typed, and a spreadsheet runs a cell that starts with = + - @ (or tab / CR before one) as a formula.
import type { FastifyReply } from 'fastify';

/** What a cell may hold. Finite numbers are typed values (a -5 stays -5); everything else is written as text. */
export type CsvValue = string | number | boolean | bigint | Date | null | undefined;

/**
 * Leading characters a spreadsheet treats as the start of a formula (OWASP): = + - @, tab and carriage return, and
 * their full-width forms, which some spreadsheet versions normalise to the ASCII ones.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text cells that would start a formula get a leading ' (shown as text by the spreadsheet, visible in the raw file). */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: typed numbers and booleans raw, text neutralised and quoted when it holds a quote, comma, CR or LF. */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  const s = neutralise(v instanceof Date ? v.toISOString() : String(v));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole file: the header, then one line per row, CRLF-terminated lines (RFC 4180 §2). */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Answers with a CSV download; the file name is reduced to safe characters (it sits inside a header). */
export function sendCsv(reply: FastifyReply, fileName: string, body: string): FastifyReply {
  const safe = fileName.replace(/[^A-Za-z0-9_.-]/g, '_');
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${safe}"`).send(body);
}

/**
 * Reads RFC 4180 CSV back into rows of fields (quoted fields may hold commas, quotes and line breaks). Used to check
 * exports; the order import keeps its own line-based reader, which reports errors per line.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"' && field === '') (quoted = true), i++;
    else if (c === ',') row.push(field), (field = ''), i++;
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), (i += 2);
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else (field += c), i++;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}
