// One PostgreSQL dialect everywhere: embedded PGlite (default, data under ./data) or a PostgreSQL server via DATABASE_URL.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { lockDataDir } from './data-lock.ts';

/** The query handle every repository receives: the whole database or a transaction inside it. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Querier {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** Where the data lives, for logs and the README's backup advice. */
  readonly location: string;
  /** Runs a script of several statements in one transaction (migrations). */
  execScript(script: string): Promise<void>;
  /** One parameterised statement outside drizzle ($1, $2 …): bulk loads and tooling. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several raw statements in one transaction (the collect pipeline's batch writes). */
  transaction<T>(fn: (q: Querier) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only (other processes can share it; PGlite's data folder is locked to one): tells every process that
   * listens on `topic` in this database and schema (NOTIFY).
   */
  notify?(topic: string, payload: string): Promise<void>;
  /**
   * PostgreSQL only: LISTENs on `topic` over a connection of its own, reconnecting every second while it is lost;
   * `onGap` runs after each reconnection, since what was sent meanwhile is lost. Ended by `close()`.
   */
  listen?(topic: string, onMessage: (payload: string) => void, onGap: () => void): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  dataDir?: string;
  /** PostgreSQL only: put every table in this schema (created if missing) — used to isolate test runs. */
  schema?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.schema, opts.poolSize ?? 10);
  return openPglite(opts.dataDir ?? './data');
}

async function openPglite(dataDir: string): Promise<Database> {
  let location = dataDir;
  let release = () => {};
  if (!dataDir.startsWith('memory://')) {
    release = lockDataDir(dataDir);
    location = path.resolve(dataDir, 'pgdata');
    mkdirSync(location, { recursive: true });
  }
  const client = new PGlite(location);
  try {
    await client.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  const db = drizzlePglite(client) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    location,
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query<T>(text, params)).rows;
    },
    transaction<T>(fn: (q: Querier) => Promise<T>) {
      return client.transaction((tx) => fn({ query: async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows }));
    },
    async execScript(script) {
      await client.transaction(async (tx) => {
        await tx.exec(script);
      });
    },
    async close() {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

const SAFE_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

async function openPostgres(url: string, schema: string | undefined, max: number): Promise<Database> {
  if (schema !== undefined && !SAFE_SCHEMA.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // only when missing: a role without CREATE on the database (docs/security) may still use an existing schema
      const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (!exists.rowCount) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // A server that goes away must not crash the process: idle clients report errors here.
  pool.on('error', () => {});
  const probe = await pool.connect();
  probe.release();
  const db = drizzleNodePg(pool) as unknown as Db;
  const listeners: Array<() => Promise<void>> = [];
  const safeUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return {
    kind: 'postgres',
    db,
    location: schema ? `${safeUrl} (schema ${schema})` : safeUrl,
    async query<T>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as T[];
    },
    async transaction<T>(fn: (q: Querier) => Promise<T>) {
      const c = await pool.connect();
      // a server that goes away mid-transaction fails the query; the client's error event must not crash the process
      const swallow = () => {};
      c.on('error', swallow);
      try {
        await c.query('BEGIN');
        const out = await fn({ query: async <R>(text: string, params: unknown[] = []) => (await c.query(text, params)).rows as R[] });
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.off('error', swallow);
        c.release();
      }
    },
    async execScript(script) {
      const c = await pool.connect();
      const swallow = () => {};
      c.on('error', swallow);
      try {
        await c.query('BEGIN');
        await c.query(script);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.off('error', swallow);
        c.release();
      }
    },
    notify: async (topic, payload) => void (await pool.query('SELECT pg_notify($1, $2)', [channelOf(topic, schema), payload])),
    async listen(topic, onMessage, onGap) {
      listeners.push(await listenOn(url, channelOf(topic, schema), onMessage, onGap));
    },
    async close() {
      for (const stop of listeners.splice(0)) await stop();
      await pool.end();
    },
  };
}

/** NOTIFY channels are per database, not per schema: the schema is part of the channel (hashed: names stop at 63). */
const channelOf = (topic: string, schema: string | undefined) =>
  `${topic}_${createHash('sha256')
    .update(schema ?? '')
    .digest('hex')
    .slice(0, 16)}`;

async function listenOn(url: string, channel: string, onMessage: (payload: string) => void, onGap: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    client = undefined;
    if (closed) return;
    timer = setTimeout(() => void connect(false).catch(retry), 1000);
    timer.unref();
  };
  const connect = async (first: boolean) => {
    // keep-alive notices a silently dead peer; the timeout keeps a reconnection from hanging on one
    const c = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 10_000 });
    c.on('error', () => {}); // a lost connection also ends it: 'end' below reconnects
    c.on('notification', (m) => m.channel === channel && m.payload !== undefined && onMessage(m.payload));
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    if (closed) return void (await c.end().catch(() => {}));
    client = c;
    c.on('end', () => client === c && retry());
    if (!first) onGap();
  };
  await connect(true);
  return async () => {
    closed = true;
    clearTimeout(timer);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}

/** Rows of a raw query, the same on both drivers. */
export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** A text[] parameter in a `sql` template (drizzle spreads a plain array into a list, which is not an array value). */
export const textArray = (values: readonly string[]): SQL =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

export { sql };
