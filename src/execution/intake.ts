// Orders as they arrive over REST (JSON) and CSV: validated at the boundary and turned into the channel-free OrderInput.
import { z } from 'zod';
import type { FieldIssue } from '../platform/errors.ts';
import { MAX_QUANTITY, type OrderInput, type OrderSource } from './model.ts';

export const orderIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - only, 1–100 characters');
const codeRef = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, 1–64 characters');
const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-05-01T06:00:00Z' });

export const orderBodySchema = z
  .object({
    id: orderIdSchema,
    product: codeRef,
    quantity: z.number().positive('must be above 0').max(MAX_QUANTITY, `must not exceed ${MAX_QUANTITY}`),
    unit: z.string().min(1).max(32).optional(),
    due: instant.nullish(),
    startAfter: instant.nullish(),
    priority: z.number().int().min(0).max(1_000_000).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict();
export type OrderBody = z.infer<typeof orderBodySchema>;

export function fromBody(b: OrderBody, source: OrderSource = 'rest'): OrderInput {
  return {
    id: b.id,
    product: b.product,
    quantity: b.quantity,
    unit: b.unit ?? null,
    startAfter: b.startAfter ?? null,
    due: b.due ?? null,
    priority: b.priority ?? null,
    source,
    scheduleId: null,
    requestId: null,
    description: b.description ?? '',
    segments: [],
    cancel: false,
  };
}

export const CSV_HEADER = ['order', 'product', 'quantity', 'due', 'priority'] as const;

/** Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote inside). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') out.push(cur.trim()), (cur = '');
    else cur += c;
  }
  out.push(cur.trim());
  return out;
}

export interface CsvParse {
  orders: OrderInput[];
  /** `line N` per order, for errors found later (unknown product …) */
  labels: string[];
  issues: FieldIssue[];
  /** Every row's product id that is well-formed, with its line: checked against the plant even when the row has other errors. */
  products: Array<{ at: string; product: string }>;
}

/** A plain decimal (12, 12.5, .5): no exponent, no hexadecimal, no Infinity — what a spreadsheet writes for a quantity. */
const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Adds an error for every well-formed product id the plant does not know (`unknown` holds them), so a file with a bad
 * quantity and an unknown product on one line lists both; issues stay in line order, fields in column order.
 */
export function withUnknownProducts(parsed: CsvParse, unknown: ReadonlySet<string>): FieldIssue[] {
  const more = parsed.products
    .filter((p) => unknown.has(p.product))
    .map((p) => ({ path: `${p.at}.product`, message: `unknown product or material definition '${p.product}'` }));
  const line = (path: string) => Number(/^line (\d+)/.exec(path)?.[1] ?? 0);
  const column = (path: string) => CSV_HEADER.indexOf(path.split('.')[1] as (typeof CSV_HEADER)[number]);
  return [...parsed.issues, ...more].sort((a, b) => line(a.path) - line(b.path) || column(a.path) - column(b.path));
}

/** `order,product,quantity,due,priority`; every bad row is reported with its line number (the header is line 1). */
export function parseOrdersCsv(text: string): CsvParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const issues: FieldIssue[] = [];
  const orders: OrderInput[] = [];
  const labels: string[] = [];
  const products: CsvParse['products'] = [];
  if (text.replace(/^\uFEFF/, '').trim() === '')
    return {
      orders,
      labels,
      products,
      issues: [{ path: 'line 1', message: `the file is empty: expected the header '${CSV_HEADER.join(',')}' and a line per order` }],
    };
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  if (header.join(',') !== CSV_HEADER.join(','))
    return { orders, labels, products, issues: [{ path: 'line 1', message: `the header must be '${CSV_HEADER.join(',')}', not '${lines[0] ?? ''}'` }] };
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const at = `line ${i + 1}`;
    const cells = splitCsvLine(lines[i]);
    if (cells.length !== CSV_HEADER.length) {
      issues.push({ path: at, message: `expected ${CSV_HEADER.length} fields, found ${cells.length}` });
      continue;
    }
    const [id, product, qty, due, prio] = cells;
    const bad = (field: string, message: string) => issues.push({ path: `${at}.${field}`, message });
    const before = issues.length;
    if (!orderIdSchema.safeParse(id).success) bad('order', `'${id}' is not an order id (letters, digits and _ . : - only)`);
    if (!codeRef.safeParse(product).success) bad('product', `'${product}' is not a product id`);
    else products.push({ at, product });
    const quantity = PLAIN_DECIMAL.test(qty) ? Number(qty) : Number.NaN;
    if (!Number.isFinite(quantity) || quantity <= 0) bad('quantity', `'${qty}' must be a decimal number above 0 (e.g. 12 or 12.5)`);
    else if (quantity > MAX_QUANTITY) bad('quantity', `${qty} is absurd (above ${MAX_QUANTITY})`);
    if (due !== '' && !instant.safeParse(due).success && !/^\d{4}-\d{2}-\d{2}$/.test(due))
      bad('due', `'${due}' must be a date (YYYY-MM-DD) or an ISO 8601 date-time with offset`);
    const priority = prio === '' ? null : /^\d+$/.test(prio) ? Number(prio) : Number.NaN;
    if (priority !== null && (!Number.isInteger(priority) || priority < 0 || priority > 1_000_000))
      bad('priority', `'${prio}' must be a whole number from 0 to 1000000`);
    if (seen.has(id)) bad('order', `order '${id}' already appears on line ${seen.get(id)}`);
    seen.set(id, i + 1);
    if (issues.length > before) continue;
    labels.push(at);
    orders.push({
      id,
      product,
      quantity,
      unit: null,
      startAfter: null,
      // a bare date means the end of that day, UTC
      due: due === '' ? null : /^\d{4}-\d{2}-\d{2}$/.test(due) ? `${due}T23:59:59Z` : due,
      priority,
      source: 'csv',
      scheduleId: null,
      requestId: null,
      description: '',
      segments: [],
      cancel: false,
    });
  }
  if (orders.length === 0 && issues.length === 0) issues.push({ path: 'line 2', message: 'the file holds no orders' });
  return { orders, labels, issues, products };
}
