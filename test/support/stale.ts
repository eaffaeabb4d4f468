// Sets machines' stale limit (`staleAfterS`) through the plant API in force in collect when each PATCH answers. Hand-written test
// histories that send a state only when it changes need a limit longer than their longest pause, or the pause is a
// silence (Unknown, docs/collect.md) — as it would be live.
import type { TestServer } from './server.ts';

export async function setStaleAfter(t: TestServer, paths: string[], seconds: number): Promise<void> {
  const call = async (method: 'GET' | 'PATCH', url: string, payload?: unknown) => {
    const res = await t.app.server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${t.adminToken}` } });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  for (const path of paths) {
    const eq = await call('GET', `/api/equipment/${encodeURIComponent(path)}`);
    await call('PATCH', `/api/equipment/${eq.id}`, { properties: { ...eq.properties, staleAfterS: { value: seconds, unit: 's' } } });
  }
  // in force when the PATCH answers (the master-data rule, docs/architecture.md)
  for (const p of paths)
    if (t.collect.pipeline.registry.byEquipmentPath(p)?.staleAfterS !== seconds) throw new Error(`the stale limit of ${p} did not reach collect`);
}
