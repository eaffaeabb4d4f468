// Data plumbing shared by the terminal and the supervisor's view: API calls that leave a lost session to the caller
// (the terminal shows its own badge sign-in instead of the office sign-in page), the shop-floor event stream, polling,
// reason codes and small formatting helpers.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type RequestOptions } from '../platform/api.ts';
import type { ReasonCode } from './types.ts';

/** Station paths go into URLs as one segment. */
export const stationUrl = (path: string) => `/terminal/${encodeURIComponent(path)}`;
export const stationApi = (path: string) => `/stations/${encodeURIComponent(path)}`;
export const opApi = (orderId: string, seq: number, action = '') => `/operations/${encodeURIComponent(orderId)}/${seq}${action ? `/${action}` : ''}`;

/** An API call from the terminal: a 401 calls `onSignedOut` instead of sending the browser to /sign-in. */
export async function floorApi<T>(path: string, opts: RequestOptions = {}, onSignedOut?: () => void): Promise<T> {
  try {
    return await api<T>(path, { ...opts, skipAuthRedirect: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) onSignedOut?.();
    throw err;
  }
}

export type ShopfloorEvent = { type: 'operation' | 'order' | 'andon' | 'alarm'; data: Record<string, unknown> };

/**
 * Subscribes to /api/shopfloor/stream while mounted: every event is passed on (the screens reload at once), and
 * `onOpen` fires on each (re)connect so nothing missed meanwhile stays stale. EventSource reconnects by itself; a
 * refused stream (e.g. signed out) is retried with a back-off.
 */
export function useShopfloorStream(onEvent: (e: ShopfloorEvent) => void, enabled = true): boolean {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempts = 0;
    let disposed = false;
    const connect = () => {
      if (disposed) return;
      const es = new EventSource('/api/shopfloor/stream', { withCredentials: true });
      source = es;
      es.onopen = () => {
        attempts = 0;
        setOpen(true);
      };
      es.onerror = () => {
        setOpen(false);
        if (es.readyState === EventSource.CLOSED && !disposed) {
          es.close();
          retry = setTimeout(connect, Math.min(30_000, 2000 * 2 ** attempts++));
        }
      };
      for (const type of ['operation', 'order', 'andon', 'alarm'] as const)
        es.addEventListener(type, (e) => {
          try {
            ref.current({ type, data: JSON.parse(String((e as MessageEvent).data)) as Record<string, unknown> });
          } catch {
            /* a malformed event is ignored; the next poll catches up */
          }
        });
    };
    connect();
    return () => {
      disposed = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [enabled]);
  return open;
}

/** Calls `fn` now and every `ms` while mounted (and the page is visible). */
export function usePoll(fn: () => void, ms: number, deps: unknown[]): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    ref.current();
    const t = setInterval(() => {
      if (document.visibilityState !== 'hidden') ref.current();
    }, ms);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}

const reasonCache = new Map<string, Promise<ReasonCode[]>>();

/** Reason codes of one kind (loaded once per page life). */
export function useReasons(kind: ReasonCode['kind']): ReasonCode[] {
  const [list, setList] = useState<ReasonCode[]>([]);
  useEffect(() => {
    let p = reasonCache.get(kind);
    if (!p) {
      p = floorApi<ReasonCode[]>('/reason-codes', { query: { kind } });
      p.catch(() => reasonCache.delete(kind));
      reasonCache.set(kind, p);
    }
    let live = true;
    p.then((r) => live && setList(r)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [kind]);
  return list;
}

/** A quantity as operators read it: no trailing zeros, at most 3 decimals. */
export function qty(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '–';
  return (Math.round(n * 1000) / 1000).toLocaleString(undefined, { maximumFractionDigits: 3 });
}

/** Seconds as h:mm:ss or m:ss. */
export function hms(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export const secondsSince = (iso: string | null | undefined, now: number) => (iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null);

export const PHASE_LABEL: Record<string, string> = { setup: 'Setup', running: 'Production', paused: 'Paused' };

/** "out of limits: 1.3 (limits 0.8 … 1)" / "setpoint changed: 240 (recipe 230)" */
export function alarmText(a: { kind: string; value: unknown; reference: unknown }): string {
  const ref = a.reference as { min?: number; max?: number } | null;
  if (a.kind === 'out_of_limits' && ref && typeof ref === 'object') return `out of limits: ${String(a.value)} (limits ${ref.min ?? '–'} … ${ref.max ?? '–'})`;
  return `setpoint changed: ${String(a.value)} (recipe ${typeof a.reference === 'object' ? JSON.stringify(a.reference) : String(a.reference)})`;
}
