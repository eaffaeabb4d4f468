// Assembles Takt: database, migrations, first admin, demo plant, HTTP server. Used by `takt start` and the tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { AuditAnchor, anchorSettings, installAuditAnchor } from './audit/anchor.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { AuditCheckpointer } from './audit/checkpoints.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { AuthService } from './auth/auth.service.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { EventBus } from './events.ts';
import { healthRoutes } from './health.routes.ts';
import { SignatureService } from './signatures/signatures.service.ts';
import { signatureRoutes } from './signatures/signatures.routes.ts';
import { shareMasterData } from './master-data.ts';
import { buildServer, type RouteModule } from './http/server.ts';
import { listenerError } from './listen.ts';
import { createLogger } from './log.ts';
import type { RouteInfo } from './http/guard.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
export const DEMO_PLANT_FILE = path.join(ROOT, 'demo', 'plant.yaml');

export interface TaktApp {
  ctx: AppContext;
  server: FastifyInstance;
  /** The running modules by name (tests and the CLI reach their services here). */
  modules: Map<string, TaktModule>;
  routes: RouteInfo[];
  /** Set when this start created the first admin with a random password (printed once). */
  firstAdminPassword?: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export type ModuleRoutes = (app: FastifyInstance) => void | Promise<void>;

/** A business module as the platform runs it: its routes, and background work started before and stopped after. */
export interface TaktModule {
  name: string;
  /** Built by the module's factory over its own services: every module's routes have this one signature. */
  routes?: ModuleRoutes;
  /** Called once the HTTP server listens (e.g. to open a broker port). */
  listening?(): Promise<void>;
  /** Called before the HTTP server closes: end long-lived responses (live streams) so closing does not wait on them. */
  closing?(): void;
  stop?(): Promise<void>;
}

export interface StartOptions {
  /** Creates the business modules (plant, collect, …) in order; their routes follow the platform's own. */
  modules: (ctx: AppContext) => Promise<TaktModule[]>;
  /** Called once on an empty plant (no equipment), e.g. to load the demo plant. */
  seedEmptyPlant?: (ctx: AppContext) => Promise<void>;
  /** PostgreSQL only: isolate tables in a schema (tests). */
  schema?: string;
  logger?: FastifyBaseLogger;
}

export async function openConfiguredDatabase(config: Config, schema?: string): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: schema ?? config.databaseSchema });
}

export async function createTakt(config: Config, opts: StartOptions): Promise<TaktApp> {
  const log = opts.logger ?? createLogger(config);
  const database = await openConfiguredDatabase(config, opts.schema);
  let closeAnchor = async () => {};
  try {
    const m = await migrate(database);
    if (m.applied.length) log.info({ applied: m.applied }, 'database migrated');
    // the audit anchor before the first audited write (the first admin): every new row gets its HMAC
    const anchor = AuditAnchor.open(anchorSettings(config));
    const uninstallAnchor = installAuditAnchor(anchor);
    const checkpoints = new AuditCheckpointer(database.db, anchor, config.auditCheckpointMinutes, log);
    closeAnchor = async () => {
      await checkpoints.stop().catch((err) => log.error({ err }, 'audit shutdown checkpoint failed'));
      uninstallAnchor();
    };
    await checkpoints.start();
    const auth = new AuthService(database.db, config.sessionHours);
    const admin = await auth.ensureFirstAdmin(config.adminPassword);
    const signatures = new SignatureService(database.db, auth, log);
    const ctx: AppContext = {
      config,
      database,
      db: database.db,
      auth,
      events: new EventBus(),
      log,
      version: VERSION,
      health: new Map(),
      audit: checkpoints,
      signatures,
    };
    // other instances and `takt import plant` on the same PostgreSQL database change master data too
    await shareMasterData(database, ctx.events.masterData, {
      listen: true,
      onError: (err) => log.error({ err }, 'reloading master data changed elsewhere failed'),
    });
    if (opts.seedEmptyPlant) await opts.seedEmptyPlant(ctx);
    const modules = await opts.modules(ctx);
    const stopModules = async () => {
      for (const m of [...modules].reverse()) await m.stop?.().catch((err) => log.error({ err }, `stopping ${m.name} failed`));
    };
    const platform: RouteModule[] = [healthRoutes, authRoutes, auditRoutes, signatureRoutes];
    const built = await buildServer(ctx, [...platform, ...modules.flatMap((m) => (m.routes ? [m.routes] : []))]).catch(async (err) => {
      await stopModules();
      throw err;
    });
    const { app, routes } = built;
    await app.ready();
    return {
      ctx,
      server: app,
      modules: new Map(modules.map((m) => [m.name, m])),
      routes,
      firstAdminPassword: admin.created && !config.adminPassword ? admin.password : undefined,
      async listen() {
        const address = await app.listen({ port: config.port, host: config.host }).catch((err: unknown) => {
          throw listenerError(err, {
            what: 'HTTP',
            port: config.port,
            portSetting: 'TAKT_PORT or --port',
            host: config.host,
            hostSetting: 'TAKT_HOST or --host',
          });
        });
        // a listener that cannot open (MQTT broker, demo simulator) rejects here: the caller closes and stops
        for (const m of modules) await m.listening?.();
        return address;
      },
      async close() {
        for (const m of modules) m.closing?.();
        await app.close();
        await stopModules();
        await closeAnchor();
        await database.close();
      },
    };
  } catch (err) {
    await closeAnchor().catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
}
