// The one rule for master data (the plant model: equipment, classes, calendars, materials, products) and the modules
// that keep a copy of it in memory (collect's registry, performance's plant view, the connectors, execution's run
// watch …): whatever route or command changes it calls `changed()` once the change is committed, every cache that
// subscribed reloads, and `changed()` returns only when all of them have — so the request that made the change
// answers once the new model is in force everywhere in this process (no debounce, no window in which data for a new
// machine is quarantined or a KPI answers 404). Bursts coalesce: changes that arrive while a reload round runs are
// served together by the next round, and each caller waits for the round that covers its change.
// On PostgreSQL other processes share the database (more Takt instances, `takt import plant`): each change is also
// announced with NOTIFY once it is in force here, and every instance reloads on what the others announce.
import { randomUUID } from 'node:crypto';
import type { Database } from './db/database.ts';
import { AppError } from './errors.ts';

export interface MasterDataChange {
  /** The audit entity name of what changed (`equipment`, `calendar`, `product` …; `plant` for a whole plant file). */
  entity: string;
  entityId: string;
  action: string;
}

/** Reloads one module's copy of the plant model; told what changed since its last reload (for its own shortcuts). */
export type MasterDataReload = (changes: readonly MasterDataChange[]) => Promise<void> | void;

interface Round {
  changes: MasterDataChange[];
  done: Promise<void>;
  settle(err?: Error): void;
}

export class MasterDataChanges {
  private readonly subscribers: Array<{ name: string; reload: MasterDataReload }> = [];
  private running: Promise<void> | null = null;
  private next: Round | null = null;
  /** Other processes on the same database (PostgreSQL NOTIFY), told after this process has reloaded. */
  private remote?: (changes: readonly MasterDataChange[]) => Promise<void>;

  /**
   * Adds a cache. Subscribers reload one after the other in the order they subscribed (modules.ts subscribes collect
   * first: the connectors and execution read collect's registry). Returns the unsubscribe function.
   */
  subscribe(name: string, reload: MasterDataReload): () => void {
    const entry = { name, reload };
    this.subscribers.push(entry);
    return () => {
      const i = this.subscribers.indexOf(entry);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }

  /** Where changes made here are also announced (set once by the platform on PostgreSQL). */
  announceTo(remote: (changes: readonly MasterDataChange[]) => Promise<void>): void {
    this.remote = remote;
  }

  /**
   * A committed change of master data: resolves once every subscriber has reloaded with it in force. A subscriber
   * that fails does not stop the others; the change stays committed and the call rejects naming who failed.
   */
  async changed(...changes: MasterDataChange[]): Promise<void> {
    await this.reloadLocal(changes);
    await this.remote?.(changes);
  }

  /** A change another process made (announced over the database): reload here, announce nothing further. */
  received(changes: MasterDataChange[]): Promise<void> {
    return this.reloadLocal(changes);
  }

  /** Resolves once every change known so far is in force (shutdown). */
  async settled(): Promise<void> {
    while (this.running || this.next) await (this.next?.done ?? this.running)?.catch(() => {});
  }

  private reloadLocal(changes: MasterDataChange[]): Promise<void> {
    if (!this.next) {
      let settle!: (err?: Error) => void;
      const done = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
      this.next = { changes: [], done, settle };
    }
    this.next.changes.push(...changes);
    const { done } = this.next;
    this.pump();
    return done;
  }

  /** Starts the waiting round unless one is running (then it starts when that one ends). */
  private pump(): void {
    if (this.running || !this.next) return;
    const round = this.next;
    this.next = null;
    this.running = this.run(round.changes)
      .then(
        () => round.settle(),
        (err: Error) => round.settle(err),
      )
      .finally(() => {
        this.running = null;
        this.pump();
      });
  }

  private async run(changes: readonly MasterDataChange[]): Promise<void> {
    const failed: string[] = [];
    for (const s of [...this.subscribers]) {
      try {
        await s.reload(changes);
      } catch (err) {
        failed.push(`${s.name}: ${(err as Error).message}`);
      }
    }
    if (failed.length) throw new AppError('internal', `the change is saved, but not every module took it in: ${failed.join('; ')}`);
  }
}

const TOPIC = 'takt_master_data';

/**
 * Shares master-data changes with the other processes on a PostgreSQL database: announces this process's changes and,
 * with `listen`, reloads on theirs (and reloads everything after a lost LISTEN connection: announcements sent
 * meanwhile are lost). No-op on PGlite, whose data folder one process holds.
 */
export async function shareMasterData(
  database: Database,
  changes: MasterDataChanges,
  opts: { listen: boolean; onError?: (err: Error) => void },
): Promise<void> {
  if (!database.notify || !database.listen) return;
  const origin = randomUUID();
  const notify = database.notify.bind(database);
  changes.announceTo((list) =>
    notify(TOPIC, JSON.stringify({ origin, changes: list.length <= 20 ? list : [{ entity: 'plant', entityId: '*', action: 'many' }] })),
  );
  if (!opts.listen) return;
  const fail = (err: Error) => opts.onError?.(err);
  await database.listen(
    TOPIC,
    (payload) => {
      let msg: { origin?: string; changes?: MasterDataChange[] };
      try {
        msg = JSON.parse(payload);
      } catch {
        return;
      }
      if (msg.origin === origin) return; // in force here before it was announced
      void changes.received(Array.isArray(msg.changes) ? msg.changes : []).catch(fail);
    },
    () => void changes.received([{ entity: 'plant', entityId: '*', action: 'reconnected' }]).catch(fail),
  );
}
