// Alarm codes → downtime reasons, the pure part: which alarm caused a stop, and which reason that code maps to for
// a machine (its own mapping, else its class's, else the plant-wide codes listed on the reason itself).
import { z } from 'zod';

export interface AlarmValue {
  ts: number;
  /** '' = no alarm active. */
  code: string;
}

/** An alarm raised this soon after a stop starts still counts as its cause (a PLC sets state and alarm in two writes). */
export const ALARM_GRACE_MS = 10_000;

/**
 * The alarm code of a stop: the alarm active when the stop began, else the first one raised within the grace period
 * after its start (never later: an alarm during a long repair is not what stopped the machine). `values` sorted by ts.
 */
export function alarmOfStop(values: AlarmValue[], stop: { start: number; end: number }, graceMs = ALARM_GRACE_MS): string | null {
  let active: string | null = null;
  for (const v of values) {
    if (v.ts > stop.start) break;
    active = v.code || null;
  }
  if (active) return active;
  const limit = Math.min(stop.end, stop.start + graceMs);
  return values.find((v) => v.ts > stop.start && v.ts <= limit && v.code)?.code ?? null;
}

export const alarmMappingSchema = z.object({ scope: z.enum(['machine', 'class']), scopeId: z.string(), alarmCode: z.string(), reasonId: z.string() });
export type AlarmMapping = z.infer<typeof alarmMappingSchema>;

/** The reason an alarm code maps to on a machine of a class; `plantWide` holds perf_reasons.alarm_codes. */
export function reasonForAlarm(
  mappings: AlarmMapping[],
  plantWide: Map<string, string>,
  machine: { id: string; equipmentClass: string | null },
  code: string,
): string | null {
  const own = mappings.find((m) => m.scope === 'machine' && m.scopeId === machine.id && m.alarmCode === code);
  if (own) return own.reasonId;
  const cls = machine.equipmentClass ? mappings.find((m) => m.scope === 'class' && m.scopeId === machine.equipmentClass && m.alarmCode === code) : undefined;
  return cls?.reasonId ?? plantWide.get(code) ?? null;
}
