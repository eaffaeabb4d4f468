// Birth metric bookkeeping and metrics → observations, shared by edge node and device messages.
import type { Observation, SourceRef } from '../../collect/index.ts';
import { metricValue } from './codec.ts';
import type { SparkplugMetric, SparkplugPayload } from './codec.ts';
import { SparkplugDataType as DT } from './datatypes.ts';
import type { MetricBook } from './session.ts';

export function defaultMetricToTag(_equipmentPath: string, metricName: string): string {
  return metricName.replace(/[/ ]/g, '.');
}

/**
 * Edge node bookkeeping metrics are not process data: bdSeq (§6.4.19), the 'Node Control/*' commands (§5.17) and
 * 'Properties/*' descriptions of the node (§6.4.19 example); on devices the 'Device Control/*' counterparts.
 */
export function isProcessMetric(name: string, scope: 'node' | 'device'): boolean {
  if (scope === 'node') return name !== 'bdSeq' && !name.startsWith('Node Control/') && !name.startsWith('Properties/');
  return !name.startsWith('Device Control/');
}

/** Records birth metrics: name, alias, datatype. */
export function recordBirth(book: MetricBook, metrics: SparkplugMetric[]): void {
  for (const m of metrics) {
    // §6.4.6 (tck-id-payloads-alias-birth-requirement): births carry the name, and the alias when aliases are used.
    if (m.name === undefined) continue; // reported by collectMetrics() as an unknown alias
    const def = { name: m.name, datatype: m.datatype };
    book.byName.set(m.name, def);
    if (m.alias !== undefined) book.byAlias.set(m.alias, def);
  }
}

/** The 'bdSeq' metric (§6.4.19, §6.4.25: Int64; UInt64 accepted), or undefined. */
export function bdSeqOf(p: SparkplugPayload): number | undefined {
  const m = p.metrics.find((x) => x.name === 'bdSeq');
  if (!m) return undefined;
  const v = metricValue(m, m.datatype ?? DT.UInt64);
  return v.ok && typeof v.value === 'number' ? v.value : undefined;
}

export interface CollectInput {
  payload: SparkplugPayload;
  book: MetricBook;
  equipmentPath: string | undefined;
  scope: 'node' | 'device';
  /** 'edge node g/n' or 'device g/n/d', for messages. */
  who: string;
  source: SourceRef;
  topic: string;
  receivedAt: number;
  metricToTag: (equipmentPath: string, metricName: string) => string | undefined;
}

export interface CollectOutput {
  observations: Observation[];
  /** Metrics that could not be used, one phrase each. */
  problems: string[];
  /** Set when the birth certificate is missing something: a reason for a rebirth request. */
  rebirth?: string;
  /** Process-data metrics present (whether usable or not). */
  processMetrics: number;
  /** Metrics dropped because metricToTag returned undefined. */
  skipped: number;
}

/**
 * Metrics → observations. Names come from the metric or, for alias-only metrics, from the birth (§6.4.6 alias
 * rules); the datatype from the metric or the birth. Without an equipment path no observation is produced.
 */
export function collectMetrics(input: CollectInput): CollectOutput {
  const { payload: p, book, equipmentPath, scope, who } = input;
  const out: CollectOutput = { observations: [], problems: [], processMetrics: 0, skipped: 0 };
  for (const m of p.metrics) {
    const def = m.name !== undefined ? book.byName.get(m.name) : m.alias !== undefined ? book.byAlias.get(m.alias) : undefined;
    const name = def?.name ?? m.name;
    if (name === undefined) {
      out.problems.push(m.alias !== undefined ? `unknown metric alias ${m.alias}` : 'metric without name or alias');
      out.rebirth ??= `unknown metric alias on ${who}`;
      continue;
    }
    if (!isProcessMetric(name, scope)) continue;
    out.processMetrics++;
    if (!def && m.datatype === undefined) {
      out.problems.push(`metric '${name}' is not in the birth certificate`);
      out.rebirth ??= `metric '${name}' not in the birth certificate of ${who}`;
      continue;
    }
    if (m.problem) {
      out.problems.push(`metric '${name}': ${m.problem}`);
      continue;
    }
    const v = metricValue(m, m.datatype ?? def?.datatype);
    if (!v.ok) {
      out.problems.push(`metric '${name}': ${v.reason}`);
      continue;
    }
    if (v.value === null || !equipmentPath) continue; // is_null: nothing observed
    const tag = input.metricToTag(equipmentPath, name);
    if (tag === undefined) {
      out.skipped++;
      continue;
    }
    const ts = m.timestamp ?? p.timestamp; // metric acquisition time, else the payload's publish time (§6.4.5/6)
    out.observations.push({
      source: input.source,
      topic: input.topic,
      equipmentPath,
      tag,
      value: v.value,
      ...(ts !== undefined ? { ts } : {}),
      ...(p.seq !== undefined ? { seq: p.seq } : {}),
      receivedAt: input.receivedAt,
    });
  }
  return out;
}
