// The live machine list: a snapshot from /api/live/machines kept current by `machine` stream events. Updates are
// applied in batches (at most a few renders a second, however many machines report), and the snapshot is reloaded
// after every reconnect so nothing missed while disconnected stays wrong.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../platform/api.ts';
import { useLiveStream, type StreamHandlers, type StreamStatus } from './stream.ts';
import type { LiveMachine } from './types.ts';

export interface LiveMachines {
  machines: LiveMachine[] | undefined;
  error: unknown;
  status: StreamStatus;
  /** Epoch ms of the last moment the stream was known to be connected (for "data may be out of date"). */
  disconnectedSince: number | null;
  reload(): Promise<void>;
}

export function useLiveMachines(extra: Omit<StreamHandlers, 'onMachine' | 'onOpen'> = {}, equipment?: string): LiveMachines {
  const [machines, setMachines] = useState<LiveMachine[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const pending = useRef(new Map<string, LiveMachine>());
  const touched = useRef<Set<string> | null>(null);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [disconnectedSince, setDisconnectedSince] = useState<number | null>(null);
  const opened = useRef(false);

  const flush = useCallback(() => {
    flushTimer.current = null;
    const updates = pending.current;
    if (updates.size === 0) return;
    pending.current = new Map();
    setMachines((prev) => {
      if (!prev) return prev;
      const seen = new Set<string>();
      const next = prev.map((m) => {
        const u = updates.get(m.equipmentId);
        if (!u) return m;
        seen.add(m.equipmentId);
        return u;
      });
      for (const [id, u] of updates) if (!seen.has(id)) next.push(u);
      return next;
    });
  }, []);

  const reload = useCallback(async () => {
    touched.current = new Set();
    try {
      const list = await api<LiveMachine[]>('/live/machines');
      const fresh = touched.current;
      touched.current = null;
      setMachines((prev) => {
        // An event that arrived while the snapshot was on its way is newer than the snapshot.
        if (!prev || !fresh || fresh.size === 0) return list;
        const current = new Map(prev.map((m) => [m.equipmentId, m]));
        return list.map((m) => (fresh.has(m.equipmentId) ? (current.get(m.equipmentId) ?? m) : m));
      });
      setError(undefined);
    } catch (err) {
      touched.current = null;
      setError(err);
    }
  }, []);

  const status = useLiveStream(
    {
      ...extra,
      onOpen: () => {
        // The first open follows the initial load; every later one is a reconnect after missed events.
        if (opened.current) void reload();
        opened.current = true;
      },
      onMachine: (m) => {
        touched.current?.add(m.equipmentId);
        pending.current.set(m.equipmentId, m);
        if (!flushTimer.current) flushTimer.current = setTimeout(flush, 250);
      },
    },
    equipment,
  );

  useEffect(() => {
    void reload();
    return () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
    };
  }, [reload]);

  useEffect(() => {
    if (status === 'open') setDisconnectedSince(null);
    else setDisconnectedSince((d) => d ?? Date.now());
  }, [status]);

  return { machines, error, status, disconnectedSince, reload };
}
