// Technician work's words (docs/maintenance.md "Technician work"): labour, notes, photos, checklist items, the
// failure code set and spare parts of a work order, and the MTTR split — how the time from a stop to the work done
// divides into waiting for a technician, repair and waiting for parts.

/** The four codes a corrective order is closed with (ISO 14224 / EN 13306 in spirit), as the API names them. */
export const FAILURE_CODE_FIELDS = ['component', 'failureMode', 'cause', 'action'] as const;
export type FailureCodeField = (typeof FAILURE_CODE_FIELDS)[number];
/** The catalogue's kind of each field (maintenance_failure_codes.kind). */
export const FAILURE_CODE_KIND: Record<FailureCodeField, string> = {
  component: 'component',
  failureMode: 'failure_mode',
  cause: 'cause',
  action: 'action',
};
export type FailureCodes = Record<FailureCodeField, string | null>;
export type FailureCatalogue = Record<FailureCodeField, Array<{ code: string; label: string }>>;

/** Why a technician stopped working on an order: 'parts' counts the pause as waiting for parts in the MTTR split. */
export const LABOUR_STOP_REASONS = ['done', 'break', 'parts', 'other'] as const;
export type LabourStopReason = (typeof LABOUR_STOP_REASONS)[number];

export interface LabourEntry {
  id: number;
  technician: string;
  startedAt: string;
  stoppedAt: string | null;
  stopReason: LabourStopReason | null;
}

export interface Note {
  id: number;
  text: string;
  by: string;
  at: string;
}

export interface PhotoMeta {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: string;
  createdAt: string;
}

export interface ChecklistItem {
  id: number;
  text: string;
  done: boolean;
  doneBy: string | null;
  doneAt: string | null;
}

export interface SparePart {
  /** the ledger's booking (lot_consumptions row) */
  id: number;
  lotId: string;
  materialId: string;
  quantity: number;
  unit: string;
  by: string;
  at: string;
}

/**
 * The MTTR split of one repair, in minutes. It runs from `from` (the stop the order answers, or when the order was
 * opened when it names no stop) to `end` (when the work was done; for an order not done yet, now):
 * - waitingForTechnician: from `from` to the first labour start (all of it when nobody has started);
 * - repair: the time at least one technician was on the job (overlapping labour of two technicians counts once);
 * - waitingForParts: pauses between labour (and after the last, until `end`) that began with a technician stopping
 *   with reason 'parts';
 * - other: the remaining pauses (breaks, other reasons).
 * The four add up to total = end − from. Labour outside [from, end] is not counted.
 */
export interface MttrSplit {
  basis: 'stop' | 'request';
  from: string;
  end: string;
  done: boolean;
  totalMinutes: number;
  waitingForTechnicianMinutes: number;
  repairMinutes: number;
  waitingForPartsMinutes: number;
  otherMinutes: number;
}

export type MttrFigures = Pick<MttrSplit, 'totalMinutes' | 'waitingForTechnicianMinutes' | 'repairMinutes' | 'waitingForPartsMinutes' | 'otherMinutes'>;

const MINUTE = 60_000;

/** The split of one repair from its labour (see MttrSplit). Pure: the same input gives the same figures. */
export function mttrSplit(from: Date, end: Date, labour: ReadonlyArray<Pick<LabourEntry, 'startedAt' | 'stoppedAt' | 'stopReason'>>): MttrFigures {
  const t0 = from.getTime();
  const t1 = Math.max(t0, end.getTime());
  const spans = labour
    .map((l) => ({
      start: Math.max(t0, new Date(l.startedAt).getTime()),
      stop: Math.min(t1, l.stoppedAt ? new Date(l.stoppedAt).getTime() : t1),
      parts: l.stopReason === 'parts',
    }))
    .filter((s) => s.stop > s.start)
    .sort((a, b) => a.start - b.start);
  const total = t1 - t0;
  if (!spans.length) return figures(total, total, 0, 0, 0);
  // merge overlapping labour into blocks; a block "ends for parts" when a stretch ending at its end stopped for parts
  const blocks: Array<{ start: number; stop: number; parts: boolean }> = [];
  for (const s of spans) {
    const last = blocks.at(-1);
    if (last && s.start <= last.stop) {
      if (s.stop > last.stop) {
        last.stop = s.stop;
        last.parts = s.parts;
      } else if (s.stop === last.stop) last.parts ||= s.parts;
    } else blocks.push({ ...s });
  }
  const waiting = blocks[0]!.start - t0;
  let repair = 0;
  let parts = 0;
  let other = 0;
  blocks.forEach((b, i) => {
    repair += b.stop - b.start;
    const gap = (blocks[i + 1]?.start ?? t1) - b.stop;
    if (b.parts) parts += gap;
    else other += gap;
  });
  return figures(total, waiting, repair, parts, other);
}

const figures = (total: number, waiting: number, repair: number, parts: number, other: number): MttrFigures => ({
  totalMinutes: total / MINUTE,
  waitingForTechnicianMinutes: waiting / MINUTE,
  repairMinutes: repair / MINUTE,
  waitingForPartsMinutes: parts / MINUTE,
  otherMinutes: other / MINUTE,
});

/** Priority order of the technician's queue: most urgent first. */
export const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
