import { PASSWORD, registerVerified } from './support/accounts';
import { linkIn } from './support/smtp-mailbox';
import { startTestApp, TEST_PUBLIC_URL, type TestApp } from './support/test-app';

const signIn = (t: TestApp, email: string, password: string, client?: string) => {
  const req = t.http.post('/api/v1/auth/token');
  if (client) req.set('X-Forwarded-For', client);
  return req.send({ email, password });
};

describe('rate limits behind a proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const limits = { signInPerClient: { limit: 3, windowSeconds: 900 }, signInFailuresPerAccount: { limit: 4, windowSeconds: 3600 } };
    t = await startTestApp({ env: { TRUST_PROXY: 'loopback' }, rateLimits: limits });
  });
  afterAll(() => t.close());

  it('counts each forwarded client on its own', async () => {
    for (let i = 0; i < 3; i += 1) expect((await signIn(t, 'nobody@example.gov', `wrong password ${i}`, '203.0.113.1')).status).toBe(401);
    expect((await signIn(t, 'nobody@example.gov', 'wrong password 3', '203.0.113.1')).status).toBe(429);
    expect((await signIn(t, 'someone@example.gov', 'wrong password 4', '203.0.113.2')).status).toBe(401);
  });

  it('caps failed sign-ins per account across client addresses; a password reset lifts the cap', async () => {
    const victim = await registerVerified(t, 'victim@example.gov');
    for (let i = 0; i < 4; i += 1) expect((await signIn(t, victim.email, `wrong password ${i}`, `198.51.100.${i + 1}`)).status).toBe(401);
    const limited = await signIn(t, victim.email, 'wrong password 5', '198.51.100.50');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(t, victim.email, PASSWORD, '198.51.100.51')).status).toBe(429);

    await t.http.post('/api/v1/auth/password-reset').set('X-Forwarded-For', '198.51.100.52').send({ email: victim.email }).expect(202);
    const reset = await t.mail.waitForMessageTo(victim.email, /reset/i);
    const token = new URL(linkIn(reset, `${TEST_PUBLIC_URL}/reset-password?token=`)).searchParams.get('token');
    await t.http.post('/api/v1/auth/password-reset/confirm').set('X-Forwarded-For', '198.51.100.52').send({ token, password: 'a brand new password' }).expect(200);
    expect((await signIn(t, victim.email, 'a brand new password', '198.51.100.53')).status).toBe(200);
  });
});

describe('rate limits without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimits: { signInPerClient: { limit: 3, windowSeconds: 900 } } });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For, so a client cannot pick a fresh address', async () => {
    for (let i = 0; i < 3; i += 1) expect((await signIn(t, 'nobody@example.gov', `wrong password ${i}`, `203.0.113.${i + 1}`)).status).toBe(401);
    expect((await signIn(t, 'nobody@example.gov', 'wrong password 3', '203.0.113.9')).status).toBe(429);
  });
});

describe('sign-in failures under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('holds under 30 parallel wrong passwords: 5 answered 401, 25 refused 429', async () => {
    await registerVerified(t, 'parallel@example.gov');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => t.http.post('/api/v1/auth/token').send({ email: 'parallel@example.gov', password: `wrong password ${i}` })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });
});

describe('rate limits across instances', () => {
  let first: TestApp;
  let second: TestApp;
  const limits = { signInFailures: { limit: 3, windowSeconds: 900 } };
  beforeAll(async () => {
    first = await startTestApp({ rateLimits: limits });
    second = await startTestApp({ rateLimits: limits, sameDatabaseAs: first });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('counts on the database, so two instances share one count', async () => {
    const account = await registerVerified(first, 'shared@example.gov');
    for (let i = 0; i < 3; i += 1) expect((await signIn(first, account.email, `wrong password ${i}`)).status).toBe(401);
    expect((await signIn(second, account.email, PASSWORD)).status).toBe(429);
  });

  it("keeps each rule's own window on each counter", async () => {
    await first.http.post('/api/v1/auth/register').send({ email: 'windows@example.gov', password: PASSWORD, name: 'Windows' }).expect(201);
    const rows: { key: string; seconds: number }[] = await first.db.query(`SELECT key, round((expire - $1) / 1000.0)::int AS seconds FROM rate_limits`, [Date.now()]);
    const seconds = (prefix: string) => rows.filter((row) => row.key.includes(prefix)).map((row) => row.seconds);
    expect(seconds(':register:')).toEqual([expect.any(Number)]);
    expect(seconds(':register:')[0]).toBeGreaterThan(3500);
    expect(seconds(':sign-in:').every((s) => s > 800 && s <= 900)).toBe(true);
    expect(seconds(':sign-in:').length).toBeGreaterThan(0);
  });
});
