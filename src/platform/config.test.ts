import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('takes flags over environment over file over defaults', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-cfg-'));
    const file = path.join(dir, 'takt.yaml');
    writeFileSync(file, 'port: 4000\ndataDir: /srv/takt\nlogLevel: warn\n');
    const c = loadConfig({ config: file, port: '5000' }, { TAKT_DATA_DIR: '/env/data', TAKT_DEMO: 'false' });
    expect(c).toMatchObject({ port: 5000, dataDir: '/env/data', logLevel: 'warn', demo: false });
    expect(loadConfig({}, {}).port).toBe(3000);
  });

  it('reads the proxy and disk settings (off and 200 MB unless set)', () => {
    expect(loadConfig({}, {})).toMatchObject({ trustProxy: false, minFreeDiskMb: 200 });
    expect(loadConfig({}, { TAKT_TRUST_PROXY: 'true', TAKT_MIN_FREE_DISK_MB: '500' })).toMatchObject({ trustProxy: true, minFreeDiskMb: 500 });
    expect(loadConfig({}, { TAKT_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(() => loadConfig({}, { TAKT_MIN_FREE_DISK_MB: '-1' })).toThrow(/minFreeDiskMb/);
  });

  it('is safe by default: no demo credentials, proxy headers not trusted; both can be turned on', () => {
    expect(loadConfig({}, {})).toMatchObject({ demo: false, trustProxy: false });
    expect(loadConfig({}, { TAKT_DEMO: 'true', TAKT_TRUST_PROXY: 'true' })).toMatchObject({ demo: true, trustProxy: true });
    expect(loadConfig({ demo: true }, {}).demo).toBe(true);
  });

  it('holds the first admin password to the password rule', () => {
    expect(() => loadConfig({}, { TAKT_ADMIN_PASSWORD: 'short-pw' })).toThrow(/adminPassword: at least 10/);
    expect(() => loadConfig({}, { TAKT_ADMIN_PASSWORD: 'password123!' })).toThrow(/adminPassword: .*common/);
    expect(loadConfig({}, { TAKT_ADMIN_PASSWORD: 'blue-forklift-42' }).adminPassword).toBe('blue-forklift-42');
  });

  it('explains what is wrong', () => {
    expect(() => loadConfig({}, { TAKT_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { TAKT_PORT: '99999' })).toThrow(/port/);
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://x' })).toThrow(/databaseUrl: must be a postgres/);
    expect(() => loadConfig({ config: '/nonexistent/takt.yaml' }, {})).toThrow(/does not exist/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'takt-cfg-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'prot: 3000\n');
    expect(() => loadConfig({ config: path.join(dir, 'bad.yaml') }, {})).toThrow(/Unrecognized key/i);
  });

  it('reads the outbound allow-list and the audit anchor settings, refusing bad entries by name', () => {
    const c = loadConfig({}, { TAKT_OUTBOUND_ALLOW: '10.20.0.0/16, plc.local:4840', TAKT_AUDIT_CHECKPOINT_MINUTES: '5' });
    expect(c).toMatchObject({ outboundAllow: ['10.20.0.0/16', 'plc.local:4840'], auditCheckpointMinutes: 5 });
    expect(loadConfig({}, {}).outboundAllow).toEqual([]);
    expect(() => loadConfig({}, { TAKT_OUTBOUND_ALLOW: '10.0.0.0/33' })).toThrow(/outboundAllow: .*10\.0\.0\.0\/33/);
    expect(() => loadConfig({}, { TAKT_AUDIT_KEY: 'short' })).toThrow(/auditKey: 64 hex/);
  });
});
