// The live event stream (Server-Sent Events from /api/live/stream). EventSource reconnects by itself after a dropped
// connection; when the server refused the stream outright (closed state) we retry with a back-off. Callers get
// `onOpen` on every (re)connect so they can reload their snapshot and not miss what happened while disconnected.
import { useEffect, useRef, useState } from 'react';
import { api } from '../platform/api.ts';
import type { LiveMachine, QuarantineEvent, ValueEvent } from './types.ts';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting';

export interface StreamHandlers {
  onOpen?(): void;
  onMachine?(m: LiveMachine): void;
  onValue?(v: ValueEvent): void;
  onQuarantine?(q: QuarantineEvent): void;
}

function parse<T>(e: MessageEvent): T | undefined {
  try {
    return JSON.parse(String(e.data)) as T;
  } catch {
    return undefined;
  }
}

/** Subscribes to the live stream while mounted; `equipment` also asks for that machine's tag values. */
export function useLiveStream(handlers: StreamHandlers, equipment?: string): StreamStatus {
  const ref = useRef(handlers);
  ref.current = handlers;
  const [status, setStatus] = useState<StreamStatus>('connecting');

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempts = 0;
    let disposed = false;
    const url = equipment ? `/api/live/stream?equipment=${encodeURIComponent(equipment)}` : '/api/live/stream';

    const connect = () => {
      if (disposed) return;
      const es = new EventSource(url, { withCredentials: true });
      source = es;
      es.onopen = () => {
        attempts = 0;
        setStatus('open');
        ref.current.onOpen?.();
      };
      es.onerror = () => {
        if (disposed) return;
        setStatus('reconnecting');
        if (es.readyState === EventSource.CLOSED) {
          // Refused (HTTP error or wrong content type): check the session — a 401 sends the user to sign-in —
          // and try again later.
          es.close();
          void api('/auth/me').catch(() => undefined);
          const delay = Math.min(30_000, 2000 * 2 ** attempts++);
          retry = setTimeout(connect, delay);
        }
      };
      es.addEventListener('machine', (e) => {
        const m = parse<LiveMachine>(e as MessageEvent);
        if (m) ref.current.onMachine?.(m);
      });
      es.addEventListener('value', (e) => {
        const v = parse<ValueEvent>(e as MessageEvent);
        if (v) ref.current.onValue?.(v);
      });
      es.addEventListener('quarantine', (e) => {
        const q = parse<QuarantineEvent>(e as MessageEvent);
        if (q) ref.current.onQuarantine?.(q);
      });
    };

    setStatus('connecting');
    connect();
    return () => {
      disposed = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [equipment]);

  return status;
}
