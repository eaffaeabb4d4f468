// The token scoping rules, derived from the protocols: every Sparkplug B message type (Sparkplug 3.0 §4.1) and every
// UNS topic kind, published and subscribed by tokens bound to the machine, to another machine, and unbound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../platform/auth/principal.ts';
import { DEVICE_MESSAGE_TYPES, NODE_MESSAGE_TYPES } from '../sparkplug/topic.ts';
import { publishRefusal, subscribeRefusal, type SparkplugMap } from './scope.ts';

const M = 'acme/lakeside/moulding';
const CELL1 = `${M}/imm-cell1`;
const CELL2 = `${M}/imm-cell2`;
const IMM02 = `${CELL1}/imm02`;
const IMM03 = `${CELL2}/imm03`;
const ST10 = 'acme/lakeside/assembly/line1/st10';
// as in the demo plant: one edge node 'moulding' serving three machines in two cells; 'st10' an edge node of its own
const devices: Record<string, string> = { 'takt/moulding/imm02': IMM02, 'takt/moulding/imm03': IMM03, 'takt/moulding/imm04': `${CELL2}/imm04` };
const nodes: Record<string, string> = { 'takt/st10': ST10 };
const map: SparkplugMap = {
  equipment: (g, n, d) => (d === undefined ? nodes[`${g}/${n}`] : devices[`${g}/${n}/${d}`]),
  nodeEquipment: (g, n) => [
    ...(nodes[`${g}/${n}`] ? [nodes[`${g}/${n}`]] : []),
    ...Object.entries(devices)
      .filter(([k]) => k.startsWith(`${g}/${n}/`))
      .map(([, p]) => p),
  ],
};
const token = (role: Role, equipmentPath?: string): Principal => ({ kind: 'token', id: 't', name: 't', roles: [role], equipmentPath: equipmentPath ?? null });

/** The topic of a message type for an edge node (NBIRTH …) or a device (DBIRTH …). */
const sparkplugTopic = (type: string, node: string, device: string) =>
  (NODE_MESSAGE_TYPES as readonly string[]).includes(type) ? `spBv1.0/takt/${type}/${node}` : `spBv1.0/takt/${type}/${node}/${device}`;

describe('token scope on Sparkplug B, every message type', () => {
  const commands = new Set(['NCMD', 'DCMD']);
  // a token bound to the node's machines (st10: a node of its own) versus a token of another machine
  for (const type of [...NODE_MESSAGE_TYPES, ...DEVICE_MESSAGE_TYPES]) {
    // device messages: imm03 (cell 2) versus imm02 (cell 1) on the shared node; node messages: st10 versus moulding
    const device = (DEVICE_MESSAGE_TYPES as readonly string[]).includes(type);
    const ownDevice = sparkplugTopic(type, device ? 'moulding' : 'st10', 'imm03');
    const other = sparkplugTopic(type, 'moulding', 'imm02');
    const bound = token('device', device ? CELL2 : ST10);
    it(`${type}: a bound device token publishes for its own equipment only; commands are Takt's`, () => {
      expect(publishRefusal(bound, ownDevice, map)).toEqual(commands.has(type) ? expect.stringMatching(/Takt only/) : undefined);
      expect(publishRefusal(bound, other, map)).toEqual(expect.any(String));
      expect(publishRefusal(token('device'), other, map)).toEqual(commands.has(type) ? expect.stringMatching(/Takt only/) : undefined);
      expect(publishRefusal(token('integration'), other, map)).toEqual(commands.has(type) ? expect.stringMatching(/Takt only/) : undefined);
      expect(publishRefusal('internal', other, map)).toBeUndefined();
    });
    it(`${type}: a bound device token subscribes to its own commands only`, () => {
      expect(subscribeRefusal(bound, ownDevice, map)).toEqual(commands.has(type) ? undefined : expect.any(String));
      expect(subscribeRefusal(bound, other, map)).toEqual(expect.any(String));
      // a bound integration token reads everything of its own equipment, nothing of others
      const reader = token('integration', bound.equipmentPath!);
      expect(subscribeRefusal(reader, ownDevice, map)).toBeUndefined();
      expect(subscribeRefusal(reader, other, map)).toEqual(expect.any(String));
    });
  }

  it('STATE: published by Takt only, watched by every edge node (§5.13)', () => {
    for (const who of [token('device', ST10), token('device'), token('integration')]) {
      expect(publishRefusal(who, 'spBv1.0/STATE/takt', map)).toMatch(/Takt only/);
      expect(subscribeRefusal(who, 'spBv1.0/STATE/takt', map)).toBeUndefined();
      expect(subscribeRefusal(who, 'spBv1.0/STATE/+', map)).toBeUndefined();
    }
  });

  it('an edge node shared with another machine is nobody’s but a token bound above all its machines', () => {
    // an NBIRTH resets every device of the node: imm-cell2 must not reset imm02
    expect(publishRefusal(token('device', CELL2), 'spBv1.0/takt/NBIRTH/moulding', map)).toMatch(/not \(only\) its/);
    expect(publishRefusal(token('device', M), 'spBv1.0/takt/NBIRTH/moulding', map)).toBeUndefined();
    expect(publishRefusal(token('device', M), 'spBv1.0/takt/DDATA/moulding/imm02', map)).toBeUndefined();
    // unmapped nodes and devices belong to no bound token
    expect(publishRefusal(token('device', M), 'spBv1.0/takt/NBIRTH/ghost', map)).toEqual(expect.any(String));
    expect(publishRefusal(token('device', M), 'spBv1.0/takt/DDATA/ghost/d', map)).toEqual(expect.any(String));
    // an unmapped device of a node wholly the token's is its own (the data is quarantined as unmapped)
    expect(publishRefusal(token('device', M), 'spBv1.0/takt/DDATA/moulding/imm99', map)).toBeUndefined();
    expect(publishRefusal(token('device', CELL2), 'spBv1.0/takt/DDATA/moulding/imm99', map)).toEqual(expect.any(String));
  });

  it('refuses wildcards where the equipment is named, and allows them below a node of its own', () => {
    const cell2 = token('device', CELL2);
    for (const f of [
      'spBv1.0/+/DCMD/#',
      'spBv1.0/takt/NCMD/#',
      'spBv1.0/takt/DCMD/+/imm03',
      'spBv1.0/#',
      '#',
      'spBv1.0/takt/DCMD/moulding/#',
      'spBv1.0/takt/DCMD/moulding/+',
    ])
      expect(subscribeRefusal(cell2, f, map), f).toEqual(expect.any(String));
    const area = token('device', M);
    expect(subscribeRefusal(area, 'spBv1.0/takt/DCMD/moulding/#', map)).toBeUndefined();
    expect(subscribeRefusal(area, 'spBv1.0/takt/NCMD/moulding', map)).toBeUndefined();
    expect(subscribeRefusal(area, 'spBv1.0/+/DCMD/#', map)).toEqual(expect.any(String));
    // an unbound device token is a plant-wide gateway: all command topics, nothing else
    expect(subscribeRefusal(token('device'), 'spBv1.0/+/DCMD/#', map)).toBeUndefined();
    expect(subscribeRefusal(token('device'), 'spBv1.0/+/DDATA/#', map)).toEqual(expect.any(String));
    expect(subscribeRefusal(token('integration'), '#', map)).toBeUndefined();
  });
});

describe('token scope on the unified namespace', () => {
  const bound = token('device', IMM03);
  it('data, replies and commands', () => {
    expect(publishRefusal(bound, `takt/v1/${IMM03}/state`, map)).toBeUndefined();
    expect(publishRefusal(bound, `takt/v1/${IMM03}/_cmd/stop/reply`, map)).toBeUndefined();
    expect(publishRefusal(bound, `takt/v1/${IMM02}/state`, map)).toMatch(/bound to/);
    expect(publishRefusal(bound, `takt/v1/${IMM02}/_cmd/stop/reply`, map)).toMatch(/bound to/);
    expect(publishRefusal(bound, `takt/v1/${IMM03}-evil/state`, map)).toMatch(/bound to/);
    expect(publishRefusal(bound, `takt/v1/${IMM03}/_cmd/stop`, map)).toMatch(/Takt only/);
    expect(publishRefusal(token('integration'), `takt/v1/${IMM03}/_cmd/stop`, map)).toMatch(/Takt only/);
    expect(publishRefusal(bound, 'elsewhere/topic', map)).toMatch(/bound to/);
    expect(publishRefusal(undefined, `takt/v1/${IMM03}/state`, map)).toBe('not authenticated');
  });
  it('subscriptions', () => {
    expect(subscribeRefusal(bound, `takt/v1/${IMM03}/_cmd/+`, map)).toBeUndefined();
    expect(subscribeRefusal(bound, `takt/v1/${IMM03}/_cmd/#`, map)).toBeUndefined();
    expect(subscribeRefusal(bound, `takt/v1/${IMM02}/_cmd/+`, map)).toEqual(expect.any(String));
    expect(subscribeRefusal(bound, 'takt/v1/+/+/+/+/+/_cmd/+', map)).toEqual(expect.any(String));
    expect(subscribeRefusal(bound, `takt/v1/${IMM03}/#`, map)).toEqual(expect.any(String));
    expect(subscribeRefusal(token('integration', IMM03), `takt/v1/${IMM03}/#`, map)).toBeUndefined();
    expect(subscribeRefusal(token('integration', IMM03), 'takt/v1/#', map)).toEqual(expect.any(String));
    expect(subscribeRefusal(token('device'), 'takt/v1/+/+/+/+/+/_cmd/+', map)).toBeUndefined();
    expect(subscribeRefusal(token('device'), 'takt/v1/#', map)).toEqual(expect.any(String));
  });
});

describe('token scope, property', () => {
  // whatever the topic, a bound token is never allowed a topic that resolves to equipment outside its scope
  const level = fc.constantFrom('takt', 'moulding', 'st10', 'imm02', 'imm03', 'imm04', 'ghost', '+', '#', 'STATE', 'NBIRTH', 'DDATA', 'DCMD', 'NCMD', '');
  it('never grants a bound token a Sparkplug topic of another machine', () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 6 }), fc.constantFrom(IMM03, CELL2, ST10), (levels, scope) => {
        const topic = ['spBv1.0', ...levels].join('/');
        const who = token('device', scope);
        const [, g, type, n, d] = topic.split('/');
        const outside = (p: string | undefined) => p !== undefined && p !== scope && !p.startsWith(`${scope}/`);
        const mapped = d !== undefined && !['+', '#'].includes(d) ? map.equipment(g, n, d) : undefined;
        const touched = mapped ? [mapped] : map.nodeEquipment(g, n);
        const granted = () => touched.length > 0 && !touched.some(outside);
        if (publishRefusal(who, topic, map) === undefined) expect(g !== 'STATE' && granted()).toBe(true);
        if (subscribeRefusal(who, topic, map) === undefined && g !== 'STATE') {
          expect([g, type, n].some((x) => x === '+' || x === '#')).toBe(false);
          expect(granted()).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
