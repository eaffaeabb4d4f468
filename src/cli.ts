// The `takt` command line: one entry for running, administering and exercising Takt.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { PASSWORD_RULE } from './platform/auth/policy.ts';
import { loadConfig, ConfigError } from './platform/config.ts';
import { DataDirBusyError } from './platform/db/data-lock.ts';
import { AppError } from './platform/errors.ts';
import type { AuditAnchor as AuditAnchorType } from './platform/audit/anchor.ts';

interface DbFlags {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

const dbOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('--data-dir <dir>', 'where the embedded database keeps its data (default ./data; env TAKT_DATA_DIR)'))
    .addOption(new Option('--database-url <url>', 'use a PostgreSQL server instead (env DATABASE_URL)'))
    .addOption(new Option('--config <file>', 'config file, YAML or JSON (env TAKT_CONFIG; default ./takt.config.yaml if present)'));

const configFrom = (f: DbFlags) => loadConfig({ dataDir: f.dataDir, databaseUrl: f.databaseUrl, config: f.config });

/** The MQTT username `takt sim` uses with --password alone. */
const SIM_USERNAME = 'takt-sim';

const cliActor = () => ({ id: null, name: `cli:${os.userInfo().username}` });

/** Opens the database for a one-off command (migrating first), runs fn, closes it. */
async function withDb<T>(flags: DbFlags, fn: (ctx: Awaited<ReturnType<typeof openForCli>>) => Promise<T>): Promise<T> {
  const ctx = await openForCli(flags);
  try {
    return await fn(ctx);
  } finally {
    ctx.uninstallAnchor();
    await ctx.database.close();
  }
}

async function openForCli(flags: DbFlags) {
  const config = configFrom(flags);
  const { openConfiguredDatabase } = await import('./platform/app.ts');
  const { migrate } = await import('./platform/db/migrate.ts');
  const { AuthService } = await import('./platform/auth/auth.service.ts');
  const { AuditAnchor, anchorSettings, installAuditAnchor } = await import('./platform/audit/anchor.ts');
  const database = await openConfiguredDatabase(config);
  let anchor: AuditAnchorType;
  try {
    const m = await migrate(database);
    if (m.applied.length) process.stderr.write(`migrated: ${m.applied.join(', ')}\n`);
    // commands that write (user add, import plant …) sign their audit rows with the same key as the server
    anchor = AuditAnchor.open(anchorSettings(config));
    // as `takt start` does: the first checkpoint vouches for rows written before the anchor existed
    if (!anchor.read().valid.length) await (await import('./platform/audit/audit.service.ts')).writeCheckpoint(database.db, anchor, 'start');
  } catch (err) {
    await database.close();
    throw err;
  }
  const uninstallAnchor = installAuditAnchor(anchor);
  return { config, database, db: database.db, auth: new AuthService(database.db, config.sessionHours), anchor, uninstallAnchor };
}

async function readPasswordFromStdin(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('takt').description('Takt — an open-source Manufacturing Execution System').showHelpAfterError().exitOverride();

  dbOptions(
    program
      .command('start')
      .description('run Takt: HTTP server and web app, embedded database unless DATABASE_URL is set')
      .option('--port <n>', 'HTTP port (default 3000; env TAKT_PORT)')
      .option('--host <addr>', 'address to listen on (default 0.0.0.0; env TAKT_HOST)')
      .option(
        '--demo',
        'load the demo plant, its simulator and demo people with published badge PINs into an empty database (env TAKT_DEMO; npm start sets it) — not for production',
      )
      .option('--no-demo', 'do not load the demo (the default: an empty database stays empty apart from the first admin)'),
  ).action(async (f: DbFlags & { port?: string; host?: string; demo?: boolean }) => {
    const { startServer } = await import('./start.ts');
    const { port, host, dataDir, databaseUrl, config, demo } = f;
    try {
      await startServer(loadConfig({ port, host, dataDir, databaseUrl, config, demo }));
    } catch (err) {
      // whatever a failed start left behind (timers, sockets of a half-started connector) must not keep it alive
      process.exit(reportError(err));
    }
  });

  dbOptions(program.command('migrate').description('apply database migrations and exit')).action(async (f: DbFlags) => {
    await withDb(f, async ({ database }) => process.stdout.write(`database ${database.kind} at ${database.location} is up to date\n`));
  });

  const user = program.command('user').description('manage people who sign in');
  dbOptions(
    user
      .command('add')
      .description('add a user (password from --password, or read from stdin)')
      .argument('<username>')
      .requiredOption('--role <roles>', 'comma-separated: admin, supervisor, operator, quality, maintenance')
      .option('--name <display name>')
      .option('--password <password>', `the password, ${PASSWORD_RULE} (prefer stdin, which keeps it out of shell history)`)
      .option('--badge <badge>', 'badge id for the operator terminal'),
  ).action(async (username: string, f: DbFlags & { role: string; name?: string; password?: string; badge?: string }) => {
    const { userCreateSchema } = await import('./platform/auth/auth.service.ts');
    const password = f.password ?? (await readPasswordFromStdin(`password (${PASSWORD_RULE}): `));
    const input = userCreateSchema.parse({ username, roles: f.role.split(',').map((r) => r.trim()), displayName: f.name, password, badge: f.badge });
    await withDb(f, async ({ auth }) => {
      const u = await auth.createUser(cliActor(), input);
      process.stdout.write(`added ${u.username} (${u.roles.join(', ')})\n`);
    });
  });
  dbOptions(
    user
      .command('passwd')
      .description(`set a user's password (from --password or stdin; ${PASSWORD_RULE})`)
      .argument('<username>')
      .option('--password <password>'),
  ).action(async (username: string, f: DbFlags & { password?: string }) => {
    const { passwordSchema } = await import('./platform/auth/auth.service.ts');
    const password = passwordSchema.parse(f.password ?? (await readPasswordFromStdin(`new password (${PASSWORD_RULE}): `)));
    await withDb(f, async ({ auth }) => {
      await auth.setPassword(cliActor(), username, password);
      process.stdout.write(`password of ${username} changed; their sessions were ended\n`);
    });
  });
  dbOptions(user.command('list').description('list users')).action(async (f: DbFlags) => {
    await withDb(f, async ({ auth }) => {
      for (const u of await auth.listUsers())
        process.stdout.write(`${u.username.padEnd(20)} ${u.roles.join(',').padEnd(30)} ${u.active ? 'active' : 'inactive'}  ${u.displayName}\n`);
    });
  });

  const token = program.command('token').description('manage API tokens for machines and integrations');
  dbOptions(
    token
      .command('add')
      .description('create an API token; the secret is printed once')
      .argument('<name>')
      .requiredOption('--role <role>', 'integration | device')
      .option('--equipment <path>', 'limit a device token to this equipment and everything below it'),
  ).action(async (name: string, f: DbFlags & { role: string; equipment?: string }) => {
    const { tokenCreateSchema } = await import('./platform/auth/auth.service.ts');
    const input = tokenCreateSchema.parse({ name, role: f.role, equipmentPath: f.equipment });
    await withDb(f, async ({ auth }) => {
      const t = await auth.createToken(cliActor(), input);
      process.stdout.write(`${t.token}\n`);
      process.stderr.write(`token '${t.name}' (${t.role}) created; keep the secret above, it is not shown again\n`);
    });
  });

  const imp = program.command('import').description('import data');
  dbOptions(imp.command('plant').description('load a plant file (YAML or JSON) in one transaction').argument('<file>')).action(
    async (file: string, f: DbFlags) => {
      const { importPlant, parsePlantFile } = await import('./plant/index.ts');
      const { EventBus } = await import('./platform/events.ts');
      const { shareMasterData } = await import('./platform/master-data.ts');
      const parsed = parsePlantFile(readFileSync(file, 'utf8'));
      await withDb(f, async ({ db, database }) => {
        // a Takt running on the same PostgreSQL database reloads its plant model on this import (platform/master-data.ts)
        const events = new EventBus();
        await shareMasterData(database, events.masterData, { listen: false });
        const counts = await importPlant(db, events, cliActor(), parsed, `takt import plant ${file}`);
        process.stdout.write(`${JSON.stringify(counts)}\n`);
      });
    },
  );
  const exp = program.command('export').description('export data');
  dbOptions(exp.command('plant').description('print the whole plant as a plant file').option('--format <format>', 'yaml | json', 'yaml')).action(
    async (f: DbFlags & { format: string }) => {
      const { exportPlant, plantFileToText } = await import('./plant/index.ts');
      if (f.format !== 'yaml' && f.format !== 'json') throw new ConfigError('--format must be yaml or json');
      await withDb(f, async ({ db }) => process.stdout.write(plantFileToText(await exportPlant(db), f.format as 'yaml' | 'json')));
    },
  );

  const audit = program.command('audit').description('the audit trail');
  dbOptions(
    audit
      .command('verify')
      .description('recompute the hash chain, check row HMACs and signed checkpoints; exit 1 and name the first broken row if any was altered or removed'),
  ).action(async (f: DbFlags) => {
    const { verifyAudit } = await import('./platform/audit/audit.service.ts');
    await withDb(f, async ({ db, anchor }) => {
      const r = await verifyAudit(db, (n) => process.stderr.write(`\rchecked ${n} rows`), anchor);
      process.stderr.write('\n');
      const cps = r.anchor ? `, ${r.anchor.checkpoints} signed checkpoints (key ${r.anchor.keyId})` : '';
      if (r.ok) process.stdout.write(`audit trail intact: ${r.checked} rows checked${cps}\n`);
      else {
        process.stdout.write(`audit trail BROKEN at row ${r.firstBroken!.seq}: ${r.firstBroken!.reason} (${r.checked} rows before it are intact)\n`);
        process.exitCode = 1;
      }
    });
  });
  dbOptions(audit.command('checkpoint').description("sign the trail's head (sequence, hash) into the checkpoint file outside the database")).action(
    async (f: DbFlags) => {
      const { writeCheckpoint } = await import('./platform/audit/audit.service.ts');
      await withDb(f, async ({ db, anchor }) => {
        const cp = await writeCheckpoint(db, anchor, 'manual');
        process.stdout.write(
          `checkpoint: row ${cp.seq} hash ${cp.hash} at ${cp.at} (key ${cp.key})${anchor.checkpointFile ? ` → ${anchor.checkpointFile}` : ''}\n`,
        );
      });
    },
  );
  dbOptions(audit.command('public-key').description('print the Ed25519 public key (PEM) with which an auditor checks the checkpoint file')).action(
    async (f: DbFlags) => {
      const { AuditAnchor, anchorSettings } = await import('./platform/audit/anchor.ts');
      // no database needed: the key lives outside it
      process.stdout.write(AuditAnchor.open(anchorSettings(configFrom(f))).publicKeyPem());
    },
  );

  program
    .command('sim')
    .description('simulate machines publishing over MQTT (UNS JSON and Sparkplug B) — the demo plant, or N synthetic machines')
    .option('--url <url>', 'broker URL', 'mqtt://127.0.0.1:1883')
    .option('--username <name>', `MQTT username (default ${SIM_USERNAME} when --password is given)`)
    .option('--password <secret>', "MQTT password: an API token with role device or integration for Takt's broker")
    .option('--plant <file>', 'plant file whose machines to simulate (default: the demo plant)')
    .option('--machines <n>', 'simulate N synthetic machines instead (load tests)')
    .option('--tags <m>', 'process values per synthetic machine', '4')
    .option('--protocol <p>', 'uns | sparkplug | mixed', 'mixed')
    .option('--seed <n>', 'random seed (same seed, same behaviour)', '1')
    .option('--speed <x>', 'time scale: 1 = real time, 60 = a minute per second', '1')
    .option('--batch', 'send several tags per message on _batch')
    .option('--counter-resets', 'reset counters now and then (exercises reset handling)')
    .option('--duration <s>', 'stop after S seconds')
    .option('--write-plant <file>', 'with --machines: write the plant file of the synthetic machines (for takt import plant)')
    .option('--setup-scale <x>', 'multiply changeover durations')
    .option('--opcua-port <n>', 'also serve a simulated OPC UA machine on this port (opc.tcp://127.0.0.1:<n>)')
    .option('--opcua-name <id>', 'its machine id (node ids nsu=urn:takt:sim:opcua:<id>;s=<id>.State …)', 'imm05')
    .option('--euromap63-dir <dir>', 'also emulate a EUROMAP 63 press answering sessions in this folder')
    .option('--no-mqtt', 'only the OPC UA / EUROMAP 63 machines, no MQTT machines')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const extra: Array<{ stop(): Promise<void> }> = [];
      if (opts.opcuaPort) {
        const { startOpcuaMachine } = await (await import('./sim/index.ts')).loadOpcuaSim();
        const m = await startOpcuaMachine({ port: Number(opts.opcuaPort), name: String(opts.opcuaName), seed: Number(opts.seed ?? 1) });
        process.stderr.write(`takt sim: OPC UA machine ${opts.opcuaName} on ${m.endpoint} (namespace ${m.namespaceUri})\n`);
        extra.push(m);
      }
      if (opts.euromap63Dir) {
        const { startEuromap63Press } = await (await import('./sim/index.ts')).loadEuromap63Sim();
        const { mkdirSync } = await import('node:fs');
        mkdirSync(String(opts.euromap63Dir), { recursive: true });
        extra.push(await startEuromap63Press({ sessionDir: String(opts.euromap63Dir), seed: Number(opts.seed ?? 1), speed: Number(opts.speed ?? 1) }));
        process.stderr.write(`takt sim: EUROMAP 63 press answering in ${opts.euromap63Dir}\n`);
      }
      const stopExtra = async () => void (await Promise.all(extra.map((x) => x.stop().catch(() => {}))));
      if (opts.mqtt === false) {
        if (!extra.length) throw new ConfigError('--no-mqtt needs --opcua-port or --euromap63-dir');
        const seconds = opts.duration ? Number(opts.duration) : Infinity;
        await new Promise<void>((resolve) => {
          if (Number.isFinite(seconds)) setTimeout(resolve, seconds * 1000);
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await stopExtra();
        return;
      }
      const { runSimCommand } = await import('./sim/index.ts');
      const { mqtt: _mqtt, opcuaPort: _p, opcuaName: _n, euromap63Dir: _d, ...simOpts } = opts;
      // MQTT 3.1.1 §3.1.2.9: a password needs a username; Takt's broker reads the token from the password, any name will do
      if (simOpts.password && !simOpts.username) simOpts.username = SIM_USERNAME;
      process.exitCode = await runSimCommand(simOpts);
      await stopExtra();
    });

  program
    .command('solve')
    .description('solve a job-shop (jssp) or flexible job-shop (fjsp) benchmark file; prints one JSON object')
    .argument('<file>', 'instance file')
    .requiredOption('--format <format>', 'jssp | fjsp')
    .option('--time-limit <seconds>', 'time limit in seconds', '10')
    .option('--seed <n>', 'random seed', '1')
    .action(async (file: string, opts: { format: string; timeLimit: string; seed: string }) => {
      const { runSolveCommand } = await import('./scheduling/index.ts');
      process.exitCode = await runSolveCommand({ file, ...opts });
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.exitCode = reportError(err);
  }
}

/** Writes a failed command's error to stderr as `takt: …` and returns its exit code (2: bad input or setting). */
function reportError(err: unknown): number {
  if (err instanceof ConfigError || err instanceof DataDirBusyError) {
    process.stderr.write(`takt: ${err.message}\n`);
    return 2;
  }
  if (err instanceof AppError) {
    process.stderr.write(`takt: ${err.message}\n`);
    if (Array.isArray(err.details))
      for (const d of err.details as Array<{ path: string; message: string }>) process.stderr.write(`  ${d.path}: ${d.message}\n`);
    return 2;
  }
  if ((err as { name?: string }).name === 'ZodError') {
    for (const i of (err as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues)
      process.stderr.write(`takt: ${i.path.join('.') || 'input'}: ${i.message}\n`);
    return 2;
  }
  process.stderr.write(`takt: ${(err as Error).message}\n`);
  return 1;
}
