import type { Problem, SolveOptions, SolveResult } from './model.ts';
export function solveList(_p: Problem, _o: SolveOptions): SolveResult { throw new Error('todo'); }
