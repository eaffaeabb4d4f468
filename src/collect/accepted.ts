// Values collect has accepted, before they are stored (port `onAccepted`, docs/quality.md "Latency"). A listener is
// called synchronously with each value the moment the pipeline has taken it into its buffer — after the checks that
// would quarantine it on arrival (registry, cleaning, duplicate and conflict memory) and only for a value that will
// be published as present (`collect.stored` leaves late values out, so does this) — before the flush. A listener that
// wants to know what became of the value returns a callback: collect calls it once, after the flush decided (stored,
// or not stored and why: the database found it a duplicate or a conflict, refused it, or collect stopped first).
import type { FastifyBaseLogger } from 'fastify';
import type { StoredValue } from './events.ts';

/** What became of an accepted value: stored, or the reason it was not. */
export type AcceptedFate = { stored: true } | { stored: false; reason: string };

/** Called with each accepted value; returns a callback for its fate when it wants one. */
export type AcceptedListener = (value: StoredValue) => ((fate: AcceptedFate) => void) | undefined;

/** The port other modules receive: subscribe to accepted values; the answer unsubscribes. */
export interface AcceptedValues {
  onAccepted(listener: AcceptedListener): () => void;
}

/** A value's fate callbacks, settled once. */
export type FateTicket = { settle(fate: AcceptedFate): void };

export class AcceptedTap implements AcceptedValues {
  private readonly listeners: AcceptedListener[] = [];
  /** tickets not settled yet: settled as not stored should collect stop before their flush */
  private readonly open = new Set<FateTicket>();

  constructor(private readonly log: Pick<FastifyBaseLogger, 'error'>) {}

  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Tells the listeners of a value just accepted; a ticket for its fate when someone asked for one. */
  accepted(value: StoredValue): FateTicket | undefined {
    if (!this.listeners.length) return undefined;
    const callbacks: Array<(fate: AcceptedFate) => void> = [];
    for (const l of this.listeners) {
      try {
        const cb = l(value);
        if (cb) callbacks.push(cb);
      } catch (err) {
        this.log.error({ err }, 'collect: a listener of accepted values failed');
      }
    }
    if (!callbacks.length) return undefined;
    const ticket: FateTicket = {
      settle: (fate) => {
        if (!this.open.delete(ticket)) return;
        for (const cb of callbacks) {
          try {
            cb(fate);
          } catch (err) {
            this.log.error({ err }, 'collect: a listener of accepted values failed on the fate');
          }
        }
      },
    };
    this.open.add(ticket);
    return ticket;
  }

  /** Collect stops: every value not stored yet is answered as not stored. */
  abandon(reason: string): void {
    for (const t of [...this.open]) t.settle({ stored: false, reason });
  }
}
