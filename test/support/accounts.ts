import { linkIn } from './smtp-mailbox';
import type { TestApp } from './test-app';

export const PASSWORD = 'correct horse battery staple';

export interface TestAccount {
  id: string;
  email: string;
  name: string;
  token: string;
  auth: { Authorization: string };
}

/** Registers through the API, confirms the address from the real email's link, and signs in for a bearer token. */
export async function registerVerified(t: TestApp, email: string, name = email.split('@')[0]): Promise<TestAccount> {
  const registered = await t.http.post('/api/v1/auth/register').send({ email, password: PASSWORD, name }).expect(201);
  const mail = await t.mail.waitForMessageTo(email, /confirm your email/i);
  const token = new URL(linkIn(mail, `${t.config.publicUrl}/verify-email?token=`)).searchParams.get('token');
  await t.http.post('/api/v1/auth/verify-email').send({ token }).expect(200);
  const signedIn = await t.http.post('/api/v1/auth/token').send({ email, password: PASSWORD }).expect(200);
  const bearer = signedIn.body.accessToken as string;
  return { id: registered.body.id, email, name, token: bearer, auth: { Authorization: `Bearer ${bearer}` } };
}

/** Gives an account platform roles through the admin API (the admin comes from ADMIN_EMAIL / ADMIN_PASSWORD). */
export async function grantRoles(t: TestApp, account: TestAccount, roles: string[]): Promise<void> {
  const admin = await t.http.post('/api/v1/auth/token').send({ email: ADMIN_EMAIL, password: PASSWORD }).expect(200);
  await t.http
    .put(`/api/v1/users/${account.id}/roles`)
    .set('Authorization', `Bearer ${admin.body.accessToken}`)
    .send({ roles })
    .expect(200);
}

export const ADMIN_EMAIL = 'admin@laurel.test';
export const ADMIN_ENV = { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD };
