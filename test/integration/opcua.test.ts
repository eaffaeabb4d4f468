// An OPC UA machine configured in the plant model: the connector manager starts its connector, values flow through
// the pipeline, a parameter set is written and confirmed, and a configuration change takes effect without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpcuaMachine, type OpcuaMachineHandle } from '../../src/sim/opcua/index.ts';
import { eventually } from '../support/mqtt.ts';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.ts';

describe('OPC UA machine in the plant', () => {
  let t: TestServer;
  let sim: OpcuaMachineHandle;
  let id: string;
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await t.app.server.inject({ method: method as 'POST', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    sim = await startOpcuaMachine({ seed: 3, speed: 20 });
    t = await startTestServer({ db: 'pglite', outboundAllow: '127.0.0.1' });
    const cell = (await call('GET', `/api/equipment/${encodeURIComponent('acme/lakeside/moulding/imm-cell2')}`)).body;
    const n = sim.nodeIds;
    const created = await call('POST', '/api/equipment', {
      parentId: cell.id,
      extId: 'imm09',
      level: 'machine',
      name: 'IMM 09 (OPC UA)',
      equipmentClass: 'imm',
      tags: [{ name: 'SetMeltTemperature', unit: '°C', min: 0, max: 450 }],
      connections: [
        {
          protocol: 'opcua',
          endpoint: sim.endpoint,
          samplingIntervalMs: 100,
          items: [
            { nodeId: n.state, tag: 'state' },
            { nodeId: n.good, tag: 'good' },
            { nodeId: n.meltTemperature, tag: 'meltTemperature' },
            { nodeId: n.setMeltTemperature, tag: 'SetMeltTemperature' },
          ],
          methods: { stop: { objectId: n.machine, methodId: n.stop }, start: { objectId: n.machine, methodId: n.start } },
          parameters: { SetMeltTemperature: n.setMeltTemperature },
        },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('starts the connector from the plant model and stores its values', async () => {
    await eventually(async () => (await call('GET', `/api/equipment/${id}/connections`)).body.connectors[0]?.state === 'connected', 30_000);
    const values = await eventually(async () => {
      const v = (await call('GET', `/api/equipment/${id}/tags/meltTemperature/values`)).body;
      return v.length >= 2 ? v : undefined;
    }, 30_000);
    expect(typeof values[0].value).toBe('number');
    const states = await eventually(async () => {
      const s = (await call('GET', `/api/equipment/${id}/states`)).body;
      return s.length ? s : undefined;
    }, 30_000);
    expect(states[0].state).toMatch(/^[A-Z][a-z]+$/);
  });

  it('writes a parameter over OPC UA and confirms it by reading back', async () => {
    const r = await call('POST', `/api/equipment/${id}/commands`, { command: 'writeParameters', parameters: { SetMeltTemperature: 232 } });
    expect(r.body).toMatchObject({ protocol: 'opcua', status: 'confirmed', readBack: { SetMeltTemperature: 232 } });
    const bad = await call('POST', `/api/equipment/${id}/commands`, { command: 'writeParameters', parameters: { NoSuchParameter: 1 } });
    expect(bad.body.status).toBe('rejected');
  });

  it('browses the server for the node picker', async () => {
    const top = await call('GET', `/api/opcua/browse?endpoint=${encodeURIComponent(sim.endpoint)}`);
    expect(top.status, JSON.stringify(top.body)).toBe(200);
    const machine = top.body.find((n: { nodeId: string }) => n.nodeId === sim.nodeIds.machine);
    expect(machine).toBeDefined();
    const children = (await call('GET', `/api/opcua/browse?endpoint=${encodeURIComponent(sim.endpoint)}&nodeId=${encodeURIComponent(machine.nodeId)}`)).body;
    expect(children.map((n: { nodeId: string }) => n.nodeId)).toContain(sim.nodeIds.meltTemperature);
    const bad = await call('GET', `/api/opcua/browse?endpoint=${encodeURIComponent('opc.tcp://127.0.0.1:1/nothing')}`);
    expect(bad.status).toBe(422);
  });

  it('stops the connector when its connection is removed from the plant model', async () => {
    await call('PATCH', `/api/equipment/${id}`, { connections: [], reason: 'machine moved to MQTT' });
    await eventually(async () => (await call('GET', `/api/equipment/${id}/connections`)).body.connectors.length === 0, 15_000);
  });
});

// Issue #12 item 9: a machine that reports its PackML state in capitals (`STOPPED`) is stored as Stopped by the
// pipeline — and a stop/start over OPC UA is confirmed by the same reading, never left to time out.
for (const kind of DB_KINDS) {
  describe(`OPC UA stop/start confirmed by a state reported in capitals, on ${kind}`, () => {
    let t: TestServer;
    let sim: OpcuaMachineHandle;
    let id: string;
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.app.server.inject({ method: method as 'POST', url, payload: body as object, headers: { authorization: `Bearer ${t.adminToken}` } });
      return { status: res.statusCode, body: res.json() };
    };

    beforeAll(async () => {
      sim = await startOpcuaMachine({ seed: 5, speed: 20, name: 'imm10', stateCase: 'upper' });
      t = await startTestServer({ db: kind });
      const cell = (await call('GET', `/api/equipment/${encodeURIComponent('acme/lakeside/moulding/imm-cell2')}`)).body;
      const n = sim.nodeIds;
      const created = await call('POST', '/api/equipment', {
        parentId: cell.id,
        extId: 'imm10',
        level: 'machine',
        name: 'IMM 10 (OPC UA, states in capitals)',
        equipmentClass: 'imm',
        connections: [
          {
            protocol: 'opcua',
            endpoint: sim.endpoint,
            samplingIntervalMs: 100,
            items: [{ nodeId: n.state, tag: 'state' }],
            methods: { stop: { objectId: n.machine, methodId: n.stop }, start: { objectId: n.machine, methodId: n.start } },
          },
        ],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      id = created.body.id;
      await eventually(async () => (await call('GET', `/api/equipment/${id}/connections`)).body.connectors[0]?.state === 'connected', 30_000);
    });
    afterAll(async () => {
      await t?.close();
      await sim?.stop();
    });

    it('confirms Stop by STOPPED and Start by STARTING/EXECUTE, recording the state as the pipeline stores it', async () => {
      const stop = await call('POST', `/api/equipment/${id}/commands`, { command: 'stop', timeoutS: 10 });
      expect(stop.body, JSON.stringify(stop.body)).toMatchObject({ protocol: 'opcua', kind: 'stop', status: 'confirmed', readBack: { state: 'Stopped' } });
      expect(sim.server.sim.get('state')).toBe('Stopped');
      // the machine said it in capitals: the pipeline stored the same state the confirmation read
      await eventually(async () => {
        const s = (await call('GET', `/api/equipment/${id}/states`)).body as Array<{ state: string }>;
        return s.some((x) => x.state === 'Stopped');
      }, 15_000);
      const start = await call('POST', `/api/equipment/${id}/commands`, { command: 'start', timeoutS: 10 });
      expect(start.body.status, JSON.stringify(start.body)).toBe('confirmed');
      expect(['Starting', 'Execute']).toContain(start.body.readBack.state);
      const history = (await call('GET', `/api/equipment/${id}/commands`)).body as Array<{ kind: string; status: string }>;
      expect(history.map((c) => [c.kind, c.status])).toEqual([
        ['start', 'confirmed'],
        ['stop', 'confirmed'],
      ]);
    });
  });
}
