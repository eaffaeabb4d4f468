import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpcuaMachine, type OpcuaMachineHandle } from '../../sim/opcua/index.ts';
import { Backoff } from '../connector.ts';
import { browseOpcua, createOpcuaConnector, type OpcuaConnector } from './index.ts';
import { MemorySink, opcuaSettings, tempPki, testContext, waitFor } from './testkit.ts';

let m: OpcuaMachineHandle;
let c: OpcuaConnector;
const sink = new MemorySink();
const pkiDir = tempPki();

// ns=1 below means "the index of namespaceUri": the simulated server puts its machine at index 3.
const n = (s: string) => `ns=1;s=imm01.${s}`;

beforeAll(async () => {
  m = await startOpcuaMachine({ speed: 20, seed: 7, faults: { badSensor: true } });
  const settings = opcuaSettings({
    endpoint: m.endpoint,
    namespaceUri: m.namespaceUri,
    samplingIntervalMs: 100,
    items: [
      { nodeId: n('State'), tag: 'state' },
      { nodeId: n('Good'), tag: 'good' },
      { nodeId: n('CycleTime'), tag: 'cycle_time' },
      { nodeId: n('MeltTemperature'), tag: 'meltTemperature', deadband: 0.01 },
      { nodeId: m.nodeIds.mouldTemperature, tag: 'mouldTemperature', samplingIntervalMs: 50 },
      { nodeId: n('BarrelZone4Temperature'), tag: 'zone4' },
      { nodeId: n('NoSuchNode'), tag: 'ghost' },
    ],
    methods: { stop: { objectId: 'ns=1;s=imm01', methodId: n('Stop') }, start: { objectId: 'ns=1;s=imm01', methodId: n('Start') } },
    parameters: { meltTemperature: n('SetMeltTemperature'), holdingTime: n('SetHoldingTime') },
  });
  c = createOpcuaConnector(settings, testContext(), { pkiDir, backoff: new Backoff(100, 1000) });
  await c.start(sink);
  await waitFor(() => c.health().state === 'connected', 15_000, 'connected');
}, 30_000);

afterAll(async () => {
  await c?.stop();
  await m?.stop();
  rmSync(pkiDir, { recursive: true, force: true });
});

describe('OPC UA connector against the simulated machine', () => {
  it('delivers values with the configured tags, the source timestamp and the equipment path', async () => {
    await waitFor(() => sink.of('state').length && sink.of('good').length && sink.of('mouldTemperature').length > 2, 10_000, 'values');
    const state = sink.of('state')[0];
    expect(state).toMatchObject({ source: { protocol: 'opcua', client: m.endpoint }, topic: n('State'), equipmentPath: 'acme/plant/moulding/imm01' });
    expect(typeof state.value).toBe('string');
    expect(typeof sink.of('good')[0].value).toBe('number');
    for (const o of sink.observations) {
      expect(o.ts).toBeTypeOf('number');
      expect(o.ts!).toBeLessThanOrEqual(o.receivedAt + 1);
    }
    // The source timestamp is the machine's, not the time of receipt: the first state value is older than the subscription.
    expect(sink.of('state')[0].ts!).toBeLessThan(sink.of('state')[0].receivedAt);
    expect(sink.statuses[0]).toMatchObject({ online: true, equipmentPath: 'acme/plant/moulding/imm01' });
    expect(c.health()).toMatchObject({ protocol: 'opcua', state: 'connected', target: m.endpoint });
    expect(c.health().received).toBeGreaterThan(3);
  });

  it('turns a Bad status into a rejection naming it, never a value', async () => {
    const rej = await waitFor(() => sink.rejections.find((r) => r.topic === n('BarrelZone4Temperature')), 5000, 'rejection');
    expect(rej.reason).toContain('BadSensorFailure');
    expect(rej.reason).toContain(n('BarrelZone4Temperature'));
    expect(sink.of('zone4')).toHaveLength(0);
  });

  it('reports a node the server does not know in health, and keeps the others flowing', () => {
    expect(c.health().errors).toBeGreaterThan(0);
    expect(c.health().lastError ?? '').toMatch(/NoSuchNode|BadNodeIdUnknown/);
  });

  it('stops and starts through the methods, confirmed by the state read back', async () => {
    const stop = await c.command({ kind: 'stop' }, 5000);
    expect(stop).toMatchObject({ status: 'confirmed', readBack: { state: 'Stopped' } });
    const again = await c.command({ kind: 'stop' }, 5000);
    expect(again.status).toBe('rejected');
    expect(again.detail).toContain('BadInvalidState');
    await waitFor(() => sink.of('state').some((o) => o.value === 'Stopped'), 5000, 'Stopped observed');
    const start = await c.command({ kind: 'start' }, 5000);
    expect(start.status).toBe('confirmed');
    expect(['Starting', 'Execute']).toContain(start.readBack?.state);
  });

  it('writes parameters and confirms them by reading back; the machine adopts them', async () => {
    const r = await c.command({ kind: 'writeParameters', parameters: { meltTemperature: 250, holdingTime: 5.5 } }, 5000);
    expect(r).toEqual({ status: 'confirmed', readBack: { meltTemperature: 250, holdingTime: 5.5 } });
    expect(m.server.sim.getSetpoint('SetMeltTemperature')).toBe(250);
    // The simulated melt temperature follows its setpoint (target 230 ± 10 → around 250).
    await waitFor(() => sink.of('meltTemperature').some((o) => (o.value as number) > 242), 10_000, 'melt temperature follows');
    const read = await c.command({ kind: 'readParameters' }, 5000);
    expect(read).toEqual({ status: 'confirmed', readBack: { meltTemperature: 250, holdingTime: 5.5 } });
  });

  it('rejects unknown parameters, values of the wrong type and values the machine refuses', async () => {
    const unknown = await c.command({ kind: 'writeParameters', parameters: { meltTemperature: 240, screwSpeed: 3 } }, 5000);
    expect(unknown.status).toBe('rejected');
    expect(unknown.detail).toContain('screwSpeed');
    const wrongType = await c.command({ kind: 'writeParameters', parameters: { meltTemperature: 'hot' } }, 5000);
    expect(wrongType).toMatchObject({ status: 'rejected' });
    const refused = await c.command({ kind: 'writeParameters', parameters: { meltTemperature: 999 } }, 5000);
    expect(refused.status).toBe('rejected');
    expect(refused.detail).toMatch(/meltTemperature: BadOutOfRange/);
    expect(m.server.sim.getSetpoint('SetMeltTemperature')).toBe(250);
  });

  it('browses the machine object', async () => {
    const top = await browseOpcua(m.endpoint, { pkiDir });
    const machine = top.find((x) => x.browseName === 'imm01');
    expect(machine).toMatchObject({ nodeClass: 'Object', hasChildren: true, nodeId: `nsu=${m.namespaceUri};s=imm01` });
    const kids = await browseOpcua(m.endpoint, { pkiDir }, machine!.nodeId);
    const by = Object.fromEntries(kids.map((k) => [k.browseName, k]));
    expect(by.State).toMatchObject({ nodeClass: 'Variable', dataType: 'String', hasChildren: false, nodeId: m.nodeIds.state });
    expect(by.Good).toMatchObject({ dataType: 'UInt32' });
    expect(by.SetMeltTemperature).toMatchObject({ dataType: 'Double', writable: true });
    expect(by.MeltTemperature.writable).toBe(false);
    expect(by.Stop).toMatchObject({ nodeClass: 'Method' });
  });
});
