// Checked-in SQL migrations, applied in file-name order, each once, each in its own transaction.
// See docs/adr/0002-sql-migrations.md for why these are plain SQL files rather than drizzle-kit's journal.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowsOf, sql, type Database } from './database.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  // Several Takt instances may start at once against one server: the advisory lock lets one migrate at a time.
  // Only create the journal when it is missing: Takt may run as a role without CREATE rights (docs/security), and
  // CREATE … IF NOT EXISTS checks those rights before it looks.
  const [journal] = await rowsOf<{ present: boolean }>(database.db, sql`SELECT to_regclass('takt_migrations') IS NOT NULL AS present`);
  if (!journal?.present)
    await database.execScript(`
      CREATE TABLE IF NOT EXISTS takt_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
    `);
  const applied: string[] = [];
  const files = listMigrations(dir);
  const done = new Set((await rowsOf<{ id: string }>(database.db, sql`SELECT id FROM takt_migrations`)).map((r) => r.id));
  for (const file of files) {
    if (done.has(file)) continue;
    const body = readFileSync(path.join(dir, file), 'utf8');
    const id = file.replace(/'/g, "''");
    await database.execScript(`
      SELECT pg_advisory_xact_lock(72530001);
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM takt_migrations WHERE id = '${id}') THEN
          RAISE EXCEPTION 'takt: migration ${id} applied concurrently' USING ERRCODE = 'P0001';
        END IF;
      END $$;
      ${body}
      ;INSERT INTO takt_migrations (id) VALUES ('${id}');
    `);
    applied.push(file);
  }
  return { applied, alreadyApplied: done.size };
}
