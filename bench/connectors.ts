// bench:connectors — values per second through the OPC UA connector from a simulated server with many monitored items,
// and EUROMAP 63 shots per second from many emulated presses; each next to the rate a bare client reaches against the
// same simulator in the same run.
//   npm run bench:connectors -- [--items 2000] [--presses 20] [--seconds 10]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEuromap63 } from './lib/euromap63.ts';
import { benchOpcua } from './lib/opcua.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ITEMS = Number(arg('items', '2000'));
const PRESSES = Number(arg('presses', '20'));
const SECONDS = Number(arg('seconds', '10'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

process.stderr.write(`bench:connectors on ${os.cpus().length} cores, Node ${process.version}\n`);
process.stderr.write(`OPC UA: ${ITEMS} monitored items, ${SECONDS} s …\n`);
const opc = await benchOpcua({ items: ITEMS, seconds: SECONDS });
const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-bench-e63-'));
process.stderr.write(`EUROMAP 63: ${PRESSES} presses, ${SECONDS} s …\n`);
const e63 = await benchEuromap63({ presses: PRESSES, seconds: SECONDS, dir });
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  [
    '',
    "| connector | through Takt's connector | bare client, same simulator, same run | offered by the simulator |",
    '|---|---|---|---|',
    `| OPC UA (${ITEMS} monitored items) | ${fmt(opc.connectorValuesPerS)} values/s | ${fmt(opc.bareValuesPerS)} values/s | ${fmt(opc.offeredValuesPerS)} values/s |`,
    `| EUROMAP 63 (${PRESSES} presses) | ${fmt(e63.connectorShotsPerS)} shots/s | ${fmt(e63.bareShotsPerS)} shots/s | ${fmt(e63.producedShotsPerS)} shots/s |`,
    '',
  ].join('\n'),
);
process.exit(0);
