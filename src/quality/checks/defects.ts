// Defect codes: ONE catalogue with execution's scrap reasons (the terminal's scrap and the Pareto of the quality KPIs
// count the same codes). Quality reads it and its editors extend it through a port declared here, answered by
// execution's `scrapReasons` (wired in src/modules.ts); the additions are audited in quality's transaction.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appendAudit } from '../../platform/audit/audit.service.ts';
import { actorOf, type Actor } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { ROLES, principalOf } from '../../platform/http/guard.ts';

export interface DefectCode {
  code: string;
  name: string;
  category: string | null;
}

/** The catalogue as quality needs it; `changed` tells its owner a code was added (its caches read again). */
export interface DefectCatalogue {
  list(db: Db): Promise<DefectCode[]>;
  add(tx: Db, c: DefectCode): Promise<DefectCode | undefined>;
  changed?(): void;
}

export class DefectCodes {
  constructor(
    private readonly db: Db,
    private readonly catalogue: DefectCatalogue | undefined,
  ) {}

  list = (): Promise<DefectCode[]> => (this.catalogue ? this.catalogue.list(this.db) : Promise.resolve([]));

  /** The codes a measurement's breakdown may name. */
  codes = async (): Promise<ReadonlySet<string>> => new Set((await this.list()).map((c) => c.code));

  async add(actor: Actor, c: DefectCode): Promise<DefectCode> {
    const catalogue = this.catalogue;
    if (!catalogue) throw new AppError('unavailable', 'defect codes are the shop floor’s scrap reasons: not available in this installation');
    const added = await this.db.transaction(async (tx) => {
      const out = await catalogue.add(tx, c);
      if (!out) throw new AppError('duplicate', `defect code ${c.code} exists already`);
      await appendAudit(tx, actor, { action: 'create', entity: 'defect_code', entityId: c.code, after: out });
      return out;
    });
    catalogue.changed?.();
    return added;
  }
}

const defectCodeSchema = z.object({ code: z.string(), name: z.string(), category: z.string().nullable() });

export function defectRoutes(fastify: FastifyInstance, defects: DefectCodes): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['quality'];
  app.get(
    '/api/quality/defect-codes',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'Defect codes: the scrap reasons of the shop floor, one catalogue', response: { 200: z.array(defectCodeSchema) } },
    },
    () => defects.list(),
  );
  app.post(
    '/api/quality/defect-codes',
    {
      config: { roles: ['quality', 'admin'] },
      schema: {
        tags,
        summary: 'Add a defect code (it is offered as a scrap reason on the terminal too); 409 when the code exists',
        body: z
          .object({
            code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and _ . - only, 1–64 characters'),
            name: z.string().trim().min(1).max(200),
            category: z.string().trim().min(1).max(64).nullable().default(null),
          })
          .strict(),
        response: { 201: defectCodeSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await defects.add(actorOf(principalOf(req)), req.body)),
  );
}
