// node-opcua client and session set-up shared by the connector and the browse helper.
import { join } from 'node:path';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type ClientSession,
  type UserIdentityInfo,
} from 'node-opcua';
import type { Connection } from '../../plant/index.ts';
import { NamespaceResolver } from './nodeids.ts';

export type OpcuaSettings = Extract<Connection, { protocol: 'opcua' }>;

/** What a client needs to reach a server: the settings' security and identity fields. */
export interface OpcuaEndpointOptions {
  securityMode?: OpcuaSettings['securityMode'];
  securityPolicy?: OpcuaSettings['securityPolicy'];
  username?: string;
  password?: string;
  namespaceUri?: string;
}

export interface OpcuaClientOptions {
  /**
   * Folder of Takt's client PKI: its own certificate and private key (created on first use, locally) and the
   * server certificates it trusts. Default: $TAKT_DATA_DIR/opcua-pki, else ./data/opcua-pki.
   */
  pkiDir?: string;
  /**
   * Accept a server certificate seen for the first time (it is stored under trusted/). Default true, so Sign and
   * SignAndEncrypt work without a manual step; set false to require moving it from rejected/ to trusted/.
   */
  trustUnknownServers?: boolean;
  /** How long one connection attempt, session request or service call may take (default 10 s). */
  requestTimeoutMs?: number;
  /** Requested session timeout (default 60 s): how long the server keeps the session and its queues after a break. */
  sessionTimeoutMs?: number;
}

export function defaultPkiDir(): string {
  return join(process.env.TAKT_DATA_DIR || './data', 'opcua-pki');
}

export function certificateManager(opts: OpcuaClientOptions): OPCUACertificateManager {
  return new OPCUACertificateManager({
    rootFolder: opts.pkiDir ?? defaultPkiDir(),
    automaticallyAcceptUnknownCertificate: opts.trustUnknownServers ?? true,
    disableFileWatchers: true,
  });
}

/** The endpoint without user info, for health and logs. */
export function redactEndpoint(endpoint: string): string {
  return endpoint.replace(/^(opc\.tcp:\/\/)[^@/]*@/, '$1');
}

export function identity(o: OpcuaEndpointOptions): UserIdentityInfo {
  if (o.username) return { type: UserTokenType.UserName, userName: o.username, password: o.password ?? '' };
  return { type: UserTokenType.Anonymous };
}

export function createClient(o: OpcuaEndpointOptions, cm: OPCUACertificateManager, opts: OpcuaClientOptions, reconnect: boolean): OPCUAClient {
  return OPCUAClient.create({
    applicationName: 'Takt MES',
    clientName: 'takt',
    endpointMustExist: false,
    securityMode: MessageSecurityMode[o.securityMode ?? 'None'],
    securityPolicy: SecurityPolicy[o.securityPolicy ?? 'None'],
    clientCertificateManager: cm,
    requestedSessionTimeout: opts.sessionTimeoutMs ?? 60_000,
    defaultSecureTokenLifetime: 600_000,
    keepSessionAlive: true,
    transportTimeout: opts.requestTimeoutMs ?? 10_000,
    // maxRetry 0 makes connect() fail at once, so Takt's own Backoff governs the first connection; with a retry
    // budget (reconnect) node-opcua repairs a broken channel itself: it re-activates the session if the server still
    // has it and asks for the notifications it missed (Republish), else creates a new session and transfers or
    // re-creates the subscriptions (node-opcua-client reconnection.ts; OPC UA Part 4 §5.13.7, §6.7).
    connectionStrategy: reconnect
      ? { maxRetry: 1, initialDelay: 250, maxDelay: 5000, randomisationFactor: 0.2 }
      : { maxRetry: 0, initialDelay: 100, maxDelay: 100 },
  });
}

/** The server's NamespaceArray (Server_NamespaceArray, ns=0;i=2255; OPC UA Part 5 §6.3.1). */
export async function readNamespaceArray(session: ClientSession): Promise<string[]> {
  const dv = await session.read({ nodeId: 'i=2255', attributeId: AttributeIds.Value });
  const arr: unknown = dv.value?.value;
  if (!Array.isArray(arr)) throw new Error(`cannot read the server's NamespaceArray: ${dv.statusCode.name}`);
  return arr.map(String);
}

export async function resolverFor(session: ClientSession, namespaceUri?: string): Promise<NamespaceResolver> {
  return new NamespaceResolver(await readNamespaceArray(session), namespaceUri);
}

/** Races a promise against a deadline; the loser is ignored (its rejection swallowed). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export class TimeoutError extends Error {}

/** Errors that need a person to act (credentials, security settings, certificates): reported as `failed`. */
export function isConfigurationError(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return /BadUserAccessDenied|BadIdentityToken|BadSecurityPolicyRejected|BadSecurityModeRejected|BadCertificate|BadSecurityChecksFailed|BadNotSupported|invalid endpoint|Cannot find an endpoint|cannot find endpoint|No endpoint/i.test(
    m,
  );
}

/** A short, readable error message: node-opcua's messages can span many lines. */
export function errorText(err: unknown): string {
  const m = String((err as Error)?.message ?? err).trim();
  const status = /\b(Bad[A-Za-z]+)\b/.exec(m)?.[1];
  const first =
    m
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? m;
  const short = first.length > 300 ? `${first.slice(0, 300)}…` : first;
  return status && !short.includes(status) ? `${status}: ${short}` : short;
}
