// `takt start`: the long-running server with a clean shutdown.
import { createModules, loadDemoPlantIfEmpty } from './modules.ts';
import { createTakt } from './platform/app.ts';
import { ConfigError, type Config } from './platform/config.ts';

export async function startServer(config: Config): Promise<void> {
  const takt = await createTakt(config, { modules: createModules, seedEmptyPlant: loadDemoPlantIfEmpty });
  const { ctx } = takt;
  const url = `http://localhost:${config.port}`;
  if (takt.firstAdminPassword) {
    // to stderr: stdout carries only log lines (JSON lines when not a terminal, for whatever collects them)
    process.stderr.write(
      `\n  First start: sign in at ${url} as "admin" with password: ${takt.firstAdminPassword}\n` +
        '  (shown only this once; change it with `npx takt user passwd admin`)\n\n',
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await takt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // handlers first: a stop that comes while the broker and simulators are still starting must still be clean
  try {
    await takt.listen();
  } catch (err) {
    // start completely or not at all: a port in use (MQTT, HTTP, the demo's simulator) closes what did start.
    // The reason first: closing may wait on a connector in the middle of connecting, up to the forced exit.
    stopping = true;
    const code = err instanceof ConfigError ? 2 : 1;
    process.stderr.write(`takt: ${(err as Error).message}\n`);
    const force = setTimeout(() => process.exit(code), 10_000);
    force.unref();
    await takt.close().catch((e: unknown) => ctx.log.error({ err: e }, 'closing after a failed start'));
    process.exit(code);
  }
  ctx.log.info(`Takt ${ctx.version} on ${url} — database: ${ctx.database.kind} at ${ctx.database.location}`);
}
