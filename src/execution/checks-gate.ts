// Quality's checks at the station, as execution sees them: a consumer-defined port (ChecksGate) that names the checks
// overdue past their grace at a machine, which refuse the terminal's production actions (GATED_ACTIONS) with 409;
// and the answer execution gives the other way, what runs at a station now with its part count and last material lot
// (quality's StationWork port, wired in src/modules.ts). docs/execution.md "Blocked by a check".
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import * as repo from './execution.repository.ts';
import * as run from './shopfloor.repository.ts';
import { liveTotals, type ShopFloorDeps } from './shopfloor.views.ts';

export interface BlockingCheck {
  characteristic: string;
  name: string;
  /** when it fell due (ISO 8601), null when a part count made it due */
  since: string | null;
}

/** Checks that block a machine's production (quality answers it); absent without quality: nothing blocks. */
export interface ChecksGate {
  blocking(equipmentId: string): Promise<BlockingCheck[]>;
}

/**
 * The terminal's production actions a blocking check refuses, by their route's last segment
 * (POST /api/operations/:orderId/:seq/<action>): reporting good or scrap parts, and completing. Setting up, starting,
 * pausing, resuming and booking material stay allowed, so the operator can stop the machine and take the check.
 */
export const GATED_ACTIONS = ['quantities', 'complete'] as const;

/** Refuses with 409, naming the checks, when the machine the operation runs on is blocked. */
export async function requireNoBlockingCheck(deps: ShopFloorDeps, gate: ChecksGate | undefined, db: Db, orderId: string, seq: number): Promise<void> {
  if (!gate) return;
  const r = await run.getRun(db, orderId, seq);
  if (!r?.equipment || r.status !== 'running') return;
  let equipmentId: string;
  try {
    equipmentId = deps.collect.equipment(r.equipment).id;
  } catch {
    return;
  }
  const blocking = await gate.blocking(equipmentId);
  if (!blocking.length) return;
  const list = blocking.map((c) => `${c.name} (${c.characteristic})${c.since ? ` due since ${c.since}` : ''}`).join('; ');
  throw new AppError('conflict', `${r.equipment} is blocked by an overdue quality check: ${list}. Enter the check first`, {
    blockedBy: blocking,
  });
}

/** What runs at a station now, in the shape quality's StationWork port asks (epoch ms). */
export interface CurrentWork {
  equipmentId: string;
  path: string;
  run: {
    orderId: string;
    seq: number;
    productId: string;
    phase: 'setup' | 'running' | 'paused';
    setupStartedAt: number;
    startedAt: number | null;
    parts: number;
    lot: { id: string; since: number } | null;
  } | null;
}

export async function currentWork(deps: ShopFloorDeps, db: Db, station: string): Promise<CurrentWork> {
  const eq = deps.collect.equipment(station);
  const r = (await run.runningOn(db, [eq.path]))[0];
  if (!r?.phase || !r.setupStartedAt) return { equipmentId: eq.id, path: eq.path, run: null };
  const order = await repo.getOrder(db, r.orderId);
  const t = await liveTotals(deps, db, r, r);
  const ledger = deps.ledger?.();
  const lots = ledger ? (await ledger.consumedBy(db, r.orderId)).filter((c) => c.seq === r.seq) : [];
  const last = lots.reduce<(typeof lots)[number] | undefined>((a, b) => (!a || Date.parse(b.at) >= Date.parse(a.at) ? b : a), undefined);
  return {
    equipmentId: eq.id,
    path: eq.path,
    run: {
      orderId: r.orderId,
      seq: r.seq,
      productId: order?.productId ?? '',
      phase: r.phase,
      setupStartedAt: Date.parse(r.setupStartedAt),
      startedAt: r.startedAt ? Date.parse(r.startedAt) : null,
      parts: t.good + t.scrap,
      lot: last ? { id: last.lotId, since: Date.parse(last.at) } : null,
    },
  };
}
