// The quality module's face: characteristics, measurements, frozen limits and the SPC view over the pure SPC engine
// (docs/quality.md); reaction plans, holds and nonconformances will come in behind it.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { COA_RECORD_TYPE } from './coa/certificate.ts';
import { coaRoutes } from './coa/coa.routes.ts';
import { CoaService, type LotLookup } from './coa/coa.service.ts';
import { qualityRoutes } from './quality.routes.ts';
import { QualityService } from './quality.service.ts';

export type { BatchResult, MeasurementRecord, RecordResult } from './measurements.ts';
export { QualityService, type ChartView, type OverviewRow } from './quality.service.ts';
export { MAX_BATCH, MEASURERS, QUALITY_EDITORS } from './quality.routes.ts';
export type { Characteristic, FrozenLimits, StoredMeasurement } from './model.ts';
export { COA_RECORD_TYPE, type CertificateContent } from './coa/certificate.ts';
export type { Certificate, LotLookup } from './coa/coa.service.ts';
export { REACTION_ACTIONS, type QualityEvents, type QualityReaction, type ReactionAction } from './events.ts';

export interface QualityDeps {
  /** products (and their routings) a characteristic names are checked through the plant model */
  plant: EquipmentLookup;
  /** the lots a certificate of analysis is about (the lots module's lot service) */
  lots: LotLookup;
}

export interface QualityModule extends TaktModule {
  quality: QualityService;
}

export function createQualityModule(ctx: AppContext, deps: QualityDeps): QualityModule {
  const quality = new QualityService(ctx.db, deps.plant);
  const coa = new CoaService(ctx.db, deps.lots, ctx.signatures);
  const unregister = ctx.signatures.register(COA_RECORD_TYPE, coa.signedRecord);
  return {
    name: 'quality',
    quality,
    routes: (fastify) => {
      qualityRoutes(fastify, quality);
      coaRoutes(fastify, coa);
    },
    stop: async () => unregister(),
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
