// The collect section of /api/health (issue #11 item 3): degraded while storing fails — the database away, or a batch
// failing again and again for a reason that is not one of its rows — with the reason, so that an operator learns that
// nothing is being stored (and MQTT QoS 1 messages are not acknowledged) before the machines' buffers run over.
import type { CollectMetrics } from './pipeline.ts';

/** The collect section of /api/health: degraded while storing fails, with the reason. */
export interface CollectHealth {
  status: 'ok' | 'degraded';
  reason?: string;
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  late: number;
  buffered: number;
  databaseAvailable: boolean;
  failingSince: string | null;
}

export function collectHealth(m: CollectMetrics): CollectHealth {
  const degraded = m.failingAttempts > 0;
  return {
    status: degraded ? 'degraded' : 'ok',
    ...(degraded ? { reason: `storing collected data has failed ${m.failingAttempts} time(s) since ${m.failingSince}: ${m.lastError}; ${m.buffered} observation(s) wait, unacknowledged` } : {}),
    received: m.received,
    stored: m.stored,
    duplicates: m.duplicates,
    quarantined: m.quarantined,
    late: m.late,
    buffered: m.buffered,
    databaseAvailable: m.databaseAvailable,
    failingSince: m.failingSince,
  };
}
