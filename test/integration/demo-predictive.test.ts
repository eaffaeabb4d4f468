// The demo's predictive maintenance on PGlite and PostgreSQL: a demo plant loaded with the simulator on (npm start)
// has a condition monitor on the wearing press's drifting tag (demo/plant.yaml, attribute simWear), so the
// Maintenance → Condition page has a chart from the first minutes; a plant loaded without the simulator has none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMonitors } from '../../src/demo.ts';
import { loadPlantFile } from '../../src/sim/index.ts';
import { DEMO_PLANT_FILE } from '../../src/platform/app.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

interface Monitor {
  id: string;
  equipment: string;
  tag: string;
  method: string;
  min: number | null;
  max: number | null;
  enabled: boolean;
  createdBy: string;
}

for (const kind of DB_KINDS) {
  describe(`the demo plant's condition monitor on ${kind}`, () => {
    let t: TestServer;
    const get = async (server: TestServer, url: string) => {
      const res = await server.app.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${server.adminToken}` } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    beforeAll(async () => {
      t = await startTestServer({ db: kind, listen: false, simulate: true });
    });
    afterAll(async () => t?.close());

    it('watches the tag the wearing press drifts, with its limits, and charts it', async () => {
      const wearing = loadPlantFile(DEMO_PLANT_FILE).filter((s) => s.degradation);
      expect(wearing).toHaveLength(1);
      const monitors = (await get(t, '/api/maintenance/monitors')) as Monitor[];
      const [expected] = demoMonitors(wearing);
      expect(monitors).toHaveLength(1);
      expect(monitors[0]).toMatchObject({
        equipment: wearing[0].path,
        tag: wearing[0].degradation!.tag,
        method: 'ewma',
        min: expected.min,
        max: expected.max,
        enabled: true,
        createdBy: 'system',
      });
      const chart = await get(t, `/api/maintenance/monitors/${monitors[0].id}`);
      expect(chart.monitor.params).toEqual(expected.params);
      expect(Array.isArray(chart.analysis.points)).toBe(true);
    });

    it('is not there when the demo plant is loaded without the simulator', async () => {
      const plain = await startTestServer({ db: kind, listen: false });
      try {
        expect(await get(plain, '/api/maintenance/monitors')).toEqual([]);
      } finally {
        await plain.close();
      }
    });
  });
}
