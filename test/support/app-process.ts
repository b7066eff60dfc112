import { JwtService } from '@nestjs/jwt';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { purposeKey } from '../../src/config/secret-keys';
import { freePort } from '../../src/database/embedded-postgres';
import { TEST_PUBLIC_URL } from './test-app';

const SECRET = 'process-secret-that-is-long-enough-to-pass-validation';
const MAIN = join(process.cwd(), 'dist/src/main.js');
/** The node arguments of package.json's `start` script (the script itself would build first). */
const START_ARGS: string[] = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.split(' ').slice(1);

/** The built app started as `npm start` starts it (production mode), in a child process a test can kill. */
export interface AppProcess {
  url: string;
  http: ReturnType<typeof request>;
  child: ChildProcess;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const port = await freePort();
  const child = spawn(process.execPath, START_ARGS, {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), PUBLIC_URL: TEST_PUBLIC_URL, SESSION_SECRET: SECRET, DATA_DIR: mkdtempSync(join(tmpdir(), 'laurel-process-')), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    url,
    http: request(url),
    child,
    exited,
    async kill(signal) {
      child.kill(signal);
      await exited;
    },
  };
  for (const started = Date.now(); Date.now() - started < 30_000; ) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} while starting`);
    const healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (healthy) return app;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await app.kill('SIGKILL');
  throw new Error('the app did not become healthy within 30 s');
}

/** A bearer token as the app issues it, signed with the secret the child processes are given. */
export function bearerFor(userId: string): string {
  return `Bearer ${new JwtService({ secret: purposeKey(SECRET, 'bearer-tokens') }).sign({ sub: userId, ver: 0 }, { algorithm: 'HS256', expiresIn: 3600 })}`;
}
