// The one server-sent-events helper on a bare Fastify server and real sockets: headers, events, heartbeat, cleanup
// when the client leaves or the server ends the stream, and a client that does not read.
import http from 'node:http';
import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, installSecurityHeaders } from './headers.ts';
import { openEventStream, type EventStream, type EventStreamOptions } from './sse.ts';

let app: FastifyInstance;
let port: number;
let options: EventStreamOptions = {};
/** The server side of the next stream opened, with how often its cleanup ran. */
let opened: (s: { stream: EventStream; cleanups: () => number }) => void = () => {};

beforeAll(async () => {
  app = Fastify({ logger: false });
  installSecurityHeaders(app);
  app.get('/stream', (req, reply) => {
    const stream = openEventStream(req, reply, options);
    let cleanups = 0;
    stream.onClose(() => cleanups++);
    stream.send('hello', { n: 1 });
    opened({ stream, cleanups: () => cleanups });
  });
  app.get('/late', async (req, reply) => {
    // like a route that reads its snapshot first: the client may be gone before the stream opens
    await new Promise<void>((r) => req.raw.socket.once('close', () => r()));
    const stream = openEventStream(req, reply, options);
    let cleanups = 0;
    stream.onClose(() => cleanups++);
    opened({ stream, cleanups: () => cleanups });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(() => app.close());

function nextStream(opts: EventStreamOptions) {
  options = opts;
  return new Promise<{ stream: EventStream; cleanups: () => number }>((r) => (opened = r));
}

/** GET /stream; resolves with the response once the headers are in, collecting the body as it arrives. */
function get() {
  return new Promise<{ res: http.IncomingMessage; body: () => string; req: http.ClientRequest; ended: Promise<void> }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/stream' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      resolve({ res, body: () => body, req, ended });
    });
    req.on('error', reject);
  });
}

const until = async (what: () => boolean) => {
  while (!what()) await new Promise((r) => setTimeout(r, 5));
};

describe('openEventStream', () => {
  it('answers text/event-stream with the security headers, sends events as JSON lines and heartbeats', async () => {
    const server = nextStream({ heartbeatMs: 10 });
    const client = await get();
    const { stream } = await server;
    expect(client.res.statusCode).toBe(200);
    expect(client.res.headers['content-type']).toBe('text/event-stream');
    expect(client.res.headers['cache-control']).toBe('no-cache');
    expect(client.res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(client.res.headers['x-content-type-options']).toBe('nosniff');
    stream.send('value', { tag: 'a\nb', v: 2 });
    await until(() => client.body().includes(': heartbeat\n\n') && client.body().includes('event: value'));
    expect(client.body().startsWith(': connected\n\n')).toBe(true);
    expect(client.body()).toContain('event: hello\ndata: {"n":1}\n\n');
    // a line break in the data stays inside the JSON string: one data line per event
    expect(client.body()).toContain('event: value\ndata: {"tag":"a\\nb","v":2}\n\n');
    expect(() => stream.send('bad\ndata: forged', {})).toThrow(/invalid server-sent event name/);
    client.req.destroy();
  });

  it('cleans up once when the client goes away: subscriptions off, heartbeat stopped, later sends ignored', async () => {
    const server = nextStream({ heartbeatMs: 10 });
    const client = await get();
    const { stream, cleanups } = await server;
    expect(stream.closed).toBe(false);
    client.req.destroy();
    await until(() => stream.closed);
    expect(cleanups()).toBe(1);
    stream.send('late', {});
    stream.close();
    expect(cleanups()).toBe(1);
    let lateCleanup = false;
    stream.onClose(() => (lateCleanup = true));
    expect(lateCleanup).toBe(true);
  });

  it('is closed at once when the client left before the route opened it', async () => {
    const server = nextStream({ heartbeatMs: 10 });
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(`GET /late HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, () => setTimeout(() => socket.destroy(), 20));
    const { stream, cleanups } = await server;
    expect(stream.closed).toBe(true);
    expect(cleanups()).toBe(1);
  });

  it('close() ends the response for the client and runs the cleanup once', async () => {
    const server = nextStream({});
    const client = await get();
    const { stream, cleanups } = await server;
    stream.send('last', { ok: true });
    stream.close();
    await client.ended;
    expect(client.res.complete).toBe(true);
    expect(client.body()).toContain('event: last\ndata: {"ok":true}\n\n');
    expect(stream.closed).toBe(true);
    expect(cleanups()).toBe(1);
  });

  it('closes the stream of a client that does not read, instead of buffering without bound', async () => {
    const server = nextStream({ maxBufferedBytes: 64 * 1024 });
    // a raw socket that never reads: what the server writes piles up in the kernel's buffers, then in Node's
    const socket = net.connect(port, '127.0.0.1');
    socket.pause();
    const gone = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => {});
    socket.write(`GET /stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const { stream, cleanups } = await server;
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 256 && !stream.closed; i++) stream.send('big', chunk);
    expect(stream.closed).toBe(true);
    expect(cleanups()).toBe(1);
    socket.resume();
    await gone;
  });
});
