// Quality's holds (docs/quality.md, "Holds"): what a reaction plan put on hold — the lot in production (through the
// lots module, whose ledger then refuses consuming it), the operation (through execution, which then refuses completing
// it) and the stopped machine — and their release by a person with the quality role, with a reason, audited, and for
// a lot with the signature the policy asks for 'lot.release'.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../platform/audit/audit.service.ts';
import type { Actor } from '../../platform/auth/principal.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { LoopDeps } from '../ports.ts';
import { closeReaction } from '../reaction/reaction.repository.ts';
import * as repo from './holds.repository.ts';
import type { HoldKind, QualityHold } from './holds.repository.ts';

export const HOLD_RECORD_TYPE = 'quality.hold';

/** Splits an operation target '<order>/<seq>' (an order id may itself contain '/'). */
export function operationTarget(target: string): { orderId: string; seq: number } {
  const at = target.lastIndexOf('/');
  return { orderId: target.slice(0, at), seq: Number(target.slice(at + 1)) };
}

export class HoldService {
  /** told when a release ended a reaction's episode (its last open hold) */
  onEpisodeClosed: (reaction: string) => void = () => {};

  constructor(
    private readonly ctx: AppContext,
    private readonly loop: LoopDeps | undefined,
  ) {
    ctx.signatures.register(HOLD_RECORD_TYPE, (id) => repo.getHold(ctx.db, id));
  }

  list = (f: { status?: 'open' | 'released'; kind?: HoldKind; limit: number }) => repo.listHolds(this.ctx.db, f);

  async get(id: string): Promise<QualityHold> {
    const h = await repo.getHold(this.ctx.db, id);
    if (!h) throw notFound('hold', id);
    return h;
  }

  /**
   * Places one hold for a reaction: the owner's hold first (the lot's, the operation's), then quality's record of it.
   * A lot that cannot be held (already on hold, consumed) is answered with the reason instead of a hold.
   */
  async place(actor: Actor, kind: HoldKind, target: string, reason: string, reaction: string | null, ref: string | null = null): Promise<QualityHold | string> {
    try {
      if (kind === 'lot') await this.loop!.lots.hold(actor, target, reason);
      if (kind === 'operation') {
        const { orderId, seq } = operationTarget(target);
        ref = (await this.loop!.operations.hold(actor, orderId, seq, reason)).id;
      }
    } catch (err) {
      if (err instanceof AppError) return `${kind} ${target} not held: ${err.message}`;
      throw err;
    }
    return this.ctx.db.transaction(async (tx) => {
      const h = await repo.insertHold(tx, { id: randomUUID(), kind, target, reason, reaction, ref, placedBy: actor.name });
      await appendAudit(tx, actor, { action: 'hold', entity: 'quality_hold', entityId: h.id, after: h, reason });
      return h;
    });
  }

  /**
   * Closes a hold an NCR's dispositions have settled (the NCR was opened from it): quality's record and an operation's
   * hold are released; a lot is left as the dispositions booked it (scrapped, returned, released by use as is — which
   * needed its own lot.release signature). A hold released already is left as it is.
   */
  async settle(actor: Actor, id: string, reason: string): Promise<QualityHold | undefined> {
    const hold = await repo.getHold(this.ctx.db, id);
    if (!hold || hold.releasedAt) return hold;
    return this.release(actor, id, reason, true).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'conflict') return undefined;
      throw err;
    });
  }

  /**
   * Releases a hold; the reaction's episode ends with its last open hold. A lot's release in the lots ledger, the hold
   * row, their audit entries and the episode's end are one transaction: a failure anywhere leaves the lot held and
   * the hold open, and the release can simply be asked again. A lot released at its own page meanwhile (409 there) is
   * left as it is and the hold follows. An operation's hold is released first, in execution's own transaction; a retry
   * after a failure between the two finds it released (409, taken as done) and completes.
   */
  async release(actor: Actor, id: string, reason: string, settled = false): Promise<QualityHold> {
    const hold = await this.get(id);
    if (hold.releasedAt) throw new AppError('conflict', `hold ${id} was released already (${hold.releasedAt} by ${hold.releasedBy}: ${hold.releaseReason})`);
    const signed =
      hold.kind === 'lot' && !settled
        ? await this.ctx.signatures.requireSignatures('lot.release', { recordType: HOLD_RECORD_TYPE, recordId: id, record: hold })
        : null;
    const done = (err: unknown) => {
      // released in the owner's module already (a person at the lot's page, an earlier try): quality's hold follows
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
    };
    if (hold.kind === 'operation' && hold.ref && this.loop) await this.loop.operations.release(actor, hold.ref, reason).catch(done);
    const after = await this.ctx.db
      .transaction(async (tx) => {
        const before = await repo.getHold(tx, id, true);
        if (!before) throw notFound('hold', id);
        if (before.releasedAt) throw new AppError('conflict', `hold ${id} was released already (${before.releasedAt} by ${before.releasedBy})`);
        if (before.kind === 'lot' && this.loop && !settled) await this.loop.lots.release(tx, actor, before.target, reason).catch(done);
        const next = await repo.releaseHold(tx, id, actor.name, reason);
        await appendAudit(tx, actor, {
          action: 'release',
          entity: 'quality_hold',
          entityId: id,
          before,
          after: signed ? { ...next, signatures: signed.counted } : next,
          reason,
        });
        const ended = next.reaction !== null && !(await repo.listHolds(tx, { status: 'open', reaction: next.reaction, limit: 1 })).length;
        if (ended) await closeReaction(tx, next.reaction!);
        return { next, ended };
      })
      .then(({ next, ended }) => {
        if (ended) this.onEpisodeClosed(next.reaction!);
        return next;
      });
    this.ctx.events.publish('quality.released', { hold: id, kind: after.kind, target: after.target, by: actor.name, reason });
    return after;
  }
}
