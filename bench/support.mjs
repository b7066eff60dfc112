// Shared pieces for the benchmarks: databases, the app as `npm start` runs it, tokens, RSS, SMTP counting.
import { spawn } from 'node:child_process';
import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';

export const SECRET = 'benchmark-secret-that-is-long-enough-for-laurel';
/** The bearer-token key the app derives from SESSION_SECRET (src/config/secret-keys.ts). */
const BEARER_KEY = Buffer.from(hkdfSync('sha256', SECRET, '', 'laurel bearer-tokens', 32));

export function requireServer() {
  if (!process.env.DATABASE_URL) {
    console.error('Benchmarks need DATABASE_URL (a PostgreSQL server). See docs/performance.md.');
    process.exit(2);
  }
  return process.env.DATABASE_URL;
}

export function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function query(url, sql, params = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh database for one benchmark. */
export async function freshDatabase(server, name) {
  await query(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await query(server, `CREATE DATABASE ${name}`);
  return withDatabase(server, name);
}

export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The node arguments of package.json's `start` script, so the benchmarks run the app exactly as `npm start` does. */
const START_ARGS = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.split(' ').slice(1);

/**
 * Starts the built app as `npm start` does (production mode), and waits for /health. With BENCH_PROFILE_DIR set, the
 * app writes a V8 CPU profile there when it stops.
 */
export async function startApp(databaseUrl, env = {}) {
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, ...START_ARGS], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATABASE_URL: databaseUrl, SESSION_SECRET: SECRET, DATA_DIR: `/tmp/laurel-bench-${port}`, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, pid: child.pid };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  child.kill('SIGKILL');
  throw new Error('the app did not start');
}

export async function stopApp(app) {
  app.child.kill('SIGTERM');
  await new Promise((resolve) => app.child.once('exit', resolve));
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
export function peakRssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

/** An HS256 bearer token as the app issues them (sub = user id, ver = token version). */
export function bearer(userId) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: userId, ver: 0, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', BEARER_KEY).update(unsigned).digest('base64url')}`;
}

/** An SMTP server that accepts and counts messages (by recipient and by Message-ID). */
export async function countingSmtp() {
  const byRecipient = new Map();
  let count = 0;
  let last = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) byRecipient.set(r.address, (byRecipient.get(r.address) ?? 0) + 1);
        count += 1;
        last = Date.now();
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    get count() {
      return count;
    },
    get last() {
      return last;
    },
    byRecipient,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export const median = (values) => percentile(values, 50);

/** Seeds a published challenge owned by a manager, with one open phase; returns ids. */
export async function seedChallenge(url, { title = 'Benchmark challenge', rubric, fields, judging = false, maxPerSolver = 1000 }) {
  const [manager] = await query(url, `INSERT INTO users (email, name, password_hash, roles, email_verified_at) VALUES ($1, 'Bench Manager', 'x', '{solver,manager}', now()) RETURNING id`, [`manager-${randomUUID()}@bench.example`]);
  const [challenge] = await query(
    url,
    `INSERT INTO challenges (slug, owner_id, title, tagline, description, agency, rules, eligibility, prize_amount, max_submissions_per_solver, published_at)
     VALUES ($1, $2, $3, 'A benchmark', 'Description', 'Bench Agency', 'Rules', 'Eligibility', 100000, $4, now() - interval '1 day') RETURNING id, slug`,
    [`bench-${randomUUID().slice(0, 8)}`, manager.id, title, maxPerSolver],
  );
  const [phase] = await query(
    url,
    `INSERT INTO challenge_phases (challenge_id, number, name, opens_at, closes_at, judging_ends_at, judges_per_submission, rubric, fields, judging_started_at)
     VALUES ($1, 1, 'Entries', now() - interval '1 day', now() + interval '30 days', now() + interval '60 days', 3, $2, $3, $4) RETURNING id`,
    [challenge.id, JSON.stringify(rubric), JSON.stringify(fields), judging ? new Date() : null],
  );
  await query(url, `INSERT INTO challenge_managers (challenge_id, user_id, role) VALUES ($1, $2, 'owner')`, [challenge.id, manager.id]);
  return { challengeId: challenge.id, phaseId: phase.id, slug: challenge.slug, managerId: manager.id };
}
