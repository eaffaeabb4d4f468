// Andon: a station calls for help (maintenance, quality, material, supervisor, safety); supervisors see it live,
// acknowledge it and resolve it. Parameter-lock alarms are acknowledged the same way. Every step is audited.
import { appendAudit } from '../platform/audit/audit.service.ts';
import type { Actor } from '../platform/auth/principal.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, notFound } from '../platform/errors.ts';
import * as andonRepo from './andon.repository.ts';
import * as run from './shopfloor.repository.ts';

export class AndonService {
  constructor(
    private readonly ctx: AppContext,
    private readonly stationPath: (idOrPath: string) => string,
  ) {}

  async raise(actor: Actor, station: string, reason: string, message: string) {
    const path = this.stationPath(station);
    if (!(await andonRepo.reasonCodes(this.ctx.db, 'andon')).some((c) => c.code === reason))
      throw new AppError('validation_failed', `'${reason}' is not an andon reason`, [{ path: 'reason', message: 'unknown andon reason' }]);
    const call = await this.ctx.db.transaction(async (tx) => {
      const current = (await run.runningOn(tx, [path]))[0];
      const row = await andonRepo.insertAndon(tx, {
        station: path,
        orderId: current?.orderId ?? null,
        seq: current?.seq ?? null,
        reason,
        message,
        raisedBy: actor.name,
      });
      if (current)
        await run.addEvent(tx, {
          orderId: current.orderId,
          seq: current.seq,
          kind: 'andon',
          actor: actor.name,
          station: path,
          data: { id: row.id, reason, message },
        });
      await appendAudit(tx, actor, { action: 'create', entity: 'andon_call', entityId: row.id, after: row });
      return row;
    });
    this.ctx.events.publish('execution.andon', { id: call.id, station: path, state: 'raised', reason });
    return call;
  }

  async step(actor: Actor, id: string, step: 'acknowledge' | 'resolve') {
    const call = await this.ctx.db.transaction(async (tx) => {
      const before = await andonRepo.getAndon(tx, id, true);
      if (!before) throw notFound('andon call', id);
      if (before.resolvedAt) throw new AppError('conflict', `andon call ${id} was resolved already (${before.resolvedAt} by ${before.resolvedBy})`);
      if (step === 'acknowledge' && before.acknowledgedAt)
        throw new AppError('conflict', `andon call ${id} was acknowledged already by ${before.acknowledgedBy}`);
      const after = await andonRepo.updateAndon(tx, id, step, actor.name);
      await appendAudit(tx, actor, { action: step, entity: 'andon_call', entityId: id, before, after });
      return after;
    });
    this.ctx.events.publish('execution.andon', { id, station: call.station, state: step === 'acknowledge' ? 'acknowledged' : 'resolved', reason: call.reason });
    return call;
  }

  async acknowledgeAlarm(actor: Actor, id: string) {
    const alarm = await this.ctx.db.transaction(async (tx) => {
      const before = await andonRepo.getAlarm(tx, id);
      if (!before) throw notFound('alarm', id);
      const after = await andonRepo.acknowledgeAlarm(tx, id, actor.name);
      if (!after && before.closedAt)
        throw new AppError('conflict', `alarm ${id} was closed already (${before.closedReason ?? 'closed'} at ${before.closedAt})`);
      if (!after) throw new AppError('conflict', `alarm ${id} was acknowledged already by ${before.acknowledgedBy}`);
      await appendAudit(tx, actor, { action: 'acknowledge', entity: 'operation_alarm', entityId: id, before, after });
      return after;
    });
    this.ctx.events.publish('execution.alarm', {
      id,
      orderId: alarm.orderId,
      seq: alarm.seq,
      equipment: alarm.equipment,
      parameter: alarm.parameter,
      kind: alarm.kind,
      state: 'acknowledged',
    });
    return alarm;
  }
}
