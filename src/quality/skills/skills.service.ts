// Operator qualification: the skills catalogue, training records per person, what requires a skill, the expiring
// list, and the checks the terminal asks (sign-in at a station, a manual check entry). Edits are audited.
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import type { EquipmentLookup } from '../../plant/index.ts';
import { addDays, addMonths, today } from '../dates.ts';
import type { MeasurementScreen } from '../model.ts';
import { missingSkills, standing, type Requirement, type RequirementKind, type Skill, type Training, type WorkPlace } from './skills.model.ts';
import * as repo from './skills.repository.ts';

/** The platform's people as qualification needs them. */
export interface People {
  list(): Promise<Array<{ username: string; displayName: string; active: boolean }>>;
}

export interface SkillStanding {
  skill: string;
  name: string;
  state: 'valid' | 'expired' | 'not-yet-valid';
  grantedOn: string;
  expiresOn: string | null;
}

export interface ExpiringSkill {
  username: string;
  skill: string;
  name: string;
  expiresOn: string;
  daysLeft: number;
}

const issue = (path: string, message: string) => validationFailed(`${path}: ${message}`, [{ path, message }]);

export class SkillRegister {
  constructor(
    private readonly db: Db,
    private readonly plant: EquipmentLookup,
    private readonly people: People,
    private readonly characteristicExists: (id: string) => Promise<boolean>,
  ) {}

  catalogue = () => repo.listSkills(this.db);

  async defineSkill(actor: Actor, s: Pick<Skill, 'code' | 'name' | 'validityMonths'>): Promise<Skill> {
    return this.db.transaction(async (tx) => {
      const out = await repo.insertSkill(tx, s, actor.name);
      if (!out) throw new AppError('duplicate', `skill ${s.code} already exists`);
      await appendAudit(tx, actor, { action: 'create', entity: 'quality_skill', entityId: s.code, after: out });
      return out;
    });
  }

  async changeSkill(actor: Actor, code: string, patch: Partial<Pick<Skill, 'name' | 'validityMonths'>>, reason: string | null): Promise<Skill> {
    return this.db.transaction(async (tx) => {
      const before = await repo.getSkill(tx, code, true);
      if (!before) throw notFound('skill', code);
      const after = await repo.updateSkill(tx, { ...before, ...patch });
      await appendAudit(tx, actor, { action: 'update', entity: 'quality_skill', entityId: code, before, after, reason });
      return after;
    });
  }

  private async person(username: string) {
    const p = (await this.people.list()).find((u) => u.username === username);
    if (!p) throw notFound('person', username);
    return p;
  }

  /** A training record; its expiry is the skill's validity after the grant unless the record names its own. */
  async train(
    actor: Actor,
    username: string,
    t: { skill: string; grantedOn: string; expiresOn?: string | null; trainer: string; evidence: string | null },
    now = Date.now(),
  ): Promise<Training> {
    await this.person(username);
    if (t.grantedOn > today(now)) throw issue('grantedOn', `${t.grantedOn} is in the future`);
    const skill = await repo.getSkill(this.db, t.skill);
    if (!skill) throw issue('skill', `skill '${t.skill}' is not in the catalogue`);
    const expiresOn = t.expiresOn !== undefined ? t.expiresOn : skill.validityMonths === null ? null : addMonths(t.grantedOn, skill.validityMonths);
    if (expiresOn !== null && expiresOn <= t.grantedOn) throw issue('expiresOn', `must be after the grant (${t.grantedOn})`);
    return this.db.transaction(async (tx) => {
      const out = await repo.insertTraining(tx, {
        username,
        skill: t.skill,
        grantedOn: t.grantedOn,
        expiresOn,
        trainer: t.trainer,
        evidence: t.evidence,
        recordedBy: actor.name,
      });
      await appendAudit(tx, actor, { action: 'train', entity: 'quality_training', entityId: `${username}/${t.skill}`, after: out });
      return out;
    });
  }

  /** A person's skills today, one row per skill (the best training counts), and every training record. */
  async personSkills(username: string, now = Date.now()): Promise<{ username: string; skills: SkillStanding[]; trainings: Training[] }> {
    await this.person(username);
    const trainings = await repo.trainings(this.db, username);
    return { username, skills: standings(trainings, await this.skillNames(), today(now)), trainings };
  }

  /** Every active person with their skills today. */
  async everyone(now = Date.now()): Promise<Array<{ username: string; displayName: string; skills: SkillStanding[] }>> {
    const all = await repo.trainings(this.db);
    const names = await this.skillNames();
    const day = today(now);
    return (await this.people.list())
      .filter((p) => p.active)
      .map((p) => ({
        username: p.username,
        displayName: p.displayName,
        skills: standings(
          all.filter((t) => t.username === p.username),
          names,
          day,
        ),
      }));
  }

  /** Skills held today that expire within `days` days (and are not renewed by a later training), soonest first. */
  async expiring(days: number, now = Date.now()): Promise<ExpiringSkill[]> {
    const day = today(now);
    const until = addDays(day, days);
    const names = await this.skillNames();
    const out: ExpiringSkill[] = [];
    for (const [key, ts] of groupBy(await repo.trainings(this.db), (t) => `${t.username}\u0000${t.skill}`)) {
      const s = standing(ts, day);
      if (!s.held || s.expiresOn === null || s.expiresOn > until) continue;
      const [username, skill] = key.split('\u0000') as [string, string];
      out.push({
        username,
        skill,
        name: names.get(skill) ?? skill,
        expiresOn: s.expiresOn,
        daysLeft: Math.round((Date.parse(s.expiresOn) - Date.parse(day)) / 86_400_000),
      });
    }
    return out.sort((a, b) => a.expiresOn.localeCompare(b.expiresOn) || a.username.localeCompare(b.username));
  }

  requirements = () => repo.listRequirements(this.db);

  async require(actor: Actor, r: { skill: string; kind: RequirementKind; target: string; seq: number | null }): Promise<Requirement> {
    if (!(await repo.getSkill(this.db, r.skill))) throw issue('skill', `skill '${r.skill}' is not in the catalogue`);
    await this.checkTarget(r);
    return this.db.transaction(async (tx) => {
      const out = await repo.insertRequirement(tx, r, actor.name);
      if (!out) throw new AppError('duplicate', `${r.kind} ${r.target} already requires ${r.skill}`);
      await appendAudit(tx, actor, { action: 'require-skill', entity: 'quality_skill_requirement', entityId: String(out.id), after: out });
      return out;
    });
  }

  async unrequire(actor: Actor, id: number, reason: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await repo.deleteRequirement(tx, id);
      if (!before) throw notFound('skill requirement', String(id));
      await appendAudit(tx, actor, { action: 'delete', entity: 'quality_skill_requirement', entityId: String(id), before, reason });
    });
  }

  /** Null when the person holds every skill this work place requires today; else which skill is missing or expired and since when. */
  async missing(username: string, place: WorkPlace, now = Date.now()): Promise<string | null> {
    const requirements = await repo.listRequirements(this.db);
    if (!requirements.length) return null;
    const skills = new Map((await repo.listSkills(this.db)).map((s) => [s.code, s]));
    return missingSkills(username, place, requirements, skills, await repo.trainings(this.db, username), today(now));
  }

  /** A manual check entry by a person lacking a skill the characteristic (its operation, its machine) requires is refused. */
  screen: MeasurementScreen = async (batch, by, now) => {
    const out = new Map<number, { refuse?: string }>();
    for (const x of batch) {
      if (x.m.source !== 'manual') continue;
      const why = await this.missing(by, { characteristic: x.c.id, product: x.c.product, seq: x.c.operationSeq, equipment: x.m.equipment }, now);
      if (why) out.set(x.index, { refuse: `${why}: the check of ${x.c.id} is not accepted from ${by}` });
    }
    return out;
  };

  private async skillNames() {
    return new Map((await repo.listSkills(this.db)).map((s) => [s.code, s.name]));
  }

  private async checkTarget(r: { kind: RequirementKind; target: string; seq: number | null }): Promise<void> {
    if (r.kind === 'equipment') {
      await this.plant.getEquipment(r.target).catch(rethrowAs('target', `equipment '${r.target}' does not exist`));
    } else if (r.kind === 'operation') {
      if (r.seq === null) throw issue('seq', "an operation requirement names the product's routing step");
      const product = await this.plant.getCode('product', r.target).catch(rethrowAs('target', `product '${r.target}' does not exist`));
      const routing = ((product as { routing?: Array<{ seq: number }> }).routing ?? []).map((o) => o.seq);
      if (!routing.includes(r.seq)) throw issue('seq', `product ${r.target}'s routing has no operation ${r.seq} (it has ${routing.join(', ') || 'none'})`);
    } else if (!(await this.characteristicExists(r.target))) throw issue('target', `characteristic '${r.target}' does not exist`);
    if (r.kind !== 'operation' && r.seq !== null) throw issue('seq', `only an operation requirement names a seq`);
  }
}

const rethrowAs = (path: string, message: string) => (err: unknown) => {
  if (err instanceof AppError && err.code === 'not_found') throw issue(path, message);
  throw err;
};

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

function standings(trainings: Training[], names: Map<string, string>, day: string): SkillStanding[] {
  return [...groupBy(trainings, (t) => t.skill)].map(([skill, ts]) => {
    const s = standing(ts, day);
    const latest = ts.reduce((a, b) => (b.grantedOn > a.grantedOn ? b : a));
    const state = s.held ? 'valid' : ts.every((t) => t.grantedOn > day) ? 'not-yet-valid' : 'expired';
    return { skill, name: names.get(skill) ?? skill, state, grantedOn: latest.grantedOn, expiresOn: s.held ? s.expiresOn : latest.expiresOn };
  });
}
