import { Pool } from 'pg';
import type { TestAccount } from '../support/accounts';
import { bearerFor, startAppProcess, type AppProcess } from '../support/app-process';
import { DAY, publishedChallenge } from '../support/challenges';
import { SmtpMailbox } from '../support/smtp-mailbox';
import { freshDatabase } from '../support/test-app';

interface Outcome {
  solverId: string;
  email: string;
  /** HTTP status, or `dropped` when the connection failed (the app was killed under the request). */
  status: number | 'dropped';
  entryId?: string;
}

const RECEIPT = /^Entry received/;

/**
 * `kill -9` of the app started as `npm start`, once mid-surge and once mid-delivery to a slow SMTP server; then a
 * restart on the same database. Nothing acknowledged is lost and every entry gets exactly one acknowledgement
 * (a message re-sent after a crash between SMTP's answer and the outbox update keeps its Message-ID, so it counts once).
 */
describe('crash recovery', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let pool: Pool;
  let mail: SmtpMailbox;
  const running: AppProcess[] = [];

  beforeEach(async () => {
    database = await freshDatabase();
    pool = new Pool({ connectionString: database.url, max: 2 });
    mail = await SmtpMailbox.start();
  });
  afterEach(async () => {
    for (const app of running.splice(0)) if (app.child.exitCode === null && app.child.signalCode === null) await app.kill('SIGTERM');
    await pool.end();
    await mail.close();
    await database.drop();
  });

  const start = async () => {
    const app = await startAppProcess({ DATABASE_URL: database.url, SMTP_URL: mail.url, JOB_TIMEOUT_SECONDS: '10' });
    running.push(app);
    return app;
  };

  /** An open challenge (one entry per solver) and `count` verified solvers, seeded straight into the database. */
  const seed = async (app: AppProcess, count: number) => {
    const [manager] = (await pool.query(`INSERT INTO users (email, name, password_hash, roles, email_verified_at) VALUES ('crash.manager@agency.example.gov', 'Crash Manager', 'x', '{solver,manager}', now()) RETURNING id`)).rows;
    const account = { id: manager.id, auth: { Authorization: bearerFor(manager.id) } } as TestAccount;
    const challenge = await publishedChallenge(app, account, new Date(Date.now() - 2 * DAY), { fields: [{ key: 'summary', label: 'Summary', type: 'textarea', required: true }] });
    const solvers = (
      await pool.query(
        `INSERT INTO users (email, name, password_hash, email_verified_at)
         SELECT 'crash.solver' || n || '@solvers.example', 'Crash Solver ' || n, 'x', now() FROM generate_series(1, $1) n RETURNING id, email`,
        [count],
      )
    ).rows as { id: string; email: string }[];
    return { challengeId: challenge.id as string, solvers };
  };

  /** Each solver submits once, `concurrency` at a time, into `outcomes`; no new request starts once `stopped()`. */
  const submitAll = async (app: AppProcess, challengeId: string, solvers: { id: string; email: string }[], concurrency: number, outcomes: Outcome[] = [], stopped = () => false) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < solvers.length && !stopped()) {
          const solver = solvers[next++];
          try {
            const response = await fetch(`${app.url}/api/v1/challenges/${challengeId}/submissions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: bearerFor(solver.id) },
              body: JSON.stringify({ title: `Entry of ${solver.email}`, answers: { summary: 'x'.repeat(1500) }, submit: true }),
            });
            const body = (await response.json()) as { id?: string };
            outcomes.push({ solverId: solver.id, email: solver.email, status: response.status, entryId: body.id });
          } catch {
            outcomes.push({ solverId: solver.id, email: solver.email, status: 'dropped' });
          }
        }
      }),
    );
    return outcomes;
  };

  /** Waits until every outbox message is sent and has arrived. */
  const drain = async (timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ unsent, total }] = (await pool.query(`SELECT count(*) FILTER (WHERE status <> 'sent')::int AS unsent, count(*)::int AS total FROM outbox_messages`)).rows;
      const arrived = new Set(mail.messages.map((m) => m.messageId)).size;
      if (unsent === 0 && arrived >= total) return;
      if (Date.now() > deadline) throw new Error(`mail did not drain: ${unsent} unsent, ${arrived} of ${total} arrived`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  /** What the database and the mailbox hold against what the clients were told. */
  const audit = async (outcomes: Outcome[]) => {
    const rows = (await pool.query(`SELECT s.id, s.solver_id, u.email FROM submissions s JOIN users u ON u.id = s.solver_id`)).rows as { id: string; solver_id: string; email: string }[];
    const rowIds = new Set(rows.map((r) => r.id));
    const bySolver = new Map(outcomes.map((o) => [o.solverId, o]));
    const acknowledged = outcomes.filter((o) => o.status === 201);
    const lost = acknowledged.filter((o) => !rowIds.has(o.entryId!));
    // An entry nobody was told about may only come from a request whose connection the kill cut.
    const unexplained = rows.filter((r) => bySolver.get(r.solver_id)?.status !== 201 && bySolver.get(r.solver_id)?.status !== 'dropped');
    const droppedButStored = rows.filter((r) => bySolver.get(r.solver_id)?.status === 'dropped').length;
    const [{ outbox }] = (await pool.query(`SELECT count(*)::int AS outbox FROM outbox_messages WHERE template = 'submission-received'`)).rows;
    const receipts = mail.messages.filter((m) => RECEIPT.test(m.subject));
    const uniqueReceiptsTo = (email: string) => new Set(receipts.filter((m) => m.to.includes(email)).map((m) => m.messageId)).size;
    const withoutExactlyOneReceipt = rows.filter((r) => uniqueReceiptsTo(r.email) !== 1).length;
    const resends = receipts.length - new Set(receipts.map((m) => m.messageId)).size;
    const refusedButStored = outcomes.filter((o) => typeof o.status === 'number' && o.status !== 201 && rows.some((r) => r.solver_id === o.solverId)).length;
    return {
      fired: outcomes.length,
      acknowledged: acknowledged.length,
      dropped: outcomes.filter((o) => o.status === 'dropped').length,
      otherStatuses: [...new Set(outcomes.filter((o) => o.status !== 201 && o.status !== 'dropped').map((o) => o.status))],
      rows: rows.length,
      lost: lost.length,
      unexplained: unexplained.length,
      refusedButStored,
      droppedButStored,
      outbox,
      withoutExactlyOneReceipt,
      resendsWithSameMessageId: resends,
    };
  };

  it('keeps every acknowledged entry and sends one receipt each after a kill -9 mid-surge', async () => {
    const app = await start();
    const { challengeId, solvers } = await seed(app, 600);
    const outcomes: Outcome[] = [];
    let killed = false;
    const killer = (async () => {
      while (outcomes.length < 150) await new Promise((resolve) => setTimeout(resolve, 5));
      await app.kill('SIGKILL');
      killed = true;
    })();
    await submitAll(app, challengeId, solvers, 32, outcomes, () => killed);
    await killer;
    await start();
    await drain();
    const figures = await audit(outcomes);
    console.log(JSON.stringify({ crashMidSurge: figures }));
    expect(figures.acknowledged).toBeGreaterThan(100);
    expect(figures.dropped).toBeGreaterThan(0);
    expect(figures.otherStatuses).toEqual([]);
    expect(figures).toMatchObject({ lost: 0, unexplained: 0, refusedButStored: 0, withoutExactlyOneReceipt: 0, outbox: figures.rows });
  });

  it('loses no receipt and sends none twice after a kill -9 while a slow SMTP server is taking them', async () => {
    mail.deliveryDelayMs = 100;
    const app = await start();
    const { challengeId, solvers } = await seed(app, 300);
    const outcomes = await submitAll(app, challengeId, solvers, 16);
    expect(outcomes.every((o) => o.status === 201)).toBe(true);
    for (const deadline = Date.now() + 60_000; mail.messages.filter((m) => RECEIPT.test(m.subject)).length < 60; ) {
      if (Date.now() > deadline) throw new Error('receipts did not start arriving');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [{ sentBeforeKill }] = (await pool.query(`SELECT count(*)::int AS "sentBeforeKill" FROM outbox_messages WHERE status = 'sent'`)).rows;
    const arrivedBeforeKill = mail.messages.length;
    await app.kill('SIGKILL');
    await start();
    await drain();
    const figures = await audit(outcomes);
    console.log(JSON.stringify({ crashMidDelivery: { ...figures, arrivedBeforeKill, markedSentBeforeKill: sentBeforeKill } }));
    expect(arrivedBeforeKill).toBeLessThan(300);
    expect(figures).toMatchObject({ acknowledged: 300, rows: 300, lost: 0, outbox: 300, withoutExactlyOneReceipt: 0 });
    // Sent messages are marked ten at a time per worker: a kill re-sends a few, never a whole batch of 100.
    expect(figures.resendsWithSameMessageId).toBeLessThanOrEqual(40);
  });
});
