// Bottleneck of a line by the active period method (Roser, Nakano, Tanaka 2001): a machine is *active* while it
// works or is kept from working by itself (production, setup, its own breakdowns and minor stops — a repair is
// active time), and *waiting* while it is starved or blocked by its neighbours (PackML Suspended: ADET external) or
// idle without work (ADOT). The machine active for the largest share of its time constrains the line's throughput
// most. Alongside: the parts it made per planned hour, and its loading (time the parts need at ideal speed / PBT).
import { z } from 'zod';
import { derivedTimes, type TimeTotals } from './time-model.ts';

export const bottleneckFiguresSchema = z.object({
  /** Seconds of planned busy time the machine was active / waiting; unknown (no data) is in neither. */
  activeS: z.number(),
  waitingS: z.number(),
  starvedOrBlockedS: z.number(),
  idleS: z.number(),
  unknownS: z.number(),
  pbtS: z.number(),
  /** active / (active + waiting); null without either. */
  activeShare: z.number().nullable(),
  /** Parts (PQ) per hour of planned busy time. */
  throughputPerHour: z.number().nullable(),
  /** Parts per hour at the ideal cycle time(s) of what was made. */
  idealPerHour: z.number().nullable(),
  /** Σ PRI × PQ / PBT: the share of planned time the parts made would take at ideal speed. */
  loading: z.number().nullable(),
  parts: z.number(),
});
export type BottleneckFigures = z.infer<typeof bottleneckFiguresSchema>;

const r6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function bottleneckFigures(t: TimeTotals): BottleneckFigures {
  const d = derivedTimes(t);
  const active = t.apt + t.asut + t.failureS + t.minorStopS;
  const waiting = t.externalS + t.adot;
  const parts = t.good + t.scrap + t.rework;
  const timed = parts - t.noIdealQ;
  return {
    activeS: r3(active),
    waitingS: r3(waiting),
    starvedOrBlockedS: r3(t.externalS),
    idleS: r3(t.adot),
    unknownS: r3(t.unknown),
    pbtS: r3(d.pbt),
    activeShare: r6(active + waiting > 0 ? active / (active + waiting) : null),
    throughputPerHour: r6(d.pbt > 0 ? parts / (d.pbt / 3600) : null),
    idealPerHour: r6(t.idealS > 0 && timed > 0 ? timed / (t.idealS / 3600) : null),
    loading: r6(d.pbt > 0 ? t.idealS / d.pbt : null),
    parts,
  };
}

/** Ranks machines: largest active share first (ties: larger loading first); machines without data last. */
export function rankBottlenecks<T extends { figures: BottleneckFigures }>(rows: T[]): Array<T & { rank: number; bottleneck: boolean }> {
  const key = (x: number | null) => (x === null ? -Infinity : x);
  const sorted = [...rows].sort((a, b) => key(b.figures.activeShare) - key(a.figures.activeShare) || key(b.figures.loading) - key(a.figures.loading));
  return sorted.map((x, i) => ({ ...x, rank: i + 1, bottleneck: i === 0 && x.figures.activeShare !== null }));
}

export const BOTTLENECK_METHOD = [
  'Active period method: a machine is active while producing, setting up or stopped by its own failure or minor stop, and waiting while starved or blocked (PackML Suspended) or idle without work (ADOT).',
  'Active share = active / (active + waiting) over the planned busy time of the period; time without data is left out.',
  'The machine with the largest active share is the bottleneck: it waits least for its neighbours, so it sets the pace of the line. Ties go to the machine with the higher loading (Σ ideal cycle time × parts / planned busy time).',
  'Starved and blocked are told apart only when the machine reports them as different states; PackML Suspended covers both.',
];
