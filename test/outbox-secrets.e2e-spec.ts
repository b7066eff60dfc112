import { registerVerified } from './support/accounts';
import { linkIn } from './support/smtp-mailbox';
import { startTestApp, TEST_PUBLIC_URL, type TestApp } from './support/test-app';

describe('secrets in sent messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('keeps no reset or verification link in the stored row once the message is sent', async () => {
    const account = await registerVerified(t, 'scrub@example.gov', 'Scrub Me');
    await t.http.post('/api/v1/auth/password-reset').send({ email: account.email }).expect(202);
    const reset = await t.mail.waitForMessageTo(account.email, /reset/i);
    const token = new URL(linkIn(reset, `${TEST_PUBLIC_URL}/reset-password?token=`)).searchParams.get('token')!;
    let rows: { template: string; status: string; recipient: string; data: Record<string, unknown> }[] = [];
    for (let i = 0; i < 100; i += 1) {
      rows = await t.db.query(`SELECT template, status, recipient, data FROM outbox_messages WHERE recipient = $1 ORDER BY created_at`, [account.email]);
      if (rows.every((row) => row.status === 'sent')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows.map((row) => [row.template, row.status, row.recipient])).toEqual([
      ['verify-email', 'sent', account.email],
      ['password-reset', 'sent', account.email],
    ]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain('token=');
    expect(rows[1].data).toMatchObject({ name: 'Scrub Me', validMinutes: 60 });
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'a brand new password' }).expect(200);
  });
});
