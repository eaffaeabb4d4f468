import { describe, expect, it } from 'vitest';
import { parsePlantFile } from '../plant/plant-file.ts';
import { DEFAULT_PLANT_FILE } from './simulator.ts';
import { loadPlantFile, machinesFromPlant, machineTagDefs, simulatedPlantFile, syntheticMachines } from './plant.ts';
import { unsMessages } from './publish-uns.ts';
import { decodeSparkplug, encodeSparkplug } from './publish-sparkplug.ts';

describe('demo plant', () => {
  const machines = loadPlantFile(DEFAULT_PLANT_FILE);
  const by = Object.fromEntries(machines.map((m) => [m.id, m]));

  it('simulates every machine of the demo plant with its routing parameters', () => {
    expect(machines.map((m) => m.id)).toEqual(['imm01', 'imm02', 'imm03', 'imm04', 'st10', 'st20', 'st30']);
    expect(by.imm01.path).toBe('acme/lakeside/moulding/imm-cell1/imm01');
    expect(by.imm01.productId).toBe('HSG-TOP');
    expect(by.imm02.productId).toBe('HSG-BOT');
    expect(by.imm01.parameters.map((p) => p.name)).toEqual(['meltTemperature', 'mouldTemperature', 'injectionPressure', 'holdingTime']);
    expect(by.imm03.idealCycleTimeS).toBe(28);
    expect(by.imm01.setupTimeS).toBe(2700);
    expect(by.st10.parameters.map((p) => p.name)).toEqual(['torque']);
    expect(by.st20.parameters).toEqual([]); // testProgram is a string: not a process value
    expect(by.st10.productId).toBe('S200');
  });

  it('mixes protocols by default: presses Sparkplug B except imm01, assembly UNS JSON', () => {
    expect(machines.map((m) => `${m.id}:${m.protocol}`)).toEqual([
      'imm01:uns',
      'imm02:sparkplug',
      'imm03:sparkplug',
      'imm04:sparkplug',
      'st10:uns',
      'st20:uns',
      'st30:uns',
    ]);
    expect(by.imm02.area).toBe('moulding');
    expect(by.imm02.deviceId).toBe('imm02');
    expect(loadPlantFile(DEFAULT_PLANT_FILE, 'uns').every((m) => m.protocol === 'uns')).toBe(true);
  });

  it('reads a simWear attribute into the machine’s degradation, and refuses one on a tag the machine does not have', () => {
    const doc = (simWear: unknown) => ({
      equipment: [{ id: 'm', level: 'machine', name: 'M', equipmentClass: 'c', attributes: { simWear } }],
      products: [{ id: 'P', routing: [{ seq: 10, equipmentClass: 'c', parameters: [{ name: 'temp', target: 200, min: 190, max: 210 }] }] }],
    });
    expect(machinesFromPlant(doc({ tag: 'temp', lifeH: 6, startWear: 0.5, drift: 2, curve: 4, alarm: 'E102', junk: 1 }))[0].degradation).toEqual({
      tag: 'temp',
      lifeH: 6,
      startWear: 0.5,
      drift: 2,
      curve: 4,
      alarm: 'E102',
    });
    expect(machinesFromPlant({ equipment: [{ id: 'm', level: 'machine', name: 'M' }] })[0].degradation).toBeUndefined();
    expect(() => machinesFromPlant(doc({ tag: 'pressure', lifeH: 6 }))).toThrow("m: simWear tag 'pressure' is not one of its process values (temp)");
    expect(() => machinesFromPlant(doc({ tag: 'temp' }))).toThrow('m: attribute simWear needs a tag and lifeH > 0');
    expect(() => machinesFromPlant(doc({ tag: 'temp', lifeH: 0 }))).toThrow('lifeH > 0');
    expect(() => machinesFromPlant(doc('temp'))).toThrow('simWear');
  });

  it('honours a simProtocol attribute and keeps device ids unique per area', () => {
    const doc = {
      equipment: [
        {
          id: 'e',
          level: 'enterprise',
          name: 'E',
          children: [
            {
              id: 'a',
              level: 'area',
              name: 'A',
              children: [
                { id: 'l1', level: 'line', name: 'L1', children: [{ id: 'm', level: 'machine', name: 'M', attributes: { simProtocol: 'sparkplug' } }] },
                { id: 'l2', level: 'line', name: 'L2', children: [{ id: 'm', level: 'machine', name: 'M' }] },
              ],
            },
          ],
        },
        { id: 'x', level: 'machine', name: 'X', parent: 'l2' },
      ],
    };
    const ms = machinesFromPlant(doc);
    expect(ms.map((m) => [m.path, m.protocol, m.deviceId, m.idealCycleTimeS])).toEqual([
      ['e/a/l1/m', 'sparkplug', 'l1_m', 20],
      ['e/a/l2/m', 'sparkplug', 'l2_m', 20],
      ['e/a/l2/x', 'sparkplug', 'x', 20],
    ]);
  });
});

describe('synthetic plant', () => {
  it('lays out N machines in areas and lines, with the tags per machine', () => {
    const ms = syntheticMachines(120, 3);
    expect(ms).toHaveLength(120);
    expect(ms[0].path).toBe('sim/area1/line1/m1');
    expect(ms[10].path).toBe('sim/area1/line2/m11');
    expect(ms[50].path).toBe('sim/area2/line1/m51');
    expect(ms[0].parameters.map((p) => p.name)).toEqual(['pv1', 'pv2', 'pv3']);
    expect(new Set(ms.map((m) => m.protocol))).toEqual(new Set(['uns', 'sparkplug']));
    expect(syntheticMachines(5, 1, 'sparkplug').every((m) => m.protocol === 'sparkplug')).toBe(true);
  });

  it('is a plant file Takt can import', () => {
    const doc = simulatedPlantFile(60, 2);
    const parsed = parsePlantFile(JSON.parse(JSON.stringify(doc)));
    expect(parsed.equipment[0].id).toBe('sim');
    expect(machinesFromPlant(parsed).map((m) => m.path)).toEqual(syntheticMachines(60, 2).map((m) => m.path));
    expect(machineTagDefs({ parameters: [{ name: 'x', target: 1, min: 0, max: 2, unit: 'bar' }] }).map((t) => t.name)).toEqual([
      'state',
      'good',
      'scrap',
      'cycle_time',
      'alarm',
      'x',
    ]);
  });
});

describe('payloads', () => {
  it('encodes UNS values one per tag, or batched per instant', () => {
    let seq = 0;
    const next = () => seq++;
    const changes = [
      { ts: 1000, tag: 'cycle_time', value: 22.1 },
      { ts: 1000, tag: 'good', value: 5 },
      { ts: 2000, tag: 'state', value: 'Suspended' },
      { ts: 2000, tag: 'state', value: 'Execute' },
    ];
    const single = unsMessages('a/b', changes, next, false);
    expect(single[0]).toEqual({ topic: 'takt/v1/a/b/cycle_time', payload: '{"value":22.1,"ts":1000,"seq":0}' });
    expect(single).toHaveLength(4);
    const batched = unsMessages('a/b', changes, next, true).map((m) => [m.topic, JSON.parse(m.payload)]);
    expect(batched).toEqual([
      ['takt/v1/a/b/_batch', { ts: 1000, seq: 4, values: { cycle_time: 22.1, good: 5 } }],
      ['takt/v1/a/b/_batch', { ts: 2000, seq: 5, values: { state: 'Suspended' } }],
      ['takt/v1/a/b/_batch', { ts: 2000, seq: 6, values: { state: 'Execute' } }],
    ]);
  });

  it('round-trips Sparkplug payloads through sparkplug-payload', () => {
    const buf = encodeSparkplug({ timestamp: 5, seq: 3, metrics: [{ alias: 7, type: 'Double', value: 1.5, timestamp: 5 }] });
    const p = decodeSparkplug(buf);
    expect(Number(p.seq)).toBe(3);
    expect(p.metrics![0].name).toBeUndefined();
    expect(Number(p.metrics![0].alias)).toBe(7);
    expect(p.metrics![0].value).toBe(1.5);
  });
});
