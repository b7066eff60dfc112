import { jest } from '@jest/globals';
import { PasswordHasher } from '../src/auth/password-hasher';
import { BrowserSession } from './support/browser-session';
import { startTestApp, type TestApp } from './support/test-app';

describe('password-reset confirm', () => {
  let t: TestApp;
  beforeAll(async () => {
    const limits = { resetConfirmPerClient: { limit: 3, windowSeconds: 900 } };
    t = await startTestApp({ rateLimits: limits });
  });
  afterAll(() => t.close());

  it('checks the token before hashing the new password', async () => {
    const hash = jest.spyOn(t.app.get(PasswordHasher), 'hash');
    const refused = await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: 'not-a-real-token', password: 'a brand new password' }).expect(422);
    expect(refused.body.errors).toEqual([{ field: 'token', message: 'is invalid, already used or expired' }]);
    expect(hash).not.toHaveBeenCalled();
    hash.mockRestore();
  });

  it('is rate-limited per client on the API and the page', async () => {
    for (let i = 0; i < 2; i += 1) {
      await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: `guess-${i}`, password: 'a brand new password' }).expect(422);
    }
    const limited = await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: 'guess-3', password: 'a brand new password' }).expect(429);
    expect(limited.body.type).toBe('urn:laurel:problem:rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const page = await new BrowserSession(t.app).submit('/reset-password?token=guess-4', { token: 'guess-4', password: 'a brand new password' }, '/reset-password');
    expect(page.status).toBe(429);
    expect(page.text).toContain('Too many attempts');
  });
});
