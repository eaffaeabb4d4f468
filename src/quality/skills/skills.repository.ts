// SQL for skills, training records and skill requirements (ADR 0006). Days are read back as text (YYYY-MM-DD).
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { Requirement, Skill, Training } from './skills.model.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v == null ? null : String(v));
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
const num = (v: unknown): number | null => (v == null ? null : Number(v));

const skillOf = (r: Row): Skill => ({
  code: r.code as string,
  name: r.name as string,
  validityMonths: num(r.validity_months),
  createdBy: r.created_by as string,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const TRAINING_COLUMNS = sql`id, username, skill, granted_on::text AS granted_on, expires_on::text AS expires_on, trainer, evidence, recorded_by, recorded_at`;
const trainingOf = (r: Row): Training => ({
  id: Number(r.id),
  username: r.username as string,
  skill: r.skill as string,
  grantedOn: String(r.granted_on),
  expiresOn: str(r.expires_on),
  trainer: r.trainer as string,
  evidence: str(r.evidence),
  recordedBy: r.recorded_by as string,
  recordedAt: iso(r.recorded_at),
});

const requirementOf = (r: Row): Requirement => ({
  id: Number(r.id),
  skill: r.skill as string,
  kind: r.kind as Requirement['kind'],
  target: r.target as string,
  seq: num(r.seq),
  createdBy: r.created_by as string,
  createdAt: iso(r.created_at),
});

export const listSkills = async (db: Db): Promise<Skill[]> => (await rowsOf<Row>(db, sql`SELECT * FROM quality_skills ORDER BY code`)).map(skillOf);

export async function getSkill(db: Db, code: string, forUpdate = false): Promise<Skill | undefined> {
  const rows = await rowsOf<Row>(
    db,
    forUpdate ? sql`SELECT * FROM quality_skills WHERE code = ${code} FOR UPDATE` : sql`SELECT * FROM quality_skills WHERE code = ${code}`,
  );
  return rows[0] ? skillOf(rows[0]) : undefined;
}

export async function insertSkill(db: Db, s: Pick<Skill, 'code' | 'name' | 'validityMonths'>, by: string): Promise<Skill | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_skills (code, name, validity_months, created_by) VALUES (${s.code}, ${s.name}, ${s.validityMonths}, ${by})
        ON CONFLICT (code) DO NOTHING RETURNING *`,
  );
  return rows[0] ? skillOf(rows[0]) : undefined;
}

export async function updateSkill(db: Db, s: Pick<Skill, 'code' | 'name' | 'validityMonths'>): Promise<Skill> {
  const [row] = await rowsOf<Row>(
    db,
    sql`UPDATE quality_skills SET name = ${s.name}, validity_months = ${s.validityMonths}, updated_at = now() WHERE code = ${s.code} RETURNING *`,
  );
  return skillOf(row!);
}

export async function insertTraining(db: Db, t: Omit<Training, 'id' | 'recordedAt'>): Promise<Training> {
  const [row] = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_trainings (username, skill, granted_on, expires_on, trainer, evidence, recorded_by)
        VALUES (${t.username}, ${t.skill}, ${t.grantedOn}::date, ${t.expiresOn}::date, ${t.trainer}, ${t.evidence}, ${t.recordedBy})
        RETURNING ${TRAINING_COLUMNS}`,
  );
  return trainingOf(row!);
}

/** One person's training records (all people's when username is undefined), newest grant first. */
export async function trainings(db: Db, username?: string): Promise<Training[]> {
  const rows = await rowsOf<Row>(
    db,
    username === undefined
      ? sql`SELECT ${TRAINING_COLUMNS} FROM quality_trainings ORDER BY username, skill, granted_on DESC, id DESC`
      : sql`SELECT ${TRAINING_COLUMNS} FROM quality_trainings WHERE username = ${username} ORDER BY skill, granted_on DESC, id DESC`,
  );
  return rows.map(trainingOf);
}

export const listRequirements = async (db: Db): Promise<Requirement[]> =>
  (await rowsOf<Row>(db, sql`SELECT * FROM quality_skill_requirements ORDER BY skill, kind, target, seq`)).map(requirementOf);

export async function insertRequirement(db: Db, r: Pick<Requirement, 'skill' | 'kind' | 'target' | 'seq'>, by: string): Promise<Requirement | undefined> {
  const rows = await rowsOf<Row>(
    db,
    sql`INSERT INTO quality_skill_requirements (skill, kind, target, seq, created_by) VALUES (${r.skill}, ${r.kind}, ${r.target}, ${r.seq}, ${by})
        ON CONFLICT DO NOTHING RETURNING *`,
  );
  return rows[0] ? requirementOf(rows[0]) : undefined;
}

export async function deleteRequirement(db: Db, id: number): Promise<Requirement | undefined> {
  const rows = await rowsOf<Row>(db, sql`DELETE FROM quality_skill_requirements WHERE id = ${id} RETURNING *`);
  return rows[0] ? requirementOf(rows[0]) : undefined;
}
