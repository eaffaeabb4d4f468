// An order's shop-floor journal entry in words: what happened and its details, never raw JSON. The entry kinds are
// the ones the execution module writes (src/execution: shopfloor.service.ts, andon.service.ts, watch.ts).

export interface JournalEntryData {
  kind: string;
  data: Record<string, unknown> | null | undefined;
}

export type ReasonLabel = (kind: 'scrap' | 'pause' | 'andon', code: string) => string;

/** A value in words: lists joined by commas, records as "name value" pairs, nothing shown as JSON. */
export function plainValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(plainValue).join(', ') : '—';
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined);
    return entries.length ? entries.map(([k, x]) => `${k} ${plainValue(x)}`).join(', ') : '—';
  }
  return String(v);
}

const num = (v: unknown) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : plainValue(v));
const limits = (r: unknown) => {
  const l = (r ?? {}) as { min?: unknown; max?: unknown };
  return `${l.min ?? '–'} … ${l.max ?? '–'}`;
};

export function describeJournalEntry(e: JournalEntryData, label: ReasonLabel = (_k, code) => code): { what: string; details: string } {
  const d = e.data ?? {};
  const reason = (kind: 'scrap' | 'pause' | 'andon') => (typeof d.reason === 'string' && d.reason ? label(kind, d.reason) : '');
  switch (e.kind) {
    case 'setup':
      return { what: 'Setup started', details: '' };
    case 'recipe':
      return {
        what: `Recipe sent: ${plainValue(d.status)}`,
        details: [
          d.parameters ? `parameters ${plainValue(d.parameters)}` : '',
          d.readBack ? `machine reports ${plainValue(d.readBack)}` : '',
          typeof d.detail === 'string' ? d.detail : '',
        ]
          .filter(Boolean)
          .join(' · '),
      };
    case 'start':
      return { what: 'Production started', details: d.override ? `without a confirmed recipe: ${plainValue(d.override)}` : '' };
    case 'pause':
      return { what: 'Paused', details: [reason('pause'), d.from ? `during ${plainValue(d.from)}` : ''].filter(Boolean).join(' · ') };
    case 'resume':
      return { what: 'Resumed', details: '' };
    case 'count':
      return { what: `Counted ${num(d.quantity)} good`, details: '' };
    case 'scrap':
      return { what: `Scrapped ${num(d.quantity)}`, details: [reason('scrap'), d.fromGood ? 'taken from the good parts' : ''].filter(Boolean).join(' · ') };
    case 'consume':
      return { what: `Consumed ${num(d.quantity)} of lot ${plainValue(d.lotId)}`, details: d.materialId ? `material ${plainValue(d.materialId)}` : '' };
    case 'complete': {
      type Lot = { lotId?: unknown; materialId?: unknown; quantity?: unknown; unit?: unknown };
      const lot = (l: Lot) => `${num(l.quantity)} ${plainValue(l.unit)} of lot ${plainValue(l.lotId)}`;
      const made = d.produced && typeof d.produced === 'object' ? `made ${lot(d.produced as Lot)}` : '';
      const used = Array.isArray(d.backflushed) && d.backflushed.length ? `backflushed ${(d.backflushed as Lot[]).map(lot).join(', ')}` : '';
      return { what: 'Completed', details: [`good ${num(d.good)}, scrap ${num(d.scrap)}`, made, used].filter(Boolean).join(' · ') };
    }
    case 'andon':
      return { what: 'Help called', details: [reason('andon'), typeof d.message === 'string' ? d.message : ''].filter(Boolean).join(' — ') };
    case 'deviation':
      return {
        what: d.kind === 'out_of_limits' ? `${plainValue(d.parameter)} out of limits` : `${plainValue(d.parameter)} setpoint changed`,
        details:
          d.kind === 'out_of_limits' ? `${plainValue(d.value)} (limits ${limits(d.reference)})` : `${plainValue(d.value)} (recipe ${plainValue(d.reference)})`,
      };
    case 'interrupted':
      return { what: 'Machine stopped', details: d.state ? `state ${plainValue(d.state)}${d.online === false ? ', offline' : ''}` : '' };
    case 'machine-running':
      return { what: 'Machine running again', details: d.state ? `state ${plainValue(d.state)}` : '' };
    default: {
      const words = e.kind.replace(/[_-]+/g, ' ');
      const rest = Object.entries(d).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
      return { what: words.charAt(0).toUpperCase() + words.slice(1), details: rest.map(([k, v]) => `${k} ${plainValue(v)}`).join(' · ') };
    }
  }
}
