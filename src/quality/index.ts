// The quality module's face: characteristics, measurements, frozen limits and the SPC view over the pure SPC engine
// (docs/quality.md); reaction plans, holds and nonconformances will come in behind it.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { checksRoutes } from './checks/checks.routes.ts';
import { ChecksService } from './checks/checks.service.ts';
import type { StationWork } from './checks/ports.ts';
import { defectRoutes, DefectCodes, type DefectCatalogue } from './checks/defects.ts';
import * as repo from './quality.repository.ts';
import { qualityRoutes } from './quality.routes.ts';
import { QualityService } from './quality.service.ts';

export type { BatchResult, MeasurementRecord, RecordResult } from './measurements.ts';
export { QualityService, type ChartView, type OverviewRow } from './quality.service.ts';
export { MAX_BATCH, MEASURERS, QUALITY_EDITORS } from './quality.routes.ts';
export type { Characteristic, FrozenLimits, StoredMeasurement } from './model.ts';
export type { BlockingCheck, CheckDue } from './checks/checks.service.ts';
export type { StationNow, StationWork } from './checks/ports.ts';
export type { DefectCatalogue, DefectCode } from './checks/defects.ts';
export { REACTION_ACTIONS, type QualityEvents, type QualityReaction, type ReactionAction } from './events.ts';

export interface QualityDeps {
  /** products (and their routings) a characteristic names are checked through the plant model */
  plant: EquipmentLookup;
  /** the operation running at a station (execution's shop floor): without it no check is ever due */
  stations?: StationWork;
  /** defect codes: execution's scrap reasons (one catalogue); without it attribute breakdowns are refused */
  defects?: DefectCatalogue;
}

export interface QualityModule extends TaktModule {
  quality: QualityService;
  /** checks due at stations; `blocking` is execution's ChecksGate */
  checks: ChecksService;
}

export function createQualityModule(ctx: AppContext, deps: QualityDeps): QualityModule {
  const checks = new ChecksService(ctx.db, deps.stations, async (db, id) => (await repo.getCharacteristic(db, id)) !== undefined);
  const defects = new DefectCodes(ctx.db, deps.defects);
  const quality = new QualityService(ctx.db, deps.plant, (ms) => checks.recorded(ms), defects.codes);
  return {
    name: 'quality',
    quality,
    checks,
    routes: (fastify) => {
      qualityRoutes(fastify, quality);
      checksRoutes(fastify, checks);
      defectRoutes(fastify, defects);
    },
  };
}
export { c4, lnGamma, MAX_RANGE_SUBGROUP, MIN_SUBGROUP, rangeFactors, sdFactors, type RangeFactors, type SdFactors } from './spc/constants.ts';
export {
  ATTRIBUTES_CHARTS,
  computeLimits,
  evaluateChart,
  MAX_MAGNITUDE,
  SpcInputError,
  VARIABLES_CHARTS,
  withinSigma,
  type AttributesChart,
  type AttributesSpec,
  type ChartResult,
  type ChartSpec,
  type ChartType,
  type ControlLimits,
  type Count,
  type Measurement,
  type PlottedPoint,
  type SecondaryPoint,
  type VariablesChart,
  type VariablesSpec,
  type Violation,
} from './spc/charts.ts';
export { DEFAULT_RULES, NELSON_RULES, RULE_TEXT, WESTERN_ELECTRIC_RULES, type RuleSelection, type RuleSet } from './spc/rules.ts';
export { capability, histogram, type Capability, type Histogram, type SpecLimits, type WithinMethod } from './spc/capability.ts';
export { analyze, contractView, type SpcContract, type SpcOptions, type SpcReport } from './spc/analyze.ts';
