// Duplicates and conflicts are decided by the database write, so the answer is true at any age of the data: after a
// restart and beyond the in-memory duplicate window (issue #11 item 13). Answered per record by HTTP ingest.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGLITE_PART } from '../../src/collect/flush.ts';
import { DB_KINDS, POSTGRES_URL, startTestServer, type TestServer, type TestServerOptions } from '../support/server.ts';

const ST10 = 'acme/lakeside/assembly/line1/st10';
const ST20 = 'acme/lakeside/assembly/line1/st20';

type Rec = { equipment: string; tag: string; ts: number; value: number | string };
type Status = 'accepted' | 'duplicate' | 'quarantined';

async function ingest(t: TestServer, records: Rec[]): Promise<Array<{ status: Status; reason?: string }>> {
  const res = await t.app.server.inject({ method: 'POST', url: '/api/ingest', payload: { records }, headers: { authorization: `Bearer ${t.adminToken}` } });
  if (res.statusCode !== 200) throw new Error(`ingest: ${res.statusCode} ${res.body}`);
  return res.json().results;
}

async function stored(t: TestServer, r: Rec): Promise<unknown[]> {
  const rows = (await t.sql(
    `SELECT coalesce(v.txt, v.num::text) AS v FROM tag_values v JOIN tag_series s ON s.id = v.series_id JOIN equipment e ON e.id = s.equipment_id
     WHERE e.path = $1 AND s.tag = $2 AND v.ts = to_timestamp($3::float8 / 1000)`,
    [r.equipment, r.tag, r.ts],
  )) as Array<{ v: string }>;
  return rows.map((x) => (typeof r.value === 'number' ? Number(x.v) : x.v));
}

for (const kind of DB_KINDS) {
  describe(`duplicates and conflicts at any age on ${kind}`, () => {
    it('after a restart: the same values are answered duplicate, changed values are quarantined as conflicts with both values', {
      timeout: 240_000,
    }, async () => {
      const dir = kind === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'takt-conflicts-')) : undefined;
      const schema = kind === 'postgres' ? `takt_test_conflicts_${randomBytes(4).toString('hex')}` : undefined;
      const opts: TestServerOptions = { db: kind, dataDir: dir, schema, keepSchema: true };
      const base = Date.now() - 7_200_000;
      const records: Rec[] = [
        ...[0, 1, 2, 3, 4].map((i) => ({ equipment: ST10, tag: 'torque', ts: base + i * 1000, value: 0.5 + i / 100 })),
        { equipment: ST20, tag: 'testProgram.sp', ts: base, value: 'P-100' },
      ];
      // not sent again before it is changed: the restarted server's memory knows nothing of it
      const extra: Rec = { equipment: ST10, tag: 'torque', ts: base + 10_000, value: 0.7 };
      let t = await startTestServer(opts);
      try {
        expect((await ingest(t, [...records, extra])).map((r) => r.status)).toEqual([...records, extra].map(() => 'accepted'));
        await t.close();
        t = await startTestServer({ ...opts, demo: false });
        // each record once more, the first one twice: the copy is a duplicate as well
        const again = await ingest(t, [...records, records[0]]);
        expect(again.map((r) => r.status)).toEqual([...records, records[0]].map(() => 'duplicate'));
        expect(t.collect.pipeline.metrics).toMatchObject({ duplicates: records.length + 1, stored: 0, quarantined: 0 });
        const all = [...records, extra];
        const changed = all.map((r) => ({ ...r, value: typeof r.value === 'number' ? r.value + 0.25 : `${r.value}-b` }));
        // the changed extra record twice: the copy shares the fate of the first, which only the database can tell
        const answers = await ingest(t, [...changed, changed[6]]);
        expect(answers.map((r) => r.status)).toEqual([...changed, changed[6]].map(() => 'quarantined'));
        expect(answers[6].reason).toMatch(/different value \(0\.7\)/);
        expect(answers[7].reason).toMatch(/different value \(0\.7\)/);
        expect(answers[0].reason).toMatch(/different value \(0\.5\) is already stored/);
        expect(answers[5].reason).toMatch(/different value \(P-100\)/);
        expect(t.collect.pipeline.metrics).toMatchObject({ quarantined: all.length, conflicts: all.length });
        for (const [i, r] of all.entries()) {
          expect(await stored(t, r), `record ${i}`).toEqual([r.value]); // the first value stays
          const q = (await t.sql(`SELECT reason, payload FROM quarantine WHERE payload LIKE $1`, [`%"ts":${r.ts}%`])) as Array<{ payload: string }>;
          const kept = q.map((x) => JSON.parse(x.payload)).filter((p) => p.tag === r.tag);
          expect(kept, `record ${i}`).toEqual([{ tag: r.tag, ts: r.ts, value: changed[i].value, stored: r.value }]);
        }
        // and the memory now knows the stored value: the changed value sent once more is a conflict again, not a duplicate
        expect((await ingest(t, changed.slice(6)))[0].status).toBe('quarantined');
      } finally {
        await t.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
        if (schema) {
          const c = new pg.Client({ connectionString: POSTGRES_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        }
      }
    });

    describe('on one server', () => {
      let t: TestServer;
      beforeAll(async () => {
        t = await startTestServer({ db: kind });
      });
      afterAll(async () => t?.close());

      it('beyond the in-memory window (more than 1,000 values of a tag): duplicates and conflicts are still told apart', async () => {
        const base = Date.now() - 6_000_000;
        const records: Rec[] = Array.from({ length: 1100 }, (_, i) => ({ equipment: ST10, tag: 'torque', ts: base + i, value: (i % 100) / 10 }));
        expect((await ingest(t, records)).every((r) => r.status === 'accepted')).toBe(true);
        const m0 = { ...t.collect.pipeline.metrics };
        const oldest = records.slice(0, 10);
        expect((await ingest(t, oldest)).map((r) => r.status)).toEqual(oldest.map(() => 'duplicate'));
        const changed = oldest.map((r) => ({ ...r, value: Number(r.value) + 10 }));
        const answers = await ingest(t, changed);
        expect(answers.map((r) => r.status)).toEqual(oldest.map(() => 'quarantined'));
        const m1 = t.collect.pipeline.metrics;
        expect(m1.duplicates - m0.duplicates).toBe(10);
        expect(m1.conflicts - m0.conflicts).toBe(10);
        expect(m1.stored - m0.stored).toBe(0);
        for (const r of oldest) expect(await stored(t, r)).toEqual([r.value]);
      });

      it(`a batch of more values than one PGlite statement writes (${PGLITE_PART}): every part stored, roll-ups exact, repeats across parts told apart`, async () => {
        const base = Math.floor((Date.now() - 4_000_000) / 60_000) * 60_000;
        const n = 2 * PGLITE_PART + 600;
        const tags = ['torque', 'torque.sp'];
        const records: Rec[] = Array.from({ length: n }, (_, i) => ({
          equipment: ST10,
          tag: tags[i % 2],
          ts: base + Math.floor(i / 2) * 100,
          value: (i % 17) / 4,
        }));
        // repeats of earlier instants in later parts: the same value (a duplicate), a different one (a conflict)
        const same = { ...records[10] };
        const other = { ...records[20], value: Number(records[20].value) + 100 };
        const sent = [...records.slice(0, PGLITE_PART + 500), same, ...records.slice(PGLITE_PART + 500), other];
        const answers = await ingest(t, sent);
        expect(answers.filter((a) => a.status === 'accepted')).toHaveLength(n);
        expect(answers[PGLITE_PART + 500].status).toBe('duplicate');
        expect(answers.at(-1)?.status).toBe('quarantined');
        for (const i of [0, PGLITE_PART - 1, PGLITE_PART, 2 * PGLITE_PART, n - 1])
          expect(await stored(t, records[i]), `record ${i}`).toEqual([records[i].value]);
        expect(await stored(t, other)).toEqual([records[20].value]);
        // the one-minute roll-ups add up exactly what was stored, whichever part a value was written in
        for (const tag of tags) {
          const mine = records.filter((r) => r.tag === tag);
          const byMinute = new Map<number, { n: number; sum: number }>();
          for (const r of mine) {
            const m = Math.floor(r.ts / 60_000) * 60_000;
            const b = byMinute.get(m) ?? { n: 0, sum: 0 };
            byMinute.set(m, { n: b.n + 1, sum: b.sum + Number(r.value) });
          }
          const rows = (await t.sql(
            `SELECT extract(epoch FROM r.minute) * 1000 AS minute, r.n, r.sum FROM tag_values_1m r JOIN tag_series s ON s.id = r.series_id
             JOIN equipment e ON e.id = s.equipment_id WHERE e.path = $1 AND s.tag = $2 AND r.minute >= to_timestamp($3::float8 / 1000)
             AND r.minute < to_timestamp($4::float8 / 1000) ORDER BY r.minute`,
            [ST10, tag, base, base + 300_000],
          )) as Array<{ minute: string; n: number; sum: number }>;
          expect(rows.map((r) => [Number(r.minute), Number(r.n), Number(r.sum).toFixed(6)])).toEqual([...byMinute].map(([m, b]) => [m, b.n, b.sum.toFixed(6)]));
        }
      });

      it('property: every answer is what the first value stored for its instant says, and that value is what stays', async () => {
        let runBase = Date.now() - 5_000_000;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(fc.record({ slot: fc.integer({ min: 0, max: 5 }), value: fc.constantFrom(1, 2, 3) }), { minLength: 1, maxLength: 12 }), {
              minLength: 1,
              maxLength: 4,
            }),
            async (requests) => {
              const base = (runBase += 1000);
              const model = new Map<number, number>();
              for (const req of requests) {
                const records = req.map(({ slot, value }) => ({ equipment: ST10, tag: 'torque', ts: base + slot, value }));
                const expected = records.map((r): Status => {
                  const held = model.get(r.ts);
                  if (held === undefined) return (model.set(r.ts, r.value), 'accepted');
                  return held === r.value ? 'duplicate' : 'quarantined';
                });
                expect((await ingest(t, records)).map((r) => r.status)).toEqual(expected);
              }
              for (const [ts, value] of model) expect(await stored(t, { equipment: ST10, tag: 'torque', ts, value })).toEqual([value]);
            },
          ),
          { numRuns: 15 },
        );
      });
    });
  });
}
