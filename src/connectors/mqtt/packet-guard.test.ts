import type { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardPacketSize, PRE_AUTH_MAX_PACKET } from './packet-guard.ts';

/** A socket stand-in that hands out queued chunks on read(), as a paused net.Socket does. */
function fakeSocket(chunks: Buffer[]) {
  const s = {
    destroyed: false,
    read: () => chunks.shift() ?? null,
    destroy() {
      s.destroyed = true;
    },
  };
  return s;
}

/** Reads everything through the guard; what came through and whether the connection was cut. */
function drain(chunks: Buffer[], maxPacket: number, authenticatedAfter = 0) {
  const socket = fakeSocket(chunks);
  const refusals: unknown[] = [];
  const guard = guardPacketSize(socket as unknown as Socket, maxPacket, (why) => refusals.push(why));
  const passed: Buffer[] = [];
  for (let i = 0; ; i++) {
    if (i === authenticatedAfter) guard.authenticated();
    const c = socket.read() as Buffer | null;
    if (c === null) break;
    passed.push(c);
  }
  return { passed: Buffer.concat(passed), cut: socket.destroyed, refusals };
}

/** A QoS 0 PUBLISH on topic 't' (MQTT 3.1.1 §3.3): header, remaining length as variable byte integer, topic, payload. */
function publishPacket(size: number): Buffer {
  const body = Buffer.concat([Buffer.from([0, 1, 0x74]), Buffer.alloc(size, 1)]);
  const len: number[] = [];
  let n = body.length;
  do {
    len.push((n % 128) | (n >= 128 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x30, ...len]), body]);
}
const chop = (buf: Buffer, cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, i) => buf.subarray(from, at[i] ?? buf.length)).filter((b) => b.length > 0);
};

describe('MQTT packet size guard', () => {
  it('lets any stream of packets within the cap through unchanged, however it is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (sizes, cuts) => {
        const stream = Buffer.concat(sizes.map(publishPacket));
        const r = drain(chop(stream, cuts), 1024 * 1024);
        expect(r.cut).toBe(false);
        expect(r.passed.equals(stream)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('cuts the connection at the header of the first packet over the cap, before its body is read', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(), { maxLength: 6 }), (before, cuts) => {
        const small = Buffer.concat(Array.from({ length: before }, () => publishPacket(100)));
        const huge = publishPacket(300_000);
        const r = drain(chop(Buffer.concat([small, huge]), cuts), 200_000);
        expect(r.cut).toBe(true);
        expect(r.passed.length).toBeLessThanOrEqual(small.length + 5);
        expect(r.refusals).toEqual([{ declared: huge.length, limit: 200_000 }]);
      }),
      { numRuns: 60 },
    );
  });

  it('applies the small cap until the client has signed in', () => {
    // a CONNECT declaring 150 MB: refused from its 5-byte header
    const header = Buffer.from([0x10, 0xff, 0xff, 0xff, 0x47]);
    const r = drain([header, Buffer.alloc(65536)], 1024 * 1024, Infinity);
    expect(r).toMatchObject({ cut: true, refusals: [{ declared: expect.any(Number), limit: PRE_AUTH_MAX_PACKET }] });
    expect(r.passed.length).toBe(0);
    const afterSignIn = drain([publishPacket(100_000)], 1024 * 1024, 0);
    expect(afterSignIn.cut).toBe(false);
    expect(drain([publishPacket(100_000)], 1024 * 1024, Infinity).cut).toBe(true);
    // a remaining length longer than four bytes is malformed (MQTT 3.1.1 §2.2.3)
    expect(drain([Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01])], 1024 * 1024, 0).refusals).toEqual([{ malformed: expect.any(String) }]);
  });
});
