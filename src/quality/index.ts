// The quality module's face: characteristics, measurements, frozen limits and the SPC view over the pure SPC engine
// (docs/quality.md); the closed loop — in-line measurements from machine tags, reaction plans (OCAP), holds — behind it
// when the composition root gives it the loop's ports; nonconformances will come in behind it.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { holdsRoutes } from './holds/holds.routes.ts';
import { HoldService } from './holds/holds.service.ts';
import { inlineRoutes } from './inline/inline.routes.ts';
import { InlineService } from './inline/inline.service.ts';
import type { LoopDeps } from './ports.ts';
import { qualityRoutes } from './quality.routes.ts';
import { QualityService } from './quality.service.ts';
import { reactionRoutes } from './reaction/reaction.routes.ts';
import { ReactionService } from './reaction/reaction.service.ts';

export type { BatchResult, MeasurementRecord, RecordResult } from './measurements.ts';
export { QualityService, type ChartView, type OverviewRow } from './quality.service.ts';
export { MAX_BATCH, MEASURERS, QUALITY_EDITORS } from './quality.routes.ts';
export type { Characteristic, FrozenLimits, StoredMeasurement } from './model.ts';
export { REACTION_ACTIONS, type QualityEvents, type QualityReaction, type ReactionAction } from './events.ts';
export type { LoopDeps, LotHolds, MachineData, MachineStop } from './ports.ts';
export { HOLD_RELEASERS } from './holds/holds.routes.ts';
export { HOLD_KINDS, type HoldKind, type QualityHold } from './holds/holds.repository.ts';
export type { ReactionPlan, ReactionRecord } from './reaction/reaction.repository.ts';
export { episodeStep, pointsNeeded, ruleViolation, specViolation, type Episode } from './reaction/trigger.ts';
export { inlineKey, inlineRecord } from './inline/inline.service.ts';

export interface QualityDeps {
  /** products (and their routings) a characteristic names are checked through the plant model */
  plant: EquipmentLookup;
  /** lots, operations, machine commands and collect's machine data: without them only alarms are possible */
  loop?: LoopDeps;
}

export interface QualityModule extends TaktModule {
  quality: QualityService;
  /** waits for queued reaction evaluations and in-line values (tests, the bench) */
  settled(): Promise<void>;
}

export async function createQualityModule(ctx: AppContext, deps: QualityDeps): Promise<QualityModule> {
  const quality = new QualityService(ctx.db, deps.plant);
  const holds = new HoldService(ctx, deps.loop);
  const reactions = new ReactionService(ctx, holds, deps.loop);
  holds.onEpisodeClosed = (id) => reactions.closed(id);
  quality.onMeasured((c, ms) => void reactions.evaluate(c, ms));
  const inline = deps.loop ? new InlineService(ctx, quality, deps.loop.machines, (c, v, eq) => reactions.stopEarly(c, v, eq)) : undefined;
  await inline?.start();
  await reactions.start(inline?.mapped() ?? []);
  ctx.health.set('quality-reactions', () => ({ ...reactions.counters }));
  return {
    name: 'quality',
    quality,
    settled: async () => {
      await inline?.settled();
      await reactions.settled();
    },
    routes: (fastify) => {
      qualityRoutes(fastify, quality);
      reactionRoutes(fastify, quality, reactions);
      holdsRoutes(fastify, holds);
      if (inline) inlineRoutes(fastify, quality, inline);
    },
    async stop() {
      inline?.stop();
      await reactions.settled();
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
