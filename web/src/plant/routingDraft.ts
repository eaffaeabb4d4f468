// Editable (string-valued) drafts of a product routing, and conversion to the API shape.
import type { Operation } from '../platform/types.ts';

export interface ParamDraft {
  name: string;
  target: string;
  min: string;
  max: string;
  unit: string;
}
export interface BomDraft {
  materialId: string;
  quantity: string;
  unit: string;
}
export interface OpDraft {
  key: number;
  seq: string;
  name: string;
  workCenter: string;
  equipmentClass: string;
  idealCycleTimeS: string;
  setupTimeS: string;
  instructions: string;
  parameters: ParamDraft[];
  bom: BomDraft[];
}

let nextKey = 1;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function toDraft(routing: Operation[] | undefined): OpDraft[] {
  return (routing ?? []).map((op) => ({
    key: nextKey++,
    seq: str(op.seq),
    name: op.name ?? '',
    workCenter: op.workCenter ?? '',
    equipmentClass: op.equipmentClass ?? '',
    idealCycleTimeS: str(op.idealCycleTimeS),
    setupTimeS: str(op.setupTimeS),
    instructions: op.instructions ?? '',
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name,
      target: str(p.target),
      min: str(p.min),
      max: str(p.max),
      unit: p.unit ?? '',
    })),
    bom: (op.bom ?? []).map((b) => ({ materialId: b.materialId, quantity: str(b.quantity), unit: b.unit ?? '' })),
  }));
}

export function newOp(existing: OpDraft[]): OpDraft {
  const last = existing.reduce((m, o) => Math.max(m, Number(o.seq) || 0), 0);
  return {
    key: nextKey++,
    seq: String(last + 10),
    name: '',
    workCenter: '',
    equipmentClass: '',
    idealCycleTimeS: '',
    setupTimeS: '0',
    instructions: '',
    parameters: [],
    bom: [],
  };
}

/** Numbers stay numbers; an unparsable entry is sent as-is so the server's validation names it. */
const n = (s: string): number => (s.trim() === '' ? NaN : Number(s));
const numOrRaw = (s: string): number | string => (Number.isFinite(n(s)) ? n(s) : s);
const optNum = (s: string): number | undefined => (s.trim() === '' ? undefined : (numOrRaw(s) as number));

export function fromDraft(ops: OpDraft[]): Operation[] {
  return ops.map((o) => {
    const op: Operation = {
      seq: numOrRaw(o.seq) as number,
      name: o.name.trim(),
      workCenter: o.workCenter || null,
      equipmentClass: o.equipmentClass || null,
      idealCycleTimeS: numOrRaw(o.idealCycleTimeS) as number,
      setupTimeS: o.setupTimeS.trim() === '' ? 0 : (numOrRaw(o.setupTimeS) as number),
      parameters: o.parameters
        .filter((p) => p.name.trim())
        .map((p) => {
          const out: Operation['parameters'][number] = { name: p.name.trim() };
          if (p.target.trim() !== '') out.target = numOrRaw(p.target);
          const min = optNum(p.min);
          const max = optNum(p.max);
          if (min !== undefined) out.min = min;
          if (max !== undefined) out.max = max;
          if (p.unit.trim()) out.unit = p.unit.trim();
          return out;
        }),
      bom: o.bom
        .filter((b) => b.materialId)
        .map((b) =>
          b.unit.trim()
            ? { materialId: b.materialId, quantity: numOrRaw(b.quantity) as number, unit: b.unit.trim() }
            : { materialId: b.materialId, quantity: numOrRaw(b.quantity) as number },
        ),
    };
    if (o.instructions.trim()) op.instructions = o.instructions;
    return op;
  });
}
