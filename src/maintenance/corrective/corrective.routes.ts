// HTTP face of corrective maintenance: the breakdown threshold (plant-wide, per machine) and the machines under repair.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth/principal.ts';
import { principalOf, ROLES } from '../../platform/http/guard.ts';
import { MAX_THRESHOLD_S, MIN_THRESHOLD_S, type BreakdownSettingsService } from './settings.ts';
import { listUnderRepair } from './under-repair.ts';
import type { Db } from '../../platform/db/database.ts';

/** Who changes the breakdown threshold: maintenance people and admins. */
export const SETTINGS_EDITORS = ['maintenance', 'admin'] as const;

const threshold = z.number().int().min(MIN_THRESHOLD_S).max(MAX_THRESHOLD_S);

export const settingsBody = z
  .object({
    /** seconds: a stop this long opens a corrective work order */
    thresholdS: threshold,
    enabled: z.boolean(),
    /** per-machine overrides (replace all earlier ones) */
    machines: z
      .array(z.object({ equipment: z.string().trim().min(1).max(300), thresholdS: threshold, enabled: z.boolean().default(true) }).strict())
      .max(1000)
      .default([]),
  })
  .strict();

const settingsSchema = z.object({
  thresholdS: z.number(),
  enabled: z.boolean(),
  machines: z.array(z.object({ equipment: z.string(), equipmentId: z.string(), thresholdS: z.number(), enabled: z.boolean() })),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

const underRepairSchema = z.object({
  equipmentId: z.string(),
  equipment: z.string(),
  workOrder: z.object({
    id: z.string(),
    status: z.literal('in_progress'),
    description: z.string(),
    startedAt: z.string().nullable(),
    assignee: z.string().nullable(),
    stopStart: z.string().nullable(),
  }),
});

export function correctiveRoutes(fastify: FastifyInstance, settings: BreakdownSettingsService, db: () => Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['maintenance'];

  app.get(
    '/api/maintenance/settings',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'The breakdown threshold: the plant-wide one and per-machine overrides', response: { 200: settingsSchema } },
    },
    () => settings.get(),
  );

  app.put(
    '/api/maintenance/settings',
    {
      config: { roles: SETTINGS_EDITORS },
      schema: {
        tags,
        summary: 'Replace the breakdown threshold settings (a stop this long opens a corrective work order); machines not listed lose their override',
        body: settingsBody,
        response: { 200: settingsSchema },
      },
    },
    (req) => settings.put(actorOf(principalOf(req)), req.body),
  );

  app.get(
    '/api/maintenance/under-repair',
    {
      config: { roles: ROLES.anyone },
      schema: { tags, summary: 'Machines under repair: those with a corrective work order in progress', response: { 200: z.array(underRepairSchema) } },
    },
    () => listUnderRepair(db()),
  );
}
