import { ADMIN_EMAIL, ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { completeChallenge, HOUR } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { invitationToken } from './support/judging';
import { isPage, routesOf } from './support/routes';
import { startTestApp, type TestApp } from './support/test-app';

/** What a stored-XSS attempt leaves behind if a page or email renders it without escaping. */
const PAYLOAD = `"><script>alert(1)</script><img src=x onerror=alert(1)>`;
const UNESCAPED = [/<script>alert/i, /<img src=x/i, /href=["']?javascript:/i, /onerror=alert\(1\)>/i];
const unescapedIn = (html: string) => UNESCAPED.filter((pattern) => pattern.test(html)).map(String);

/** Same-site links of a page, without fragments. */
function linksIn(html: string): string[] {
  return [...html.matchAll(/href="(\/[^"#]*)/g)].map((m) => m[1].replace(/&amp;/g, '&')).filter((href) => !href.startsWith('//'));
}

/**
 * The web-facing checks of the security sweep: a stored-XSS payload in every free-text field, then every page each
 * caller can reach by following links, and every email; CSRF on every form POST the router knows; cookie flags;
 * the API ignoring session cookies; password reset answering alike for known and unknown addresses.
 */
describe('web security', () => {
  const clock = new FakeClock(new Date('2027-04-01T12:00:00Z'));
  let t: TestApp;
  let manager: TestAccount;
  let solver: TestAccount;
  let judge: TestAccount;
  let challenge: { id: string; slug: string; opensAt: string; closesAt: string };
  let entryId: string;
  let assignmentId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'xss.manager@agency.example.gov', `Manager ${PAYLOAD}`);
    await grantRoles(t, manager, ['manager']);
    const body = completeChallenge(clock.now(), {
      title: `Title ${PAYLOAD}`,
      tagline: `Tagline ${PAYLOAD}`,
      description: `# Heading\n\n${PAYLOAD}\n\n[link](javascript:alert(3)) <a href="javascript:alert(2)">x</a>`,
      agency: `Agency ${PAYLOAD}`,
      rules: `Rules ${PAYLOAD}`,
      eligibility: `Eligibility ${PAYLOAD}`,
      faq: `FAQ ${PAYLOAD}`,
      judgesPerSubmission: 1,
      rubric: [{ key: 'impact', name: `Impact ${PAYLOAD}`, description: `Criterion ${PAYLOAD}`, weight: 1, maxScore: 10 }],
      fields: [
        { key: 'summary', label: `Summary ${PAYLOAD}`, type: 'textarea', required: true, helpText: `Help ${PAYLOAD}` },
        { key: 'category', label: 'Category', type: 'select', required: true, options: [`Option ${PAYLOAD}`, 'Plain'] },
      ],
    });
    const created = await t.http.post('/api/v1/challenges').set(manager.auth).send(body).expect(201);
    challenge = (await t.http.post(`/api/v1/challenges/${created.body.id}/publish`).set(manager.auth).expect(200)).body;

    clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
    solver = await registerVerified(t, 'xss.solver@solvers.example', `Solver ${PAYLOAD}`);
    const entry = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(solver.auth)
      .send({ title: `Entry ${PAYLOAD}`, answers: { summary: `Answer ${PAYLOAD}`, category: `Option ${PAYLOAD}` }, submit: true })
      .expect(201);
    entryId = entry.body.id;
    await t.http.post(`/api/v1/challenges/${challenge.id}/judges`).set(manager.auth).send({ email: 'xss.judge@panel.example', name: `Judge ${PAYLOAD}` }).expect(201);
    const token = await invitationToken(t, 'xss.judge@panel.example');
    const accepted = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: `Judge ${PAYLOAD}`, password: PASSWORD }).expect(200);
    judge = { id: accepted.body.user.id, email: 'xss.judge@panel.example', name: 'Judge', token: accepted.body.accessToken, auth: { Authorization: `Bearer ${accepted.body.accessToken}` } };

    clock.set(new Date(new Date(challenge.closesAt).getTime() + HOUR));
    await t.http.post(`/api/v1/challenges/${challenge.id}/judging/start`).set(manager.auth).expect(200);
    assignmentId = (await t.http.get('/api/v1/me/assignments').set(judge.auth).expect(200)).body[0].id;
    await t.http.put(`/api/v1/assignments/${assignmentId}/scorecard`).set(judge.auth).send({ scores: { impact: 8 }, feedback: `Feedback ${PAYLOAD}`, note: `Note ${PAYLOAD}`, final: true }).expect(200);
    await t.http.post(`/api/v1/assignments/${assignmentId}/reopen`).set(manager.auth).send({ reason: `Reopened ${PAYLOAD}` }).expect(200);
    await t.http.put(`/api/v1/assignments/${assignmentId}/scorecard`).set(judge.auth).send({ scores: { impact: 8 }, feedback: `Feedback ${PAYLOAD}`, note: `Note ${PAYLOAD}`, final: true }).expect(200);
    await t.http
      .post(`/api/v1/challenges/${challenge.id}/awards`)
      .set(manager.auth)
      .send({ awards: [{ submissionId: entryId, place: 1, title: `Award ${PAYLOAD}`, citation: `Citation ${PAYLOAD}` }], justification: `Because ${PAYLOAD}` })
      .expect(201);
    await t.http.post(`/api/v1/challenges/${challenge.id}/announce`).set(manager.auth).expect(200);
    await t.mail.waitFor(() => t.mail.to(solver.email).some((m) => /award|winner|congratulations/i.test(m.subject)));
  });
  afterAll(() => t.close());

  it('escapes stored XSS attempts on every page each caller can reach, and in every email', async () => {
    const findings: string[] = [];
    let pagesVisited = 0;
    let pagesShowingPayload = 0;
    for (const account of [undefined, solver, judge, manager, { email: ADMIN_EMAIL }]) {
      const browser = new BrowserSession(t.app);
      if (account) await browser.signIn(account.email, PASSWORD);
      const queue = ['/', '/challenges', `/challenges/${challenge.slug}`, `/challenges/${challenge.slug}/winners`, '/judge', '/me/submissions', '/manage/challenges', '/admin/users'];
      const seen = new Set(queue);
      while (queue.length > 0 && seen.size < 400) {
        const path = queue.shift()!;
        const response = await browser.agent.get(path);
        if (!/text\/html|xml/.test(response.headers['content-type'] ?? '')) continue;
        pagesVisited += 1;
        if (response.text.includes('&lt;script&gt;alert(1)')) pagesShowingPayload += 1;
        for (const pattern of unescapedIn(response.text)) findings.push(`${account?.email ?? 'anonymous'} ${path}: ${pattern}`);
        for (const link of linksIn(response.text)) {
          if (!seen.has(link) && !link.startsWith('/assets/') && !link.startsWith('/api/')) {
            seen.add(link);
            queue.push(link);
          }
        }
      }
    }
    const mails = t.mail.messages;
    for (const mail of mails) for (const pattern of unescapedIn(mail.html)) findings.push(`mail "${mail.subject}" to ${mail.to}: ${pattern}`);
    console.log(JSON.stringify({ storedXss: { pagesVisited, pagesShowingPayload, emails: mails.length, findings: findings.length } }));
    expect(pagesVisited).toBeGreaterThan(30);
    expect(pagesShowingPayload).toBeGreaterThan(20);
    expect(findings).toEqual([]);
  });

  it('refuses every form POST the router knows without this browser’s CSRF token, changing nothing', async () => {
    const postRoutes = routesOf(t.app).filter((route) => isPage(route) && route.method === 'post').map((route) => route.path);
    const ids: Record<string, string> = { challenges: challenge.id, submissions: entryId, assignments: assignmentId, users: solver.id, invitations: 'token' };
    const owner = new BrowserSession(t.app);
    await owner.signIn(manager.email, PASSWORD);
    const otherBrowsersToken = await new BrowserSession(t.app).csrfFrom('/sign-in');
    const snapshot = async () =>
      JSON.stringify(await t.db.query(`SELECT (SELECT md5(string_agg(c::text, '' ORDER BY c.id)) FROM challenges c) AS c, (SELECT md5(string_agg(s::text, '' ORDER BY s.id)) FROM submissions s) AS s,
        (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM web_sessions) AS w, (SELECT count(*) FROM audit_log) AS a, (SELECT count(*) FROM outbox_messages) AS o`));
    const before = await snapshot();
    const refused: string[] = [];
    for (const route of postRoutes) {
      const path = route.replace(/\/(\w+)\/:(\w+)/g, (_, segment: string, name: string) => `/${segment}/${ids[segment] ?? (name === 'step' ? 'details' : name)}`).replace(/:\w+/g, 'x');
      for (const token of [undefined, 'forged', otherBrowsersToken]) {
        const response = await owner.agent.post(path).type('form').send({ title: 'Changed', reason: 'Changed', ...(token ? { _csrf: token } : {}) });
        if (response.status === 403) refused.push(route);
        else throw new Error(`POST ${path} with CSRF token ${token ?? '(none)'} answered ${response.status}`);
      }
    }
    console.log(JSON.stringify({ csrf: { formRoutes: postRoutes.length, attempts: refused.length } }));
    expect(postRoutes.length).toBeGreaterThan(25);
    expect(await snapshot()).toBe(before);
  });

  it('sets the session cookie httpOnly, SameSite=Lax and path-wide, and the API ignores it', async () => {
    const browser = new BrowserSession(t.app);
    const csrf = await browser.csrfFrom('/sign-in');
    const signedIn = await browser.agent.post('/sign-in').type('form').send({ email: manager.email, password: PASSWORD, _csrf: csrf }).expect(303);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('laurel_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    await browser.agent.get('/account').expect(200);
    const api = await browser.agent.get('/api/v1/me');
    expect(api.status).toBe(401);
  });

  it('answers a password reset alike for known and unknown addresses', async () => {
    const known = await t.http.post('/api/v1/auth/password-reset').send({ email: solver.email });
    const unknown = await t.http.post('/api/v1/auth/password-reset').send({ email: 'nobody.here@solvers.example' });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.text).toBe(unknown.text);
    const pageKnown = await new BrowserSession(t.app).submit('/forgot-password', { email: solver.email });
    const pageUnknown = await new BrowserSession(t.app).submit('/forgot-password', { email: 'nobody.here@solvers.example' });
    expect(pageKnown.status).toBe(pageUnknown.status);
    expect(pageKnown.headers.location).toBe(pageUnknown.headers.location);
  });
});

describe('rate limits on registration and password reset', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ rateLimits: { registerPerClient: { limit: 2, windowSeconds: 3600 }, resetPerClient: { limit: 3, windowSeconds: 3600 } } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the limit, for known and unknown addresses alike', async () => {
    for (const n of [1, 2]) await t.http.post('/api/v1/auth/register').send({ email: `burst${n}@solvers.example`, password: PASSWORD, name: 'Burst' }).expect(201);
    const thirdAccount = await t.http.post('/api/v1/auth/register').send({ email: 'burst3@solvers.example', password: PASSWORD, name: 'Burst' }).expect(429);
    expect(thirdAccount.headers['retry-after']).toMatch(/^\d+$/);
    expect(await t.db.query(`SELECT 1 FROM users WHERE email = 'burst3@solvers.example'`)).toHaveLength(0);

    const resets = [];
    for (const email of ['burst1@solvers.example', 'nobody@solvers.example', 'burst2@solvers.example', 'nobody@solvers.example']) {
      resets.push((await t.http.post('/api/v1/auth/password-reset').send({ email })).status);
    }
    expect(resets).toEqual([202, 202, 202, 429]);
  });
});
