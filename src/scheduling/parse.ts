// Parsers for the two public job-shop benchmark formats (docs/scheduling.md § CLI; samples in
// test/fixtures/scheduling):
//   jssp: `jobs machines`, then one line per job of `machine duration` pairs, machines from 0;
//   fjsp (Brandimarte): `jobs machines [avg]`, then one line per job: operation count, then per operation
//         `k` followed by k `machine duration` pairs, machines from 1.
// Errors are ParseErrors naming the line (1-based) and, where it applies, the job and operation.
import type { Operation, Problem } from './model.ts';

export class ParseError extends Error {
  readonly line: number;
  readonly job?: number;
  readonly op?: number;
  constructor(message: string, line: number, job?: number, op?: number) {
    const where = job === undefined ? '' : op === undefined ? `job ${job}: ` : `job ${job}, operation ${op}: `;
    super(`line ${line}: ${where}${message}`);
    this.name = 'ParseError';
    this.line = line;
    this.job = job;
    this.op = op;
  }
}

export type BenchFormat = 'jssp' | 'fjsp';

interface Line {
  no: number;
  tokens: string[];
}

function contentLines(text: string): Line[] {
  const out: Line[] = [];
  const raw = text.split(/\r\n|\r|\n/);
  raw.forEach((s, i) => {
    const t = s.trim();
    if (t) out.push({ no: i + 1, tokens: t.split(/\s+/) });
  });
  return out;
}

function intToken(tok: string | undefined, what: string, line: number, job?: number, op?: number): number {
  if (tok === undefined) throw new ParseError(`missing ${what}`, line, job, op);
  if (!/^[+-]?\d+$/.test(tok)) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(tok)) throw new ParseError(`${what} must be an integer, got "${tok}"`, line, job, op);
    throw new ParseError(`${what} is not a number: "${tok}"`, line, job, op);
  }
  const v = Number(tok);
  if (!Number.isSafeInteger(v)) throw new ParseError(`${what} is too large: "${tok}"`, line, job, op);
  return v;
}

function duration(tok: string | undefined, line: number, job: number, op: number): number {
  const v = intToken(tok, 'duration', line, job, op);
  if (v < 0) throw new ParseError(`duration must not be negative, got ${v}`, line, job, op);
  return v;
}

function header(lines: Line[], format: BenchFormat): { jobs: number; machines: number } {
  const h = lines[0];
  if (!h) throw new ParseError('empty file: expected a header line `jobs machines`', 1);
  const max = format === 'fjsp' ? 3 : 2;
  if (h.tokens.length < 2) throw new ParseError('header must be `jobs machines`', h.no);
  if (h.tokens.length > max) throw new ParseError(`header has ${h.tokens.length} values, expected ${format === 'fjsp' ? '2 or 3' : '2'}`, h.no);
  const jobs = intToken(h.tokens[0], 'job count', h.no);
  const machines = intToken(h.tokens[1], 'machine count', h.no);
  if (jobs < 1) throw new ParseError(`job count must be positive, got ${jobs}`, h.no);
  if (machines < 1) throw new ParseError(`machine count must be positive, got ${machines}`, h.no);
  if (h.tokens.length === 3 && !Number.isFinite(Number(h.tokens[2])))
    throw new ParseError(`average machines per operation is not a number: "${h.tokens[2]}"`, h.no);
  return { jobs, machines };
}

function checkJobLines(lines: Line[], jobs: number, lastLineNo: number): void {
  if (lines.length - 1 < jobs) throw new ParseError(`missing job lines: header says ${jobs} jobs, found ${lines.length - 1}`, lastLineNo + 1);
  if (lines.length - 1 > jobs)
    throw new ParseError(`trailing data after the ${jobs} job lines: "${lines[jobs + 1].tokens.slice(0, 6).join(' ')}"`, lines[jobs + 1].no);
}

export function parseJssp(text: string, name?: string): Problem {
  const lines = contentLines(text);
  const { jobs, machines } = header(lines, 'jssp');
  checkJobLines(lines, jobs, lines[lines.length - 1].no);
  const problem: Problem = { machineCount: machines, jobs: [], machineBase: 0, name };
  for (let j = 0; j < jobs; j++) {
    const { no, tokens } = lines[j + 1];
    if (tokens.length % 2 !== 0) throw new ParseError(`odd number of values (${tokens.length}); expected (machine, duration) pairs`, no, j, tokens.length >> 1);
    const nOps = tokens.length / 2;
    if (nOps !== machines) throw new ParseError(`expected ${machines} (machine, duration) pairs, found ${nOps}`, no, j);
    const ops: Operation[] = [];
    for (let k = 0; k < nOps; k++) {
      const m = intToken(tokens[2 * k], 'machine', no, j, k);
      if (m < 0 || m >= machines) throw new ParseError(`machine ${m} out of range 0..${machines - 1}`, no, j, k);
      ops.push({ alternatives: [{ machine: m, duration: duration(tokens[2 * k + 1], no, j, k) }] });
    }
    problem.jobs.push({ name: `J${j}`, operations: ops });
  }
  return problem;
}

export function parseFjsp(text: string, name?: string): Problem {
  const lines = contentLines(text);
  const { jobs, machines } = header(lines, 'fjsp');
  checkJobLines(lines, jobs, lines[lines.length - 1].no);
  const problem: Problem = { machineCount: machines, jobs: [], machineBase: 1, name };
  for (let j = 0; j < jobs; j++) {
    const { no, tokens } = lines[j + 1];
    let t = 0;
    const nOps = intToken(tokens[t++], 'operation count', no, j);
    if (nOps < 1) throw new ParseError(`operation count must be positive, got ${nOps}`, no, j);
    const ops: Operation[] = [];
    for (let k = 0; k < nOps; k++) {
      if (t >= tokens.length) throw new ParseError(`line ends early: expected ${nOps} operations, found ${k}`, no, j, k);
      const cnt = intToken(tokens[t++], 'number of eligible machines', no, j, k);
      if (cnt < 1) throw new ParseError(`no machine can run this operation (machine count ${cnt})`, no, j, k);
      if (cnt > machines) throw new ParseError(`${cnt} eligible machines listed, but there are only ${machines}`, no, j, k);
      const alts: Operation['alternatives'] = [];
      const seen = new Set<number>();
      for (let a = 0; a < cnt; a++) {
        if (t + 1 >= tokens.length) throw new ParseError(`line ends early: expected ${cnt} (machine, duration) pairs, found ${a}`, no, j, k);
        const m = intToken(tokens[t++], 'machine', no, j, k);
        if (m < 1 || m > machines) throw new ParseError(`machine ${m} out of range 1..${machines}`, no, j, k);
        if (seen.has(m)) throw new ParseError(`machine ${m} listed twice`, no, j, k);
        seen.add(m);
        alts.push({ machine: m - 1, duration: duration(tokens[t++], no, j, k) });
      }
      ops.push({ alternatives: alts });
    }
    if (t < tokens.length) throw new ParseError(`trailing values after ${nOps} operations: "${tokens.slice(t, t + 6).join(' ')}"`, no, j);
    problem.jobs.push({ name: `J${j}`, operations: ops });
  }
  return problem;
}

export function parseBenchmark(text: string, format: BenchFormat, name?: string): Problem {
  return format === 'jssp' ? parseJssp(text, name) : parseFjsp(text, name);
}
