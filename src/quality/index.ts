// The quality module's face: characteristics, measurements, frozen limits and the SPC view over the pure SPC engine
// (docs/quality.md); reaction plans, holds and nonconformances will come in behind it.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { capaRoutes } from './capa/capa.routes.ts';
import { CapaService } from './capa/capa.service.ts';
import type { NcrLots, NcrOrders, NcrRework } from './ncr/model.ts';
import { ncrRoutes } from './ncr/ncr.routes.ts';
import { NcrService } from './ncr/ncr.service.ts';
import { qualityRoutes } from './quality.routes.ts';
import { QualityService } from './quality.service.ts';

export type { BatchResult, MeasurementRecord, RecordResult } from './measurements.ts';
export { QualityService, type ChartView, type OverviewRow } from './quality.service.ts';
export { MAX_BATCH, MEASURERS, QUALITY_EDITORS } from './quality.routes.ts';
export type { Characteristic, FrozenLimits, StoredMeasurement } from './model.ts';
export { NcrService, type DispositionInput, type NcrInput } from './ncr/ncr.service.ts';
export { CapaService } from './capa/capa.service.ts';
export { CAPA_EDITORS } from './capa/capa.routes.ts';
export type { Capa, CapaAction, CapaRow } from './capa/capa.repository.ts';
export { NCR_DECIDERS, NCR_OPENERS } from './ncr/ncr.routes.ts';
export {
  DISPOSITION_KINDS,
  NCR_SOURCES,
  NCR_STATUSES,
  TRANSITIONS as NCR_TRANSITIONS,
  type Disposition,
  type Ncr,
  type NcrLots,
  type NcrOrders,
  type NcrRework,
  type NcrRow,
  type NcrStatus,
  type ReworkedRow,
} from './ncr/model.ts';
export { REACTION_ACTIONS, type QualityEvents, type QualityReaction, type ReactionAction } from './events.ts';

export interface QualityDeps {
  /** products (and their routings) a characteristic names are checked through the plant model */
  plant: EquipmentLookup;
  /** the lot ledger's dispositions (scrap, return to supplier, release): lots' LotDispositions */
  lots?: NcrLots;
  /** execution's rework operations, added to an order by a rework disposition */
  rework?: NcrRework;
  /** execution's order book: the orders an NCR names and their product */
  orders?: NcrOrders;
}

export interface QualityModule extends TaktModule {
  quality: QualityService;
  /** nonconformances; `ncr.reworked(window, filter)` is the KPIs' rework source */
  ncr: NcrService;
}

export function createQualityModule(ctx: AppContext, deps: QualityDeps): QualityModule {
  const quality = new QualityService(ctx.db, deps.plant);
  const ncr = new NcrService(ctx.db, { lots: deps.lots, rework: deps.rework, orders: deps.orders }, ctx.signatures);
  const capa = new CapaService(ctx.db);
  const unregister = ctx.signatures.register('ncr', (id) => ncr.signable(id));
  // one NCR per reaction of a reaction plan (idempotent by the reaction's id)
  const unsubscribe = ctx.events.subscribe('quality.reaction', (r) => {
    ncr.fromReaction(r).catch((err: unknown) => ctx.log.error({ err, reaction: r.id }, 'quality: opening the NCR of a reaction failed'));
  });
  return {
    name: 'quality',
    quality,
    ncr,
    routes: (fastify) => {
      qualityRoutes(fastify, quality);
      ncrRoutes(fastify, ncr);
      capaRoutes(fastify, capa);
    },
    stop: async () => {
      unsubscribe();
      unregister();
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
