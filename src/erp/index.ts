// The ERP link's face: performance documents (B2MML V0600 / V0701 / JSON) and their delivery to webhooks via an outbox.
import { z } from 'zod';
import type { TaktModule } from '../platform/app.ts';
import { schemaFolder, validateB2mml, type B2mmlVersion, type SchemaError } from '../platform/b2mml/index.ts';
import type { AppContext } from '../platform/context.ts';
import { OutboundGuard } from '../platform/net/outbound.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { erpRoutes } from './erp.routes.ts';
import { ErpService, type PerformanceSource } from './erp.service.ts';
import { DEFAULT_DELIVERY, DeliveryWorker, type DeliveryOptions } from './outbox.ts';

export {
  documentId,
  toOperationsPerformance,
  toProductionPerformance,
  toJsonPerformance,
  renderPerformance,
  PERFORMANCE_FORMATS,
  type PerformanceFormat,
} from './documents.ts';
export { ErpService, type CreatedWebhook, type OutboxMessage, type PerformanceSource } from './erp.service.ts';
export type { MessageRow, MessageStatus, OutboxPage, PerformanceDocument, PublicWebhook, SendResult, WebhookEvent, WebhookRow } from './schemas.ts';
export { DeliveryWorker, type DeliveryOptions } from './outbox.ts';
export { sign, verify } from './signature.ts';

/** Schema errors of a ProductionPerformance (V0600) or OperationsPerformance (V0701) document; empty when valid. */
export function validatePerformance(xml: string, version: B2mmlVersion, folder = schemaFolder()): Promise<SchemaError[]> {
  return validateB2mml(xml, version, 'performance', folder);
}

export interface ErpModule extends TaktModule {
  erp: ErpService;
  worker: DeliveryWorker;
}

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
const envSchema = z.object({
  TAKT_ERP_POLL_MS: ms(10, 600_000),
  TAKT_ERP_TIMEOUT_MS: ms(100, 300_000),
  TAKT_ERP_BACKOFF_BASE_MS: ms(10, 3_600_000),
  TAKT_ERP_BACKOFF_CAP_MS: ms(10, 86_400_000),
  TAKT_ERP_KEEP_DAYS: ms(1, 3650),
});

/** Delivery settings from the environment (TAKT_ERP_*), defaults otherwise; a bad value stops the start with its name. */
export function deliveryOptionsFromEnv(env: NodeJS.ProcessEnv, version: string): DeliveryOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid ERP delivery setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return {
    ...DEFAULT_DELIVERY,
    userAgent: `Takt/${version}`,
    pollMs: e.TAKT_ERP_POLL_MS ?? DEFAULT_DELIVERY.pollMs,
    timeoutMs: e.TAKT_ERP_TIMEOUT_MS ?? DEFAULT_DELIVERY.timeoutMs,
    keepDays: e.TAKT_ERP_KEEP_DAYS ?? DEFAULT_DELIVERY.keepDays,
    backoff: { ...DEFAULT_BACKOFF, baseMs: e.TAKT_ERP_BACKOFF_BASE_MS ?? DEFAULT_BACKOFF.baseMs, capMs: e.TAKT_ERP_BACKOFF_CAP_MS ?? DEFAULT_BACKOFF.capMs },
  };
}

/**
 * `source` is execution's service once it reports performance (ExecutionService.performance / onCompletion); without it
 * the webhooks and the outbox work, and GET /api/orders/{id}/performance answers 503.
 */
export async function createErpModule(
  ctx: AppContext,
  source?: PerformanceSource,
  options?: Partial<DeliveryOptions>,
  outbound: OutboundGuard = new OutboundGuard(ctx.config.outboundAllow),
): Promise<ErpModule> {
  const worker = new DeliveryWorker(ctx.db, ctx.log, { ...deliveryOptionsFromEnv(process.env, ctx.version), ...options }, Math.random, outbound);
  const erp = new ErpService(ctx.db, worker);
  if (source) erp.attach(source);
  // Execution publishes its facts after the commit: the completion's messages are visible now.
  const unsubscribe = [
    ctx.events.subscribe('execution.order', (e) => e.status === 'completed' && worker.wake()),
    ctx.events.subscribe('execution.operation', (e) => e.status === 'completed' && worker.wake()),
  ];
  ctx.health.set('erp', () => ({ attached: erp.attached, ...worker.stats }));
  worker.start();
  return {
    name: 'erp',
    erp,
    worker,
    routes: erpRoutes(erp, worker.options),
    async stop() {
      for (const u of unsubscribe) u();
      await worker.stop();
    },
  };
}
