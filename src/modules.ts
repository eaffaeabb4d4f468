// The business modules that make up Takt, in the order their routes are registered.
import { readFileSync } from 'node:fs';
import { DEMO_PLANT_FILE, type StartOptions } from './platform/app.ts';
import { SYSTEM_ACTOR } from './platform/auth/principal.ts';
import type { AppContext } from './platform/context.ts';
import { importPlant, parsePlantFile, PlantService, plantRoutes } from './plant/index.ts';

export const MODULES: StartOptions['modules'] = [plantRoutes];

/** On an empty plant, `takt start` loads the demo plant so a new user has something to look at. */
export async function loadDemoPlantIfEmpty(ctx: AppContext): Promise<void> {
  if (!ctx.config.demo) return;
  const plant = new PlantService(ctx.db, ctx.events);
  if ((await plant.listEquipment()).length > 0) return;
  const counts = await importPlant(ctx.db, SYSTEM_ACTOR, parsePlantFile(readFileSync(DEMO_PLANT_FILE, 'utf8')), 'demo plant on first start');
  ctx.log.info({ created: counts.created }, 'empty plant: loaded the demo plant');
}
