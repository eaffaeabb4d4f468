// The quality module's face: characteristics, measurements, frozen limits and the SPC view over the pure SPC engine
// (docs/quality.md); the closed loop — in-line measurements from machine tags, reaction plans (OCAP), holds — behind it
// when the composition root gives it the loop's ports; nonconformances will come in behind it.
import type { TaktModule } from '../platform/app.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { kpiRoutes } from './kpis/kpis.routes.ts';
import { QualityKpis } from './kpis/kpis.service.ts';
import type { YieldSource } from './kpis/model.ts';
import { gaugeRoutes } from './gauges/gauges.routes.ts';
import { GaugeRegister } from './gauges/gauges.service.ts';
import { checksRoutes } from './checks/checks.routes.ts';
import { ChecksService } from './checks/checks.service.ts';
import type { StationWork } from './checks/ports.ts';
import { defectRoutes, DefectCodes, type DefectCatalogue } from './checks/defects.ts';
import * as repo from './quality.repository.ts';
import { COA_RECORD_TYPE } from './coa/certificate.ts';
import { coaRoutes } from './coa/coa.routes.ts';
import { CoaService, type LotLookup } from './coa/coa.service.ts';
import { capaRoutes } from './capa/capa.routes.ts';
import { CapaService } from './capa/capa.service.ts';
import type { NcrLots, NcrOrders, NcrRework } from './ncr/model.ts';
import { ncrRoutes } from './ncr/ncr.routes.ts';
import { NcrService } from './ncr/ncr.service.ts';
import { qualityRoutes } from './quality.routes.ts';
import { QualityService } from './quality.service.ts';
import { skillRoutes } from './skills/skills.routes.ts';
import { SkillRegister } from './skills/skills.service.ts';
import { holdsRoutes } from './holds/holds.routes.ts';
import { HoldService } from './holds/holds.service.ts';
import { inlineRoutes } from './inline/inline.routes.ts';
import { InlineService } from './inline/inline.service.ts';
import type { LoopDeps } from './ports.ts';
import { reactionRoutes } from './reaction/reaction.routes.ts';
import { ReactionService } from './reaction/reaction.service.ts';

export type { BatchResult, MeasurementRecord, RecordResult } from './measurements.ts';
export { QualityService, type ChartView, type OverviewRow } from './quality.service.ts';
export { MAX_BATCH, MEASURERS, QUALITY_EDITORS } from './quality.routes.ts';
export type { Characteristic, FrozenLimits, StoredMeasurement } from './model.ts';
export { COST_EDITORS } from './kpis/kpis.routes.ts';
export { QualityKpis, type KpiReport } from './kpis/kpis.service.ts';
export type { KpiFilter, QualityCost, ReworkRow, ReworkSource, YieldGroup, YieldSource } from './kpis/model.ts';
export type { Calibration, Gauge, GaugeState } from './gauges/gauges.model.ts';
export type { GaugeView } from './gauges/gauges.service.ts';
export type { Requirement, Skill, Training } from './skills/skills.model.ts';
export type { ExpiringSkill, SkillStanding } from './skills/skills.service.ts';
export type { BlockingCheck, CheckDue } from './checks/checks.service.ts';
export type { StationNow, StationWork } from './checks/ports.ts';
export type { DefectCatalogue, DefectCode } from './checks/defects.ts';
export { COA_RECORD_TYPE, type CertificateContent } from './coa/certificate.ts';
export type { Certificate, LotLookup } from './coa/coa.service.ts';
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
export type { LoopDeps, LotHolds, MachineData, MachineStop } from './ports.ts';
export { HOLD_RELEASERS } from './holds/holds.routes.ts';
export { HOLD_KINDS, type HoldKind, type QualityHold } from './holds/holds.repository.ts';
export type { ReactionPlan, ReactionRecord } from './reaction/reaction.repository.ts';
export { episodeStep, pointsNeeded, ruleViolation, specViolation, type Episode } from './reaction/trigger.ts';
export { inlineKey, inlineRecord } from './inline/inline.service.ts';

export interface QualityDeps {
  /** products (and their routings) a characteristic names are checked through the plant model */
  plant: EquipmentLookup;
  /** produced, good and scrapped quantities of completed operations (execution's yield figures) for the KPIs */
  yields: YieldSource;
  /** the operation running at a station (execution's shop floor): without it no check is ever due */
  stations?: StationWork;
  /** defect codes: execution's scrap reasons (one catalogue); without it attribute breakdowns are refused */
  defects?: DefectCatalogue;
  /** the lots a certificate of analysis is about (the lots module's lot service) */
  lots: LotLookup;
  /** the lot ledger's dispositions (scrap, return to supplier, release): lots' LotDispositions */
  dispositions?: NcrLots;
  /** execution's rework operations, added to an order by a rework disposition */
  rework?: NcrRework;
  /** execution's order book: the orders an NCR names and their product */
  orders?: NcrOrders;
  /** lots, operations, machine commands and collect's machine data: without them only alarms are possible */
  loop?: LoopDeps;
}

export interface QualityModule extends TaktModule {
  quality: QualityService;
  kpis: QualityKpis;
  /** Whether a person may work at a station now (execution's Qualifications port, wired in src/modules.ts). */
  qualifications: {
    missingForStation(username: string, station: { equipment: string; product: string | null; seq: number | null }): Promise<string | null>;
  };
  /** checks due at stations; `blocking` is execution's ChecksGate */
  checks: ChecksService;
  /** nonconformances; `ncr.reworked(window, filter)` is the KPIs' rework source */
  ncr: NcrService;
  /** what reaction plans put on hold, and its release (docs/quality.md "Holds") */
  holds: HoldService;
  /** the reaction plans of characteristics (docs/quality.md "Closing the loop") */
  reactions: ReactionService;
  /** in-line measurement from machine tags; absent without the closed loop's ports (docs/quality.md "In-line measurements") */
  inline: InlineService | undefined;
  /** waits for queued reaction evaluations and in-line values (tests, the bench) */
  settled(): Promise<void>;
}

export async function createQualityModule(ctx: AppContext, deps: QualityDeps): Promise<QualityModule> {
  const gauges = new GaugeRegister(ctx.db);
  const characteristicExists = (id: string): Promise<boolean> =>
    quality.get(id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return false;
        throw err;
      },
    );
  const skills = new SkillRegister(ctx.db, deps.plant, { list: () => ctx.auth.listUsers() }, characteristicExists);
  const checks = new ChecksService(ctx.db, deps.stations, async (db, id) => (await repo.getCharacteristic(db, id)) !== undefined);
  const defects = new DefectCodes(ctx.db, deps.defects);
  // a check is refused for the person's missing skill first, then for its gauge
  const quality = new QualityService(ctx.db, deps.plant, {
    screens: [skills.screen, gauges.screen],
    gaugeExists: (id) => gauges.exists(id),
    onRecorded: (ms) => checks.recorded(ms),
    defectCodes: defects.codes,
  });
  const coa = new CoaService(ctx.db, deps.lots, ctx.signatures);
  const ncr = new NcrService(ctx.db, { lots: deps.dispositions, rework: deps.rework, orders: deps.orders }, ctx.signatures);
  const capa = new CapaService(ctx.db);
  // the KPIs' rework is what nonconformances dispositioned as rework
  const kpis = new QualityKpis(ctx.db, deps.plant, {
    yields: deps.yields,
    rework: { reworked: (w, f) => ncr.reworked({ from: new Date(w.from), to: new Date(w.to) }, f) },
  });
  const holds = new HoldService(ctx, deps.loop);
  // an NCR opened from a hold closes it once its dispositions settle the held quantity
  ncr.onHoldSettled = (actor, holdId, reason) => holds.settle(actor, holdId, reason);
  const reactions = new ReactionService(ctx, holds, deps.loop);
  holds.onEpisodeClosed = (id) => reactions.closed(id);
  quality.onMeasured((c, ms) => void reactions.evaluate(c, ms));
  const inline = deps.loop ? new InlineService(ctx, quality, deps.loop.machines, reactions) : undefined;
  await inline?.start();
  await reactions.start(inline?.mapped() ?? []);
  ctx.health.set('quality-reactions', () => ({ ...reactions.counters }));
  const unregister = [ctx.signatures.register(COA_RECORD_TYPE, coa.signedRecord), ctx.signatures.register('ncr', (id) => ncr.signable(id))];
  // one NCR per reaction of a reaction plan (idempotent by the reaction's id)
  const unsubscribe = ctx.events.subscribe('quality.reaction', (r) => {
    ncr.fromReaction(r).catch((err: unknown) => ctx.log.error({ err, reaction: r.id }, 'quality: opening the NCR of a reaction failed'));
  });
  return {
    name: 'quality',
    quality,
    kpis,
    checks,
    ncr,
    holds,
    reactions,
    inline,
    settled: async () => {
      await inline?.settled();
      await reactions.settled();
    },
    qualifications: { missingForStation: (username, s) => skills.missing(username, s) },
    routes: (fastify) => {
      qualityRoutes(fastify, quality);
      kpiRoutes(fastify, kpis);
      gaugeRoutes(fastify, gauges);
      skillRoutes(fastify, skills);
      checksRoutes(fastify, checks);
      defectRoutes(fastify, defects);
      coaRoutes(fastify, coa);
      ncrRoutes(fastify, ncr);
      capaRoutes(fastify, capa);
      reactionRoutes(fastify, quality, reactions);
      holdsRoutes(fastify, holds);
      if (inline) inlineRoutes(fastify, quality, inline);
    },
    stop: async () => {
      unsubscribe();
      for (const off of unregister) off();
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
