import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

/** The whole configuration, read once from the environment and validated at start-up. */
export interface AppConfig {
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  adminEmail?: string;
  adminPassword?: string;
  sessionSecret: string;
  production: boolean;
  /** Cookies get the Secure flag when the public address is https. */
  secureCookies: boolean;
  /** A mail job still active after this long is taken as lost (its process died) and is retried. */
  jobTimeoutSeconds: number;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (rate limits, the dev mailbox). */
  trustProxy: false | number | string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

type Env = Record<string, string | undefined>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function parseUrl(value: string, protocols: string[]): URL | undefined {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === '' ? undefined : raw;
  };

  const portText = value('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) problems.push(`PORT must be a port number (1-65535), got "${portText}"`);

  const publicUrl = (value('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!parseUrl(publicUrl, ['http:', 'https:'])) problems.push(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl && !parseUrl(databaseUrl, ['postgres:', 'postgresql:'])) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const smtpUrl = value('SMTP_URL');
  if (smtpUrl && !parseUrl(smtpUrl, ['smtp:', 'smtps:'])) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');

  const mailFrom = value('MAIL_FROM') ?? 'Laurel <no-reply@laurel.localhost>';
  const fromAddress = /<([^>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom;
  if (!EMAIL.test(fromAddress)) problems.push(`MAIL_FROM must be an address or "Name <address>", got "${mailFrom}"`);

  const adminEmail = value('ADMIN_EMAIL')?.toLowerCase();
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminEmail && !EMAIL.test(adminEmail)) problems.push(`ADMIN_EMAIL must be an email address, got "${adminEmail}"`);
  if (adminEmail && !adminPassword) problems.push('ADMIN_PASSWORD is required when ADMIN_EMAIL is set');
  if (adminPassword && !adminEmail) problems.push('ADMIN_EMAIL is required when ADMIN_PASSWORD is set');
  if (adminPassword && adminPassword.length < 12) problems.push('ADMIN_PASSWORD must be at least 12 characters');

  const sessionSecret = value('SESSION_SECRET');
  if (sessionSecret && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters');

  const jobTimeoutText = value('JOB_TIMEOUT_SECONDS') ?? '300';
  const jobTimeoutSeconds = Number(jobTimeoutText);
  if (!/^\d+$/.test(jobTimeoutText) || jobTimeoutSeconds < 5 || jobTimeoutSeconds > 3600) {
    problems.push(`JOB_TIMEOUT_SECONDS must be a whole number of seconds from 5 to 3600, got "${jobTimeoutText}"`);
  }

  const trustProxyText = value('TRUST_PROXY');
  const trustProxy = trustProxyText ? parseTrustProxy(trustProxyText) : false;
  if (trustProxy === undefined) {
    problems.push(`TRUST_PROXY must be the number of proxies in front of the app (1-10) or a comma-separated list of their addresses or subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8, ...), got "${trustProxyText}"`);
  }

  const nodeEnv = value('NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(value('DATA_DIR') ?? './var');
  return {
    port,
    publicUrl,
    dataDir,
    databaseUrl,
    smtpUrl,
    mailFrom,
    adminEmail,
    adminPassword,
    sessionSecret: sessionSecret ?? persistentSecret(dataDir),
    production: nodeEnv === 'production',
    secureCookies: publicUrl.startsWith('https:'),
    jobTimeoutSeconds,
    trustProxy: trustProxy ?? false,
  };
}

const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * A hop count, or addresses and subnets. Trusting every proxy (`true`) is refused: then any client could name
 * itself in X-Forwarded-For and get a fresh rate-limit budget with every request.
 */
function parseTrustProxy(text: string): number | string[] | undefined {
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (PROXY_RANGES.has(entry)) return true;
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  return valid ? entries : undefined;
}

/** A secret generated on first start and kept under DATA_DIR, so sessions survive restarts. */
function persistentSecret(dataDir: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
