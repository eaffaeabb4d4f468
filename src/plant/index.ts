// The plant module's face: other modules import only from here.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import { plantRoutes } from './plant.routes.ts';
import { PlantService, type EquipmentLookup } from './plant.service.ts';

export { PlantService, publicEquipment, redactConnections, type EquipmentLookup, type PublicCode, type PublicEquipment } from './plant.service.ts';
export { exportPlant, importPlant, parsePlantFile, plantFileToText, type PlantFile } from './plant-file.ts';
export {
  connectionSchema,
  LEVELS,
  LEVEL_RANK,
  TAG_ROLES,
  type Connection,
  type Level,
  type Properties,
  type RoutingOperation,
  type TagDef,
  type TagRole,
} from './schemas.ts';
export {
  localParts,
  localToUtc,
  nextShiftChange,
  plannedDowntimeFor,
  shiftAt,
  shiftsBetween,
  zoneOffset,
  type Interval,
  type ShiftInstance,
} from './calendar.ts';

export interface PlantModule extends TaktModule {
  plant: PlantService;
  /** The read-only port every other module reads the plant model through. */
  equipment: EquipmentLookup;
}

export function createPlantModule(ctx: AppContext): PlantModule {
  const plant = new PlantService(ctx.db, ctx.events);
  return { name: 'plant', plant, equipment: plant, routes: plantRoutes(ctx, plant) };
}
