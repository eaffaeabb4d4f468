// EUROMAP 63 connector: file-based exchange with injection moulding machines (standards.md §6). The face of the folder.
import type { Connector, ConnectorContext } from '../connector.ts';
import { Euromap63Connector, type Euromap63Options, type Euromap63Settings } from './connector.ts';

/** One connector per machine; `settings` is the parsed `euromap63` connection of the equipment. */
export function createEuromap63Connector(settings: Euromap63Settings, ctx: ConnectorContext, opts?: Euromap63Options): Connector {
  return new Euromap63Connector(settings, ctx, opts);
}

export { Euromap63Connector, type Euromap63Options, type Euromap63Settings };
export { completeLines, parseAlarmRow, parseHeader, parseValue, splitFields } from './dat.ts';
export { datTimeToUtc, wallToUtc } from './time.ts';
export { JOBS, tagFor, reportParameters } from './jobs.ts';
export { SessionClient, SessionTimeout, sessionName, parseRsp } from './session.ts';
export { nodeFiles, type FileOps, type FileStat } from './files.ts';
