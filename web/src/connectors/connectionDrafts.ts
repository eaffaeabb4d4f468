// The connections of a piece of equipment as the editor holds them: text drafts per protocol, and the conversion
// between those drafts and the JSON the server expects (`connectionSchema` in src/plant/schemas.ts).
import type { FieldErrors } from '../platform/forms.tsx';
import { parseDecimal } from './TagsEditor.tsx';
import type { Connection, OpcuaConnection, Protocol } from './types.ts';

export interface KV {
  key: string;
  value: string;
}
export interface SparkplugDraft {
  protocol: 'sparkplug';
  group: string;
  node: string;
  device: string;
  metrics: KV[];
}
export interface ItemDraft {
  nodeId: string;
  tag: string;
  samplingIntervalMs: string;
  deadband: string;
}
export interface OpcuaDraft {
  protocol: 'opcua';
  endpoint: string;
  securityMode: string;
  securityPolicy: string;
  username: string;
  password: string;
  namespaceUri: string;
  samplingIntervalMs: string;
  items: ItemDraft[];
  stopObjectId: string;
  stopMethodId: string;
  startObjectId: string;
  startMethodId: string;
  parameters: KV[];
}
export interface Euromap63Draft {
  protocol: 'euromap63';
  sessionDir: string;
  timezone: string;
  reportParameters: string;
  mapping: KV[];
  responseTimeoutS: string;
  pollIntervalMs: string;
  staleAfterS: string;
}
/** A connection of a protocol this screen does not know yet: edited as JSON. */
export interface RawDraft {
  protocol: 'raw';
  json: string;
}
export type ConnectionDraft = SparkplugDraft | OpcuaDraft | Euromap63Draft | RawDraft;

export const PROTOCOLS: Protocol[] = ['opcua', 'sparkplug', 'euromap63'];

const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const kvRows = (r: Record<string, string> | undefined): KV[] => Object.entries(r ?? {}).map(([key, value]) => ({ key, value }));

export function emptyDraft(protocol: Protocol): ConnectionDraft {
  if (protocol === 'sparkplug') return { protocol, group: '', node: '', device: '', metrics: [] };
  if (protocol === 'euromap63')
    return { protocol, sessionDir: '', timezone: 'UTC', reportParameters: '', mapping: [], responseTimeoutS: '30', pollIntervalMs: '500', staleAfterS: '30' };
  return {
    protocol,
    endpoint: 'opc.tcp://',
    securityMode: 'None',
    securityPolicy: 'None',
    username: '',
    password: '',
    namespaceUri: '',
    samplingIntervalMs: '1000',
    items: [],
    stopObjectId: '',
    stopMethodId: '',
    startObjectId: '',
    startMethodId: '',
    parameters: [],
  };
}

export function toDrafts(conns: Connection[] | undefined): ConnectionDraft[] {
  return (conns ?? []).map((c): ConnectionDraft => {
    if (c.protocol === 'sparkplug') return { protocol: 'sparkplug', group: s(c.group), node: s(c.node), device: s(c.device), metrics: kvRows(c.metrics) };
    if (c.protocol === 'opcua')
      return {
        protocol: 'opcua',
        endpoint: s(c.endpoint),
        securityMode: c.securityMode ?? 'None',
        securityPolicy: c.securityPolicy ?? 'None',
        username: s(c.username),
        password: s(c.password),
        namespaceUri: s(c.namespaceUri),
        samplingIntervalMs: s(c.samplingIntervalMs ?? 1000),
        items: (c.items ?? []).map((i) => ({ nodeId: s(i.nodeId), tag: s(i.tag), samplingIntervalMs: s(i.samplingIntervalMs), deadband: s(i.deadband) })),
        stopObjectId: s(c.methods?.stop?.objectId),
        stopMethodId: s(c.methods?.stop?.methodId),
        startObjectId: s(c.methods?.start?.objectId),
        startMethodId: s(c.methods?.start?.methodId),
        parameters: kvRows(c.parameters),
      };
    if (c.protocol === 'euromap63')
      return {
        protocol: 'euromap63',
        sessionDir: s(c.sessionDir),
        timezone: s(c.timezone ?? 'UTC'),
        reportParameters: (c.reportParameters ?? []).join(', '),
        mapping: kvRows(c.mapping),
        responseTimeoutS: s(c.responseTimeoutS ?? 30),
        pollIntervalMs: s(c.pollIntervalMs ?? 500),
        staleAfterS: s(c.staleAfterS ?? 30),
      };
    return { protocol: 'raw', json: JSON.stringify(c, null, 2) };
  });
}

/** Builds the connections to send; `errors` are keyed like the server's paths below `connections` (`0.endpoint`). */
export function fromDrafts(drafts: ConnectionDraft[]): { value: Connection[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const value: Connection[] = [];
  drafts.forEach((d, i) => {
    const p = (k: string) => `${i}.${k}`;
    const need = (k: string, v: string) => {
      if (!v.trim()) errors[p(k)] = 'required';
      return v.trim();
    };
    const opt = (v: string) => (v.trim() ? v.trim() : undefined);
    const int = (k: string, v: string, min: number, max: number, fallback?: number): number | undefined => {
      if (!v.trim()) return fallback;
      const n = parseDecimal(v);
      if (!Number.isInteger(n) || n < min || n > max) errors[p(k)] = `a whole number from ${min} to ${max}`;
      return n;
    };
    const record = (k: string, rows: KV[]): Record<string, string> | undefined => {
      const out: Record<string, string> = {};
      rows.forEach((r, n) => {
        if (!r.key.trim() && !r.value.trim()) return;
        if (!r.key.trim()) errors[p(`${k}.#${n}.key`)] = 'required';
        else if (r.key.trim() in out) errors[p(`${k}.#${n}.key`)] = 'listed twice';
        if (!r.value.trim()) errors[p(`${k}.#${n}.value`)] = 'required';
        out[r.key.trim()] = r.value.trim();
      });
      return Object.keys(out).length ? out : undefined;
    };
    if (d.protocol === 'raw') {
      try {
        value.push(JSON.parse(d.json) as Connection);
      } catch (err) {
        errors[p('json')] = `not valid JSON: ${(err as Error).message}`;
      }
      return;
    }
    if (d.protocol === 'sparkplug') {
      const c: Connection = { protocol: 'sparkplug', group: need('group', d.group), node: need('node', d.node) };
      if (opt(d.device)) c.device = opt(d.device);
      const metrics = record('metrics', d.metrics);
      if (metrics) c.metrics = metrics;
      value.push(c);
      return;
    }
    if (d.protocol === 'opcua') {
      const endpoint = need('endpoint', d.endpoint);
      if (endpoint && !/^opc\.tcp:\/\/.+/.test(endpoint)) errors[p('endpoint')] = 'an opc.tcp:// endpoint URL';
      const c: OpcuaConnection = {
        protocol: 'opcua',
        endpoint,
        securityMode: d.securityMode as OpcuaConnection['securityMode'],
        securityPolicy: d.securityPolicy as OpcuaConnection['securityPolicy'],
        samplingIntervalMs: int('samplingIntervalMs', d.samplingIntervalMs, 0, 3_600_000, 1000)!,
        items: [],
      };
      if (opt(d.username)) c.username = opt(d.username);
      if (d.password) c.password = d.password;
      if (opt(d.namespaceUri)) c.namespaceUri = opt(d.namespaceUri);
      d.items.forEach((it, n) => {
        if (!it.nodeId.trim() && !it.tag.trim() && !it.samplingIntervalMs.trim() && !it.deadband.trim()) return;
        const k = (f: string) => `items.${n}.${f}`;
        const item: OpcuaConnection['items'][number] = { nodeId: need(k('nodeId'), it.nodeId), tag: need(k('tag'), it.tag) };
        const si = int(k('samplingIntervalMs'), it.samplingIntervalMs, 0, 3_600_000);
        if (si !== undefined) item.samplingIntervalMs = si;
        if (it.deadband.trim()) {
          const db = parseDecimal(it.deadband);
          if (!Number.isFinite(db) || db < 0) errors[p(k('deadband'))] = '0 or more';
          item.deadband = db;
        }
        c.items.push(item);
      });
      const methods: NonNullable<OpcuaConnection['methods']> = {};
      for (const m of ['stop', 'start'] as const) {
        const objectId = m === 'stop' ? d.stopObjectId : d.startObjectId;
        const methodId = m === 'stop' ? d.stopMethodId : d.startMethodId;
        if (!objectId.trim() && !methodId.trim()) continue;
        methods[m] = { objectId: need(`methods.${m}.objectId`, objectId), methodId: need(`methods.${m}.methodId`, methodId) };
      }
      if (Object.keys(methods).length) c.methods = methods;
      const parameters = record('parameters', d.parameters);
      if (parameters) c.parameters = parameters;
      value.push(c);
      return;
    }
    const c: Connection = {
      protocol: 'euromap63',
      sessionDir: need('sessionDir', d.sessionDir),
      timezone: d.timezone.trim() || 'UTC',
      responseTimeoutS: 30,
      pollIntervalMs: int('pollIntervalMs', d.pollIntervalMs, 50, 60_000, 500)!,
      staleAfterS: int('staleAfterS', d.staleAfterS, 3, 3600, 30)!,
    };
    if (d.responseTimeoutS.trim()) {
      const t = parseDecimal(d.responseTimeoutS);
      if (!(t > 0 && t <= 3600)) errors[p('responseTimeoutS')] = 'seconds, above 0 and up to 3600';
      c.responseTimeoutS = t;
    }
    const report = d.reportParameters
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (report.length) c.reportParameters = report;
    const mapping = record('mapping', d.mapping);
    if (mapping) c.mapping = mapping;
    value.push(c);
  });
  return { value, errors };
}

export function summary(d: ConnectionDraft): string {
  if (d.protocol === 'sparkplug')
    return d.group || d.node ? `spBv1.0/${d.group || '…'}/${d.device ? 'D' : 'N'}DATA/${d.node || '…'}${d.device ? `/${d.device}` : ''}` : '';
  if (d.protocol === 'opcua') return `${d.endpoint}${d.items.length ? ` · ${d.items.length} item${d.items.length === 1 ? '' : 's'}` : ''}`;
  if (d.protocol === 'euromap63') return d.sessionDir;
  return '';
}
