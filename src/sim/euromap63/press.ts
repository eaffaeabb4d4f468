// An injection moulding press that speaks EUROMAP 63 through a session folder: it polls for SESSnnnn.REQ, runs
// CONNECT/EXECUTE of job files, answers in SESSnnnn.RSP and the job's LOG, appends one REPORT row per shot, rewrites
// the CURRENT_ALARMS file when alarms are set or reset, and applies SET. The shots come from the simulator's
// behaviour model (machine.ts). Faults can be injected for tests.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ALARMS, MachineModel } from '../machine.ts';
import { SimRng } from '../rng.ts';
import { commands, CRLF, formatDatValue, headerLines, localDateTime, pad, parseJobCommand, type JobCommand } from './protocol.ts';

export interface PressFaults {
  /** After every n-th shot, a line of garbage in the report file. */
  garbageEvery?: number;
  /** After every n-th shot, an extra row with a column missing. */
  wrongColumnsEvery?: number;
  /** Every n-th shot's row is written in two parts, the second `halfWriteMs` later. */
  halfWriteEvery?: number;
  halfWriteMs?: number;
  /** The first n requests are run but never answered (no RSP). */
  withholdRsp?: number;
  /** Every n-th shot the report file is away ("locked") for `lockMs`; rows wait and are written afterwards. */
  lockEvery?: number;
  lockMs?: number;
}

/** The simulated press's ideal cycle (s) unless `cycleTimeS` is given: the demo plant's imm06 matches it. */
export const EUROMAP63_SIM_CYCLE_S = 20;

export interface PressOptions {
  sessionDir: string;
  seed?: number;
  /** Simulated time runs this many times faster than the wall clock (default 1). */
  speed?: number;
  /** The machine clock's zone: DATE/TIME in the files are local time here (default UTC). */
  timezone?: string;
  faults?: PressFaults;
  /** Ideal cycle time in simulated seconds (default 20). */
  cycleTimeS?: number;
  /** How often the folder is polled and the model advanced (default 20 ms). */
  pollMs?: number;
  /** The machine clock's reading at start (default: now); e.g. just before a DST change. */
  clockStartMs?: number;
  /** An alarm is set every n shots and reset m shots later (besides the model's breakdown alarms). */
  alarmEveryShots?: number;
  alarmShots?: number;
}

export interface PressHandle {
  stop(): Promise<void>;
  shots(): number;
  setParameters(): Record<string, number | string>;
  /** ActCntCyc of every shot written as a valid row to a cyclic report, with the instant (machine clock, UTC ms) of the shot. */
  reported(): Array<{ counter: number; ts: number; cycleTime: number }>;
  /** Alarm changes written to CURRENT_ALARMS files: alarm number, or '' when none is set any more. */
  alarmChanges(): Array<{ value: string; ts: number }>;
  injected(): { garbage: number; wrongColumns: number; halfWritten: number; withheld: number; locks: number };
  requests(): number;
  /**
   * Restart: jobs are forgotten and requests are ignored for `downMs`; the press keeps cycling meanwhile (nothing is
   * reported). The folder is cleared unless `keepFolder` (job files, logs and reports stay, as on a press whose share
   * survives the reboot); `resetCounter` starts ActCntCyc again from 0.
   */
  reboot(downMs?: number, opts?: { keepFolder?: boolean; resetCounter?: boolean }): Promise<void>;
  /** The press stops answering and writing anything for `ms` (Infinity: until stop), its jobs kept; it keeps cycling. */
  hang(ms: number): void;
  /** The press's cycle counter now (also while nothing is reported). */
  counter(): number;
  withholdNext(n: number): void;
}

const PROCESS = [
  { name: 'ActTmpOil', target: 45, min: 40, max: 50, unit: '°C' },
  { name: 'ActTimFill', target: 1.25, min: 1.1, max: 1.4, unit: 's' },
  { name: 'ActPrsHoldSpec', target: 620, min: 580, max: 660, unit: 'bar' },
  { name: 'ActTmpBrlZn[1]', target: 230, min: 225, max: 235, unit: '°C' },
  { name: 'ActTmpBrlZn[2]', target: 225, min: 220, max: 230, unit: '°C' },
  { name: '@ActTmpMld', target: 60, min: 55, max: 65, unit: '°C' },
];

interface Report {
  name: string;
  mode: 'REWRITE' | 'APPEND';
  file: string;
  every: number;
  params: string[];
  count: number;
  everyMs?: number;
  lastAt?: number;
}
interface Held {
  queue: string;
  until: number;
  lockedAway: boolean;
}

export async function startEuromap63Press(opts: PressOptions): Promise<PressHandle> {
  const press = new Press(opts);
  await press.start();
  return {
    stop: () => press.stop(),
    shots: () => press.shotCount,
    setParameters: () => ({ ...press.sets }),
    reported: () => [...press.reportedShots],
    alarmChanges: () => [...press.alarmLog],
    injected: () => ({ ...press.inj }),
    requests: () => press.requestCount,
    reboot: (downMs = 200, o = {}) => press.reboot(downMs, o),
    hang: (ms) => void (press.downUntil = Date.now() + ms),
    counter: () => press.cycleCounter,
    withholdNext: (n) => void (press.withhold += n),
  };
}

class Press {
  readonly sets: Record<string, number | string> = {
    'SetTmpBrlZn[1]': 230,
    'SetTmpBrlZn[2]': 225,
    SetTimHold: 4.5,
    SetCntPrtTgt: 10_000,
    SetDescMld: 'MOULD-A',
    SetFlgAirBlow: 1,
    '@SetSpdInj': 80,
  };
  shotCount = 0;
  requestCount = 0;
  withhold: number;
  readonly reportedShots: Array<{ counter: number; ts: number; cycleTime: number }> = [];
  readonly alarmLog: Array<{ value: string; ts: number }> = [];
  readonly inj = { garbage: 0, wrongColumns: 0, halfWritten: 0, withheld: 0, locks: 0 };
  private readonly model: MachineModel;
  private readonly rng: SimRng;
  private readonly speed: number;
  private readonly tz: string;
  private readonly faults: PressFaults;
  private readonly w0 = Date.now();
  private readonly clock0: number;
  private counter: number;
  private cycleTime = 0;
  private values = new Map<string, number>();
  private reports = new Map<string, Report>();
  private events = new Map<string, string>();
  private alarms = new Map<string, { ts: number; text: string; cycle: number }>();
  private forced = '';
  private held = new Map<string, Held>();
  downUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private alarmWrites: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PressOptions) {
    this.speed = opts.speed ?? 1;
    this.tz = opts.timezone ?? 'UTC';
    this.faults = opts.faults ?? {};
    this.withhold = this.faults.withholdRsp ?? 0;
    this.clock0 = opts.clockStartMs ?? this.w0;
    const seed = opts.seed ?? 1;
    this.rng = new SimRng(seed ^ 0x63);
    this.model = new MachineModel(
      { idealCycleTimeS: opts.cycleTimeS ?? EUROMAP63_SIM_CYCLE_S, setupTimeS: 600, parameters: PROCESS },
      { seed, startMs: this.clock0 },
    );
    this.counter = 1000 + this.rng.int(100_000);
    for (const c of this.model.snapshot()) if (typeof c.value === 'number') this.values.set(c.tag, c.value);
    this.cycleTime = this.values.get('cycle_time') ?? 0;
  }

  /** The machine clock (UTC ms) at a simulated instant: shots happen at wall-clock speed-scaled instants. */
  private clockAt(simMs: number): number {
    return this.clock0 + (simMs - this.clock0) / this.speed;
  }

  async start(): Promise<void> {
    await fsp.mkdir(this.opts.sessionDir, { recursive: true });
    this.timer = setInterval(() => {
      if (!this.busy)
        this.busy = this.tick()
          .catch(() => undefined)
          .finally(() => (this.busy = null));
    }, this.opts.pollMs ?? 20);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    await this.alarmWrites;
    // what a fault held back is written: a machine finishes its lines
    for (const [file, h] of [...this.held]) await this.release(file, h).catch(() => undefined);
  }

  private p(name: string): string {
    return path.join(this.opts.sessionDir, name);
  }

  get cycleCounter(): number {
    return this.counter;
  }

  async reboot(downMs: number, o: { keepFolder?: boolean; resetCounter?: boolean } = {}): Promise<void> {
    await this.busy;
    this.downUntil = Date.now() + downMs;
    this.reports.clear();
    this.events.clear();
    this.held.clear();
    if (o.resetCounter) this.counter = 0;
    if (o.keepFolder) return;
    for (const f of await fsp.readdir(this.opts.sessionDir)) await fsp.rm(this.p(f), { force: true, recursive: true });
  }

  private async tick(): Promise<void> {
    const wall = Date.now();
    const up = wall >= this.downUntil;
    if (up) await this.serveRequests();
    const simNow = this.clock0 + (wall - this.w0) * this.speed;
    const changes = this.model.step(simNow);
    const out = new Map<string, string>();
    for (const c of changes) {
      if (c.tag === 'cycle_time') {
        this.cycleTime = c.value as number;
        if (up) this.shot(this.clockAt(c.ts), out);
        else {
          this.counter++; // down: the press still cycles, nothing is reported
          this.shotCount++;
        }
      } else if (c.tag === 'alarm') this.alarmChange(String(c.value).replace(/^E/, ''), ALARMS[String(c.value)] ?? '', this.clockAt(c.ts), up);
      else if (typeof c.value === 'number' && c.tag !== 'good' && c.tag !== 'scrap') this.values.set(c.tag, c.value);
    }
    if (up) this.timedReports(this.clockAt(simNow), out);
    for (const [file, text] of out) await this.append(file, text, wall);
    for (const [file, h] of this.held) if (h.until <= wall) await this.release(file, h);
  }

  private shot(ts: number, out: Map<string, string>): void {
    this.counter++;
    this.shotCount++;
    const n = this.shotCount;
    const every = this.opts.alarmEveryShots;
    if (every && n % every === 0) {
      this.forced = String(900 + ((n / every) % 50));
      this.alarmChange(this.forced, 'emulated alarm', ts, true);
    } else if (every && this.forced && n % every === (this.opts.alarmShots ?? 2) % every) {
      this.alarmChange(`-${this.forced}`, '', ts, true);
      this.forced = '';
    }
    let written = false;
    for (const r of this.reports.values()) {
      if (r.every === 0 || ++r.count % r.every !== 0) continue;
      const row = this.row(r.params, ts);
      if (typeof row !== 'string') continue;
      const f = this.faults;
      let text = row;
      if (f.garbageEvery && n % f.garbageEvery === 0) (text += `#~garbage${this.rng.int(1e6)}\u0001 ,,${CRLF}`), this.inj.garbage++;
      if (f.wrongColumnsEvery && n % f.wrongColumnsEvery === 0) (text += row.split(',').slice(1).join(',')), this.inj.wrongColumns++;
      if (r.mode === 'REWRITE') out.set(r.file, `\u0000REWRITE${headerLines(r.params)}${row}`);
      else out.set(r.file, (out.get(r.file) ?? '') + text);
      written = true;
    }
    if (written) this.reportedShots.push({ counter: this.counter, ts, cycleTime: this.cycleTime });
  }

  /** CYCLIC TIME reports: a row every `everyMs` of the machine clock, whether the press produces or not. */
  private timedReports(clock: number, out: Map<string, string>): void {
    for (const r of this.reports.values()) {
      if (!r.everyMs || (r.lastAt !== undefined && clock - r.lastAt < r.everyMs)) continue;
      r.lastAt = clock;
      const row = this.row(r.params, clock);
      if (typeof row !== 'string') continue;
      if (r.mode === 'REWRITE') out.set(r.file, `\u0000REWRITE${headerLines(r.params)}${row}`);
      else out.set(r.file, (out.get(r.file) ?? '') + row);
    }
  }

  /** A DAT row of the parameters at the machine-clock instant `ts`, or the unknown parameters. */
  private row(params: string[], ts: number): string | { unknown: string[] } {
    const { date, time } = localDateTime(ts, this.tz);
    const unknown: string[] = [];
    const vals = params.map((p) => {
      if (p === 'DATE') return date;
      if (p === 'TIME') return time;
      if (p === 'ActCntCyc') return String(this.counter);
      if (p === 'ActTimCyc') return String(this.cycleTime);
      const v = this.values.get(p) ?? this.sets[p];
      if (v === undefined) unknown.push(p);
      return formatDatValue(v ?? 0);
    });
    return unknown.length ? { unknown } : vals.join(',') + CRLF;
  }

  /** Appends (or rewrites, marked by a leading NUL) a report file, honouring half-write and lock faults. */
  private async append(file: string, text: string, wall: number): Promise<void> {
    const h = this.held.get(file);
    if (h) {
      h.queue = text.startsWith('\u0000') ? text : h.queue + text;
      return;
    }
    const f = this.faults;
    const n = this.shotCount;
    if (f.lockEvery && n % f.lockEvery === 0 && !text.startsWith('\u0000')) {
      const away = await fsp.rename(this.p(file), this.p(`${file}.LCK`)).then(
        () => true,
        () => false,
      );
      this.inj.locks++;
      this.held.set(file, { queue: text, until: wall + (f.lockMs ?? 100), lockedAway: away });
      return;
    }
    if (f.halfWriteEvery && n % f.halfWriteEvery === 0 && !text.startsWith('\u0000')) {
      const cut = text.length - Math.ceil(text.split(CRLF).at(-2)!.length / 2) - 2;
      await this.write(file, text.slice(0, cut));
      this.inj.halfWritten++;
      this.held.set(file, { queue: text.slice(cut), until: wall + (f.halfWriteMs ?? 100), lockedAway: false });
      return;
    }
    await this.write(file, text);
  }

  private async release(file: string, h: Held): Promise<void> {
    this.held.delete(file);
    if (h.lockedAway) await fsp.rename(this.p(`${file}.LCK`), this.p(file)).catch(() => undefined);
    if (h.queue) await this.write(file, h.queue);
  }

  private async write(file: string, text: string): Promise<void> {
    if (text.startsWith('\u0000REWRITE')) return fsp.writeFile(this.p(file), text.slice(8), 'latin1');
    const r = [...this.reports.values()].find((x) => x.file === file);
    const exists = await fsp.stat(this.p(file)).then(
      (s) => s.size > 0,
      () => false,
    );
    await fsp.appendFile(this.p(file), (exists || !r ? '' : headerLines(r.params)) + text, 'latin1');
  }

  /** `no` sets an alarm; `-no` resets it. Every CURRENT_ALARMS event file is rewritten. */
  private alarmChange(no: string, text: string, ts: number, write: boolean): void {
    const resets: Array<[string, { ts: number; text: string; cycle: number }]> = [];
    if (no === '' || no.startsWith('-')) {
      for (const [k, a] of this.alarms) if (no === '' ? !/^9\d\d$/.test(k) : k === no.slice(1)) resets.push([k, { ...a, ts }]);
      for (const [k] of resets) this.alarms.delete(k);
    } else this.alarms.set(no, { ts, text, cycle: this.counter });
    if (!write || this.events.size === 0) return;
    let top = '';
    let topTs = -Infinity;
    for (const [k, a] of this.alarms) if (a.ts >= topTs) (top = k), (topTs = a.ts);
    this.alarmLog.push({ value: top, ts });
    let i = 0;
    const line = (k: string, a: { ts: number; text: string; cycle: number }, set: number) => {
      const { date, time } = localDateTime(a.ts, this.tz);
      return `${++i},${date},${time},${a.cycle},${set},${k},"${a.text}"${CRLF}`;
    };
    const body = [...this.alarms].map(([k, a]) => line(k, a, 1)).join('') + resets.map(([k, a]) => line(k, a, 0)).join('');
    // rewrites one after the other: two overlapping writes of one file could interleave
    for (const file of this.events.values()) this.alarmWrites = this.alarmWrites.then(() => fsp.writeFile(this.p(file), body, 'latin1')).catch(() => undefined);
  }

  private async serveRequests(): Promise<void> {
    let names: string[];
    try {
      names = (await fsp.readdir(this.opts.sessionDir)).filter((n) => /^SESS\d{4}\.REQ$/i.test(n)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const text = await fsp.readFile(this.p(name), 'latin1').catch(() => null);
      if (text === null || !text.endsWith('\n')) continue;
      await fsp.rm(this.p(name), { force: true });
      this.requestCount++;
      const answers: string[] = [];
      for (const c of commands(text)) {
        const m = /^(\d{8}) (.*)$/.exec(c);
        if (!m) continue;
        const verb = m[2].toUpperCase();
        let result = 'PROCESSED';
        if (verb === 'CONNECT') result = 'PROCESSED';
        else if (verb.startsWith('EXECUTE ')) result = await this.execute(m[2].slice(8).trim().replace(/^"|"$/g, ''));
        else result = `ERROR 1 "unknown command ${m[2].slice(0, 40)}"`;
        answers.push(`${m[1]} ${result};${CRLF}`);
      }
      if (this.withhold > 0) {
        this.withhold--;
        this.inj.withheld++;
        continue;
      }
      const rsp = this.p(name.replace(/\.REQ$/i, '.TMR'));
      await fsp.writeFile(rsp, answers.join(''), 'latin1');
      await fsp.rename(rsp, this.p(name.replace(/\.REQ$/i, '.RSP')));
    }
  }

  /** Runs a job file; job-level errors go to its LOG, only a missing or malformed job is an error in the RSP. */
  private async execute(jobFile: string): Promise<string> {
    const text = await fsp.readFile(this.p(jobFile), 'latin1').catch(() => null);
    if (text === null) return `ERROR 2 "job file ${jobFile} not found"`;
    const cmds = commands(text);
    const head = /^JOB (\S+) RESPONSE "([^"]+)"$/i.exec(cmds[0] ?? '');
    if (!head) return `ERROR 3 "${jobFile}: the first command must be JOB <name> RESPONSE <file>"`;
    const log = cmds.slice(1).map((c, i) => `${pad(i + 1, 8)} ${this.run(parseJobCommand(c), c)};${CRLF}`);
    await fsp.writeFile(this.p(head[2]), log.join(''), 'latin1');
    return 'PROCESSED';
  }

  private run(cmd: JobCommand, text: string): string {
    const verb = `PROCESSED "${text.split(' ')[0].toUpperCase()}"`;
    switch (cmd.kind) {
      case 'error':
        return `ERROR ${cmd.code} "${cmd.text}"`;
      case 'report': {
        const row = this.row(cmd.params, this.clockAt(this.model.now));
        if (typeof row !== 'string') return `ERROR 10 "unknown parameter ${row.unknown.join(',')}"`;
        if (cmd.cyclicShots === null && !cmd.cyclicTimeS) {
          void fsp.writeFile(this.p(cmd.file), headerLines(cmd.params) + row, 'latin1');
          return verb;
        }
        if (cmd.cyclicTimeS)
          this.reports.set(cmd.name, {
            name: cmd.name,
            mode: cmd.mode,
            file: cmd.file,
            every: 0,
            params: cmd.params,
            count: 0,
            everyMs: cmd.cyclicTimeS * 1000,
          });
        else this.reports.set(cmd.name, { name: cmd.name, mode: cmd.mode, file: cmd.file, every: cmd.cyclicShots ?? 1, params: cmd.params, count: 0 });
        return verb;
      }
      case 'event':
        this.events.set(cmd.name, cmd.file);
        return verb;
      case 'abort':
        if (cmd.name === null) this.reports.clear(), this.events.clear();
        else if (!this.reports.delete(cmd.name) && !this.events.delete(cmd.name)) return `ERROR 11 "no job ${cmd.name}"`;
        return verb;
      case 'getid':
        void fsp.writeFile(this.p(cmd.file), `"Takt","EUROMAP 63 press emulator","1.0"${CRLF}`, 'latin1');
        return verb;
      case 'set': {
        const cur = this.sets[cmd.param];
        if (cur === undefined) return `ERROR 12 "unknown parameter ${cmd.param}"`;
        const quoted = /^"(.*)"$/.exec(cmd.raw);
        if (typeof cur === 'string') {
          if (!quoted) return `ERROR 13 "${cmd.param} needs a quoted string"`;
          this.sets[cmd.param] = quoted[1];
        } else {
          if (quoted || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cmd.raw)) return `ERROR 13 "${cmd.param} needs a number"`;
          this.sets[cmd.param] = Number(cmd.raw);
        }
        return verb;
      }
    }
  }
}
