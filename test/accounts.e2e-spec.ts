import { ADMIN_ENV, PASSWORD, registerVerified } from './support/accounts';
import { linkIn } from './support/smtp-mailbox';
import { startTestApp, TEST_PUBLIC_URL, type TestApp } from './support/test-app';

describe('accounts API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
  });
  afterAll(() => t.close());

  it('registers, confirms the address from the emailed link and issues a bearer token', async () => {
    const registered = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'Grace.Hopper@Navy.example', password: PASSWORD, name: 'Grace Hopper' })
      .expect(201);
    expect(registered.body).toEqual({
      id: expect.any(String),
      email: 'grace.hopper@navy.example',
      name: 'Grace Hopper',
      roles: ['solver'],
      emailVerified: false,
      createdAt: expect.any(String),
    });
    expect(registered.body).not.toHaveProperty('passwordHash');

    const mail = await t.mail.waitForMessageTo('grace.hopper@navy.example', /confirm your email/i);
    expect(mail.html).toContain('Confirm my email address');
    const link = linkIn(mail, `${TEST_PUBLIC_URL}/verify-email?token=`);
    const token = new URL(link).searchParams.get('token');

    const signedIn = await t.http.post('/api/v1/auth/token').send({ email: 'GRACE.HOPPER@navy.example', password: PASSWORD }).expect(200);
    expect(signedIn.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    const auth = { Authorization: `Bearer ${signedIn.body.accessToken}` };

    expect((await t.http.get('/api/v1/me').set(auth).expect(200)).body.emailVerified).toBe(false);
    await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(200);
    expect((await t.http.get('/api/v1/me').set(auth).expect(200)).body.emailVerified).toBe(true);

    const reused = await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(422);
    expect(reused.body.errors).toEqual([{ field: 'token', message: 'is invalid, already used or expired' }]);
  });

  it('refuses a second account for the same address in any letter case, and leaves no extra rows or mail', async () => {
    await t.http.post('/api/v1/auth/register').send({ email: 'dup@example.gov', password: PASSWORD, name: 'First' }).expect(201);
    await t.mail.waitForMessageTo('dup@example.gov');
    const before = await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages`);

    const again = await t.http.post('/api/v1/auth/register').send({ email: 'DUP@Example.GOV', password: PASSWORD, name: 'Second' }).expect(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, type: 'urn:laurel:problem:email-taken' });

    const after = await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages`);
    expect(after[0].n).toBe(before[0].n);
    expect(await t.db.query(`SELECT name FROM users WHERE email = 'dup@example.gov'`)).toEqual([{ name: 'First' }]);
  });

  it('validates registration with field errors', async () => {
    const response = await t.http.post('/api/v1/auth/register').send({ email: 'not-an-address', password: 'short', name: '' }).expect(422);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'must be an email address' },
        { field: 'password', message: 'must be at least 12 characters' },
        { field: 'name', message: 'is required' },
      ]),
    );
  });

  it('answers 401 for a wrong password or unknown address, with the same message', async () => {
    await registerVerified(t, 'wrongpw@example.gov');
    const wrong = await t.http.post('/api/v1/auth/token').send({ email: 'wrongpw@example.gov', password: 'not the password at all' }).expect(401);
    const unknown = await t.http.post('/api/v1/auth/token').send({ email: 'nobody@example.gov', password: 'not the password at all' }).expect(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.type).toBe('urn:laurel:problem:invalid-credentials');
  });

  it('refuses bad and missing bearer tokens with 401 problem+json', async () => {
    const missing = await t.http.get('/api/v1/me').expect(401);
    expect(missing.body).toMatchObject({ status: 401, title: expect.any(String), detail: expect.any(String) });
    await t.http.get('/api/v1/me').set('Authorization', 'Bearer not.a.jwt').expect(401);
  });

  it('resets a password end to end: old password and old tokens stop working', async () => {
    const account = await registerVerified(t, 'reset@example.gov');
    const unknown = await t.http.post('/api/v1/auth/password-reset').send({ email: 'unknown@example.gov' }).expect(202);
    const known = await t.http.post('/api/v1/auth/password-reset').send({ email: 'reset@example.gov' }).expect(202);
    expect(known.body).toEqual(unknown.body);

    const mail = await t.mail.waitForMessageTo('reset@example.gov', /reset/i);
    const token = new URL(linkIn(mail, `${TEST_PUBLIC_URL}/reset-password?token=`)).searchParams.get('token');

    const newPassword = 'a brand new passphrase for laurel';
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'too short' }).expect(422);
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: newPassword }).expect(200);
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, password: newPassword }).expect(422);

    await t.http.get('/api/v1/me').set(account.auth).expect(401);
    await t.http.post('/api/v1/auth/token').send({ email: account.email, password: PASSWORD }).expect(401);
    await t.http.post('/api/v1/auth/token').send({ email: account.email, password: newPassword }).expect(200);
    expect(t.mail.to('unknown@example.gov')).toHaveLength(0);
  });

  it('lets only admins change roles (403 for others) and keeps everyone a solver', async () => {
    const solver = await registerVerified(t, 'solver@example.gov');
    const forbidden = await t.http.put(`/api/v1/users/${solver.id}/roles`).set(solver.auth).send({ roles: ['admin'] }).expect(403);
    expect(forbidden.body.type).toBe('urn:laurel:problem:not-allowed');

    const admin = await t.http.post('/api/v1/auth/token').send({ email: ADMIN_ENV.ADMIN_EMAIL, password: PASSWORD }).expect(200);
    const adminAuth = { Authorization: `Bearer ${admin.body.accessToken}` };
    const updated = await t.http.put(`/api/v1/users/${solver.id}/roles`).set(adminAuth).send({ roles: ['manager'] }).expect(200);
    expect(updated.body.roles).toEqual(['solver', 'manager']);
    expect((await t.http.get('/api/v1/me').set(solver.auth).expect(200)).body.roles).toEqual(['solver', 'manager']);

    const invalid = await t.http.put(`/api/v1/users/${solver.id}/roles`).set(adminAuth).send({ roles: ['judge'] }).expect(422);
    expect(invalid.body.errors[0].field).toBe('roles');
    await t.http.put('/api/v1/users/00000000-0000-4000-8000-000000000000/roles').set(adminAuth).send({ roles: [] }).expect(404);
  });

  it('creates the first admin from ADMIN_EMAIL once', async () => {
    const admins = await t.db.query(`SELECT roles, email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1`, [ADMIN_ENV.ADMIN_EMAIL]);
    expect(admins).toEqual([{ roles: ['solver', 'manager', 'admin'], verified: true }]);
  });
});

describe('sign-in rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ rateLimits: { signInFailures: { limit: 3, windowSeconds: 900 } } });
  });
  afterAll(() => t.close());

  it('answers 429 problem+json with Retry-After after repeated failures, even with the right password', async () => {
    await registerVerified(t, 'target@example.gov');
    for (let i = 0; i < 3; i += 1) {
      await t.http.post('/api/v1/auth/token').send({ email: 'target@example.gov', password: 'guess number ' + i }).expect(401);
    }
    const limited = await t.http.post('/api/v1/auth/token').send({ email: 'target@example.gov', password: PASSWORD }).expect(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.body.type).toBe('urn:laurel:problem:rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.post('/api/v1/auth/token').send({ email: 'other@example.gov', password: PASSWORD }).expect(401);
  });
});
