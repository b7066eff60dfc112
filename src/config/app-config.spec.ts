import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'laurel-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({ port: 3000, publicUrl: 'http://localhost:3000', dataDir, production: false, secureCookies: false });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
  });

  it('generates a session secret once and keeps it under DATA_DIR', () => {
    const first = loadConfig({ DATA_DIR: dataDir }).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(48);
    expect(loadConfig({ DATA_DIR: dataDir }).sessionSecret).toBe(first);
    expect(readFileSync(join(dataDir, 'secrets', 'session-secret'), 'utf8')).toBe(first);
  });

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadConfig({
        DATA_DIR: dataDir,
        PORT: '70000',
        PUBLIC_URL: 'ftp://x',
        DATABASE_URL: 'mysql://x',
        SMTP_URL: 'http://mail',
        ADMIN_EMAIL: 'admin@example.gov',
        SESSION_SECRET: 'short',
        JOB_TIMEOUT_SECONDS: '1',
        TRUST_PROXY: 'true',
        NODE_ENV: 'staging',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const names = (error as ConfigError).problems.map((p) => p.split(' ')[0]);
      expect(names).toEqual(['PORT', 'PUBLIC_URL', 'DATABASE_URL', 'SMTP_URL', 'ADMIN_PASSWORD', 'SESSION_SECRET', 'JOB_TIMEOUT_SECONDS', 'TRUST_PROXY', 'NODE_ENV']);
      expect((error as Error).message).toContain('Invalid configuration');
    }
  });

  it('reads TRUST_PROXY as a hop count or a list of proxy addresses and subnets, and trusts none by default', () => {
    const trust = (TRUST_PROXY?: string) => loadConfig({ DATA_DIR: dataDir, ...(TRUST_PROXY ? { TRUST_PROXY } : {}) }).trustProxy;
    expect(trust()).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('loopback, 10.0.0.0/8,fd00::/8')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['true', '0', '11', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/1']) {
      expect(() => trust(bad)).toThrow(/TRUST_PROXY/);
    }
  });

  it('marks cookies Secure behind an https public URL and trims a trailing slash', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://prizes.example.gov/' });
    expect(config.publicUrl).toBe('https://prizes.example.gov');
    expect(config.secureCookies).toBe(true);
  });
});
