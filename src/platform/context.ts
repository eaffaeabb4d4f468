// What every module's routes and services are given: configuration, the database and the platform services.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Database, Db } from './db/database.ts';
import type { AuthService } from './auth/auth.service.ts';
import type { EventBus } from './events.ts';
import type { AuditCheckpointer } from './audit/checkpoints.ts';
import type { SignatureService } from './signatures/signatures.service.ts';

export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  auth: AuthService;
  events: EventBus;
  log: FastifyBaseLogger;
  version: string;
  /** Named sections modules add to GET /api/health (counters, broker state); each must be cheap. */
  health: Map<string, () => unknown>;
  /** E-signatures: modules register their signable record types and call requireSignatures before guarded actions. */
  signatures: SignatureService;
  /** The audit trail's anchor outside the database and its checkpoints (absent where a test builds its own context). */
  audit?: AuditCheckpointer;
}
