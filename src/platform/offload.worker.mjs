// Worker-thread entry for offload(): loads one TypeScript module through tsx and runs one exported function.
// Plain .mjs so it starts in a bare worker thread; tsx's loader is registered for this thread first.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  const mod = await import(workerData.module);
  const value = await mod[workerData.fn](...workerData.args);
  parentPort.postMessage({ ok: true, value });
} catch (err) {
  parentPort.postMessage({ ok: false, error: { name: err?.name, code: err?.code, message: err?.message ?? String(err), details: err?.details } });
}
