// Entry point of the engine: validates the problem and picks the engine. Pure job shops and flexible job
// shops minimising makespan go to the disjunctive-graph tabu search (jobshop.ts); problems with calendars,
// setups, frozen operations, general precedence or a tardiness objective go to the list engine (list.ts).
import { computeObjectives, validateProblem, type Problem, type SolveOptions, type SolveResult } from './model.ts';
import { isPureShop, solveShop } from './jobshop.ts';
import { solveList } from './list.ts';

export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  validateProblem(problem);
  const res = isPureShop(problem) ? solveShop(problem, options) : solveList(problem, options);
  const obj = computeObjectives(problem, res.schedule.operations);
  res.schedule.makespan = obj.makespan;
  res.schedule.totalWeightedTardiness = obj.totalWeightedTardiness;
  res.schedule.operations.sort((a, b) => a.job - b.job || a.op - b.op);
  return res;
}
