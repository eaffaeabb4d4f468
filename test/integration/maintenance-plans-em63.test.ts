// Acceptance (issue #16): a shot-count plan on a EUROMAP 63 press comes due after the right number of shots, across a
// counter reset, on PGlite and PostgreSQL. The simulated press (src/sim/euromap63) speaks EUROMAP 63 through a session
// folder, Takt's connector reads its per-shot report (ActCntCyc → tag 'good'); mid-way the press reboots with its
// cycle counter set back to 0 and keeps cycling while its jobs are lost. Every shot adds 1 to ActCntCyc, so the shots
// between two stored rows are the counter's rise, and after the reset the first row's counter itself.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDue, NextDue, PlanWithDue } from '../../src/maintenance/index.ts';
import { startEuromap63Press, type PressHandle } from '../../src/sim/euromap63/index.ts';
import { eventually } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

const SHOTS = 60;
const LEAD = 10;

for (const kind of DB_KINDS) {
  describe(`a shot-count plan on a EUROMAP 63 press on ${kind}`, () => {
    let t: TestServer;
    let press: PressHandle;
    let root: string;
    let id: string;
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'GET', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    const stored = async () =>
      (
        (
          await call(
            'GET',
            `/api/equipment/${id}/tags/good/values?from=${new Date(Date.now() - 600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
          )
        ).body as Array<{ ts: string; value: number }>
      )
        .map((r) => ({ ts: Date.parse(r.ts), value: r.value }))
        .sort((a, b) => a.ts - b.ts);
    const machineOf = async (planId: string) => ((await call('GET', `/api/maintenance/plans/${planId}`)).body as PlanWithDue).machines[0];

    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false });
      root = mkdtempSync(path.join(os.tmpdir(), 'takt-pm-em63-'));
      const sessionDir = path.join(root, 'IMM21');
      // 100× speed: a 20 s cycle is a shot every 200 ms
      press = await startEuromap63Press({ sessionDir, speed: 100, seed: 21 });
      const cell = (await call('GET', `/api/equipment/${encodeURIComponent('acme/lakeside/moulding/imm-cell2')}`)).body;
      const created = await call('POST', '/api/equipment', {
        parentId: cell.id,
        extId: 'imm21',
        level: 'machine',
        name: 'IMM 21 (EUROMAP 63)',
        equipmentClass: 'imm',
        connections: [{ protocol: 'euromap63', sessionDir, timezone: 'UTC', responseTimeoutS: 1, pollIntervalMs: 50, staleAfterS: 3 }],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      id = created.body.id;
    });
    afterAll(async () => {
      await press?.stop();
      await t?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it(`comes due after ${SHOTS} shots, across a reset of the shot counter`, async () => {
      await eventually(async () => (await stored()).length >= 3, 30_000);
      const startAt = Date.now();
      const res = await call('POST', '/api/maintenance/plans', {
        name: 'Mould check every 60 shots',
        equipment: id,
        basis: 'cycles',
        interval: SHOTS,
        lead: LEAD,
        tasks: 'check the ejector pins; clean the vents',
        startAt: new Date(startAt).toISOString(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const planId = (res.body as PlanWithDue).id;
      expect((res.body as PlanWithDue).machines[0]).toMatchObject({ status: 'ok', due: null, dueAtUsage: SHOTS });

      // some shots counted, well before the due point: then the press reboots and its counter starts again at 0
      await eventually(async () => ((await machineOf(planId)).usage ?? 0) >= 10, 30_000);
      const early = await machineOf(planId);
      expect(early.usage!).toBeLessThan(SHOTS - LEAD);
      expect(early.status).toBe('ok');
      const lastBefore = press.reported().at(-1)!.counter;
      await press.reboot(300, { resetCounter: true });
      await eventually(async () => ((await machineOf(planId)).usage ?? 0) >= SHOTS + 5, 60_000);
      press.hang(Number.POSITIVE_INFINITY);
      // every row the press wrote is stored before the figures are compared
      const rows = await eventually(async (): Promise<Array<{ ts: number; value: number }> | undefined> => {
        const r = await stored();
        return r.at(-1)?.value === press.reported().at(-1)!.counter ? r : undefined;
      }, 30_000);
      if (!rows) throw new Error('the rows were not stored');

      // the reset is in the data: a row after the reboot reads less than the last one before it
      const resetAt = rows.findIndex((r, i) => i > 0 && r.value < rows[i - 1].value);
      expect(resetAt).toBeGreaterThan(0);
      expect(rows[resetAt - 1].value).toBe(lastBefore);
      // the press's shots since the plan's start, row by row: from the last row at or before the start
      const base = rows.findLastIndex((r) => r.ts <= startAt);
      expect(base).toBeGreaterThanOrEqual(0);
      let shots = 0;
      let dueAt: number | null = null;
      for (let i = base + 1; i < rows.length; i++) {
        shots += rows[i].value >= rows[i - 1].value ? rows[i].value - rows[i - 1].value : rows[i].value;
        if (dueAt === null && shots >= SHOTS) dueAt = rows[i].ts;
      }
      expect(dueAt).not.toBeNull();
      // the due point lies after the reset: the plan counted across it
      expect(dueAt!).toBeGreaterThanOrEqual(rows[resetAt].ts);

      const m = await eventually(async (): Promise<MachineDue | undefined> => {
        const x = await machineOf(planId);
        return x.usage === shots ? x : undefined;
      }, 15_000);
      expect(m).toMatchObject({ usage: shots, dueAtUsage: SHOTS, due: new Date(dueAt!).toISOString() });
      expect(m?.status).toBe(shots <= SHOTS ? 'due' : 'overdue');
      const next = (await call('GET', `/api/maintenance/plans/${planId}/next-due`)).body as NextDue;
      expect(next).toEqual({ due: new Date(dueAt!).toISOString(), dueAtUsage: SHOTS, basis: 'cycles' });

      // due: its preventive work order is generated once
      const first = (await call('POST', '/api/maintenance/plans/generate')).body as { created: Array<{ planId: string; workOrderId: string }> };
      const mine = first.created.filter((c) => c.planId === planId);
      expect(mine).toHaveLength(1);
      const again = (await call('POST', '/api/maintenance/plans/generate')).body as { created: Array<{ planId: string }> };
      expect(again.created.filter((c) => c.planId === planId)).toEqual([]);
      const wo = (await call('GET', `/api/maintenance/work-orders/${mine[0].workOrderId}`)).body;
      expect(wo).toMatchObject({ kind: 'preventive', origin: 'plan', planId, equipmentId: id });
    });
  });
}
