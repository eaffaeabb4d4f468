// Worker-thread entry for solveInWorker(): loads the TypeScript solver through tsx and runs one solve.
// Plain .mjs so it starts in a bare worker thread; tsx's loader is registered for this thread first.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { solve } = await import('./solve.ts');
const { problem, options } = workerData;
try {
  const result = solve(problem, {
    ...options,
    onImprove: options.progress ? (info) => parentPort.postMessage({ type: 'improve', info }) : undefined,
  });
  parentPort.postMessage({ type: 'result', result });
} catch (err) {
  parentPort.postMessage({ type: 'error', name: err?.name, message: err?.message ?? String(err) });
}
