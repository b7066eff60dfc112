import PgBoss from 'pg-boss';
import { Pool } from 'pg';
import { PASSWORD, type TestAccount } from '../support/accounts';
import { bearerFor, startAppProcess, type AppProcess } from '../support/app-process';
import { DAY, HOUR, publishedChallenge } from '../support/challenges';
import { SmtpMailbox, type ReceivedMail } from '../support/smtp-mailbox';
import { freshDatabase } from '../support/test-app';

const CONTRIBUTORS = 1000;

/**
 * Two app processes on different ports share one PostgreSQL, each running every worker. A judging start, an
 * announcement to 1,000 contributors and a deadline reminder happen once in total; sessions work on either.
 */
describe('two instances sharing one database', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let pool: Pool;
  let mail: SmtpMailbox;
  let instances: AppProcess[];
  let manager: TestAccount;

  beforeAll(async () => {
    database = await freshDatabase();
    pool = new Pool({ connectionString: database.url, max: 2 });
    mail = await SmtpMailbox.start();
    const env = { DATABASE_URL: database.url, SMTP_URL: mail.url, ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD };
    instances = [await startAppProcess(env), await startAppProcess(env)];
    const [row] = (await pool.query(`INSERT INTO users (email, name, password_hash, roles, email_verified_at) VALUES ('shared.manager@agency.example.gov', 'Shared Manager', 'x', '{solver,manager}', now()) RETURNING id`)).rows;
    manager = { id: row.id, email: 'shared.manager@agency.example.gov', name: 'Shared Manager', token: '', auth: { Authorization: bearerFor(row.id) } };
  });
  afterAll(async () => {
    await Promise.all(instances.map((app) => app.kill('SIGTERM')));
    await pool.end();
    await mail.close();
    await database.drop();
  });

  /** The same request to both instances at once; their statuses, sorted. */
  const onBoth = async (method: 'post', path: string, body: object = {}) =>
    (await Promise.all(instances.map((app) => app.http[method](path).set(manager.auth).send(body)))).map((r) => r.status).sort();

  const uniqueMessagesTo = (messages: ReceivedMail[]) => {
    const perRecipient = new Map<string, Set<string>>();
    for (const m of messages) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? new Set()).add(m.messageId));
    return perRecipient;
  };

  const waitForMail = async (predicate: () => boolean, what: string, timeoutMs = 120_000) => {
    for (const deadline = Date.now() + timeoutMs; !predicate(); ) {
      if (Date.now() > deadline) throw new Error(`${what} did not arrive within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('starts judging once and announces to 1,000 contributors once, with one message each', async () => {
    const challenge = await publishedChallenge(instances[0], manager, new Date(Date.now() - 2 * DAY), {
      judgesPerSubmission: 1,
      rubric: [{ key: 'impact', name: 'Impact', description: 'How much it helps', weight: 1, maxScore: 10 }],
      fields: [{ key: 'summary', label: 'Summary', type: 'textarea', required: true }],
    });
    await pool.query(
      `WITH solvers AS (
         INSERT INTO users (email, name, password_hash, email_verified_at)
         SELECT 'contributor' || n || '@solvers.example', 'Contributor ' || n, 'x', now() FROM generate_series(1, $2) n RETURNING id)
       INSERT INTO submissions (challenge_id, phase_id, solver_id, title, answers, status, slot, receipt, submitted_at)
       SELECT $1, (SELECT id FROM challenge_phases WHERE challenge_id = $1), id, 'Entry', '{"summary":"Idea"}', 'submitted', 1, 'TWO-2026-' || row_number() OVER (), now() FROM solvers`,
      [challenge.id, CONTRIBUTORS],
    );
    await pool.query(
      `WITH panel AS (
         INSERT INTO users (email, name, password_hash, email_verified_at)
         SELECT 'panel' || n || '@panel.example', 'Panel ' || n, 'x', now() FROM generate_series(1, 3) n RETURNING id, email, name)
       INSERT INTO judges (challenge_id, email, name, user_id, status, invitation_hash, invited_at)
       SELECT $1, email, name, id, 'accepted', md5(email), now() FROM panel`,
      [challenge.id],
    );
    await instances[1].http.post(`/api/v1/challenges/${challenge.id}/close`).set(manager.auth).expect(200);

    expect(await onBoth('post', `/api/v1/challenges/${challenge.id}/judging/start`)).toEqual([200, 409]);
    const [{ assignments, entries }] = (await pool.query(`SELECT count(*)::int AS assignments, count(DISTINCT submission_id)::int AS entries FROM assignments WHERE challenge_id = $1`, [challenge.id])).rows;
    expect({ assignments, entries }).toEqual({ assignments: CONTRIBUTORS, entries: CONTRIBUTORS });

    await pool.query(
      `WITH scored AS (UPDATE assignments SET status = 'submitted' WHERE challenge_id = $1 RETURNING id)
       INSERT INTO scorecards (assignment_id, scores, feedback, note, final, submitted_at, updated_at)
       SELECT id, jsonb_build_object('impact', floor(random() * 11)), 'Thank you for entering.', '', true, now(), now() FROM scored`,
      [challenge.id],
    );
    await instances[0].http.post(`/api/v1/challenges/${challenge.id}/awards`).set(manager.auth).send({ fromRanking: true }).expect(201);
    const started = mail.messages.length;
    expect(await onBoth('post', `/api/v1/challenges/${challenge.id}/announce`)).toEqual([200, 409]);
    const announcementMail = () => mail.messages.slice(started).filter((m) => m.to.some((to) => to.startsWith('contributor')));
    await waitForMail(() => uniqueMessagesTo(announcementMail()).size >= CONTRIBUTORS, 'the announcement');
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const perContributor = uniqueMessagesTo(announcementMail());
    const delivered = announcementMail().length;
    const [{ fanoutJobs }] = (await pool.query(`SELECT count(*)::int AS "fanoutJobs" FROM pgboss.job WHERE name = 'announcement-fanout'`)).rows;
    console.log(JSON.stringify({ twoInstances: { contributors: perContributor.size, delivered, duplicates: delivered - perContributor.size, fanoutJobs } }));
    expect(perContributor.size).toBe(CONTRIBUTORS);
    expect([...perContributor.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(delivered).toBe(CONTRIBUTORS);
  });

  it('sends a deadline reminder once in total however many times both instances run the check', async () => {
    const challenge = await publishedChallenge(instances[0], manager, new Date(Date.now() - 29 * DAY - 12 * HOUR), {
      title: 'Closing tomorrow',
      fields: [{ key: 'summary', label: 'Summary', type: 'textarea', required: true }],
    });
    await pool.query(
      `WITH solvers AS (
         INSERT INTO users (email, name, password_hash, email_verified_at)
         SELECT 'drafter' || n || '@solvers.example', 'Drafter ' || n, 'x', now() FROM generate_series(1, 50) n RETURNING id)
       INSERT INTO submissions (challenge_id, phase_id, solver_id, title, answers, status, slot) SELECT $1, (SELECT id FROM challenge_phases WHERE challenge_id = $1), id, 'Draft', '{}', 'draft', 1 FROM solvers`,
      [challenge.id],
    );
    // What the two instances' schedules do every 15 minutes, many times over, from two pg-boss clients.
    const schedulers = [new PgBoss({ connectionString: database.url, max: 1, supervise: false, schedule: false }), new PgBoss({ connectionString: database.url, max: 1, supervise: false, schedule: false })];
    for (const boss of schedulers) await boss.start();
    for (let round = 0; round < 5; round += 1) await Promise.all(schedulers.map((boss) => boss.send('deadline-reminders', {})));
    const reminders = () => mail.messages.filter((m) => m.to.some((to) => to.startsWith('drafter')));
    await waitForMail(() => uniqueMessagesTo(reminders()).size >= 50, 'the deadline reminders', 60_000);
    for (let wait = 0; wait < 50; wait += 1) {
      const [{ open }] = (await pool.query(`SELECT count(*)::int AS open FROM pgboss.job WHERE name = 'deadline-reminders' AND state IN ('created', 'retry', 'active')`)).rows;
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await Promise.all(schedulers.map((boss) => boss.stop({ graceful: false, wait: true })));
    const [{ runs }] = (await pool.query(`SELECT count(*)::int AS runs FROM pgboss.job WHERE name = 'deadline-reminders' AND state = 'completed'`)).rows;
    console.log(JSON.stringify({ deadlineReminder: { checksRun: runs, drafters: 50, delivered: reminders().length } }));
    expect(runs).toBeGreaterThan(1);
    expect(reminders()).toHaveLength(50);
    expect([...uniqueMessagesTo(reminders()).values()].every((ids) => ids.size === 1)).toBe(true);
  });

  it('keeps a browser signed in on either instance, and signed out on both', async () => {
    const cookiesOf = (response: { headers: Record<string, unknown> }) => ((response.headers['set-cookie'] ?? []) as string[]).map((c) => c.split(';')[0]);
    const form = await instances[0].http.get('/sign-in').expect(200);
    const csrfCookie = cookiesOf(form);
    const formToken = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const signedIn = await instances[0].http.post('/sign-in').set('Cookie', csrfCookie).type('form').send({ email: 'admin@laurel.test', password: PASSWORD, _csrf: formToken }).expect(303);
    const cookies = [...csrfCookie, ...cookiesOf(signedIn)].join('; ');
    await instances[0].http.get('/account').set('Cookie', cookies).expect(200);
    const second = await instances[1].http.get('/account').set('Cookie', cookies);
    expect(second.status).toBe(200);
    expect(second.text).toContain('admin@laurel.test');
    const token = /name="_csrf" value="([^"]+)"/.exec(second.text)![1];
    await instances[1].http.post('/sign-out').set('Cookie', cookies).type('form').send({ _csrf: token }).expect(303);
    const afterSignOut = await instances[0].http.get('/account').set('Cookie', cookies);
    expect(afterSignOut.status).toBe(303);
    expect(afterSignOut.headers.location).toMatch(/^\/sign-in/);
  });
});
