// A plan as a person gives it (the create/update body) checked against its basis and the plant model, into the fields
// stored (plans.repository.ts). Each refusal names the field (400).
import { AppError, validationFailed, type FieldIssue } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import type { PlanBasis } from './model.ts';
import type { PlanFields } from './plans.repository.ts';

export interface PlanInput {
  name: string;
  equipment?: string | null;
  equipmentClass?: string | null;
  basis: PlanBasis;
  interval?: number | null;
  intervalUnit?: 'days' | 'weeks' | null;
  counterTag?: string | null;
  counterUnit?: 'kg' | 't' | null;
  rollover?: number | null;
  condition?: { tag: string; op: 'above' | 'below'; limit: number } | null;
  lead?: number;
  tolerance?: number;
  tasks?: string;
  estimateMinutes?: number | null;
  active?: boolean;
  startAt?: Date | null;
}

/** Checks a plan's input; `startAt` of a plan being changed is kept unless the input gives another. */
export async function planFields(plant: EquipmentLookup, input: PlanInput, keptStart?: Date): Promise<PlanFields> {
  const issues: FieldIssue[] = [];
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) issues.push({ path, message });
  };
  const b = input.basis;
  need(Boolean(input.equipment) !== Boolean(input.equipmentClass), input.equipment ? 'equipmentClass' : 'equipment', 'give either equipment or equipmentClass');
  if (b === 'condition') {
    need(Boolean(input.condition), 'condition', 'a condition plan needs condition {tag, op, limit}');
    need(input.interval == null, 'interval', 'a condition plan has no interval');
  } else {
    need(input.interval != null, 'interval', `a ${b} plan needs an interval`);
    need(input.condition == null, 'condition', `only condition plans have a condition`);
  }
  need(b === 'calendar' || input.intervalUnit == null, 'intervalUnit', 'only calendar plans have an interval unit (days or weeks)');
  need(b === 'cycles' || b === 'tonnes' || input.counterTag == null, 'counterTag', 'only cycles and tonnes plans count a counter tag');
  need(b === 'cycles' || b === 'tonnes' || input.rollover == null, 'rollover', 'only counter plans have a roll-over');
  need(b !== 'tonnes' || Boolean(input.counterTag), 'counterTag', 'a tonnes plan needs the cumulative mass counter tag');
  need(b !== 'tonnes' || Boolean(input.counterUnit), 'counterUnit', 'a tonnes plan needs the counter unit (kg or t)');
  need(b === 'tonnes' || input.counterUnit == null, 'counterUnit', 'only tonnes plans have a counter unit');
  need(b !== 'condition' || !input.lead, 'lead', 'a condition plan is due when the condition is met: it has no lead');
  need(b !== 'condition' || !input.tolerance, 'tolerance', 'a condition plan has no tolerance window');
  if (input.interval != null)
    need((input.lead ?? 0) < input.interval * (input.intervalUnit === 'weeks' ? 7 : 1), 'lead', 'the lead must be shorter than the interval');
  if (issues.length) throw validationFailed(issues[0].message, issues);

  let equipmentId: string | null = null;
  let equipment: string | null = null;
  if (input.equipment) {
    const e = await plant.getEquipment(input.equipment).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found')
        throw validationFailed(`equipment '${input.equipment}' does not exist`, [{ path: 'equipment', message: 'no such equipment in the plant model' }]);
      throw err;
    });
    equipmentId = e.id;
    equipment = e.path;
  } else
    await plant.getCode('equipmentClass', input.equipmentClass!).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found')
        throw validationFailed(`equipment class '${input.equipmentClass}' does not exist`, [{ path: 'equipmentClass', message: 'no such equipment class' }]);
      throw err;
    });

  return {
    name: input.name,
    equipment,
    equipmentId,
    equipmentClass: input.equipmentClass ?? null,
    basis: b,
    interval: input.interval ?? null,
    intervalUnit: b === 'calendar' ? (input.intervalUnit ?? 'days') : null,
    counterTag: b === 'cycles' ? (input.counterTag ?? 'good') : b === 'tonnes' ? input.counterTag! : b === 'condition' ? input.condition!.tag : null,
    counterUnit: input.counterUnit ?? null,
    rollover: input.rollover ?? null,
    conditionOp: input.condition?.op ?? null,
    conditionLimit: input.condition?.limit ?? null,
    lead: input.lead ?? 0,
    tolerance: input.tolerance ?? 0,
    tasks: input.tasks ?? '',
    estimateMinutes: input.estimateMinutes ?? null,
    active: input.active ?? true,
    startAt: input.startAt ?? keptStart ?? new Date(),
  };
}
