// SQL of the certificates of analysis: the measurements recorded against one lot (ADR 0006; the quality module's own
// table, rows mapped by the quality repository's mappers).
import { rowsOf, sql, type Db } from '../../platform/db/database.ts';
import type { StoredMeasurement } from '../model.ts';
import { measurementOf } from '../quality.repository.ts';

/** A lot's measurements in time order (ties in arrival order), at most `limit`. */
export async function lotMeasurements(db: Db, lot: string, limit: number): Promise<StoredMeasurement[]> {
  const rows = await rowsOf<Record<string, unknown>>(db, sql`SELECT * FROM quality_measurements WHERE lot = ${lot} ORDER BY ts, id LIMIT ${limit}`);
  return rows.map(measurementOf);
}
