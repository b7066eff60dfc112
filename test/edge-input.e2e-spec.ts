import { ADMIN_EMAIL, ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { completeChallenge, DAY, publishedChallenge } from './support/challenges';
import { isApi, isPage, routesOf } from './support/routes';
import { startTestApp, type TestApp } from './support/test-app';

const NOT_AN_ID = '------------------------------------';
/** Path parameters that name a row by its id (slugs, tokens, steps and file names are not ids). */
const ID_PARAM = /^:(id|\w+Id)$/;

/** Input refused at the edge, an id that is not a UUID, parameters a page does not know, and a new draft's view. */
describe('input at the edge', () => {
  let t: TestApp;
  let manager: TestAccount;
  let solver: TestAccount;
  let admin: BrowserSession;
  let challenge: { id: string; slug: string };

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    manager = await registerVerified(t, 'edge.manager@agency.example.gov');
    await grantRoles(t, manager, ['manager']);
    solver = await registerVerified(t, 'edge.solver@solvers.example');
    challenge = await publishedChallenge(t, manager, new Date(Date.now() - 2 * DAY));
    admin = new BrowserSession(t.app);
    await admin.signIn(ADMIN_EMAIL, PASSWORD);
  });
  afterAll(() => t.close());

  describe('control characters and lone surrogates', () => {
    it.each(['/api/v1/challenges?q=%00', '/api/v1/challenges?agency=%00', '/api/v1/challenges/%00', '/api/v1/challenges?q=a%01b'])(
      'GET %s is 422 problem+json naming the field',
      async (url) => {
        const response = await t.http.get(url);
        expect(response.status).toBe(422);
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(response.body.errors[0].message).toMatch(/character/);
      },
    );

    it.each(['/challenges?q=%00', '/challenges?agency=%00', '/challenges/%00', '/?q=%1B'])('the page %s is a 422 page, never a 500', async (url) => {
      const response = await admin.agent.get(url);
      expect(response.status).toBe(422);
      expect(response.text).toMatch(/character that is not allowed/);
    });

    it('refuses a NUL or a lone surrogate in a JSON entry and a JSON challenge, and keeps tab, newline and CR', async () => {
      const nul = await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(solver.auth).send({ title: 'x\u0000y', answers: { summary: 'A', category: 'Software' } });
      expect(nul.status).toBe(422);
      expect(nul.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(nul.body.errors).toEqual([expect.objectContaining({ field: 'title' })]);

      const surrogate = await t.http
        .post('/api/v1/challenges')
        .set(manager.auth)
        .set('Content-Type', 'application/json')
        .send('{"title": "Lone \\ud800 surrogate"}');
      expect(surrogate.status).toBe(422);
      expect(surrogate.body.errors).toEqual([expect.objectContaining({ field: 'title' })]);

      const nested = await t.http.post('/api/v1/challenges').set(manager.auth).send({ ...completeChallenge(new Date()), rubric: [{ key: 'a', name: 'A\u0007', weight: 1, maxScore: 5 }] });
      expect(nested.status).toBe(422);
      expect(nested.body.errors).toEqual([expect.objectContaining({ field: 'rubric.0.name' })]);

      const kept = await t.http.post('/api/v1/challenges').set(manager.auth).send({ ...completeChallenge(new Date()), description: 'Line one\r\n\tLine two\n' });
      expect(kept.status).toBe(201);
      expect(kept.body.description).toBe('Line one\r\n\tLine two\n');
    });

    it('refuses a NUL in a multipart entry field', async () => {
      const response = await t.http
        .post(`/api/v1/challenges/${challenge.id}/submissions`)
        .set(solver.auth)
        .field('title', 'Entry')
        .field('summary', 'a\u0000b')
        .field('category', 'Software');
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'answers.summary' })]);
    });

    it('shows a form again with its error summary when a posted field holds a NUL', async () => {
      const browser = new BrowserSession(t.app);
      const response = await browser.submit('/sign-up', { name: 'Nul\u0000Name', email: 'nul@solvers.example', password: PASSWORD });
      expect(response.status).toBe(422);
      expect(response.text).toContain('There is a problem');
      expect(response.text).toMatch(/character that is not allowed/);
      expect(await t.db.query(`SELECT id FROM users WHERE email = 'nul@solvers.example'`)).toEqual([]);
    });
  });

  it('answers 404 for a non-UUID in every id position of every route, API and pages', async () => {
    const routes = routesOf(t.app).filter((route) => route.path.split('/').some((segment) => ID_PARAM.test(segment)));
    expect(routes.length).toBeGreaterThan(60);
    const valid: Record<string, string> = { ':id': challenge.id, ':slug': challenge.slug, ':idOrSlug': challenge.id, ':step': 'basics', ':token': 'no-such-token', ':file': 'none.eml' };
    const adminToken = (await t.http.post('/api/v1/auth/token').send({ email: ADMIN_EMAIL, password: PASSWORD }).expect(200)).body.accessToken;
    const csrf = await admin.csrfFrom('/account');
    const wrong: string[] = [];
    for (const route of routes) {
      const segments = route.path.split('/');
      for (const [index, segment] of segments.entries()) {
        if (!ID_PARAM.test(segment)) continue;
        const url = segments.map((s, i) => (i === index ? NOT_AN_ID : s.startsWith(':') ? (valid[s] ?? challenge.id) : s)).join('/');
        const response = isApi(route)
          ? await t.http[route.method](url).set('Authorization', `Bearer ${adminToken}`).send({})
          : await admin.agent[route.method](url).type('form').send({ _csrf: csrf });
        if (response.status !== 404) wrong.push(`${route.method.toUpperCase()} ${url} ${response.status}`);
        else if (isApi(route)) expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("ignores a judge queue's challengeId that only looks like an id", async () => {
    const response = await admin.agent.get(`/judge?challengeId=${NOT_AN_ID}`);
    expect(response.status).toBe(200);
  });

  describe('query parameters a page does not know', () => {
    it('shows the public list with campaign parameters, filtering by the known ones and linking without the others', async () => {
      const anonymous = new BrowserSession(t.app);
      const home = await anonymous.agent.get('/?utm_source=newsletter');
      expect(home.status).toBe(200);
      expect(home.text).toContain(challenge.slug);
      const filtered = await anonymous.agent.get('/challenges?fbclid=IwAR0abc&q=nothing-matches-this&utm_medium=email');
      expect(filtered.status).toBe(200);
      expect(filtered.text).not.toContain(`/challenges/${challenge.slug}"`);
      expect(filtered.text).not.toMatch(/fbclid|utm_medium/);
    });

    it('answers every GET page the same with an unknown parameter as without it', async () => {
      const pages = routesOf(t.app).filter((route) => route.method === 'get' && isPage(route) && !route.path.startsWith('/dev/') && !route.path.includes(':file'));
      const valid: Record<string, string> = { ':slug': challenge.slug, ':step': 'basics', ':token': 'no-such-token' };
      const differ: string[] = [];
      for (const route of pages) {
        const url = route.path.replace(/:\w+/g, (param) => valid[param] ?? challenge.id);
        const [plain, tagged] = [await admin.agent.get(url), await admin.agent.get(`${url}?utm_source=newsletter&fbclid=x`)];
        if (plain.status !== tagged.status) differ.push(`${url} ${plain.status} → ${tagged.status}`);
      }
      expect(pages.length).toBeGreaterThan(30);
      expect(differ).toEqual([]);
    });

    it('still refuses unknown parameters on the API', async () => {
      const response = await t.http.get('/api/v1/challenges?utm_source=newsletter');
      expect(response.status).toBe(422);
    });
  });

  it('answers formFrozen false for a brand-new draft, as later reads do', async () => {
    const created = await t.http.post('/api/v1/challenges').set(manager.auth).send(completeChallenge(new Date(), { title: 'Fresh draft' })).expect(201);
    const read = await t.http.get(`/api/v1/challenges/${created.body.id}`).set(manager.auth).expect(200);
    expect(read.body.formFrozen).toBe(false);
    expect(created.body).toEqual(read.body);
  });
});
