// `npm run bench` (all) or `npm run bench -- <surge|ranking|fanout|pages|uploads>`: one JSON line per benchmark.
// Each measures this machine's own limit in the same run, so `ratio` holds on a noisy machine.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { bearer, countingSmtp, freshDatabase, median, peakRssMb, percentile, query, requireServer, seedChallenge, startApp, stopApp } from './support.mjs';

const server = requireServer();
const RUBRIC = ['impact', 'feasibility', 'novelty', 'cost', 'clarity'].map((key, i) => ({ key, name: key, description: '', weight: i + 1, maxScore: 10 }));
const FIELDS = [
  { key: 'summary', label: 'Summary', type: 'textarea', required: true, maxLength: 5000 },
  { key: 'category', label: 'Category', type: 'select', required: true, options: ['Hardware', 'Software'] },
  { key: 'website', label: 'Website', type: 'url', required: false },
];
/** The app reads a challenge with its phases in one statement (ChallengeReader); the ceiling does the same. */
const CHALLENGE_WITH_PHASES = 'SELECT * FROM challenges c JOIN challenge_phases p ON p.challenge_id = c.id WHERE c.id = $1 ORDER BY p.number';
const ANSWERS = { summary: 'A'.repeat(1900), category: 'Hardware', website: 'https://entry.example/solution' };

function run(options) {
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
}

/** The last hour before a deadline: 64 connections posting entries for 20 s, against the same work done directly with pg. */
async function surge() {
  const url = await freshDatabase(server, 'laurel_bench_surge');
  const smtp = await countingSmtp();
  const app = await startApp(url, { SMTP_URL: smtp.url });
  const { challengeId, phaseId } = await seedChallenge(url, { rubric: RUBRIC, fields: FIELDS, maxPerSolver: 100_000 });
  const solvers = await query(
    url,
    `INSERT INTO users (email, name, password_hash, email_verified_at)
     SELECT 'solver' || n || '@bench.example', 'Solver ' || n, 'x', now() FROM generate_series(1, 2000) n RETURNING id`,
  );
  const tokens = solvers.map((s) => `Bearer ${bearer(s.id)}`);
  let next = 0;
  const body = JSON.stringify({ title: 'Surge entry', answers: ANSWERS, submit: true });
  const result = await run({
    url: `${app.url}/api/v1/challenges/${challengeId}/submissions`,
    connections: 64,
    duration: 20,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, body, setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: tokens[next++ % tokens.length] } }) }],
  });
  const rss = peakRssMb(app.pid);
  const created = result['2xx'];
  const [{ rows, outbox }] = await query(
    url,
    `SELECT (SELECT count(*)::int FROM submissions) AS rows, (SELECT count(*)::int FROM outbox_messages WHERE template = 'submission-received') AS outbox`,
  );
  await stopApp(app);
  await smtp.close();

  // The ceiling: the same rows in the same transaction (entry + receipt + outbox message + its job), straight through pg.
  const pool = new pg.Pool({ connectionString: url, max: 64 });
  const deadline = Date.now() + 10_000;
  let done = 0;
  const latencies = [];
  await Promise.all(
    Array.from({ length: 64 }, async (_, worker) => {
      for (let i = 0; Date.now() < deadline; i += 1) {
        const started = process.hrtime.bigint();
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(CHALLENGE_WITH_PHASES, [challengeId]);
          const solver = solvers[(worker * 997 + i) % solvers.length].id;
          const slots = await client.query('SELECT slot FROM submissions WHERE phase_id = $1 AND solver_id = $2 AND slot IS NOT NULL', [phaseId, solver]);
          const [{ n }] = (await client.query(`SELECT nextval('submission_receipt_seq') AS n`)).rows;
          const [{ id }] = (
            await client.query(
              `INSERT INTO submissions (challenge_id, phase_id, solver_id, title, answers, status, slot, receipt, submitted_at) VALUES ($1, $6, $2, 'Direct', $3, 'submitted', $4, $5, now()) RETURNING id`,
              [challengeId, solver, JSON.stringify(ANSWERS), slots.rowCount + 1000 + i, `DIR-2026-${n}`, phaseId],
            )
          ).rows;
          const [{ id: outboxId }] = (
            await client.query(
              `INSERT INTO outbox_messages (dedupe_key, template, recipient, data, message_id) VALUES ($1, 'submission-received', 'x@bench.example', $2, $3) RETURNING id`,
              [`direct:${id}`, JSON.stringify({ answers: ANSWERS }), `<${id}@bench>`],
            )
          ).rows;
          await client.query(`INSERT INTO pgboss.job (id, name, data) VALUES ($1, 'outbox', '{}')`, [outboxId]);
          await client.query(CHALLENGE_WITH_PHASES, [challengeId]);
          await client.query('COMMIT');
          done += 1;
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      }
    }),
  );
  await pool.end();
  const ceiling = done / 10;
  const throughput = created / 20;
  return {
    bench: 'surge',
    throughput: Math.round(throughput),
    ceiling: Math.round(ceiling),
    ratio: Number((throughput / ceiling).toFixed(2)),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.non2xx + result.errors,
    rss_mb: rss,
    ceiling_p99_ms: Math.round(percentile(latencies, 99)),
    // Requests still in flight when autocannon stops counting may commit: at most one per connection.
    verified: { responses201: created, rows, outbox, consistent: rows >= created && rows - created <= 64 && outbox === rows },
  };
}

/** 10,000 entries × 3 judges × 5 criteria of final scorecards: GET /ranking against the best single SQL aggregate. */
async function ranking() {
  const url = await freshDatabase(server, 'laurel_bench_ranking');
  const app = await startApp(url);
  const { challengeId, phaseId, managerId } = await seedChallenge(url, { rubric: RUBRIC, fields: FIELDS, judging: true });
  await query(url, `INSERT INTO users (email, name, password_hash, email_verified_at) SELECT 'r' || n || '@bench.example', 'R ' || n, 'x', now() FROM generate_series(1, 10003) n`);
  await query(
    url,
    `INSERT INTO submissions (challenge_id, phase_id, solver_id, title, answers, status, slot, receipt, submitted_at)
     SELECT $1, $2, u.id, 'Entry ' || u.email, '{}', 'submitted', 1, 'RNK-2026-' || row_number() OVER (), now() - (random() * interval '10 days')
     FROM users u WHERE u.email LIKE 'r%@bench.example' AND u.email NOT IN ('r10001@bench.example','r10002@bench.example','r10003@bench.example')`,
    [challengeId, phaseId],
  );
  await query(
    url,
    `INSERT INTO judges (challenge_id, email, name, user_id, status, invitation_hash, invited_at)
     SELECT $1, u.email, u.name, u.id, 'accepted', md5(u.email), now() FROM users u WHERE u.email IN ('r10001@bench.example','r10002@bench.example','r10003@bench.example')`,
    [challengeId],
  );
  await query(
    url,
    `INSERT INTO assignments (challenge_id, phase_id, submission_id, judge_id, status, created_at, updated_at)
     SELECT $1, $2, s.id, j.id, 'submitted', now(), now() FROM submissions s CROSS JOIN judges j WHERE s.challenge_id = $1 AND j.challenge_id = $1`,
    [challengeId, phaseId],
  );
  await query(
    url,
    `INSERT INTO scorecards (assignment_id, scores, feedback, note, final, submitted_at, updated_at)
     SELECT a.id, jsonb_build_object('impact', floor(random()*11), 'feasibility', floor(random()*11), 'novelty', floor(random()*11), 'cost', floor(random()*11), 'clarity', floor(random()*11)),
            'Feedback', '', true, now(), now()
     FROM assignments a WHERE a.challenge_id = $1`,
    [challengeId],
  );
  await query(url, 'ANALYZE');
  const auth = { authorization: `Bearer ${bearer(managerId)}` };
  const timed = async (call) => {
    // A pause first, so that neither measurement pays for the garbage collection the other left behind.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = process.hrtime.bigint();
    await call();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const endpoint = (normalize) => async () => {
    const response = await fetch(`${app.url}/api/v1/challenges/${challengeId}/ranking?normalize=${normalize}`, { headers: auth });
    const rows = await response.json();
    if (!response.ok || rows.length !== 10_000) throw new Error(`ranking answered ${response.status} with ${rows.length} rows`);
  };

  // The ceiling: the raw ranking computed by one SQL aggregate (weighted score per scorecard, mean per entry, ordered).
  const weights = RUBRIC.map((c) => `${c.weight} * (sc.scores->>'${c.key}')::numeric / ${c.maxScore}`).join(' + ');
  const totalWeight = RUBRIC.reduce((s, c) => s + c.weight, 0);
  const sql = `SELECT s.id, s.title, avg((${weights}) / ${totalWeight} * 100) AS score, count(*) AS judges
               FROM scorecards sc JOIN assignments a ON a.id = sc.assignment_id JOIN submissions s ON s.id = a.submission_id
               WHERE a.phase_id = $1 AND sc.final GROUP BY s.id, s.title, s.submitted_at ORDER BY score DESC, judges DESC, s.submitted_at, s.id`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const aggregate = () => client.query(sql, [phaseId]);

  // Three warm-up rounds (the JIT optimizes the ranking code after a few calls), then nine rounds in which the
  // endpoint and the aggregate take turns, so both meet the machine in the same state; medians of each.
  const rounds = { none: [], zscore: [], ceiling: [] };
  for (let i = 0; i < 12; i += 1) {
    const none = await timed(endpoint('none'));
    const zscore = await timed(endpoint('zscore'));
    const ceiling = await timed(aggregate);
    if (i < 3) continue;
    rounds.none.push(none);
    rounds.zscore.push(zscore);
    rounds.ceiling.push(ceiling);
  }
  await client.end();
  const rss = peakRssMb(app.pid);
  await stopApp(app);
  const [none, zscore, ceiling] = [median(rounds.none), median(rounds.zscore), median(rounds.ceiling)];
  return {
    bench: 'ranking',
    entries: 10_000,
    scorecards: 30_000,
    none_ms: Math.round(none),
    zscore_ms: Math.round(zscore),
    ceiling_ms: Math.round(ceiling),
    ratio: Number((ceiling / none).toFixed(2)),
    ratio_zscore: Number((ceiling / zscore).toFixed(2)),
    rss_mb: rss,
  };
}

/**
 * The fan-out's ceiling: a pooled nodemailer transport sending 10,000 messages of the same size to the same kind of
 * server, messages per second.
 */
async function directSmtpRate() {
  const smtp = await countingSmtp();
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 5, maxMessages: Infinity });
  const html = `<p>Hello,</p><p>Thank you for entering. ${'Feedback. '.repeat(150)}</p>`;
  const started = Date.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (sent < 10_000) {
        const n = sent++;
        await transport.sendMail({ from: 'bench@bench.example', to: `c${n}@bench.example`, subject: 'Thank you for entering', html, text: html.replace(/<[^>]+>/g, '') });
      }
    }),
  );
  const rate = 10_000 / ((Date.now() - started) / 1000);
  transport.close();
  await smtp.close();
  return rate;
}

/** Announcing to 10,000 contributors: messages per second until the last one is delivered, against nodemailer straight to the same server. */
async function fanout() {
  const ceilingBefore = await directSmtpRate();
  const url = await freshDatabase(server, 'laurel_bench_fanout');
  const smtp = await countingSmtp();
  const app = await startApp(url, { SMTP_URL: smtp.url });
  const { challengeId, phaseId, managerId } = await seedChallenge(url, { rubric: RUBRIC, fields: FIELDS, judging: true });
  await query(url, `INSERT INTO users (email, name, password_hash, email_verified_at) SELECT 'f' || n || '@bench.example', 'Contributor ' || n, 'x', now() FROM generate_series(1, 10000) n`);
  const entries = await query(
    url,
    `INSERT INTO submissions (challenge_id, phase_id, solver_id, title, answers, status, slot, receipt, submitted_at)
     SELECT $1, $2, u.id, 'Entry ' || u.email, '{}', 'submitted', 1, 'FAN-2026-' || row_number() OVER (), now() FROM users u WHERE u.email LIKE 'f%@bench.example' RETURNING id`,
    [challengeId, phaseId],
  );
  await query(url, `INSERT INTO awards (challenge_id, submission_id, kind, place, title, citation, created_at) VALUES ($1, $2, 'winner', 1, 'First prize', '', now())`, [challengeId, entries[0].id]);
  const started = Date.now();
  const response = await fetch(`${app.url}/api/v1/challenges/${challengeId}/announce`, { method: 'POST', headers: { authorization: `Bearer ${bearer(managerId)}` } });
  const announceMs = Date.now() - started;
  if (!response.ok) throw new Error(`announce answered ${response.status}`);
  while (smtp.count < 10_000 && Date.now() - started < 600_000) await new Promise((resolve) => setTimeout(resolve, 100));
  const seconds = (smtp.last - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const delivered = smtp.count;
  const duplicates = [...smtp.byRecipient.values()].filter((n) => n > 1).length;
  const rss = peakRssMb(app.pid);
  await stopApp(app);
  await smtp.close();

  // Measured before the app starts and after it stops, and averaged, so drift on the machine meets both sides alike.
  const ceilingAfter = await directSmtpRate();
  const ceiling = (ceilingBefore + ceilingAfter) / 2;
  const throughput = delivered / seconds;
  return { bench: 'fanout', delivered, duplicates, announce_ms: announceMs, seconds: Number(seconds.toFixed(1)), throughput: Math.round(throughput), ceiling: Math.round(ceiling), ratio: Number((throughput / ceiling).toFixed(2)), ceiling_runs: [Math.round(ceilingBefore), Math.round(ceilingAfter)], rss_mb: rss };
}

/** The public challenge list page (100 published, 20 per page) against a bare node:http server answering a page of the same size. */
async function pages() {
  const url = await freshDatabase(server, 'laurel_bench_pages');
  const app = await startApp(url);
  for (let i = 0; i < 100; i += 1) await seedChallenge(url, { title: `Public challenge ${i}`, rubric: RUBRIC, fields: FIELDS });
  const body = await (await fetch(`${app.url}/challenges`)).text();
  const result = await run({ url: `${app.url}/challenges`, connections: 32, duration: 10 });
  const rss = peakRssMb(app.pid);
  await stopApp(app);
  const bare = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const ceiling = await run({ url: `http://127.0.0.1:${bare.address().port}/`, connections: 32, duration: 10 });
  await new Promise((resolve) => bare.close(resolve));
  return {
    bench: 'pages',
    bytes: Buffer.byteLength(body),
    throughput: Math.round(result.requests.average),
    p99_ms: result.latency.p99,
    errors: result.non2xx + result.errors,
    ceiling: Math.round(ceiling.requests.average),
    ratio: Number((result.requests.average / ceiling.requests.average).toFixed(2)),
    rss_mb: rss,
  };
}

/**
 * Eight solvers uploading a 50 MB PDF each at the same moment (multipart `POST …/submissions`): peak RSS of the app
 * and the seconds until all eight are stored, against a bare `node:http` server streaming the same eight bodies to disk;
 * then the eight files downloaded at once from a freshly started app (its own peak RSS).
 */
async function uploads() {
  const url = await freshDatabase(server, 'laurel_bench_uploads');
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-bench-uploads-'));
  const app = await startApp(url, { DATA_DIR: dataDir });
  const size = 50 * 1000 * 1000;
  const fields = [{ key: 'plan', label: 'Plan', type: 'file', required: true, accept: ['application/pdf'], maxBytes: 50 * 1024 * 1024 }];
  const { challengeId } = await seedChallenge(url, { rubric: RUBRIC, fields });
  const solvers = await query(url, `INSERT INTO users (email, name, password_hash, email_verified_at) SELECT 'u' || n || '@bench.example', 'U ' || n, 'x', now() FROM generate_series(1, 8) n RETURNING id`);
  const pdf = new Blob([Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 16, 0x20), Buffer.from('\n%%EOF\n')])]);
  const idleRss = peakRssMb(app.pid);
  const post = (target, headers = {}) => {
    const form = new FormData();
    form.set('title', 'Upload');
    form.set('plan', pdf, 'plan.pdf');
    return fetch(target, { method: 'POST', body: form, headers });
  };
  const started = Date.now();
  const statuses = await Promise.all(solvers.map(async (s) => (await post(`${app.url}/api/v1/challenges/${challengeId}/submissions`, { authorization: `Bearer ${bearer(s.id)}` })).status));
  const seconds = (Date.now() - started) / 1000;
  const rss = peakRssMb(app.pid);
  const [{ rows, bytes }] = await query(url, `SELECT count(*)::int AS rows, coalesce(sum(size), 0)::bigint AS bytes FROM submission_files`);
  await stopApp(app);

  // Downloads in a fresh process, so its peak RSS is theirs alone.
  const reader = await startApp(url, { DATA_DIR: dataDir });
  const files = await query(url, `SELECT f.id, f.submission_id, s.solver_id FROM submission_files f JOIN submissions s ON s.id = f.submission_id`);
  const downloadStarted = Date.now();
  const downloaded = await Promise.all(
    files.map(async (f) => {
      const response = await fetch(`${reader.url}/api/v1/submissions/${f.submission_id}/files/${f.id}`, { headers: { authorization: `Bearer ${bearer(f.solver_id)}` } });
      let received = 0;
      for await (const chunk of response.body) received += chunk.length;
      return received;
    }),
  );
  const downloadSeconds = (Date.now() - downloadStarted) / 1000;
  const downloadRss = peakRssMb(reader.pid);
  await stopApp(reader);
  rmSync(dataDir, { recursive: true, force: true });

  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-ceiling-'));
  const bare = createServer((req, res) => {
    const out = createWriteStream(join(dir, randomUUID()));
    req.pipe(out).on('finish', () => res.writeHead(201).end());
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const ceilingStarted = Date.now();
  await Promise.all(solvers.map(() => post(`http://127.0.0.1:${bare.address().port}/`)));
  const ceilingSeconds = (Date.now() - ceilingStarted) / 1000;
  await new Promise((resolve) => bare.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  return {
    bench: 'uploads',
    uploads: solvers.length,
    mb_each: size / 1e6,
    seconds: Number(seconds.toFixed(1)),
    ceiling_seconds: Number(ceilingSeconds.toFixed(1)),
    ratio: Number((ceilingSeconds / seconds).toFixed(2)),
    statuses: [...new Set(statuses)],
    idle_rss_mb: idleRss,
    rss_mb: rss,
    download_seconds: Number(downloadSeconds.toFixed(1)),
    download_rss_mb: downloadRss,
    verified: { rows, bytes: Number(bytes), downloaded: downloaded.reduce((a, b) => a + b, 0), consistent: rows === solvers.length && Number(bytes) === size * solvers.length && downloaded.every((n) => n === size) },
  };
}

const benches = { surge, ranking, fanout, pages, uploads };
const selected = process.argv.slice(2).filter((name) => name in benches);
for (const name of selected.length ? selected : Object.keys(benches)) {
  console.log(JSON.stringify(await benches[name]()));
}
process.exit(0);
