// Corrective and preventive actions (CAPA): the problem, its root cause (a 5 Why chain and an Ishikawa category), the
// actions with owner and due date, the NCRs it answers, and the effectiveness check that closes it. Every change is one
// transaction with its audit entry (entity 'capa'). docs/quality.md "Nonconformances and CAPA".
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationFailed } from '../../platform/errors.ts';
import * as repo from './capa.repository.ts';

export const CAPA_ENTITY = 'capa';

export interface CapaInput extends repo.CapaFields {
  ncrs: string[];
  actions: Array<{ kind: repo.CapaAction['kind']; description: string; owner: string; dueDate: string }>;
}

export type CapaPatch = Partial<repo.CapaFields & { ncrs: string[] }>;
export type ActionPatch = Partial<Pick<repo.CapaAction, 'description' | 'owner' | 'dueDate' | 'doneDate'>>;

export class CapaService {
  constructor(private readonly db: Db) {}

  async get(id: string, db: Db = this.db): Promise<repo.Capa> {
    const row = await repo.getCapa(db, id);
    if (!row) throw notFound('CAPA', id);
    return { ...row, ncrs: await repo.ncrsOf(db, id), actions: (await repo.actionsOf(db, [id])).get(id)! };
  }

  /** CAPAs newest first with their actions; `overdue`: only those with overdue actions, and only those actions. */
  async list(f: { status?: 'open' | 'closed'; overdue?: boolean; ncr?: string; limit: number }): Promise<Array<repo.CapaRow & { actions: repo.CapaAction[] }>> {
    const rows = await repo.listCapas(this.db, f);
    const actions = await repo.actionsOf(
      this.db,
      rows.map((r) => r.id),
      f.overdue ?? false,
    );
    return rows.map((r) => ({ ...r, actions: actions.get(r.id)! }));
  }

  async create(actor: Actor, input: CapaInput): Promise<repo.Capa> {
    const id = await this.db.transaction(async (tx) => {
      await this.checkNcrs(tx, input.ncrs);
      const row = await repo.insertCapa(tx, input, actor.name);
      await repo.setNcrs(tx, row.id, dedupe(input.ncrs));
      for (const a of input.actions) await repo.insertAction(tx, row.id, a);
      await appendAudit(tx, actor, { action: 'create', entity: CAPA_ENTITY, entityId: row.id, after: { ...row, ncrs: input.ncrs, actions: input.actions } });
      return row.id;
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, patch: CapaPatch, reason: string | null): Promise<repo.Capa> {
    await this.db.transaction(async (tx) => {
      const before = await this.open(tx, id);
      const fields: repo.CapaFields = {
        title: patch.title ?? before.title,
        problem: patch.problem ?? before.problem,
        whys: patch.whys ?? before.whys,
        category: patch.category === undefined ? before.category : patch.category,
        rootCause: patch.rootCause ?? before.rootCause,
      };
      await repo.updateCapa(tx, id, fields);
      if (patch.ncrs) {
        await this.checkNcrs(tx, patch.ncrs);
        await repo.setNcrs(tx, id, dedupe(patch.ncrs));
      }
      await appendAudit(tx, actor, {
        action: 'update',
        entity: CAPA_ENTITY,
        entityId: id,
        before,
        after: { ...fields, ...(patch.ncrs ? { ncrs: patch.ncrs } : {}) },
        reason,
      });
    });
    return this.get(id);
  }

  async addAction(actor: Actor, id: string, a: CapaInput['actions'][number]): Promise<repo.Capa> {
    await this.db.transaction(async (tx) => {
      await this.open(tx, id);
      const actionId = await repo.insertAction(tx, id, a);
      await appendAudit(tx, actor, { action: 'add_action', entity: CAPA_ENTITY, entityId: id, after: { id: actionId, ...a } });
    });
    return this.get(id);
  }

  async updateAction(actor: Actor, id: string, actionId: number, patch: ActionPatch, reason: string | null): Promise<repo.Capa> {
    await this.db.transaction(async (tx) => {
      await this.open(tx, id);
      const before = await repo.getAction(tx, id, actionId);
      if (!before) throw notFound('action', `${id}/${actionId}`);
      const after = {
        description: patch.description ?? before.description,
        owner: patch.owner ?? before.owner,
        dueDate: patch.dueDate ?? before.dueDate,
        doneDate: patch.doneDate === undefined ? before.doneDate : patch.doneDate,
      };
      await repo.updateAction(tx, id, actionId, after);
      await appendAudit(tx, actor, { action: 'update_action', entity: CAPA_ENTITY, entityId: id, before, after: { id: actionId, ...after }, reason });
    });
    return this.get(id);
  }

  /** The effectiveness check: 'effective' closes the CAPA (every action must be done), 'not_effective' keeps it open. */
  async checkEffectiveness(actor: Actor, id: string, result: 'effective' | 'not_effective', note: string | null): Promise<repo.Capa> {
    await this.db.transaction(async (tx) => {
      const before = await this.open(tx, id);
      const actions = (await repo.actionsOf(tx, [id])).get(id)!;
      const pending = actions.filter((a) => !a.doneDate);
      if (result === 'effective' && (pending.length || !actions.length))
        throw new AppError(
          'conflict',
          actions.length
            ? `CAPA ${id} has ${pending.length} action${pending.length === 1 ? '' : 's'} not done: it cannot be judged effective yet`
            : `CAPA ${id} has no actions: it cannot be judged effective`,
        );
      await repo.setEffectiveness(tx, id, result, note, actor.name);
      await appendAudit(tx, actor, {
        action: 'effectiveness',
        entity: CAPA_ENTITY,
        entityId: id,
        before: { status: before.status, effectiveness: before.effectiveness },
        after: { result, status: result === 'effective' ? 'closed' : 'open' },
        reason: note,
      });
    });
    return this.get(id);
  }

  private async open(tx: Db, id: string): Promise<repo.CapaRow> {
    const row = await repo.getCapa(tx, id, true);
    if (!row) throw notFound('CAPA', id);
    if (row.status === 'closed') throw new AppError('conflict', `CAPA ${id} is closed (judged effective): it can no longer be changed`);
    return row;
  }

  private async checkNcrs(tx: Db, ncrs: string[]): Promise<void> {
    const found = new Set(await repo.existingNcrs(tx, ncrs));
    const missing = ncrs.filter((n) => !found.has(n));
    if (missing.length) throw validationFailed(`no such NCR: ${missing.join(', ')}`, [{ path: 'ncrs', message: 'unknown NCR' }]);
  }
}

const dedupe = (ids: string[]) => [...new Set(ids)];
