// When checkpoints are written: on the first start with an anchor (vouching for rows written before it), every N
// minutes while the trail grows, and at shutdown; on demand through `takt audit checkpoint` and POST
// /api/audit/checkpoint. Each one is also logged, so a copy lands wherever the logs go (off the host, ideally).
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.ts';
import type { AuditAnchor, Checkpoint } from './anchor.ts';
import { auditHead, writeCheckpoint } from './audit.service.ts';

export class AuditCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  private lastSeq = -1;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly anchor: AuditAnchor,
    private readonly minutes: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    const known = this.anchor.read().valid;
    if (known.length === 0) await this.write('start');
    else this.lastSeq = Math.max(...known.map((c) => c.seq));
    if (this.minutes > 0) {
      this.timer = setInterval(() => void this.ifGrown('periodic'), this.minutes * 60_000);
      this.timer.unref();
    }
  }

  /** Writes a checkpoint of the current head now (serialised with the timer's). */
  write(reason: string): Promise<Checkpoint> {
    const next = this.writing.then(async () => {
      const cp = await writeCheckpoint(this.db, this.anchor, reason);
      this.lastSeq = cp.seq;
      this.log.info({ auditCheckpoint: { seq: cp.seq, hash: cp.hash, at: cp.at, key: cp.key, reason } }, 'audit checkpoint written');
      return cp;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async ifGrown(reason: string): Promise<void> {
    try {
      if ((await auditHead(this.db)).seq !== this.lastSeq) await this.write(reason);
    } catch (err) {
      // the database may be away for a moment: the next round (or the shutdown) writes it
      this.log.warn({ err: (err as Error).message }, 'audit checkpoint not written');
    }
  }

  /** Stops the timer and writes the shutdown checkpoint if the trail grew since the last one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ifGrown('shutdown');
  }
}
