import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { DAY, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { invitationToken } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

describe('judge invitations', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let manager: Awaited<ReturnType<typeof registerVerified>>;
  let challengeId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'inviter@agency.example.gov', 'Inviting Manager');
    await grantRoles(t, manager, ['manager']);
    challengeId = (await publishedChallenge(t, manager, clock.now())).id;
  });
  afterAll(() => t.close());

  const invite = async (email: string) => {
    await t.http.post(`/api/v1/challenges/${challengeId}/judges`).set(manager.auth).send({ email }).expect(201);
    return invitationToken(t, email);
  };

  it('cannot be accepted after a decline, on the API or the page', async () => {
    const token = await invite('decliner@panel.example');
    await t.http.post(`/api/v1/judge-invitations/${token}/decline`).expect(200);
    const refused = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: 'Decliner', password: PASSWORD }).expect(409);
    expect(refused.body).toMatchObject({ type: 'urn:laurel:problem:invitation-declined', detail: expect.stringMatching(/declined/) });
    const browser = new BrowserSession(t.app);
    expect((await browser.agent.get(`/judge/invitations/${token}`).expect(200)).text).toContain('You declined this invitation');
    // The accept form of a tab opened before the decline.
    const csrf = await browser.csrfFrom('/sign-in');
    const page = await browser.agent.post(`/judge/invitations/${token}/accept`).type('form').send({ name: 'Decliner', password: PASSWORD, _csrf: csrf });
    expect(page.status).toBe(409);
    expect(page.text).toContain('You declined this invitation');
    const rows = await t.db.query(`SELECT status, user_id FROM judges WHERE email = 'decliner@panel.example'`);
    expect(rows).toEqual([{ status: 'declined', user_id: null }]);
  });

  it('expires 14 days after it was sent', async () => {
    const token = await invite('late@panel.example');
    clock.advance(14 * DAY - 60_000);
    expect((await t.http.get(`/judge/invitations/${token}`).expect(200)).text).toContain('Create your judge account');
    clock.advance(2 * 60_000);
    const refused = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: 'Late', password: PASSWORD }).expect(409);
    expect(refused.body).toMatchObject({ type: 'urn:laurel:problem:invitation-expired', detail: expect.stringMatching(/expired/) });
    expect((await t.http.get(`/judge/invitations/${token}`).expect(200)).text).toContain('This invitation expired');
  });
});
