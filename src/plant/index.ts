// The plant module's face: other modules import only from here.
export { plantRoutes } from './plant.routes.ts';
export { PlantService, publicEquipment, type PublicEquipment } from './plant.service.ts';
export { exportPlant, importPlant, parsePlantFile, plantFileToText, type PlantFile } from './plant-file.ts';
export { LEVELS, LEVEL_RANK, type Level, type RoutingOperation } from './schemas.ts';
