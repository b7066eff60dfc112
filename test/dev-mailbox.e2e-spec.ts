import { ADMIN_EMAIL, ADMIN_ENV, PASSWORD } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { startTestApp, type TestApp } from './support/test-app';

describe('development mailbox', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('is for admins only when PUBLIC_URL is not a localhost address, even in development', async () => {
    t = await startTestApp({ env: { ...ADMIN_ENV, SMTP_URL: '', NODE_ENV: 'development' } });
    const anonymous = await t.http.get('/dev/mail');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=%2Fdev%2Fmail');
    const admin = new BrowserSession(t.app);
    await admin.signIn(ADMIN_EMAIL, PASSWORD);
    await admin.agent.get('/dev/mail').expect(200);
  });

  it('is open without sign-in to a loopback client while PUBLIC_URL is a localhost address', async () => {
    t = await startTestApp({ env: { SMTP_URL: '', NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:3000' } });
    await t.http.get('/dev/mail').expect(200);
  });

  it('takes a client forwarded by a trusted proxy as the client, so a remote one must sign in', async () => {
    t = await startTestApp({ env: { SMTP_URL: '', NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:3000', TRUST_PROXY: 'loopback' } });
    await t.http.get('/dev/mail').expect(200);
    expect((await t.http.get('/dev/mail').set('X-Forwarded-For', '203.0.113.9')).status).toBe(303);
  });
});
