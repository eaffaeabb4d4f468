// Execution's scrap reasons as a catalogue other modules read and extend (quality's defect codes are these: one list
// for the terminal's scrap and the quality measurements' defect breakdown). Runs on the caller's connection or
// transaction, like the order book, so a caller's audited write stays one transaction.
import { rowsOf, sql, type Db } from '../platform/db/database.ts';

export interface ScrapReason {
  code: string;
  name: string;
  category: string | null;
}

export interface ScrapReasonCatalogue {
  /** The active scrap reasons, by code. */
  list(db: Db): Promise<ScrapReason[]>;
  /** Adds one; undefined when a scrap reason with this code exists already. */
  add(tx: Db, r: ScrapReason): Promise<ScrapReason | undefined>;
}

type Row = { code: string; label: string; category: string | null };
const reasonOf = (r: Row): ScrapReason => ({ code: r.code, name: r.label, category: r.category ?? null });

export const scrapReasons: ScrapReasonCatalogue = {
  async list(db) {
    const rows = await rowsOf<Row>(db, sql`SELECT code, label, category FROM reason_codes WHERE kind = 'scrap' AND active ORDER BY code`);
    return rows.map(reasonOf);
  },
  async add(tx, r) {
    const rows = await rowsOf<Row>(
      tx,
      sql`INSERT INTO reason_codes (kind, code, label, category) VALUES ('scrap', ${r.code}, ${r.name}, ${r.category})
          ON CONFLICT (kind, code) DO NOTHING RETURNING code, label, category`,
    );
    return rows[0] ? reasonOf(rows[0]) : undefined;
  },
};
