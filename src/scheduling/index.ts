// Finite-capacity scheduling engine: model, benchmark parsers, solver, independent checker and a
// worker-thread runner. Pure functions; no database and no dependency on other Takt modules.
export * from './model.ts';
export { ParseError, parseJssp, parseFjsp, parseBenchmark, type BenchFormat } from './parse.ts';
export { solve } from './solve.ts';
export { checkSchedule, type CheckResult, type Violation, type ViolationKind } from './checker.ts';
export { solveInWorker, type WorkerSolveOptions } from './worker-runner.ts';
export { fitCalendar } from './list.ts';
export { runSolveCommand } from './solve-command.ts';
