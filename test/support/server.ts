// One Takt per test file, on PGlite (in memory) or on the PostgreSQL server in a throw-away schema.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import type { CollectService } from '../../src/collect/index.ts';
import type { MqttConnector } from '../../src/connectors/mqtt/index.ts';
import { createModules, loadDemoPlantIfEmpty, type CollectModule, type MqttModule } from '../../src/modules.ts';
import { createTakt, type TaktApp } from '../../src/platform/app.ts';
import { loadConfig, type ConfigInput } from '../../src/platform/config.ts';

export type DbKind = 'pglite' | 'postgres';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Which databases the storage and API tests run on (both unless TAKT_TEST_DBS narrows it). */
export const DB_KINDS: DbKind[] = (process.env.TAKT_TEST_DBS ?? 'pglite,postgres').split(',').map((s) => s.trim()) as DbKind[];

export interface TestServer {
  url: string;
  kind: DbKind;
  app: TaktApp;
  adminUsername: string;
  adminPassword: string;
  adminToken: string;
  /** The password of the users tokenFor creates (passes the password rules). */
  userPassword: string;
  /** The MQTT broker machines use (embedded: a free port on 127.0.0.1), set once listening. */
  mqttUrl: string;
  /** A device API token, usable as MQTT password. */
  deviceToken(): Promise<string>;
  collect: CollectService;
  /** The MQTT connector (embedded broker or external client). */
  mqtt(): MqttConnector | undefined;
  /** Runs raw SQL against this server's database (PostgreSQL: in its own schema). */
  sql(text: string, params?: unknown[]): Promise<unknown[]>;
  /** A bearer token for a new user with exactly these roles. */
  tokenFor(roles: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  db?: DbKind;
  demo?: boolean;
  listen?: boolean;
  /** Use this external broker (e.g. Mosquitto) instead of the embedded one. */
  mqttUrl?: string;
  simulate?: boolean;
  /** PostgreSQL: connect through this URL (e.g. a proxy that can cut the connection) instead of POSTGRES_URL. */
  databaseUrl?: string;
  /** PGlite: keep the data in this folder (to restart on it) instead of memory. */
  dataDir?: string;
  /** PostgreSQL: use this schema (to restart on it) instead of a fresh one; with keepSchema, close() leaves it. */
  schema?: string;
  keepSchema?: boolean;
  collectMaxBuffered?: number;
  /** Also names Takt's MQTT client id on an external broker: reuse it to resume a persistent session. */
  sparkplugHostId?: string;
  /**
   * TAKT_OUTBOUND_ALLOW for this server: tests that point webhooks or OPC UA browse at a local receiver open
   * loopback here (e.g. '127.0.0.1'); by default nothing special is allowed, as in production.
   */
  outboundAllow?: string;
  /** Any other settings (e.g. trustProxy, minFreeDiskMb, the audit key and checkpoint files). */
  config?: Partial<ConfigInput>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const kind = opts.db ?? 'pglite';
  const adminPassword = 'test-admin-pass';
  const userPassword = 'tester-pass-4711';
  const schema = kind === 'postgres' ? (opts.schema ?? `takt_test_${process.pid}_${randomBytes(4).toString('hex')}`) : undefined;
  const config = loadConfig(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: opts.dataDir ?? 'memory://',
      databaseUrl: kind === 'postgres' ? (opts.databaseUrl ?? POSTGRES_URL) : undefined,
      collectMaxBuffered: opts.collectMaxBuffered,
      sparkplugHostId: opts.sparkplugHostId ?? `takt-test-${randomBytes(3).toString('hex')}`,
      adminPassword,
      demo: opts.demo ?? true,
      logLevel: (process.env.TAKT_TEST_LOG as 'info') ?? 'silent',
      mqttPort: 0,
      mqttHost: '127.0.0.1',
      mqttUrl: opts.mqttUrl,
      simulate: opts.simulate ?? false,
      // no test depends on the time of day: the simulator ignores the demo's shifts (TAKT_SIM_CALENDARS)
      simCalendars: false,
      outboundAllow: opts.outboundAllow,
      ...opts.config,
    },
    {},
  );
  const app = await createTakt(config, { modules: createModules, seedEmptyPlant: loadDemoPlantIfEmpty, schema });
  let url = '';
  if (opts.listen !== false) {
    await app.listen();
    const addr = app.server.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }
  const login = async (username: string, password: string) => {
    const res = await app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
    return res.json().token as string;
  };
  const adminToken = await login('admin', adminPassword);
  let n = 0;
  const collectModule = app.modules.get('collect') as CollectModule;
  const mqttModule = app.modules.get('mqtt') as MqttModule;
  return {
    url,
    kind,
    mqttUrl: opts.mqttUrl ?? mqttModule.mqtt?.url ?? '',
    collect: collectModule.collect,
    mqtt: () => mqttModule.mqtt,
    async deviceToken() {
      const res = await app.server.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { name: `device-${++n}`, role: 'device' },
      });
      if (res.statusCode !== 201) throw new Error(res.body);
      return res.json().token as string;
    },
    app,
    adminUsername: 'admin',
    adminPassword,
    adminToken,
    userPassword,
    sql: (text, params = []) => app.ctx.database.query(text, params),
    async tokenFor(roles) {
      const username = `u${++n}_${roles.join('_')}`;
      const res = await app.server.inject({
        method: 'POST',
        url: '/api/users',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { username, roles, password: userPassword },
      });
      if (res.statusCode !== 201) throw new Error(res.body);
      return login(username, userPassword);
    },
    async close() {
      await app.close();
      if (schema && !opts.keepSchema) {
        const c = new pg.Client({ connectionString: POSTGRES_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    },
  };
}

/**
 * The API through the server's inject (no socket), with the admin's token unless told: `call` answers the status and
 * the parsed body (undefined when empty); `ok` expects a 2xx and answers the body. `server` is asked at each call, so
 * the helpers can be made before beforeAll starts the server.
 */
export function injectApi(server: () => Pick<TestServer, 'app' | 'adminToken'>) {
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON bodies they expect
  const call = async (method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> => {
    const res = await server().app.server.inject({
      method: method as 'GET',
      url,
      payload: body as object,
      headers: { authorization: `Bearer ${token ?? server().adminToken}` },
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const ok = async (method: string, url: string, body?: unknown, token?: string) => {
    const res = await call(method, url, body, token);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  return { call, ok };
}
