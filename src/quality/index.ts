// The quality module's face. For now it is the pure SPC engine (docs/quality.md); inspection plans, measurements,
// reaction plans and nonconformances will come in behind it.
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
