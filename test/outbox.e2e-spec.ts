import { OUTBOX_QUEUE, OutboxService } from '../src/notifications/outbox.service';
import { PASSWORD } from './support/accounts';
import { startTestApp, type TestApp } from './support/test-app';

describe('mail outbox', () => {
  let t: TestApp;
  let outbox: OutboxService;

  beforeAll(async () => {
    t = await startTestApp();
    outbox = t.app.get(OutboxService);
  });
  afterAll(() => t.close());

  const jobsFor = (outboxId: string) => t.db.query(`SELECT state, retry_count FROM pgboss.job WHERE id = $1`, [outboxId]);

  it('retries a delivery the SMTP server refuses and delivers it exactly once, with the same Message-ID', async () => {
    t.mail.refuseNext(2);
    await t.http.post('/api/v1/auth/register').send({ email: 'retry@example.gov', password: PASSWORD, name: 'Retry' }).expect(201);

    const mail = await t.mail.waitForMessageTo('retry@example.gov', /confirm/i);
    // pg-boss marks the job complete just after the handler returns: wait for that too.
    for (let i = 0; i < 40 && (await t.db.query(`SELECT 1 FROM pgboss.job j JOIN outbox_messages o ON o.id = j.id WHERE o.recipient = 'retry@example.gov' AND j.state = 'completed'`)).length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [row] = await t.db.query(`SELECT id, status, attempts, message_id, last_error FROM outbox_messages WHERE recipient = 'retry@example.gov'`);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(mail.messageId).toBe(row.message_id);
    expect(await jobsFor(row.id)).toEqual([{ state: 'completed', retry_count: 2 }]);

    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(t.mail.to('retry@example.gov')).toHaveLength(1);
  });

  it('writes nothing when the transaction that enqueued a message rolls back', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await outbox.enqueue(tx, [{ template: 'verify-email', to: 'rollback@example.gov', dedupeKey: 'rollback-test', data: { name: 'R', link: 'x' } }]);
        throw new Error('the use case failed after enqueueing');
      }),
    ).rejects.toThrow('the use case failed');
    expect(await t.db.query(`SELECT 1 FROM outbox_messages WHERE dedupe_key = 'rollback-test'`)).toHaveLength(0);
    expect(await t.db.query(`SELECT 1 FROM pgboss.job WHERE name = 'outbox' AND state = 'created'`)).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(t.mail.to('rollback@example.gov')).toHaveLength(0);
  });

  it('writes one message per dedupe key, however often it is enqueued', async () => {
    const message = { template: 'verify-email' as const, to: 'once@example.gov', dedupeKey: 'once-only', data: { name: 'Once', link: 'http://laurel.test/x' } };
    const first = await t.db.transaction((tx) => outbox.enqueue(tx, [message]));
    const second = await t.db.transaction((tx) => outbox.enqueue(tx, [message, message]));
    expect([first, second]).toEqual([1, 0]);
    await t.mail.waitForMessageTo('once@example.gov');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(t.mail.to('once@example.gov')).toHaveLength(1);
  });

  it('enqueues many messages in one statement and delivers them all', async () => {
    const messages = Array.from({ length: 120 }, (_, i) => ({
      template: 'verify-email' as const,
      to: `bulk${i}@example.gov`,
      dedupeKey: `bulk:${i}`,
      data: { name: `Bulk ${i}`, link: `http://laurel.test/${i}` },
    }));
    expect(await t.db.transaction((tx) => outbox.enqueue(tx, messages))).toBe(120);
    await t.mail.waitFor(() => t.mail.messages.filter((m) => m.to[0].startsWith('bulk')).length === 120, 30_000);
    // Rows are marked sent in groups of ten after their messages arrive: the last group may still be on its way.
    const statuses = () => t.db.query(`SELECT status, count(*)::int AS n FROM outbox_messages WHERE dedupe_key LIKE 'bulk:%' GROUP BY status`);
    for (let i = 0; i < 50 && (await statuses()).length !== 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statuses()).toEqual([{ status: 'sent', n: 120 }]);
  });

  it('fails the whole statement, message included, when the delivery queue does not exist', async () => {
    const written = `WITH source AS (SELECT 'no-queue' AS dedupe_key, 'verify-email' AS template, 'noqueue@example.gov' AS recipient,
                       '{}'::jsonb AS data, '<no-queue@laurel.test>' AS message_id), ${OutboxService.writeSql('source')}
                     SELECT count(*) FROM message`;
    await expect(t.db.query(written.replace(`'${OUTBOX_QUEUE}'`, `'no-such-queue'`))).rejects.toThrow();
    expect(await t.db.query(`SELECT 1 FROM outbox_messages WHERE dedupe_key = 'no-queue'`)).toHaveLength(0);
    expect(await t.db.query(written)).toEqual([{ count: '1' }]);
  });
});
