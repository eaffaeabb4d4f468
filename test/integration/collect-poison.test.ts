// A poison record (one the database refuses: a NUL character, or anything else a constraint or type rejects) is
// quarantined with the database's reason and holds up nothing: other records of its batch and of other machines are
// stored and acknowledged (issue #11 item 3). While storing fails for another reason, /api/health says degraded.
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqtt, eventually, publish } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const IMM01 = 'acme/lakeside/moulding/imm-cell1/imm01';
const ST10 = 'acme/lakeside/assembly/line1/st10';
const ST20 = 'acme/lakeside/assembly/line1/st20';

/** Rejects if the promise does not settle in time: a PUBACK that never comes must fail the test, not hang it. */
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms).unref())]);

interface Rec {
  equipment: string;
  tag: string;
  ts: number;
  value: number | string;
}

for (const kind of DB_KINDS) {
  describe(`poison records on ${kind}`, () => {
    let t: TestServer;
    let dev: MqttClient;
    let other: MqttClient;
    let clock = Date.now() - 3_600_000;
    /** A fresh source timestamp: every record of this file has its own instant, so none is a duplicate of another. */
    const nextTs = () => (clock += 1);
    const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await t.app.server.inject({ method, url, payload, headers: { authorization: `Bearer ${t.adminToken}` } });
      return { status: res.statusCode, body: res.json() };
    };
    const storedAt = async (path: string, tag: string, ts: number) =>
      (await t.sql(
        `SELECT v.num, v.txt FROM tag_values v JOIN tag_series s ON s.id = v.series_id JOIN equipment e ON e.id = s.equipment_id
         WHERE e.path = $1 AND s.tag = $2 AND v.ts = to_timestamp($3::float8 / 1000)`,
        [path, tag, ts],
      )) as Array<{ num: number | null; txt: string | null }>;
    const quarantinedAt = async (ts: number) =>
      (await t.sql(`SELECT reason, payload, topic, equipment_path AS "equipmentPath" FROM quarantine WHERE payload LIKE $1`, [`%"ts":${ts}%`])) as Array<{
        reason: string;
        payload: string;
        topic: string;
        equipmentPath: string | null;
      }>;

    beforeAll(async () => {
      t = await startTestServer({ db: kind });
      dev = await connectMqtt(t.mqttUrl, { username: 'press', password: await t.deviceToken(), clientId: `poison-${kind}` });
      other = await connectMqtt(t.mqttUrl, { username: 'screw', password: await t.deviceToken(), clientId: `other-${kind}` });
    });
    afterAll(async () => {
      await dev?.endAsync(true);
      await other?.endAsync(true);
      await t?.close();
    });

    it('a NUL in an MQTT payload is quarantined and acknowledged (QoS 1), and the other machines go on', async () => {
      const bad = nextTs();
      const good = nextTs();
      // both in flight at once, so they can share a batch
      await within(
        Promise.all([
          publish(dev, `takt/v1/${IMM01}/alarm`, JSON.stringify({ value: 'E42\u0000overheat', ts: bad })),
          publish(other, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.92, ts: good })),
        ]),
        10_000,
        'PUBACK',
      );
      expect(await storedAt(ST10, 'torque', good)).toEqual([{ num: 0.92, txt: null }]);
      expect(await storedAt(IMM01, 'alarm', bad)).toEqual([]);
      const [q] = await quarantinedAt(bad);
      expect(q.reason).toMatch(/NUL/);
      expect(q.payload).toContain('\\u0000'); // escaped, so the quarantine row itself is storable
      // and data keeps flowing afterwards, from the same device too
      const later = nextTs();
      await within(publish(dev, `takt/v1/${IMM01}/meltTemperature`, JSON.stringify({ value: 231, ts: later })), 10_000, 'PUBACK');
      expect(await storedAt(IMM01, 'meltTemperature', later)).toEqual([{ num: 231, txt: null }]);
      const health = await t.app.server.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
    });

    it('a NUL in an HTTP ingest value (or equipment, tag) is quarantined per record; the rest of the request is stored', async () => {
      const ts = [nextTs(), nextTs(), nextTs(), nextTs(), nextTs(), nextTs()];
      const records = [
        { equipment: ST10, tag: 'torque', ts: ts[0], value: 0.9 },
        { equipment: IMM01, tag: 'alarm', ts: ts[1], value: 'a\u0000b' },
        { equipment: ST20, tag: 'testProgram.sp', ts: ts[2], value: 'P\u00007' },
        { equipment: `${ST20}\u0000`, tag: 'testProgram.sp', ts: ts[3], value: 'P8' },
        { equipment: ST20, tag: 'testProgram.sp\u0000', ts: ts[4], value: 'P9' },
        { equipment: IMM01, tag: 'meltTemperature', ts: ts[5], value: 232 },
      ];
      // with a key, the answer is kept as jsonb, which refuses a NUL too
      const r = await within(inject('POST', '/api/ingest', { key: `nul-${kind}`, records }), 10_000, 'ingest');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual([
        'accepted',
        'quarantined',
        'quarantined',
        'quarantined',
        'quarantined',
        'accepted',
      ]);
      expect(r.body.results[1].reason).toMatch(/NUL/);
      for (const x of r.body.results as Array<{ reason?: string }>) expect(x.reason ?? '').not.toContain('\u0000'); // nor do the answers
      expect(await storedAt(ST10, 'torque', ts[0])).toEqual([{ num: 0.9, txt: null }]);
      expect(await storedAt(IMM01, 'meltTemperature', ts[5])).toEqual([{ num: 232, txt: null }]);
      for (const i of [1, 2, 3, 4]) expect(await quarantinedAt(ts[i]), `record ${i}`).toHaveLength(1);
      const listed = await inject('GET', `/api/quarantine?from=${new Date(Date.now() - 60_000).toISOString()}`);
      expect(listed.status).toBe(200);
    });

    it('a row the database refuses for any reason is found by bisecting its batch, quarantined with the reason, and the rest stored', async () => {
      // Constraints stand in for whatever else PostgreSQL may refuse: the pipeline cannot know them in advance.
      await t.sql(`ALTER TABLE tag_values ADD CONSTRAINT poison_num CHECK (num IS DISTINCT FROM 4.25)`);
      await t.sql(`ALTER TABLE tag_values ADD CONSTRAINT poison_txt CHECK (txt IS NULL OR txt NOT LIKE 'POISON%')`);
      try {
        const seen = { good: 0, bad: 0 };
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({
                where: fc.constantFrom(
                  { equipment: IMM01, tag: 'meltTemperature' },
                  { equipment: ST10, tag: 'torque' },
                  { equipment: ST20, tag: 'testProgram.sp' },
                  { equipment: IMM01, tag: 'alarm' },
                ),
                poison: fc.constantFrom('none', 'none', 'none', 'nul', 'refused'),
                n: fc.integer({ min: 0, max: 9 }),
              }),
              { minLength: 1, maxLength: 40 },
            ),
            async (spec) => {
              const records: Rec[] = spec.map(({ where, poison, n }) => {
                const text = where.tag === 'testProgram.sp' || where.tag === 'alarm';
                const value =
                  poison === 'nul' ? (text ? `P${n}\u0000` : `${n}\u0000`) : poison === 'refused' ? (text ? `POISON${n}` : 4.25) : text ? `P${n}` : n;
                return { ...where, ts: nextTs(), value };
              });
              // on a numeric tag a NUL string is no number: quarantined by cleaning all the same
              const r = await within(inject('POST', '/api/ingest', { records }), 20_000, 'ingest');
              expect(r.status, JSON.stringify(r.body)).toBe(200);
              for (const [i, rec] of records.entries()) {
                const bad = spec[i].poison !== 'none';
                expect(r.body.results[i].status, `record ${i}`).toBe(bad ? 'quarantined' : 'accepted');
                const stored = await storedAt(rec.equipment, rec.tag, rec.ts);
                const quarantined = await quarantinedAt(rec.ts);
                if (bad) {
                  seen.bad++;
                  expect(stored, `record ${i} stored`).toEqual([]);
                  expect(quarantined, `record ${i} quarantined once`).toHaveLength(1);
                  if (spec[i].poison === 'refused') expect(quarantined[0].reason).toMatch(/poison_(num|txt)/);
                } else {
                  seen.good++;
                  expect(stored, `record ${i} stored once`).toHaveLength(1);
                  expect(stored[0].txt ?? stored[0].num).toBe(rec.value);
                  expect(quarantined, `record ${i} not quarantined`).toEqual([]);
                }
              }
            },
          ),
          { numRuns: 12 },
        );
        expect(seen.good).toBeGreaterThan(0);
        expect(seen.bad).toBeGreaterThan(0);
        expect(t.collect.pipeline.health().status).toBe('ok');
      } finally {
        await t.sql(`ALTER TABLE tag_values DROP CONSTRAINT poison_num`);
        await t.sql(`ALTER TABLE tag_values DROP CONSTRAINT poison_txt`);
      }
    });

    it('while storing fails (not a poison row), nothing is acknowledged and /api/health says degraded with the reason', async () => {
      await t.sql(`ALTER TABLE tag_values RENAME TO tag_values_away`);
      let acked = false;
      const ts = nextTs();
      const pending = publish(other, `takt/v1/${ST10}/torque`, JSON.stringify({ value: 0.95, ts })).then(() => (acked = true));
      try {
        await eventually(() => t.collect.pipeline.metrics.flushErrors > 0, 10_000);
        const health = await eventually(async () => {
          const res = await t.app.server.inject({ method: 'GET', url: '/api/health' });
          return res.statusCode === 503 ? res.json() : undefined;
        }, 10_000);
        expect(health).toMatchObject({
          status: 'degraded',
          error: expect.stringMatching(/collect/),
          collect: { status: 'degraded', databaseAvailable: false },
        });
        expect(health.collect.reason).toMatch(/tag_values/);
        expect(acked).toBe(false);
      } finally {
        await t.sql(`ALTER TABLE tag_values_away RENAME TO tag_values`);
      }
      await within(pending, 15_000, 'PUBACK after recovery');
      expect(await storedAt(ST10, 'torque', ts)).toEqual([{ num: 0.95, txt: null }]);
      const health = await t.app.server.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json().collect).toMatchObject({ status: 'ok', databaseAvailable: true });
    });
  });
}
