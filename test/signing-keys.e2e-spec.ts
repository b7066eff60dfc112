import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { PASSWORD, registerVerified } from './support/accounts';
import { startTestApp, type TestApp } from './support/test-app';

/** The SESSION_SECRET startTestApp gives the app. */
const SECRET = 'test-secret-that-is-long-enough-to-pass-validation';

describe('keys derived from SESSION_SECRET', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses a bearer token signed with SESSION_SECRET itself', async () => {
    const account = await registerVerified(t, 'keys@example.gov');
    await t.http.get('/api/v1/me').set(account.auth).expect(200);
    const forged = new JwtService({ secret: SECRET }).sign({ sub: account.id, ver: 0 }, { algorithm: 'HS256', expiresIn: 3600 });
    await t.http.get('/api/v1/me').set('Authorization', `Bearer ${forged}`).expect(401);
  });

  it('refuses a CSRF token that is the HMAC under SESSION_SECRET itself', async () => {
    const cookie = 'a'.repeat(43);
    const forged = createHmac('sha256', SECRET).update(cookie).digest('base64url');
    const refused = await t.http.post('/sign-in').set('Cookie', `laurel_csrf=${cookie}`).type('form').send({ email: 'keys@example.gov', password: PASSWORD, _csrf: forged });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Your form has expired');
  });
});
