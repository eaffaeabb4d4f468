// EUROMAP 63 connector for one machine: the session folder protocol (session.ts), Takt's jobs (jobs.ts), and polling of
// the report and alarm files (report.ts, alarms.ts). Polling, not fs.watch: watching is unreliable on network shares.
import * as path from 'node:path';
import type { Connection } from '../../plant/index.ts';
import type { Observation, ObservationSink, Rejection } from '../../collect/index.ts';
import {
  Backoff,
  inStartupGrace,
  initialHealth,
  type CommandResult,
  type Connector,
  type ConnectorContext,
  type ConnectorHealth,
  type MachineCommand,
} from '../connector.ts';
import { AlarmTracker } from './alarms.ts';
import { isMissing, nodeFiles, type FileOps } from './files.ts';
import { counterWentBack, HeartbeatReader } from './heartbeat.ts';
import { abortJob, alarmJob, file, heartbeatJob, JOBS, reportJob, reportParameters } from './jobs.ts';
import { ReportStream } from './report.ts';
import { readLog, SessionClient, SessionStopped } from './session.ts';
import { runCommand } from './commands.ts';
import { checkTimeZone } from './time.ts';

export type Euromap63Settings = Extract<Connection, { protocol: 'euromap63' }>;

export interface Euromap63Options {
  /** File access (tests inject busy or unreadable files). */
  files?: FileOps;
  backoff?: Backoff;
  /** The report file is rotated (renamed to TKTREP.OLD, drained, deleted) once this many bytes are delivered. */
  rotateBytes?: number;
  /** Without any request for this long, a CONNECT checks that the machine still answers. */
  keepaliveMs?: number;
}

/** The session folder or the machine is gone: reconnect (CONNECT and the jobs again). `stale`: no answer or no sign of life. */
class ConnectionLost extends Error {
  constructor(
    message: string,
    readonly stale = false,
  ) {
    super(message);
  }
}

export class Euromap63Connector implements Connector {
  readonly protocol = 'euromap63';
  readonly session: SessionClient;
  readonly files: FileOps;
  private readonly h: ConnectorHealth;
  private readonly mapsState: boolean;
  private derivedState: 'Execute' | 'Idle' | null = null;
  private lastShotTs = 0;
  private lastCycleS = 20;
  private readonly backoff: Backoff;
  private readonly timeoutMs: number;
  private readonly rotateBytes: number;
  private readonly keepaliveMs: number;
  private sink: ObservationSink | null = null;
  private stopped = true;
  private connected = false;
  private everConnected = false;
  private onlineReported = false;
  private sessionReady = false;
  private lastRequestAt = 0;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private report: ReportStream;
  private draining: ReportStream | null = null;
  private readonly alarms: AlarmTracker;
  private lastLogged = '';
  private readonly staleMs: number;
  private readonly heartbeat = new HeartbeatReader();
  /** The press runs Takt's heartbeat job (false when it refused CYCLIC TIME: then only rows and the keep-alive count). */
  private heartbeatOn = true;
  /** Takt's clock when the press last showed it works Takt's jobs: heartbeat changed, report rows came, jobs (re)started. */
  private lifeAt = 0;
  private lastHeartbeatCounter: number | undefined;
  /** ActCntCyc of the newest report row delivered. */
  private lastRowCounter: number | undefined;
  /** Since when the heartbeat's counter is ahead of the report's rows (shots made that the report does not show). */
  private aheadSince: number | null = null;
  /** Set once the connection went stale; cleared when the jobs run again. Failed reconnects meanwhile stay 'stale'. */
  private stale = false;

  constructor(
    readonly settings: Euromap63Settings,
    readonly ctx: ConnectorContext,
    opts: Euromap63Options = {},
  ) {
    this.files = opts.files ?? nodeFiles;
    this.timeoutMs = settings.responseTimeoutS * 1000;
    this.backoff = opts.backoff ?? new Backoff(Math.min(1000, this.timeoutMs), 30_000);
    this.rotateBytes = opts.rotateBytes ?? 4 * 1024 * 1024;
    this.keepaliveMs = opts.keepaliveMs ?? 60_000;
    this.staleMs = settings.staleAfterS * 1000;
    this.h = initialHealth('euromap63', ctx.equipmentPath, settings.sessionDir);
    this.mapsState = Object.values(settings.mapping ?? {}).includes('state');
    this.session = new SessionClient(settings.sessionDir, this.files, Math.max(5, Math.min(settings.pollIntervalMs, 100)), () => this.stopped);
    const cfg = { equipmentPath: ctx.equipmentPath, timezone: settings.timezone, mapping: settings.mapping };
    this.report = new ReportStream(cfg, file(JOBS.report, 'DAT'));
    this.alarms = new AlarmTracker(cfg, file(JOBS.alarms, 'DAT'));
  }

  path(name: string): string {
    return path.join(this.settings.sessionDir, name);
  }

  async start(sink: ObservationSink): Promise<void> {
    if (!this.stopped) return;
    this.sink = sink;
    try {
      checkTimeZone(this.settings.timezone);
    } catch {
      this.h.state = 'failed';
      this.fail(new Error(`unknown time zone '${this.settings.timezone}'`));
      return;
    }
    this.stopped = false;
    this.h.state = 'connecting';
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    this.connected = false;
    this.h.state = 'stopped';
    this.h.connectedSince = null;
  }

  health(): ConnectorHealth {
    return { ...this.h };
  }

  command(cmd: MachineCommand, timeoutMs: number): Promise<CommandResult> {
    return runCommand(this, cmd, timeoutMs);
  }

  /** Runs fn holding the session; the first use clears stale REQ/RSP files of an earlier run. */
  withSession<T>(fn: () => Promise<T>): Promise<T> {
    return this.session.exclusive(async () => {
      if (!this.sessionReady) {
        await this.session.init();
        this.sessionReady = true;
      }
      this.lastRequestAt = Date.now();
      return fn();
    });
  }

  get responseTimeoutMs(): number {
    return this.timeoutMs;
  }

  fail(err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    this.h.errors++;
    this.h.lastError = msg;
    // a press (or the demo's simulated one) not answering yet during start-up is the expected order, not a fault
    if (inStartupGrace(this.ctx, this.everConnected)) return void this.ctx.log.debug(`EUROMAP 63 ${this.ctx.equipmentPath}: ${msg}`);
    if (msg !== this.lastLogged) this.ctx.log.warn(`EUROMAP 63 ${this.ctx.equipmentPath}: ${msg}`);
    this.lastLogged = msg;
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = null;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.connected) {
        try {
          await this.connect();
        } catch (err) {
          if (this.stopped || err instanceof SessionStopped) break;
          this.fail(err);
          this.h.state = this.stale ? 'stale' : 'backoff';
          await this.pause(this.backoff.next());
          if (!this.stopped && !this.stale) this.h.state = 'connecting';
          continue;
        }
      }
      try {
        await this.pollOnce();
      } catch (err) {
        if (this.stopped || err instanceof SessionStopped) break;
        this.fail(err);
        if (err instanceof ConnectionLost) this.lose(err.message, err.stale);
      }
      await this.pause(this.settings.pollIntervalMs);
    }
  }

  private lose(reason: string, stale: boolean): void {
    this.connected = false;
    if (stale) this.stale = true;
    this.h.state = this.stale ? 'stale' : 'connecting';
    this.h.connectedSince = null;
    this.alarms.forget();
    if (this.onlineReported)
      this.sink?.sourceStatus({ source: this.source(), equipmentPath: this.ctx.equipmentPath, online: false, at: this.ctx.now(), reason });
    this.onlineReported = false;
  }

  private source() {
    return { protocol: 'euromap63', client: this.ctx.equipmentPath };
  }

  /** CONNECT, then (re)start Takt's jobs: abort the old ones, run the cyclic report and the alarm event. */
  private async connect(): Promise<void> {
    try {
      await this.files.stat(this.settings.sessionDir);
    } catch (err) {
      throw new Error(`session folder ${this.settings.sessionDir} is not reachable (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    await this.withSession(async () => {
      const params = reportParameters(this.settings.reportParameters, this.settings.mapping);
      const jobs: Array<[string, string]> = [
        [JOBS.abort, abortJob()],
        [JOBS.report, reportJob(params)],
        [JOBS.alarms, alarmJob()],
      ];
      // the heartbeat every staleAfterS / 3 s: three chances to be seen before the connection counts as stale
      if (this.heartbeatOn) jobs.push([JOBS.heartbeat, heartbeatJob(this.settings.staleAfterS / 3)]);
      for (const [job, text] of jobs) {
        await this.files.remove(this.path(file(job, 'LOG')));
        await this.files.writeAtomic(this.path(file(job, 'JOB')), text);
      }
      const started = Date.now();
      const rsp = await this.session.request(['CONNECT', ...jobs.map(([job]) => `EXECUTE "${file(job, 'JOB')}"`)], this.timeoutMs);
      if (!rsp[0].ok) throw new Error(`the machine refused CONNECT: ${rsp[0].text}`);
      for (let i = 2; i < rsp.length; i++) if (!rsp[i].ok) throw new Error(`the machine refused ${file(jobs[i - 1][0], 'JOB')}: ${rsp[i].text}`);
      for (const [job] of jobs.slice(1)) {
        const errors = await readLog(this.files, this.path(file(job, 'LOG')), started + this.timeoutMs, () => this.stopped);
        if (errors?.length && job === JOBS.heartbeat) {
          // a controller without CYCLIC TIME: run without the heartbeat (rows and the keep-alive remain as signs of life)
          this.heartbeatOn = false;
          this.fail(
            new Error(
              `${file(job, 'LOG')}: ${errors.join(' | ')} — running without a heartbeat: a restart that keeps the folder is only noticed by counters and the keep-alive`,
            ),
          );
        } else if (errors?.length) throw new Error(`${file(job, 'LOG')}: ${errors.join(' | ')}`);
      }
    });
    this.connected = true;
    this.stale = false;
    this.lifeAt = this.ctx.now();
    this.aheadSince = null;
    this.heartbeat.reset();
    if (this.everConnected) this.h.reconnects++;
    this.everConnected = true;
    this.h.state = 'connected';
    this.h.connectedSince = this.ctx.now();
    this.backoff.reset();
    this.lastLogged = '';
    this.ctx.log.info(`EUROMAP 63 ${this.ctx.equipmentPath}: connected (${this.settings.sessionDir})`);
    this.sink?.sourceStatus({ source: this.source(), equipmentPath: this.ctx.equipmentPath, online: true, at: this.ctx.now() });
    this.onlineReported = true;
  }

  private async pollOnce(): Promise<void> {
    // The job file is Takt's marker: a machine that restarts and clears its folder takes it with it.
    try {
      await this.files.stat(this.path(file(JOBS.report, 'JOB')));
    } catch (err) {
      if (!isMissing(err)) throw err;
      try {
        await this.files.stat(this.settings.sessionDir);
      } catch {
        throw new ConnectionLost(`session folder ${this.settings.sessionDir} is gone`);
      }
      // the report file is new as well: read it from its start (a reused inode number must not look like the old file)
      this.report = this.report.successor(file(JOBS.report, 'DAT'));
      throw new ConnectionLost('job files are gone: the machine restarted or its folder was cleared');
    }
    if (!this.draining) {
      // a rotated file left by an earlier run: deliver what is in it (the pipeline drops rows it already has)
      try {
        await this.files.stat(this.path(file(JOBS.report, 'OLD')));
        this.draining = new ReportStream(
          { equipmentPath: this.ctx.equipmentPath, timezone: this.settings.timezone, mapping: this.settings.mapping },
          file(JOBS.report, 'OLD'),
        );
      } catch {
        /* none */
      }
    }
    if (this.draining) {
      const d = this.draining;
      if (await this.deliver(d, this.path(file(JOBS.report, 'OLD')))) {
        await this.files.remove(this.path(file(JOBS.report, 'OLD')));
        this.draining = null;
      }
    }
    const atEnd = await this.deliver(this.report, this.path(file(JOBS.report, 'DAT')));
    if (atEnd && !this.draining && this.report.offset >= this.rotateBytes) {
      // APPEND files grow: rename, drain what the machine may still append to the old name on the next poll, delete
      try {
        await this.files.rename(this.path(file(JOBS.report, 'DAT')), this.path(file(JOBS.report, 'OLD')));
        this.draining = this.report;
        this.report = this.report.successor(file(JOBS.report, 'DAT'));
      } catch (err) {
        this.fail(new Error(`rotating ${file(JOBS.report, 'DAT')}: ${(err as Error).message}`));
      }
    }
    const now = this.ctx.now();
    await this.checkLife(now);
    await this.checkIdle(now);
    const a = await this.alarms.read(this.files, this.path(file(JOBS.alarms, 'DAT')), now).catch((err) => this.fileError(err, JOBS.alarms));
    if (a && (a.observations.length || a.rejections.length)) await this.submit(a.observations, a.rejections);
    a?.commit();
    if (Date.now() - this.lastRequestAt > Math.min(this.keepaliveMs, this.heartbeatOn ? Infinity : this.staleMs)) {
      await this.withSession(async () => {
        const rsp = await this.session.request(['CONNECT'], this.timeoutMs).catch((err) => {
          throw new ConnectionLost(`keep-alive: ${(err as Error).message}`, true);
        });
        if (!rsp[0].ok) throw new ConnectionLost(`keep-alive: ${rsp[0].text}`, true);
      });
    }
  }

  /** Reads and submits a report file's new rows; true when the file is read to its end (or missing). */
  private async deliver(stream: ReportStream, filePath: string): Promise<boolean> {
    const r = await stream.read(this.files, filePath, this.ctx.now()).catch((err) => this.fileError(err, stream.fileName));
    if (r === undefined) return false;
    if (r === null) return true;
    if (r.observations.length || r.rejections.length) await this.submit(r.observations, r.rejections);
    r.commit();
    if (r.rows > 0) this.lifeAt = this.ctx.now();
    if (stream === this.report) for (const o of r.observations) if (o.seq !== undefined) this.rowCounter(o.seq); // ActCntCyc of the row, whatever its tag
    return r.atEnd;
  }

  /**
   * Signs that the press restarted or stopped working its folder while the job files stayed (issue #12 item 10):
   * the heartbeat stops changing (its jobs are gone, or it is hung), its cycle counter goes back (restart), or it is
   * ahead of the per-shot report for longer than the limit (the report job is gone while the press produces). Each
   * re-establishes the jobs; the first two also make the connection stale (the machine turns Unknown, not Idle).
   */
  private async checkLife(now: number): Promise<void> {
    if (this.heartbeatOn) {
      const beat = await this.heartbeat
        .read(this.files, this.path(file(JOBS.heartbeat, 'DAT')))
        .catch((err) => this.fileError(err, file(JOBS.heartbeat, 'DAT')));
      if (beat) {
        const prev = this.lastHeartbeatCounter;
        if (beat.counter !== undefined) this.lastHeartbeatCounter = beat.counter;
        if (beat.changed) {
          this.lifeAt = now;
          if (beat.counter !== undefined && counterWentBack(prev, beat.counter))
            throw new ConnectionLost(`the cycle counter went back from ${prev} to ${beat.counter}: the press restarted`);
        }
      }
      const c = this.lastHeartbeatCounter;
      if (c !== undefined && this.lastRowCounter !== undefined && c > this.lastRowCounter) this.aheadSince ??= now;
      else this.aheadSince = null;
      if (this.aheadSince !== null && now - this.aheadSince > this.staleMs)
        throw new ConnectionLost(`the press counts cycle ${c} but its report stopped at ${this.lastRowCounter}: its report job is gone`);
      // without a heartbeat an idle press is silent too: then the keep-alive (every staleAfterS) is the only check
      if (now - this.lifeAt > this.staleMs)
        throw new ConnectionLost(
          `no heartbeat and no report from the press for ${this.settings.staleAfterS} s: it restarted and lost its jobs, or stopped answering`,
          true,
        );
    }
  }

  private rowCounter(n: number): void {
    const prev = this.lastRowCounter;
    this.lastRowCounter = n;
    if (counterWentBack(prev, n)) {
      // rows still come, so the jobs run: note the restart; the pipeline counts from the new baseline (collect/counters.ts)
      this.fail(new Error(`the cycle counter went back from ${prev} to ${n}: the press restarted or its counter was reset`));
    }
  }

  private fileError(err: unknown, name: string): undefined {
    const code = (err as NodeJS.ErrnoException)?.code;
    this.fail(new Error(`${name}: ${code ?? (err as Error).message}, reading again on the next poll`));
    return undefined;
  }

  /**
   * EUROMAP 63 reports carry no machine state. Unless the plant maps a status variable to `state`, the press counts as
   * producing (Execute) while shots arrive and as Idle once none came for three cycles (at least a minute).
   */
  private shotState(observations: Observation[]): Observation[] {
    if (this.mapsState) return observations;
    const shots = observations.filter((o) => o.tag === 'good' && o.ts !== undefined);
    for (const o of observations) if (o.tag === 'cycle_time' && typeof o.value === 'number' && o.value > 0) this.lastCycleS = o.value;
    if (!shots.length) return observations;
    this.lastShotTs = Math.max(this.lastShotTs, ...shots.map((o) => o.ts!));
    if (this.derivedState === 'Execute') return observations;
    this.derivedState = 'Execute';
    return [...observations, { ...shots[0], tag: 'state', value: 'Execute', topic: `${shots[0].topic} (shots)` }];
  }

  private idleAfterMs = () => Math.max(60_000, 3 * this.lastCycleS * 1000);

  /** No shot for a while: the press is idle (see shotState). */
  private async checkIdle(now: number): Promise<void> {
    if (this.mapsState || this.derivedState !== 'Execute' || now - this.lastShotTs < this.idleAfterMs()) return;
    // Idle only while the heartbeat shows the press alive and its counter where the last shot left it: a press that
    // lost its report job keeps counting, and one that is silent is not idle but unknown (checkLife)
    if (this.heartbeatOn && (this.lastHeartbeatCounter === undefined || this.lastHeartbeatCounter !== this.lastRowCounter)) return;
    this.derivedState = 'Idle';
    const source = { protocol: 'euromap63', client: this.ctx.equipmentPath };
    await this.sink!.submit({
      observations: [
        {
          source,
          topic: 'shots',
          equipmentPath: this.ctx.equipmentPath,
          tag: 'state',
          value: 'Idle',
          ts: this.lastShotTs + this.idleAfterMs(),
          receivedAt: now,
        },
      ],
      rejections: [],
    });
  }

  /** Hands a batch to the pipeline; throws (and nothing is committed) when the pipeline refuses it. */
  private async submit(observations: Observation[], rejections: Rejection[]): Promise<void> {
    observations = this.shotState(observations);
    await this.sink!.submit({ observations, rejections });
    this.h.received += observations.length;
    if (observations.length) this.h.lastDataAt = this.ctx.now();
  }
}
