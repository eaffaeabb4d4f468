// Configuration from flags, environment and an optional config file (JSON or YAML), validated with one zod schema.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseAllowList } from './net/outbound.ts';
import { passwordSchema } from './auth/policy.ts';

export const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(3000),
    host: z.string().min(1).default('0.0.0.0'),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** PostgreSQL only: keep Takt's tables in this schema (created if missing) instead of public. */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _')
      .optional(),
    /** The first admin's password on an empty database: the same rule as every password (auth/policy.ts). */
    adminPassword: passwordSchema.optional(),
    /** Load the demo plant with its demo people (known badge PINs) into an empty database; npm start sets it. */
    demo: z.boolean().default(false),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Log lines as JSON (one object a line) or readable text; unset: readable on a terminal, JSON otherwise (platform/log.ts). */
    logFormat: z.enum(['json', 'pretty']).optional(),
    sessionHours: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(12),
    secureCookies: z.boolean().default(false),
    /** Takt runs behind a reverse proxy: believe its X-Forwarded-For/-Proto/-Host (off: anyone could send them). */
    trustProxy: z.boolean().default(false),
    /** /api/health reports degraded (503) when the data folder's filesystem has less free space than this. */
    minFreeDiskMb: z.coerce.number().min(0).default(200),
    /**
     * Port of the embedded MQTT broker (0 = any free port). Unset: 1883, or a free port when 1883 is taken; set and
     * taken: Takt stops naming the setting (platform/listen.ts).
     */
    mqttPort: z.coerce.number().int().min(0).max(65535).optional(),
    /** Address the embedded MQTT broker listens on; unset: the same as `host` (one setting keeps both on one interface). */
    mqttHost: z.string().min(1).optional(),
    /** Largest MQTT packet (bytes) a signed-in client may send to the embedded broker; before sign-in 64 KiB. */
    mqttMaxPacket: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(1024 * 1024),
    /** Use this broker instead of the embedded one, e.g. mqtt://broker.plant.local:1883 (credentials in the URL). */
    mqttUrl: z
      .string()
      .regex(/^(mqtts?|wss?):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional(),
    /** Sparkplug host application id (spBv1.0/STATE/<id>). */
    sparkplugHostId: z
      .string()
      .regex(/^[^+#/]{1,64}$/, 'no + # or /')
      .default('takt'),
    /** Run the plant simulator against the demo plant (npm start). */
    simulate: z.boolean().default(true),
    /**
     * The simulator's machines work their calendar's shifts: no cycle that would end in a break, at night, at a weekend
     * or in planned downtime (issue #12 item 6). The test suite turns it off so no test depends on the time of day.
     */
    simCalendars: z.boolean().default(true),
    /**
     * Port of the demo's simulated OPC UA press, written into the demo plant when it is loaded into an empty database
     * (0 = a free port chosen then), so two demo instances never share one simulator.
     */
    demoOpcuaPort: z.coerce.number().int().min(0).max(65535).default(0),
    /** Raw time-series values older than this many days are removed (roll-ups stay); 0 keeps everything. */
    retentionDays: z.coerce.number().min(0).default(90),
    /** Observations the collect pipeline holds while the database is slow or away before it stops acknowledging. */
    collectMaxBuffered: z.coerce.number().int().min(10).default(200_000),
    /**
     * Loopback, link-local, private and other special addresses Takt may still connect to for webhooks and OPC UA
     * browse (comma-separated CIDRs, addresses or host[:port]); empty refuses them all (docs/security.md).
     */
    outboundAllow: z
      .union([z.string(), z.array(z.string())])
      .default('')
      .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean))
      .superRefine((entries, issue) => {
        try {
          parseAllowList(entries);
        } catch (err) {
          issue.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    /** The audit anchor's secret (64 hex characters) instead of the key file; every Takt on one database shares it. */
    auditKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, '64 hex characters (32 bytes)')
      .optional(),
    /** Where the audit anchor's secret lives (created with mode 0600 on first start); default <dataDir>/audit.key. */
    auditKeyFile: z.string().min(1).optional(),
    /** The signed checkpoints of the audit trail (JSON lines); default <dataDir>/audit-checkpoints.jsonl. */
    auditCheckpointFile: z.string().min(1).optional(),
    /** Minutes between automatic audit checkpoints (only when the trail grew); 0 = on demand and at shutdown only. */
    auditCheckpointMinutes: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(15),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {}

const ENV_MAP: Record<string, keyof Config> = {
  TAKT_PORT: 'port',
  TAKT_HOST: 'host',
  TAKT_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  TAKT_ADMIN_PASSWORD: 'adminPassword',
  TAKT_DEMO: 'demo',
  TAKT_LOG_LEVEL: 'logLevel',
  TAKT_LOG_FORMAT: 'logFormat',
  TAKT_SESSION_HOURS: 'sessionHours',
  TAKT_SECURE_COOKIES: 'secureCookies',
  TAKT_TRUST_PROXY: 'trustProxy',
  TAKT_MIN_FREE_DISK_MB: 'minFreeDiskMb',
  TAKT_MQTT_PORT: 'mqttPort',
  TAKT_MQTT_HOST: 'mqttHost',
  TAKT_MQTT_MAX_PACKET: 'mqttMaxPacket',
  MQTT_URL: 'mqttUrl',
  TAKT_SPARKPLUG_HOST_ID: 'sparkplugHostId',
  TAKT_SIMULATE: 'simulate',
  TAKT_SIM_CALENDARS: 'simCalendars',
  TAKT_DEMO_OPCUA_PORT: 'demoOpcuaPort',
  TAKT_RETENTION_DAYS: 'retentionDays',
  TAKT_DATABASE_SCHEMA: 'databaseSchema',
  TAKT_COLLECT_MAX_BUFFERED: 'collectMaxBuffered',
  TAKT_OUTBOUND_ALLOW: 'outboundAllow',
  TAKT_AUDIT_KEY: 'auditKey',
  TAKT_AUDIT_KEY_FILE: 'auditKeyFile',
  TAKT_AUDIT_CHECKPOINT_FILE: 'auditCheckpointFile',
  TAKT_AUDIT_CHECKPOINT_MINUTES: 'auditCheckpointMinutes',
};

const BOOLEAN_KEYS = new Set<keyof Config>(['demo', 'secureCookies', 'simulate', 'simCalendars', 'trustProxy']);

function fromEnv(env: NodeJS.ProcessEnv): Partial<Record<keyof Config, unknown>> {
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const [name, key] of Object.entries(ENV_MAP)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    out[key] = BOOLEAN_KEYS.has(key) ? !/^(0|false|no|off)$/i.test(v) : v;
  }
  return out;
}

function fromFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  const text = readFileSync(file, 'utf8');
  try {
    const parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the top level must be an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
  }
}

/**
 * Precedence: flags > environment > config file (--config, TAKT_CONFIG, or ./takt.config.{yaml,json} if present) > defaults.
 */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>> & { config?: string } = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const { config: configFlag, ...rest } = flags;
  let file = configFlag ?? env.TAKT_CONFIG;
  if (!file) file = ['takt.config.yaml', 'takt.config.yml', 'takt.config.json'].find((f) => existsSync(f));
  const merged: Record<string, unknown> = {
    ...(file ? fromFile(path.resolve(file)) : {}),
    ...fromEnv(env),
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
  };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration${file ? ` (file ${file})` : ''}:\n${lines.join('\n')}`);
  }
  return result.data;
}
