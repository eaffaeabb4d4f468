// HTTP face of the certificates of analysis: a lot's certificate as JSON (the page, tests) and as a PDF (the
// printout). Signing is the platform's POST /api/signatures with recordType quality.coa and the lot number as id.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lotIdSchema, LOT_STATUSES } from '../../lots/index.ts';
import { ROLES } from '../../platform/http/guard.ts';
import { signatureOut } from '../../platform/signatures/signatures.routes.ts';
import { KINDS, SOURCES } from '../model.ts';
import type { CoaService } from './coa.service.ts';
import { certificatePdf } from './pdf.ts';

const num = z.number().nullable();
const params = z.object({ lotId: lotIdSchema });

export const certificateSchema = z.object({
  recordType: z.literal('quality.coa'),
  lot: z.object({
    id: z.string(),
    materialId: z.string(),
    initialQuantity: z.number(),
    quantity: z.number(),
    unit: z.string(),
    status: z.enum(LOT_STATUSES),
    supplier: z.string().nullable(),
    supplierLot: z.string().nullable(),
    createdAt: z.string(),
    producedBy: z.object({ orderId: z.string(), seq: num, equipment: z.string().nullable(), operator: z.string().nullable() }).nullable(),
  }),
  product: z.string(),
  plan: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(KINDS),
      chart: z.string(),
      operationSeq: num,
      unit: z.string().nullable(),
      nominal: num,
      lsl: num,
      usl: num,
      method: z.string().nullable(),
      gauge: z.string().nullable(),
      sampling: z.string().nullable(),
      inPlan: z.boolean(),
    }),
  ),
  measurements: z.array(
    z.object({
      id: z.number(),
      characteristic: z.string(),
      ts: z.string(),
      value: num,
      defects: num,
      defectives: num,
      n: num,
      subgroup: z.string().nullable(),
      source: z.enum(SOURCES),
      key: z.string(),
      orderId: z.string().nullable(),
      operationSeq: num,
      equipment: z.string().nullable(),
      inSpec: z.boolean().nullable(),
    }),
  ),
  summaries: z.array(
    z.object({
      characteristic: z.string(),
      n: z.number(),
      mean: num,
      min: num,
      max: num,
      cpk: num,
      ppk: num,
      sigmaWithin: num,
      withinMethod: z.string().nullable(),
      outOfSpec: z.number(),
      allInSpec: z.boolean().nullable(),
    }),
  ),
  truncated: z.boolean(),
  currentHash: z.string(),
  signatures: z.array(signatureOut),
  approval: z.object({
    action: z.literal('coa.sign'),
    needed: z.number().int(),
    counted: z.array(z.string()),
    roles: z.array(z.string()),
    meaning: z.string().nullable(),
    complete: z.boolean(),
  }),
  generatedAt: z.string(),
});

export function coaRoutes(fastify: FastifyInstance, coa: CoaService): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/quality/lots/:lotId/certificate',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags: ['quality'],
        summary: "A lot's certificate of analysis: the lot, its product's plan, its measurements, a summary per characteristic, the signatures",
        params,
        response: { 200: certificateSchema },
      },
    },
    (req) => coa.certificate(req.params.lotId),
  );

  app.get(
    '/api/quality/lots/:lotId/certificate.pdf',
    {
      config: { roles: ROLES.anyone },
      schema: {
        tags: ['quality'],
        summary: "A lot's certificate of analysis as a PDF, with each signature's printed name, meaning, time and status",
        params,
        response: { 200: { description: 'The certificate (application/pdf)', content: { 'application/pdf': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const pdf = await certificatePdf(await coa.certificate(req.params.lotId));
      const name = `certificate-${req.params.lotId.replace(/[^A-Za-z0-9_.-]/g, '_')}.pdf`;
      // bytes, not the JSON serializer's business: sent through the untyped reply
      return (reply as FastifyReply)
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
}
