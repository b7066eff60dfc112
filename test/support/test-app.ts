import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AUTH_RATE_LIMITS, DEFAULT_AUTH_RATE_LIMITS, type AuthRateLimits } from '../../src/auth/auth-rate-limits';
import { Clock } from '../../src/common/clock';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { freePort } from '../../src/database/embedded-postgres';
import { FakeClock } from './fake-clock';
import { SmtpMailbox } from './smtp-mailbox';
import { adminQuery, withDatabase } from './test-database';

export const TEST_PUBLIC_URL = 'http://laurel.test';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  mail: SmtpMailbox;
  db: DataSource;
  databaseUrl: string;
  config: AppConfig;
  clock?: FakeClock;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: FakeClock;
  env?: Record<string, string>;
  rateLimits?: Partial<AuthRateLimits>;
  /** Listen on a real loopback port (for a browser); PUBLIC_URL then points at it. */
  listen?: boolean;
  /** A second instance: runs on that app's database instead of a fresh one. */
  sameDatabaseAs?: TestApp;
  /** Lets a test route the app's database connections (e.g. through a proxy it can cut). */
  routeDatabase?: (url: string) => Promise<string>;
}


/** Generous per-client limits, so a test file's many sign-ups from one address are not refused. */
const TEST_RATE_LIMITS: AuthRateLimits = {
  ...DEFAULT_AUTH_RATE_LIMITS,
  signInPerClient: { limit: 10_000, windowSeconds: 900 },
  registerPerClient: { limit: 10_000, windowSeconds: 3600 },
  resetPerClient: { limit: 10_000, windowSeconds: 3600 },
  resetConfirmPerClient: { limit: 10_000, windowSeconds: 900 },
};

/** A database of the file's own: cloned from the migrated template on a server, or the shared embedded one emptied. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `laurel_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await adminQuery(server, `CREATE DATABASE ${name} TEMPLATE ${process.env.LAUREL_TEST_TEMPLATE}`);
    return { url: withDatabase(server, name), drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const url = process.env.LAUREL_TEST_EMBEDDED_URL;
  if (!url) throw new Error('the test global setup did not start a database');
  await adminQuery(
    url,
    `DO $$ DECLARE tables text;
     BEGIN
       SELECT string_agg(format('%I', tablename), ', ') INTO tables FROM pg_tables
        WHERE schemaname = 'public' AND tablename <> 'migrations';
       IF tables IS NOT NULL THEN EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE'; END IF;
       DELETE FROM pgboss.job;
     END $$`,
  );
  return { url, drop: async () => undefined };
}

/** Boots the whole app as `npm start` would, on its own database, with a real SMTP server receiving its mail. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.sameDatabaseAs ? { url: options.sameDatabaseAs.databaseUrl, drop: async () => undefined } : await freshDatabase();
  const appDatabaseUrl = options.routeDatabase ? await options.routeDatabase(database.url) : database.url;
  const mail = await SmtpMailbox.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-test-'));
  const port = options.listen ? await freePort() : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: port ? `http://127.0.0.1:${port}` : TEST_PUBLIC_URL,
    DATA_DIR: dataDir,
    DATABASE_URL: appDatabaseUrl,
    SMTP_URL: mail.url,
    SESSION_SECRET: 'test-secret-that-is-long-enough-to-pass-validation',
    ...options.env,
  });
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config, appDatabaseUrl)] })
    .overrideProvider(AUTH_RATE_LIMITS)
    .useValue({ ...TEST_RATE_LIMITS, ...options.rateLimits });
  if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error'] });
  configureApp(app, config);
  await app.init();
  if (port) await app.listen(port, '127.0.0.1');
  return {
    app,
    http: request(app.getHttpServer()),
    mail,
    db: app.get(DataSource),
    databaseUrl: database.url,
    config,
    clock: options.clock,
    async close() {
      await app.close();
      await mail.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
