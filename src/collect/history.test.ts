import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { Contextualizer } from './context.ts';
import { alarmCode, createCollectHistory, operationContextAt, operationKey } from './history.ts';

describe("the one definition of an operation's parts", () => {
  const op = { orderId: 'WO-1', seq: 20, setupStart: 1_000_000 };

  it('names an operation by its order and sequence', () => {
    expect(operationKey('WO-1', 20)).toBe('WO-1/20');
  });

  it("puts the machine's data in the operation from its setup start on, never before", () => {
    expect(operationContextAt(op, op.setupStart - 1)).toEqual({});
    expect(operationContextAt(op, op.setupStart)).toEqual({ orderId: 'WO-1', operationId: 'WO-1/20' });
    expect(operationContextAt(op, op.setupStart + 3_600_000)).toEqual({ orderId: 'WO-1', operationId: 'WO-1/20' });
  });

  it("is what collect's contextualiser stores with a count made during setup", () => {
    const contexts = new Contextualizer(new Map(), () => null);
    contexts.setOrderContextProvider((_e, ts) => operationContextAt(op, ts));
    expect(contexts.at('m1', op.setupStart + 10)).toMatchObject({ orderId: 'WO-1', operationId: 'WO-1/20' });
    contexts.invalidate('m1');
    expect(contexts.at('m1', op.setupStart - 10)).toMatchObject({ orderId: null, operationId: null });
  });
});

describe('alarm codes', () => {
  it('reads empty, null and 0 as no alarm and trims the rest', () => {
    expect([alarmCode(null), alarmCode(''), alarmCode(' 0 '), alarmCode('0'), alarmCode(' E205 '), alarmCode('10')]).toEqual(['', '', '', '', 'E205', '10']);
  });
});

describe('the history port on a database', () => {
  const history = createCollectHistory();
  let db: Database;
  const m = randomUUID();
  const other = randomUUID();
  const T = Date.UTC(2026, 0, 5, 8); // 08:00
  const min = 60_000;
  const at = (minutes: number) => new Date(T + minutes * min).toISOString();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    for (const [id, ext] of [
      [m, 'm1'],
      [other, 'm2'],
    ])
      await db.query(`INSERT INTO equipment (id, ext_id, path, level, name) VALUES ($1, $2, $3, 'machine', $2)`, [id, ext, `p/${ext}`]);
    // contexts: 1 none, 2 the operation WO-1/10, 3 another operation of WO-1
    const ctx = async (order: string | null, operation: string | null) =>
      (
        await db.query<{ id: number }>(`INSERT INTO collect_contexts (equipment_id, order_id, operation_id) VALUES ($1, $2, $3) RETURNING id`, [
          m,
          order,
          operation,
        ])
      )[0].id;
    const none = await ctx(null, null);
    const wo10 = await ctx('WO-1', 'WO-1/10');
    const wo20 = await ctx('WO-1', 'WO-1/20');
    // 08:00 running without order, 08:10 set up (WO-1/10), 08:20 down, 08:30 running, 08:40 the next operation, open
    const spans: Array<[number, number | null, string, string, number]> = [
      [0, 10, 'Execute', 'apt', none],
      [10, 20, 'Execute', 'asut', wo10],
      [20, 30, 'Held', 'adet', wo10],
      [30, 40, 'Execute', 'apt', wo10],
      [40, null, 'Execute', 'apt', wo20],
    ];
    for (const [s, e, state, bucket, c] of spans)
      await db.query(`INSERT INTO state_intervals (equipment_id, start_ts, end_ts, state, bucket, context_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
        m,
        at(s),
        e === null ? null : at(e),
        state,
        bucket,
        c,
      ]);
    // counts: 3 before the setup, 5 good + 1 scrap in setup, 12 good + 2 scrap in production, 4 of the next operation
    const counts: Array<[number, string, number, number]> = [
      [5, 'good', 3, none],
      [12, 'good', 5, wo10],
      [13, 'scrap', 1, wo10],
      [35, 'good', 12, wo10],
      [36, 'scrap', 2, wo10],
      [45, 'good', 4, wo20],
    ];
    for (const [t, kind, delta, c] of counts)
      await db.query(`INSERT INTO production_counts (equipment_id, ts, kind, delta, context_id) VALUES ($1, $2, $3, $4, $5)`, [m, at(t), kind, delta, c]);
    await db.query(`INSERT INTO production_counts (equipment_id, ts, kind, delta) VALUES ($1, $2, 'good', 7)`, [other, at(15)]);
  }, 60_000);
  afterAll(async () => db?.close());

  it("counts an operation's parts by the context stored with them, from its setup start", async () => {
    expect(await history.operationCounts(db.db, { equipmentId: m, orderId: 'WO-1', seq: 10, setupStart: T + 10 * min })).toEqual({ good: 17, scrap: 3 });
    expect(await history.operationCounts(db.db, { equipmentId: m, orderId: 'WO-1', seq: 20, setupStart: T + 40 * min })).toEqual({ good: 4, scrap: 0 });
    expect(await history.operationCounts(db.db, { equipmentId: other, orderId: 'WO-1', seq: 10, setupStart: T })).toEqual({ good: 0, scrap: 0 });
  });

  it('gives counts and spans with their order context', async () => {
    const counts = (await history.counts(db, [m, other], T, T + 60 * min)).get(m)!;
    expect(counts.map((c) => [c.delta, c.kind, c.orderId, c.operationId])).toEqual([
      [3, 'good', null, null],
      [5, 'good', 'WO-1', 'WO-1/10'],
      [1, 'scrap', 'WO-1', 'WO-1/10'],
      [12, 'good', 'WO-1', 'WO-1/10'],
      [2, 'scrap', 'WO-1', 'WO-1/10'],
      [4, 'good', 'WO-1', 'WO-1/20'],
    ]);
    const spans = (await history.spans(db, [m], T + 15 * min, T + 35 * min)).get(m)!;
    expect(spans.map((s) => [s.start, s.bucket, s.orderId])).toEqual([
      [T + 10 * min, 'asut', 'WO-1'],
      [T + 20 * min, 'adet', 'WO-1'],
      [T + 30 * min, 'apt', 'WO-1'],
    ]);
  });

  it("finds the spans that meet at an instant, and one machine's spans of some buckets clipped to a window", async () => {
    const [before] = await history.adjacentSpans(db, [{ equipmentId: m, at: T + 20 * min }], 'before');
    const [after] = await history.adjacentSpans(db, [{ equipmentId: m, at: T + 20 * min }], 'after');
    expect([before.start, before.end, after.start, after.state]).toEqual([T + 10 * min, T + 20 * min, T + 20 * min, 'Held']);
    expect(await history.bucketSpans(db.db, m, ['adet', 'unknown'], T + 25 * min, null)).toEqual([
      { start: T + 25 * min, end: T + 30 * min, state: 'Held', bucket: 'adet', orderId: 'WO-1' },
    ]);
    expect(await history.bucketSpans(db.db, m, [], T, null)).toEqual([]);
  });

  it('gives the alarm values of a window with the one in force at its start', async () => {
    const [{ id }] = await db.query<{ id: number }>(`INSERT INTO tag_series (equipment_id, tag) VALUES ($1, 'alarm') RETURNING id`, [m]);
    for (const [t, txt] of [
      [1, 'E1'],
      [20, ' E205 '],
      [30, '0'],
    ] as const)
      await db.query(`INSERT INTO tag_values (series_id, ts, txt) VALUES ($1, $2, $3)`, [id, at(t), txt]);
    const values = (
      await history.alarmValues(
        db,
        new Map([
          [m, ['alarm']],
          [other, ['alarm']],
        ]),
        T + 10 * min,
        T + 60 * min,
      )
    ).get(m)!;
    expect(values).toEqual([
      { ts: T + min, code: 'E1' },
      { ts: T + 20 * min, code: 'E205' },
      { ts: T + 30 * min, code: '' },
    ]);
  });

  it('knows the first data overall and per machine', async () => {
    expect(await history.earliestData(db)).toBe(T);
    expect(await history.firstData(db, [m, other, randomUUID()])).toEqual(
      new Map([
        [m, T],
        [other, T + 15 * min],
      ]),
    );
  });
});
