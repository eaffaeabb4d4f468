// Operator qualification (docs/quality.md "Operator qualification"): skills, the training records that grant them to a
// person for a time, and what requires one. Pure: which requirements apply where, and whether a person holds a skill.

export const REQUIREMENT_KINDS = ['equipment', 'operation', 'characteristic'] as const;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

export interface Skill {
  code: string;
  name: string;
  /** how long a training keeps the skill; null: it does not expire */
  validityMonths: number | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Training {
  id: number;
  /** the person's username (platform users) */
  username: string;
  skill: string;
  grantedOn: string;
  /** the first day the skill is no longer held; null: never */
  expiresOn: string | null;
  trainer: string;
  evidence: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface Requirement {
  id: number;
  skill: string;
  kind: RequirementKind;
  /** equipment: a path (a machine, or a work centre and everything below it); operation: a product; characteristic: its id */
  target: string;
  /** operation: the routing step of the product */
  seq: number | null;
  createdBy: string;
  createdAt: string;
}

/** Where a person is about to work: the station's machine, the operation running there, the characteristic checked. */
export interface WorkPlace {
  equipment?: string | null;
  product?: string | null;
  seq?: number | null;
  characteristic?: string | null;
}

export function applies(r: Pick<Requirement, 'kind' | 'target' | 'seq'>, w: WorkPlace): boolean {
  if (r.kind === 'equipment') return !!w.equipment && (w.equipment === r.target || w.equipment.startsWith(`${r.target}/`));
  if (r.kind === 'operation') return w.product === r.target && w.seq === r.seq;
  return w.characteristic === r.target;
}

export const describeRequirement = (r: Pick<Requirement, 'kind' | 'target' | 'seq'>): string =>
  r.kind === 'equipment' ? `equipment ${r.target}` : r.kind === 'operation' ? `operation ${r.seq} of product ${r.target}` : `characteristic ${r.target}`;

export type Standing = { held: true; expiresOn: string | null } | { held: false; expiredOn: string | null };

/** A person's standing in one skill on a day, from their training records in it (the best one counts). */
export function standing(trainings: Array<Pick<Training, 'grantedOn' | 'expiresOn'>>, day: string): Standing {
  const started = trainings.filter((t) => t.grantedOn <= day);
  const valid = started.filter((t) => t.expiresOn === null || day < t.expiresOn);
  if (valid.length)
    return {
      held: true,
      expiresOn: valid.some((t) => t.expiresOn === null)
        ? null
        : valid
            .map((t) => t.expiresOn!)
            .sort()
            .at(-1)!,
    };
  const expired = started.map((t) => t.expiresOn!).sort();
  return { held: false, expiredOn: expired.at(-1) ?? null };
}

/**
 * Null when the person holds every skill the work place requires on this day; else why not: each skill missing, who
 * requires it, and whether it was never held or since when it has expired.
 */
export function missingSkills(
  username: string,
  place: WorkPlace,
  requirements: Requirement[],
  skills: Map<string, Skill>,
  trainings: Array<Pick<Training, 'skill' | 'grantedOn' | 'expiresOn'>>,
  day: string,
): string | null {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of requirements) {
    if (!applies(r, place) || seen.has(r.skill)) continue;
    seen.add(r.skill);
    const s = standing(
      trainings.filter((t) => t.skill === r.skill),
      day,
    );
    if (s.held) continue;
    const name = skills.get(r.skill)?.name;
    const why = s.expiredOn ? `expired since ${s.expiredOn}` : 'not held (no training on record)';
    problems.push(`skill ${r.skill}${name ? ` (${name})` : ''}, required by ${describeRequirement(r)}, is ${why}`);
  }
  return problems.length ? `${username} is not qualified: ${problems.join('; ')}` : null;
}
