// The plant module's face: other modules import only from here.
export { plantRoutes } from './plant.routes.ts';
export { PlantService, publicEquipment, redactConnections, type PublicCode, type PublicEquipment } from './plant.service.ts';
export { exportPlant, importPlant, parsePlantFile, plantFileToText, type PlantFile } from './plant-file.ts';
export { connectionSchema, LEVELS, LEVEL_RANK, TAG_ROLES, type Connection, type Level, type Properties, type RoutingOperation, type TagDef, type TagRole } from './schemas.ts';
export { localParts, localToUtc, nextShiftChange, plannedDowntimeFor, shiftAt, shiftsBetween, zoneOffset, type Interval, type ShiftInstance } from './calendar.ts';
