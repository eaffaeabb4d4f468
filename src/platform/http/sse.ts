// Server-sent events (HTML Living Standard §9.2 "Server-sent events"): the one helper behind every live stream to
// browsers (collect's machines, the shop floor, performance alerts). A route authorises as any other (its `roles`),
// then opens the stream; the security headers set on the raw response in onRequest (headers.ts) survive the hijack.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export interface EventStreamOptions {
  /** A comment line this often keeps proxies and idle timeouts from closing a quiet stream (default 15 s). */
  heartbeatMs?: number;
  /**
   * Bytes the response may hold unsent (the client or its network does not keep up) before the stream is closed
   * (default 1 MiB). Events are never dropped from the middle of a stream: the browser's EventSource reconnects and
   * the route sends its snapshot again.
   */
  maxBufferedBytes?: number;
}

export interface EventStream {
  /** One event: `event: <name>` and the data as one line of JSON. Ignored once the stream is closed. */
  send(event: string, data: unknown): void;
  /** Ends the stream (e.g. Takt is shutting down, so browsers reconnect to another instance at once). */
  close(): void;
  /** Runs once when the stream ends for any reason: the client left, close(), back-pressure. At once if it has. */
  onClose(fn: () => void): void;
  readonly closed: boolean;
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' } as const;
/**
 * The success reply of a stream route, as OpenAPI shows it. The route hijacks the reply, so this is never used to
 * serialize; it documents the content type, and a generated client gets the text it reads.
 */
export const EVENT_STREAM_RESPONSE = {
  description: 'A stream of server-sent events: `event: <name>` lines, each with one line of JSON data',
  content: { 'text/event-stream': { schema: z.string() } },
};
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The response schema of a live-stream route, so OpenAPI documents it: a text/event-stream whose events the route's
 * summary names. The stream is written on the raw response (hijacked), so this schema never serialises anything.
 */
export const eventStreamResponse = (events: string) => ({
  200: { description: `text/event-stream; events: ${events}`, content: { 'text/event-stream': { schema: z.string() } } },
});
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

const EVENT_NAME = /^[A-Za-z0-9_.-]+$/;

export function openEventStream(req: FastifyRequest, reply: FastifyReply, opts: EventStreamOptions = {}): EventStream {
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, SSE_HEADERS);
  let closed = false;
  const cleanups: Array<() => void> = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(beat);
    for (const fn of cleanups.splice(0)) {
      try {
        fn();
      } catch (err) {
        req.log.warn({ err }, 'live stream: cleanup after the stream ended failed');
      }
    }
  };
  const write = (chunk: string) => {
    if (closed) return;
    res.write(chunk);
    if (res.writableLength > maxBuffered) {
      req.log.warn({ url: req.url, buffered: res.writableLength }, 'live stream closed: the client does not read what it is sent');
      res.destroy();
      finish();
    }
  };
  const beat = setInterval(() => write(': heartbeat\n\n'), opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  beat.unref();
  // the first bytes make the browser's EventSource report the stream open at once
  write(': connected\n\n');
  // 'close' on the response: the client went away, or the response ended (close(), server shutdown)
  res.on('close', finish);
  // a route that awaited something first (its snapshot) may open the stream after the client already left
  if (res.destroyed || req.raw.destroyed) finish();
  return {
    send(event, data) {
      // an event name is the route's constant; a line break in it would forge fields (§9.2.6)
      if (!EVENT_NAME.test(event)) throw new Error(`invalid server-sent event name '${event}'`);
      write(`event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`);
    },
    close() {
      if (closed) return;
      res.end();
      finish();
    },
    onClose(fn) {
      if (closed) fn();
      else cleanups.push(fn);
    },
    get closed() {
      return closed;
    },
  };
}
