import { describe, expect, it } from 'vitest';
import { ParseError, parseFjsp, parseJssp } from './parse.ts';

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return err as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('parseJssp', () => {
  it('reads jobs, machines from 0 and durations', () => {
    const p = parseJssp('2 2\n0 3 1 2\n1 4  0 1\n\n');
    expect(p.machineCount).toBe(2);
    expect(p.machineBase).toBe(0);
    expect(p.jobs).toHaveLength(2);
    expect(p.jobs[1].operations.map((o) => o.alternatives[0])).toEqual([
      { machine: 1, duration: 4 },
      { machine: 0, duration: 1 },
    ]);
  });

  it('accepts tabs, CRLF and blank lines', () => {
    const p = parseJssp('2\t2\r\n\r\n0\t3 1 2\r\n1 4 0 1\r\n');
    expect(p.jobs).toHaveLength(2);
  });

  it('names the line and operation of an out-of-range machine', () => {
    const e = parseError(() => parseJssp('2 2\n0 3 1 2\n1 4 2 1\n'));
    expect(e.line).toBe(3);
    expect(e.job).toBe(1);
    expect(e.op).toBe(1);
    expect(e.message).toMatch(/line 3: job 1, operation 1: machine 2 out of range 0\.\.1/);
  });

  it('rejects negative and non-integer durations', () => {
    expect(parseError(() => parseJssp('1 2\n0 -3 1 2\n')).message).toMatch(/line 2: job 0, operation 0: duration must not be negative/);
    expect(parseError(() => parseJssp('1 2\n0 3 1 2.5\n')).message).toMatch(/line 2: job 0, operation 1: duration must be an integer/);
    expect(parseError(() => parseJssp('1 2\n0 3 1 x\n')).message).toMatch(/not a number/);
  });

  it('rejects missing lines, trailing garbage and wrong counts', () => {
    const missing = parseError(() => parseJssp('3 2\n0 3 1 2\n1 4 0 1\n'));
    expect(missing.message).toMatch(/missing job lines: header says 3 jobs, found 2/);
    expect(missing.line).toBe(4);
    const trailing = parseError(() => parseJssp('1 2\n0 3 1 2\nfoo bar\n'));
    expect(trailing.line).toBe(3);
    expect(trailing.message).toMatch(/trailing data/);
    expect(parseError(() => parseJssp('1 2\n0 3 1\n')).message).toMatch(/line 2: .*odd number of values/);
    expect(parseError(() => parseJssp('1 3\n0 3 1 2\n')).message).toMatch(/expected 3 \(machine, duration\) pairs, found 2/);
    expect(parseError(() => parseJssp('')).message).toMatch(/empty file/);
    expect(parseError(() => parseJssp('1 2 3\n0 1 1 1')).line).toBe(1);
    expect(parseError(() => parseJssp('0 2\n')).message).toMatch(/job count must be positive/);
  });
});

describe('parseFjsp', () => {
  const good = '2 3 1.5\n2 2 1 4 3 5 1 2 3\n1 3 1 1 2 2 3 3\n';
  it('reads alternatives and converts machines from 1-based', () => {
    const p = parseFjsp(good);
    expect(p.machineBase).toBe(1);
    expect(p.jobs[0].operations).toHaveLength(2);
    expect(p.jobs[0].operations[0].alternatives).toEqual([
      { machine: 0, duration: 4 },
      { machine: 2, duration: 5 },
    ]);
    expect(p.jobs[0].operations[1].alternatives).toEqual([{ machine: 1, duration: 3 }]);
    expect(p.jobs[1].operations[0].alternatives).toHaveLength(3);
  });

  it('rejects an operation no machine can run', () => {
    const e = parseError(() => parseFjsp('1 3\n2 1 1 4 0\n'));
    expect(e.line).toBe(2);
    expect(e.op).toBe(1);
    expect(e.message).toMatch(/operation 1: no machine can run this operation/);
  });

  it('rejects machines out of range (0 and above the count)', () => {
    expect(parseError(() => parseFjsp('1 3\n1 1 0 4\n')).message).toMatch(/machine 0 out of range 1\.\.3/);
    expect(parseError(() => parseFjsp('1 3\n1 1 4 4\n')).message).toMatch(/machine 4 out of range 1\.\.3/);
  });

  it('rejects short lines, trailing values and bad durations', () => {
    expect(parseError(() => parseFjsp('1 3\n2 1 1 4\n')).message).toMatch(/line 2: job 0, operation 1: line ends early/);
    expect(parseError(() => parseFjsp('1 3\n1 2 1 4 2\n')).message).toMatch(/line ends early: expected 2/);
    expect(parseError(() => parseFjsp('1 3\n1 1 1 4 9\n')).message).toMatch(/trailing values/);
    expect(parseError(() => parseFjsp('1 3\n1 1 1 -4\n')).message).toMatch(/duration must not be negative/);
    expect(parseError(() => parseFjsp('1 3\n1 1 1 4.0\n')).message).toMatch(/must be an integer/);
    expect(parseError(() => parseFjsp('2 3\n1 1 1 4\n')).message).toMatch(/missing job lines/);
    expect(parseError(() => parseFjsp('1 3\n1 1 1 4\n1 1 1 4\n')).line).toBe(3);
  });
});
