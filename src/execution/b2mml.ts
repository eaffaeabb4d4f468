// B2MML schedules in (MESA B2MML V0600 ProductionSchedule, V0701 OperationsSchedule; bare or in an OAGIS verb such as
// ProcessProductionSchedule / SyncOperationsSchedule): safety checks on the raw text, then mapping to OrderInput.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { B2MML_NOUNS, NS_V0600, NS_V0701, versionOfNamespace, type B2mmlVersion } from '../platform/b2mml/index.ts';
import { AppError } from '../platform/errors.ts';
import type { MaterialLine, OrderInput, OrderSource, ParameterValue, SegmentInput } from './model.ts';

export const VERBS = ['Process', 'Sync', 'Change', 'Cancel'] as const;
export type Verb = (typeof VERBS)[number];

/**
 * DTDs are refused outright, before any parser sees the text: an internal subset can declare entities that expand
 * exponentially (billion laughs) and an external one can read files or reach the network (XXE). B2MML needs neither.
 */
export function refuseDtd(text: string): void {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    throw new AppError('bad_request', 'XML with a DTD or entity declarations (<!DOCTYPE, <!ENTITY) is refused: B2MML needs neither');
  if (/<\?xml-stylesheet|<xi:include|XInclude/i.test(text)) throw new AppError('bad_request', 'XML with stylesheets or XInclude is refused');
}

export interface B2mmlDocument {
  version: B2mmlVersion;
  /** The verb of an OAGIS wrapper, or null for a bare noun. */
  verb: Verb | null;
  root: string;
}

/** The parser is stricter than its validator in places (an XML declaration cut short passes the one and throws in the
 *  other): whatever it refuses is the sender's malformed XML, a 400 — never an internal error. */
function parseXml(text: string, options: ConstructorParameters<typeof XMLParser>[0]): Record<string, unknown> {
  try {
    return new XMLParser(options).parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new AppError('bad_request', `malformed XML: ${(err as Error).message}`);
  }
}

/** Well-formed? Which generation and which verb? Refuses anything but a schedule in a known namespace. */
export function identify(text: string): B2mmlDocument {
  if (text.trim() === '') throw new AppError('bad_request', 'the body is empty: send a B2MML schedule (Content-Type: application/xml)');
  refuseDtd(text);
  const check = XMLValidator.validate(text);
  if (check !== true) {
    const where = [check.err.line ? `line ${check.err.line}` : null, check.err.col ? `column ${check.err.col}` : null].filter(Boolean).join(', ');
    throw new AppError('bad_request', `malformed XML${where ? ` at ${where}` : ''}: ${check.err.msg}`);
  }
  const raw = parseXml(text, { ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: false, htmlEntities: false, parseTagValue: false });
  const rootKey = Object.keys(raw).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!rootKey) throw new AppError('bad_request', 'the XML has no root element');
  const [prefix, local] = rootKey.includes(':') ? rootKey.split(':', 2) : [undefined, rootKey];
  const ns = (raw[rootKey] as Record<string, unknown>)?.[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
  const version = versionOfNamespace(ns);
  if (!version)
    throw new AppError(
      'unsupported_media_type',
      `root element '${local}' is in namespace '${String(ns ?? '(none)')}': expected B2MML V0600 (${NS_V0600}) or V0701 (${NS_V0701})`,
    );
  const noun = B2MML_NOUNS.schedule[version];
  if (local === noun) return { version, verb: null, root: local };
  const verb = VERBS.find((v) => local === `${v}${noun}`);
  if (!verb) throw new AppError('unprocessable', `'${local}' is not accepted here: send ${noun} or ${VERBS.map((v) => v + noun).join(', ')} (${version})`);
  return { version, verb, root: local };
}

const ARRAYS = new Set([
  'ProductionSchedule',
  'OperationsSchedule',
  'ProductionRequest',
  'OperationsRequest',
  'SegmentRequirement',
  'EquipmentRequirement',
  'EquipmentID',
  'MaterialRequirement',
  'MaterialProducedRequirement',
  'MaterialConsumedRequirement',
  'ProductionParameter',
  'Parameter',
  'SegmentParameter',
  'Quantity',
  'Description',
  'Value',
]);

type Node = Record<string, unknown>;
const arr = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Node[];
/** Text of an element (fast-xml-parser puts text under #text when the element also has attributes). */
function txt(v: unknown): string | null {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return null;
  if (typeof first === 'object') return txt((first as Node)['#text']);
  const s = String(first).trim();
  return s === '' ? null : s;
}

/** ISO 8601 duration (PnDTnHnMnS) in seconds; null when absent or not understood. */
export function durationSeconds(d: string | null): number | null {
  if (!d) return null;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d);
  if (!m || d === 'P' || d.endsWith('T')) return null;
  const [, days, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return days * 86400 + h * 3600 + min * 60 + s;
}

/**
 * A number as B2MML sends it. QuantityString and ValueString are xs:string in MESA's schemas (AnyGenericValueType);
 * the sibling DataType says which XML Schema type the text is in, and its lexical space is what counts (XML Schema
 * Part 2 §3.2.3 decimal, §3.2.5 double/float, §3.3.13 integer) — never JavaScript's Number(), which reads `0x10` as 16,
 * `1e2` as 100 and `''` as 0. DataType double or float: an optional exponent is allowed (`1e2`); the integer types:
 * digits only; anything else or none (decimal, Quantity, Numeric …): xs:decimal, no exponent. Leading and trailing
 * white space is collapsed as those types do. INF and NaN are valid doubles but no quantity: refused too.
 */
export type XsdNumber = { value: number; problem?: undefined } | { value?: undefined; problem: string };

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DOUBLE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const INTEGER_TYPES =
  /^(integer|int|long|short|byte|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedLong|unsignedInt|unsignedShort|unsignedByte)$/i;

export function xsdNumber(text: string | null, dataType: string | null): XsdNumber {
  if (text === null) return { problem: 'no value' };
  const t = text.trim();
  const [type, lexical] =
    dataType && /^(double|float)$/i.test(dataType)
      ? [dataType.toLowerCase(), DOUBLE]
      : dataType && INTEGER_TYPES.test(dataType)
        ? ['integer', INTEGER]
        : ['decimal', DECIMAL];
  if (!lexical.test(t)) return { problem: `'${text.slice(0, 40)}' is not an xs:${type} (DataType ${dataType ?? '(none): read as decimal'})` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { problem: `'${text.slice(0, 40)}' is not a finite number` };
  return { value };
}

interface Quantity {
  value: number;
  unit: string | null;
  /** Why the text is not a number of its DataType (value is NaN then). */
  problem?: string;
}
function quantityOf(node: Node): Quantity | null {
  const q = arr(node.Quantity).find((x) => !txt(x.Key) || /^good$/i.test(txt(x.Key)!)) ?? arr(node.Quantity)[0];
  if (!q) return null;
  const n = xsdNumber(txt(q.QuantityString), txt(q.DataType));
  return { value: n.value ?? Number.NaN, unit: txt(q.UnitOfMeasure), ...(n.problem ? { problem: n.problem } : {}) };
}

const NUMERIC_TYPES =
  /^(double|float|decimal|integer|int|long|short|byte|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedLong|unsignedInt|unsignedShort|unsignedByte)$/i;

/** A parameter; a numeric DataType whose text is not in that type's lexical space is a problem, not a silent string. */
function parameterOf(p: Node): { param: ParameterValue | null; problem?: string } {
  const name = txt(p.ID);
  if (!name) return { param: null };
  const v = arr(p.Value)[0];
  const raw = v ? txt(v.ValueString) : null;
  const type = v ? txt(v.DataType) : null;
  let target: unknown = raw;
  if (raw !== null && type !== null && NUMERIC_TYPES.test(type)) {
    const n = xsdNumber(raw, type);
    if (n.problem) return { param: null, problem: `parameter '${name}': ${n.problem}` };
    target = n.value;
  }
  return { param: { name, target, ...(v && txt(v.UnitOfMeasure) ? { unit: txt(v.UnitOfMeasure)! } : {}) } };
}

const use = (s: string | null) => (s ?? 'consumed').toLowerCase();

export interface MappedRequest {
  requestId: string;
  order?: OrderInput;
  /** Why the request cannot become an order at all (mapped to `rejected`). */
  problem?: string;
}

export interface MappedSchedule {
  version: B2mmlVersion;
  verb: Verb | null;
  scheduleIds: string[];
  requests: MappedRequest[];
}

/** The document's schedules (a verb may carry several) → one mapped request per Production/OperationsRequest. */
export function mapSchedule(text: string, doc: B2mmlDocument): MappedSchedule {
  const parsed = parseXml(text, {
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    isArray: (name) => ARRAYS.has(name),
  }) as Node;
  const root = arr(parsed[doc.root])[0] ?? {};
  const noun = B2MML_NOUNS.schedule[doc.version];
  const schedules = doc.verb ? arr((root.DataArea as Node | undefined)?.[noun]) : [root];
  const source: OrderSource = doc.version === 'V0600' ? 'b2mml-v0600' : 'b2mml-v0701';
  const out: MappedSchedule = { version: doc.version, verb: doc.verb, scheduleIds: [], requests: [] };
  for (const sch of schedules) {
    const scheduleId = txt(sch.ID);
    if (scheduleId) out.scheduleIds.push(scheduleId);
    const requests = arr(doc.version === 'V0600' ? sch.ProductionRequest : sch.OperationsRequest);
    for (const [i, r] of requests.entries()) out.requests.push(mapRequest(r, i, doc, scheduleId, source));
  }
  return out;
}

function mapRequest(r: Node, index: number, doc: B2mmlDocument, scheduleId: string | null, source: OrderSource): MappedRequest {
  const requestId = txt(r.ID) ?? `#${index + 1}`;
  if (!txt(r.ID)) return { requestId, problem: 'the request has no ID: it is the order id' };
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(requestId))
    return { requestId, problem: `request ID '${requestId}' is not usable as an order id (letters, digits and _ . : - only)` };
  const opsType = txt(r.OperationsType);
  if (opsType && opsType !== 'Production') return { requestId, problem: `OperationsType '${opsType}' is not production` };
  const state = txt(r.RequestState);
  const cancel = doc.verb === 'Cancel' || state === 'Cancelled';
  const segs = arr(r.SegmentRequirement);
  const produced: Array<{ id: string; q: Quantity | null }> = [];
  const problems: string[] = [];
  let detailed = false;
  const mapped: SegmentInput[] = segs.map((s, j) => {
    const materials: MaterialLine[] = [];
    const take = (m: Node, u: string) => {
      const id = txt(m.MaterialDefinitionID);
      if (!id) return;
      const q = quantityOf(m);
      if (q?.problem) problems.push(`material '${id}': quantity ${q.problem}`);
      if (u === 'produced') produced.push({ id, q });
      else materials.push({ materialId: id, quantity: q?.value ?? Number.NaN, unit: q?.unit ?? null, use: u });
    };
    for (const m of arr(s.MaterialProducedRequirement)) take(m, 'produced');
    for (const m of arr(s.MaterialConsumedRequirement)) take(m, 'consumed');
    for (const m of arr(s.MaterialRequirement)) take(m, use(txt(m.MaterialUse)));
    const params: ParameterValue[] = [];
    for (const raw of [...arr(s.SegmentParameter), ...arr(s.ProductionParameter).flatMap((pp) => arr(pp.Parameter))]) {
      const { param, problem } = parameterOf(raw);
      if (problem) problems.push(problem);
      if (param) params.push(param);
    }
    const equipmentIds = arr(s.EquipmentRequirement)
      .flatMap((e) => arr(e.EquipmentID).map(txt))
      .filter((x): x is string => !!x);
    if (materials.length || params.length || equipmentIds.length) detailed = true;
    return {
      id: txt(s.ID) ?? `${requestId}-${(j + 1) * 10}`,
      name: txt(s.ProcessSegmentID) ?? txt(s.OperationsSegmentID) ?? txt(s.ID) ?? `segment ${j + 1}`,
      equipmentIds,
      materials,
      parameters: params,
      durationS: durationSeconds(txt(s.Duration)),
      latestEnd: txt(s.LatestEndTime),
    };
  });
  // A request that names only the product — no segment, or one that says nothing but what to make — is an order for
  // the product as a REST order is: its operations, materials and parameters come from the product's routing
  // (docs/execution.md). Taking it as one operation of its own would leave it without a bill of materials.
  const segments = segs.length <= 1 && !detailed ? [] : mapped;
  const latest =
    segs
      .map((s) => txt(s.LatestEndTime))
      .filter((x): x is string => !!x)
      .sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
  const earliest =
    segs
      .map((s) => txt(s.EarliestStartTime))
      .filter((x): x is string => !!x)
      .sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
  const priority = txt(r.Priority);
  const base = {
    id: requestId,
    startAfter: txt(r.StartTime) ?? earliest,
    due: txt(r.EndTime) ?? latest,
    priority: priority === null ? null : Number(priority),
    source,
    scheduleId,
    requestId,
    description: txt(r.Description) ?? '',
    segments,
    cancel,
  };
  if (cancel) return { requestId, order: { ...base, product: '', quantity: 0, unit: null } };
  if (problems.length) return { requestId, problem: problems.join('; ') };
  const products = [...new Set(produced.map((p) => p.id))];
  if (products.length === 0) return { requestId, problem: 'no produced material requirement (MaterialUse Produced): the product is unknown' };
  if (products.length > 1) return { requestId, problem: `several produced materials (${products.join(', ')}): one product per order` };
  // The order quantity is what the last segment produces (earlier segments make intermediates of the same product).
  const q = produced[produced.length - 1].q;
  if (!q) return { requestId, problem: `the produced material '${products[0]}' has no Quantity` };
  return { requestId, order: { ...base, product: products[0], quantity: q.value, unit: q.unit } };
}
