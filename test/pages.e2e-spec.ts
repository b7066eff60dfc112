import { ADMIN_ENV, PASSWORD, registerVerified } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { linkIn } from './support/smtp-mailbox';
import { startTestApp, TEST_PUBLIC_URL, type TestApp } from './support/test-app';

function cookieNamed(response: { headers: Record<string, unknown> }, name: string): string | undefined {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith(`${name}=`));
}

describe('account pages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
  });
  afterAll(() => t.close());

  it('signs up through the form, confirms from the email link page, and signs in with a session cookie', async () => {
    const browser = new BrowserSession(t.app);
    const signUpPage = await browser.agent.get('/sign-up').expect(200);
    expect(signUpPage.text).toContain('<form');
    expect(signUpPage.text).toMatch(/name="_csrf" value="[^"]+"/);

    const created = await browser.submit('/sign-up', { name: 'Katherine Johnson', email: 'kj@nasa.example', password: PASSWORD });
    expect(created.status).toBe(200);
    expect(created.text).toContain('Check your email');

    const mail = await t.mail.waitForMessageTo('kj@nasa.example');
    const link = linkIn(mail, `${TEST_PUBLIC_URL}/verify-email?token=`);
    const confirmed = await browser.agent.get(link.replace(TEST_PUBLIC_URL, '')).expect(200);
    expect(confirmed.text).toContain('Email address confirmed');

    const signIn = await browser.submit('/sign-in', { email: 'kj@nasa.example', password: PASSWORD });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/account');
    const session = cookieNamed(signIn, 'laurel_session');
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);

    const account = await browser.agent.get('/account').expect(200);
    expect(account.text).toContain('kj@nasa.example');
    expect(account.text).toContain('Confirmed');
  });

  it('re-renders the form with an error summary linked to the fields and keeps the typed values, but not the password', async () => {
    const browser = new BrowserSession(t.app);
    const response = await browser.submit('/sign-up', { name: 'Typed Name', email: 'not-an-email', password: 'short-secret' });
    expect(response.status).toBe(422);
    expect(response.text).toContain('There is a problem');
    expect(response.text).toContain('href="#field-email"');
    expect(response.text).toMatch(/id="field-email"[^>]*aria-invalid="true"/s);
    expect(response.text).toContain('aria-describedby="error-email"');
    expect(response.text).toContain('value="Typed Name"');
    expect(response.text).not.toContain('short-secret');
    expect(await t.db.query(`SELECT 1 FROM users WHERE name = 'Typed Name'`)).toHaveLength(0);
  });

  it('shows a wrong password on the sign-in form, not an error page', async () => {
    const browser = new BrowserSession(t.app);
    const response = await browser.submit('/sign-in', { email: 'nobody@example.gov', password: 'wrong password here' });
    expect(response.status).toBe(401);
    expect(response.text).toContain('The email address or password is not correct.');
    expect(response.text).toContain('<form');
  });

  it('refuses a form post without a valid CSRF token and changes nothing', async () => {
    const browser = new BrowserSession(t.app);
    await browser.csrfFrom('/sign-up');
    const missing = await browser.agent.post('/sign-up').type('form').send({ name: 'X', email: 'csrf@example.gov', password: PASSWORD });
    expect(missing.status).toBe(403);
    const forged = await browser.agent.post('/sign-up').type('form').send({ name: 'X', email: 'csrf@example.gov', password: PASSWORD, _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const otherBrowser = await new BrowserSession(t.app).csrfFrom('/sign-up');
    const stolen = await browser.agent.post('/sign-up').type('form').send({ name: 'X', email: 'csrf@example.gov', password: PASSWORD, _csrf: otherBrowser });
    expect(stolen.status).toBe(403);
    expect(await t.db.query(`SELECT 1 FROM users WHERE email = 'csrf@example.gov'`)).toHaveLength(0);
  });

  it('rotates the session on sign-in and ends it on sign-out', async () => {
    await registerVerified(t, 'rotate@example.gov');
    const browser = new BrowserSession(t.app);
    const first = cookieNamed(await browser.submit('/sign-in', { email: 'rotate@example.gov', password: PASSWORD }), 'laurel_session');
    const second = cookieNamed(await browser.submit('/sign-in', { email: 'rotate@example.gov', password: PASSWORD }), 'laurel_session');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(second!.split(';')[0]).not.toBe(first!.split(';')[0]);
    const sessionsOf = () => t.db.query(`SELECT 1 FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'rotate@example.gov'`);
    expect(await sessionsOf()).toHaveLength(1);

    const stolenCookie = second!.split(';')[0];
    const signOut = await browser.submit('/account', {}, '/sign-out');
    expect(signOut.status).toBe(303);
    expect(await sessionsOf()).toHaveLength(0);
    const replay = await new BrowserSession(t.app).agent.get('/account').set('Cookie', stolenCookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/sign-in?returnTo=%2Faccount');
  });

  it('follows only same-site return paths after sign-in', async () => {
    await registerVerified(t, 'redirect@example.gov');
    for (const [returnTo, expected] of [
      ['/admin/users', '/admin/users'],
      ['https://evil.example/phish', '/account'],
      ['//evil.example', '/account'],
      ['/\\evil.example', '/account'],
    ]) {
      const browser = new BrowserSession(t.app);
      const csrf = await browser.csrfFrom('/sign-in');
      const response = await browser.agent
        .post(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
        .type('form')
        .send({ email: 'redirect@example.gov', password: PASSWORD, _csrf: csrf });
      expect(response.headers.location).toBe(expected);
    }
  });

  it('lets an admin make a user a manager from the accounts page, and nobody else open it', async () => {
    const user = await registerVerified(t, 'future.manager@example.gov', 'Future Manager');
    const solver = new BrowserSession(t.app);
    await solver.signIn(user.email, PASSWORD);
    expect((await solver.agent.get('/admin/users')).status).toBe(403);

    const admin = new BrowserSession(t.app);
    await admin.signIn(ADMIN_ENV.ADMIN_EMAIL, PASSWORD);
    const list = await admin.agent.get('/admin/users?q=future').expect(200);
    expect(list.text).toContain('future.manager@example.gov');
    const saved = await admin.submit('/admin/users?q=future', { roles: ['solver', 'manager'] }, `/admin/users/${user.id}/roles`);
    expect(saved.status).toBe(303);
    expect((await t.http.get('/api/v1/me').set(user.auth)).body.roles).toEqual(['solver', 'manager']);
  });

  it('resets a password through the pages', async () => {
    await registerVerified(t, 'forgetful@example.gov');
    const browser = new BrowserSession(t.app);
    const requested = await browser.submit('/forgot-password', { email: 'forgetful@example.gov' });
    expect(requested.text).toContain('a reset link is on its way');
    const mail = await t.mail.waitForMessageTo('forgetful@example.gov', /reset/i);
    const link = linkIn(mail, `${TEST_PUBLIC_URL}/reset-password?token=`).replace(TEST_PUBLIC_URL, '');
    const tooShort = await browser.submit(link, { token: new URL(link, TEST_PUBLIC_URL).searchParams.get('token')!, password: 'short' }, '/reset-password');
    expect(tooShort.status).toBe(422);
    expect(tooShort.text).toContain('must be at least 12 characters');
    const changed = await browser.submit(link, { token: new URL(link, TEST_PUBLIC_URL).searchParams.get('token')!, password: 'my new long passphrase' }, '/reset-password');
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('Password changed');
    await t.http.post('/api/v1/auth/token').send({ email: 'forgetful@example.gov', password: 'my new long passphrase' }).expect(200);
  });

  it('has no development mailbox when mail goes out by SMTP', async () => {
    await t.http.get('/dev/mail').expect(404);
  });
});
