// Runs a solve in a worker thread so the server's event loop stays responsive.
import { Worker } from 'node:worker_threads';
import { ModelError, type Problem, type SolveOptions, type SolveResult } from './model.ts';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

export interface WorkerSolveOptions extends SolveOptions {
  /** Abort the solve (the worker is terminated; the promise rejects). */
  signal?: AbortSignal;
}

export function solveInWorker(problem: Problem, options: WorkerSolveOptions = {}): Promise<SolveResult> {
  const { onImprove, signal, ...plain } = options;
  return new Promise<SolveResult>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('solve aborted'));
    const worker = new Worker(WORKER_URL, { workerData: { problem, options: { ...plain, progress: !!onImprove } } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new Error('solve aborted')));
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: { type: string; info?: never; result?: SolveResult; name?: string; message?: string }) => {
      if (msg.type === 'improve' && onImprove && msg.info) onImprove(msg.info);
      else if (msg.type === 'result') finish(() => resolve(msg.result!));
      else if (msg.type === 'error') finish(() => reject(msg.name === 'ModelError' ? new ModelError(msg.message ?? '') : new Error(msg.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`solver worker exited with code ${code}`))));
  });
}
