// Runs CPU-heavy parsing and validation of large inputs (B2MML, CSV, plant files) in a worker thread, so one big
// document cannot stall every other request (issue #11 item 15: a 3,000-request schedule froze /api/health for 31 s).
import { Worker } from 'node:worker_threads';
import { AppError, ERROR_STATUS, type ErrorCode } from './errors.ts';

const ENTRY = new URL('./offload.worker.mjs', import.meta.url);

/** Below this many characters parsing costs a few milliseconds: done in place, a worker's start would cost more. */
export const OFFLOAD_ABOVE_CHARS = 64 * 1024;

/** At most this many workers at once: each holds a copy of its document, and the machine's cores are shared. */
const MAX_PARALLEL = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

export interface OffloadOptions {
  /** The worker is stopped after this long and the input refused (422): a document that needs longer is pathological. */
  timeoutMs?: number;
  /** Heap of the worker; running out refuses the input (422) instead of taking the server down. */
  maxHeapMb?: number;
}

/**
 * Calls `fn` exported by `module` with `args` (structured-cloned) in a fresh worker thread and returns its result.
 * An AppError thrown there arrives as the same AppError here; anything else as a plain Error (a 500, a bug).
 */
export async function offload<T>(module: URL, fn: string, args: unknown[], opts: OffloadOptions = {}): Promise<T> {
  const { timeoutMs = 120_000, maxHeapMb = 512 } = opts;
  const release = await slot();
  try {
    return await new Promise<T>((resolve, reject) => {
      const worker = new Worker(ENTRY, { workerData: { module: module.href, fn, args }, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
        void worker.terminate();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new AppError('unprocessable', `the input took longer than ${Math.round(timeoutMs / 1000)} s to check: split it into smaller ones`)),
          ),
        timeoutMs,
      );
      worker.on('message', (msg: { ok: boolean; value?: T; error?: { name?: string; code?: string; message: string; details?: unknown } }) => {
        if (msg.ok) return finish(() => resolve(msg.value as T));
        const e = msg.error!;
        if (e.name === 'AppError' && e.code && e.code in ERROR_STATUS) finish(() => reject(new AppError(e.code as ErrorCode, e.message, e.details)));
        else finish(() => reject(new Error(e.message)));
      });
      worker.on('error', (err: Error & { code?: string }) =>
        finish(() =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new AppError('unprocessable', `the input needs more than ${maxHeapMb} MB of memory to check: split it into smaller ones`)
              : err,
          ),
        ),
      );
      worker.on('exit', (code) => finish(() => reject(new Error(`offload worker exited with code ${code}`))));
    });
  } finally {
    release();
  }
}

/** Lets timers, sockets and other requests run between the bounded steps of a long write. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
