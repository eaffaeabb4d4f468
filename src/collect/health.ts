// The collect section of /api/health (issue #11 item 3): degraded while storing fails — the database away, or a batch
// failing again and again for a reason that is not one of its rows — with the reason, so that an operator learns that
// nothing is being stored (and MQTT QoS 1 messages are not acknowledged) before the machines' buffers run over.
import type { CollectMetrics } from './pipeline.ts';

/** The collect section of /api/health: degraded while storing fails, with the reason. */
const SHOWN = ['received', 'stored', 'duplicates', 'quarantined', 'late', 'buffered', 'databaseAvailable', 'failingSince'] as const;

export type CollectHealth = { status: 'ok' | 'degraded'; reason?: string } & Pick<CollectMetrics, (typeof SHOWN)[number]>;

export function collectHealth(m: CollectMetrics): CollectHealth {
  const degraded = m.failingAttempts > 0;
  return {
    status: degraded ? 'degraded' : 'ok',
    ...(degraded
      ? {
          reason: `storing collected data has failed ${m.failingAttempts} time(s) since ${m.failingSince}: ${m.lastError}; ${m.buffered} observation(s) wait, unacknowledged`,
        }
      : {}),
    ...(Object.fromEntries(SHOWN.map((k) => [k, m[k]])) as Pick<CollectMetrics, (typeof SHOWN)[number]>),
  };
}
