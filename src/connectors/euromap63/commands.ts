// Commands over EUROMAP 63: parameter download (SET in a job) confirmed by reading the parameters back with a one-shot
// REPORT (GETINFO only describes the machine, it returns no parameter values), and parameter reads. The standard has
// no command to stop or start the machine: ABORT JOB / ABORT ALL end jobs, not production (standards.md §6).
import type { TagValue } from '../../collect/index.ts';
import type { CommandResult, MachineCommand } from '../connector.ts';
import type { Euromap63Connector } from './connector.ts';
import { completeLines, parseHeader, parseValue, splitFields } from './dat.ts';
import { isBusy, isMissing } from './files.ts';
import { checkParamName, file, formatValue, JOBS, readBackJob, reportParameters, setJob } from './jobs.ts';
import { readLog, SessionTimeout, sleep } from './session.ts';

class Rejected extends Error {}
class TimedOut extends Error {}

export async function runCommand(c: Euromap63Connector, cmd: MachineCommand, timeoutMs: number): Promise<CommandResult> {
  const deadline = Date.now() + timeoutMs;
  try {
    switch (cmd.kind) {
      case 'stop':
      case 'start':
        return { status: 'rejected', detail: 'EUROMAP 63 has no stop/start command' };
      case 'readParameters': {
        const names = cmd.names?.length
          ? cmd.names
          : reportParameters(c.settings.reportParameters, c.settings.mapping).filter((n) => n !== 'DATE' && n !== 'TIME');
        const bad = names.map(checkParamName).filter((e) => e !== null);
        if (bad.length) return { status: 'rejected', detail: bad.join('; ') };
        const readBack = await c.withSession(() => readParams(c, names, deadline));
        return { status: 'confirmed', readBack };
      }
      case 'writeParameters': {
        const entries = Object.entries(cmd.parameters);
        if (entries.length === 0) return { status: 'rejected', detail: 'no parameters to write' };
        const values: Array<[string, string]> = [];
        const bad: string[] = [];
        for (const [n, v] of entries) {
          const e = checkParamName(n);
          const f = formatValue(v);
          if (e) bad.push(e);
          else if (typeof f !== 'string') bad.push(`${n}: ${f.error}`);
          else values.push([n, f]);
        }
        if (bad.length) return { status: 'rejected', detail: bad.join('; ') };
        return await c.withSession(async () => {
          await runJob(c, JOBS.set, setJob(values), deadline);
          const readBack = await readParams(
            c,
            entries.map(([n]) => n),
            deadline,
          );
          const differ = entries
            .filter(([n, v]) => !same(v, readBack[n]))
            .map(([n, v]) => `${n}: wrote ${JSON.stringify(v)}, read ${JSON.stringify(readBack[n])}`);
          if (differ.length) return { status: 'failed', detail: `read-back differs: ${differ.join('; ')}`, readBack };
          return { status: 'confirmed', readBack };
        });
      }
    }
  } catch (err) {
    if (err instanceof Rejected) return { status: 'rejected', detail: err.message };
    if (err instanceof TimedOut || err instanceof SessionTimeout) {
      c.fail(err);
      return { status: 'timed_out', detail: err.message };
    }
    c.fail(err);
    return { status: 'failed', detail: (err as Error).message };
  }
}

function same(wrote: TagValue, read: TagValue | undefined): boolean {
  if (read === undefined) return false;
  if (typeof wrote === 'boolean') return read === (wrote ? 1 : 0);
  if (typeof wrote === 'number') return typeof read === 'number' && Math.abs(read - wrote) <= 1e-9 * Math.max(1, Math.abs(wrote));
  return String(read) === wrote;
}

/** Writes a job, executes it, and checks the RSP and the job's LOG. Caller holds the session. */
async function runJob(c: Euromap63Connector, job: string, text: string, deadline: number, extraCleanup: string[] = []): Promise<void> {
  for (const f of [file(job, 'LOG'), ...extraCleanup]) await c.files.remove(c.path(f));
  await c.files.writeAtomic(c.path(file(job, 'JOB')), text);
  const left = deadline - Date.now();
  if (left <= 0) throw new TimedOut('no time left for the request');
  const [rsp] = await c.session.request([`EXECUTE "${file(job, 'JOB')}"`], Math.min(left, c.responseTimeoutMs));
  if (!rsp.ok) throw new Rejected(`the machine refused ${file(job, 'JOB')}: ${rsp.text}`);
  const errors = await readLog(c.files, c.path(file(job, 'LOG')), deadline, () => false);
  if (errors?.length) throw new Rejected(`${file(job, 'LOG')}: ${errors.join(' | ')}`);
}

/** One-shot REPORT of the parameters; their values by name. Caller holds the session. */
async function readParams(c: Euromap63Connector, names: string[], deadline: number): Promise<Record<string, TagValue>> {
  const dat = c.path(file(JOBS.readBack, 'DAT'));
  await runJob(c, JOBS.readBack, readBackJob(names), deadline, [file(JOBS.readBack, 'DAT')]);
  for (;;) {
    try {
      const { buf } = await c.files.readFrom(dat, 0);
      const { lines } = completeLines(buf);
      const header = parseHeader(lines);
      const row = header && lines.slice(header.lineCount).find((l) => l.trim() !== '');
      if (header && row) {
        const f = splitFields(row);
        if (f.length !== header.names.length) throw new Rejected(`${file(JOBS.readBack, 'DAT')}: ${header.names.length} names but ${f.length} values`);
        const out: Record<string, TagValue> = {};
        header.names.forEach((n, i) => {
          out[n] = parseValue(f[i]);
        });
        return out;
      }
    } catch (err) {
      if (!isMissing(err) && !isBusy(err)) throw err;
    }
    if (Date.now() >= deadline) throw new TimedOut(`no ${file(JOBS.readBack, 'DAT')} before the deadline`);
    await sleep(20);
  }
}
