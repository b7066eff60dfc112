import { ADMIN_EMAIL, ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { HOUR, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { invitationToken } from './support/judging';
import { isApi, isPage, routesOf } from './support/routes';
import { startTestApp, type TestApp } from './support/test-app';

/** Callers, most suspicious first: a route's refusals are checked before an allowed caller changes any state. */
const ROLES = ['anonymous', 'otherSolver', 'otherJudge', 'otherManager', 'solver', 'judge', 'manager', 'admin'] as const;
type Role = (typeof ROLES)[number];
/** `ok`: authorization passed (2xx, or 409/422 about the state or the body); `sign-in`: a page redirects to sign-in. */
type Outcome = number | 'ok' | 'sign-in';
type Expectations = Record<Role, Outcome>;

const OK = 'ok';
const everyone = (outcome: Outcome): Expectations => Object.fromEntries(ROLES.map((role) => [role, outcome])) as Expectations;
/** Anonymous callers get `anonymous`; the `allowed` roles pass; every other caller gets `denied`. */
const only = (allowed: Role[], denied: Outcome, anonymous: Outcome = 401): Expectations =>
  Object.fromEntries(ROLES.map((role) => [role, role === 'anonymous' ? anonymous : allowed.includes(role) ? OK : denied])) as Expectations;
const SIGNED_IN = only(['otherSolver', 'otherJudge', 'otherManager', 'solver', 'judge', 'manager', 'admin'], OK);
const MANAGERS = only(['manager', 'admin'], 403);
const MANAGERS_HIDDEN = only(['manager', 'admin'], 404);
/** Who may read an entry: its solver, the judges assigned to it, the challenge's managers and admins. */
const READERS = only(['solver', 'judge', 'manager', 'admin'], 404);

interface Row {
  /** `METHOD /path/:param` exactly as the router lists it. */
  route: string;
  url: (role: Role) => string;
  body?: (role: Role) => object;
  expect: Expectations;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
const MISSING = '00000000-0000-4000-8000-000000000000';

/** `METHOD /path` of every API route, or of every page a browser can GET. */
function routerKeys(t: TestApp, api: boolean): string[] {
  return routesOf(t.app)
    .filter((route) => (api ? isApi(route) : isPage(route) && route.method === 'get'))
    .map((route) => `${route.method.toUpperCase()} ${route.path}`);
}

function matches(outcome: Outcome, status: number, location?: string): boolean {
  if (outcome === OK) return (status >= 200 && status < 300) || status === 409 || status === 422;
  if (outcome === 'sign-in') return status === 303 && /^\/sign-in/.test(location ?? '');
  return status === outcome;
}

/**
 * Every route × eight callers against one challenge in judging (and a second one with its own manager, judge and
 * solvers). The route lists come from the router, so a route added without a row here fails the test; Swagger's
 * /api/docs pages are public documentation and not listed.
 */
describe('authorization matrix', () => {
  const clock = new FakeClock(new Date('2027-03-01T12:00:00Z'));
  let t: TestApp;
  let accounts: Record<Exclude<Role, 'anonymous'>, TestAccount>;
  let bystander: TestAccount;
  let challenge: { id: string; slug: string; opensAt: string; closesAt: string };
  let entryId: string;
  let fileId: string;
  let assignmentId: string;
  let judgeRecordId: string;
  let coManagerIds: string[];

  const signIn = async (email: string): Promise<TestAccount> => {
    const response = await t.http.post('/api/v1/auth/token').send({ email, password: PASSWORD }).expect(200);
    return { id: '', email, name: email, token: response.body.accessToken, auth: { Authorization: `Bearer ${response.body.accessToken}` } };
  };

  const judgeOf = async (manager: TestAccount, challengeId: string, email: string) => {
    const invited = await t.http.post(`/api/v1/challenges/${challengeId}/judges`).set(manager.auth).send({ email, name: email }).expect(201);
    const token = await invitationToken(t, email);
    const accepted = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: email, password: PASSWORD }).expect(200);
    const bearer = accepted.body.accessToken as string;
    return { account: { id: accepted.body.user.id, email, name: email, token: bearer, auth: { Authorization: `Bearer ${bearer}` } }, judgeId: invited.body.id as string };
  };

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    const manager = await registerVerified(t, 'owner@agency.example.gov');
    const otherManager = await registerVerified(t, 'rival@other-agency.example.gov');
    const coManagers = [await registerVerified(t, 'deputy@agency.example.gov'), await registerVerified(t, 'second.deputy@agency.example.gov')];
    for (const account of [manager, otherManager, ...coManagers]) await grantRoles(t, account, ['manager']);
    bystander = await registerVerified(t, 'bystander@solvers.example');
    challenge = await publishedChallenge(t, manager, clock.now(), { judgesPerSubmission: 2 });
    const other = await publishedChallenge(t, otherManager, clock.now(), { title: 'Another agency challenge' });
    for (const coManager of coManagers) await t.http.post(`/api/v1/challenges/${challenge.id}/managers`).set(manager.auth).send({ email: coManager.email }).expect(201);
    coManagerIds = coManagers.map((account) => account.id);

    clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
    const solver = await registerVerified(t, 'solver@solvers.example');
    const otherSolver = await registerVerified(t, 'other.solver@solvers.example');
    const third = await registerVerified(t, 'third.solver@solvers.example');
    const entry = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(solver.auth)
      .field('title', 'Solver entry')
      .field('summary', 'Our idea')
      .field('category', 'Hardware')
      .field('submit', 'true')
      .attach('plan', PDF, 'plan.pdf')
      .expect(201);
    entryId = entry.body.id;
    fileId = (await t.http.get(`/api/v1/submissions/${entryId}`).set(solver.auth).expect(200)).body.files[0].id;
    for (const account of [otherSolver, third]) {
      await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(account.auth).send({ title: `Entry of ${account.email}`, answers: { summary: 'Idea', category: 'Software' }, submit: true }).expect(201);
    }
    const judge = await judgeOf(manager, challenge.id, 'judge@panel.example');
    const secondJudge = await judgeOf(manager, challenge.id, 'second.judge@panel.example');
    judgeRecordId = secondJudge.judgeId;
    const otherJudge = await judgeOf(otherManager, other.id, 'other.judge@panel.example');

    clock.set(new Date(new Date(challenge.closesAt).getTime() + HOUR));
    await t.http.post(`/api/v1/challenges/${challenge.id}/judging/start`).set(manager.auth).expect(200);
    const queue = await t.http.get(`/api/v1/me/assignments?challengeId=${challenge.id}`).set(judge.account.auth).expect(200);
    assignmentId = queue.body[0].id;
    accounts = { solver, otherSolver, judge: judge.account, otherJudge: otherJudge.account, manager, otherManager, admin: await signIn(ADMIN_EMAIL) };
  });
  afterAll(() => t.close());

  const PAGE_SIGNED_IN = only(['otherSolver', 'otherJudge', 'otherManager', 'solver', 'judge', 'manager', 'admin'], OK, 'sign-in');
  const PAGE_MANAGERS = only(['manager', 'admin'], 403, 'sign-in');
  const manage = (suffix = '') => () => `/manage/challenges/${challenge.id}${suffix}`;
  const pages: Row[] = [
    { route: 'GET /', url: () => '/', expect: everyone(200) },
    { route: 'GET /challenges', url: () => '/challenges', expect: everyone(200) },
    { route: 'GET /challenges/feed.xml', url: () => '/challenges/feed.xml', expect: everyone(200) },
    { route: 'GET /challenges/:slug', url: () => `/challenges/${challenge.slug}`, expect: everyone(200) },
    { route: 'GET /sign-up', url: () => '/sign-up', expect: everyone(200) },
    { route: 'GET /sign-in', url: () => '/sign-in', expect: everyone(200) },
    { route: 'GET /verify-email', url: () => '/verify-email?token=not-a-token', expect: everyone(422) },
    { route: 'GET /forgot-password', url: () => '/forgot-password', expect: everyone(200) },
    { route: 'GET /reset-password', url: () => '/reset-password?token=not-a-token', expect: everyone(200) },
    { route: 'GET /account', url: () => '/account', expect: PAGE_SIGNED_IN },
    { route: 'GET /admin/users', url: () => '/admin/users', expect: only(['admin'], 403, 'sign-in') },
    { route: 'GET /challenges/:slug/winners', url: () => `/challenges/${challenge.slug}/winners`, expect: everyone(404) },
    { route: 'GET /challenges/:slug/awards/:awardId/certificate', url: () => `/challenges/${challenge.slug}/awards/${MISSING}/certificate`, expect: everyone(404) },
    { route: 'GET /challenges/:slug/enter', url: () => `/challenges/${challenge.slug}/enter`, expect: PAGE_SIGNED_IN },
    // Co-managers need not hold the manager role, so every signed-in user has a (usually empty) list.
    { route: 'GET /manage/challenges', url: () => '/manage/challenges', expect: PAGE_SIGNED_IN },
    { route: 'GET /manage/challenges/new', url: () => '/manage/challenges/new', expect: only(['otherManager', 'manager', 'admin'], 403, 'sign-in') },
    { route: 'GET /manage/challenges/:id', url: manage(), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/preview', url: manage('/preview'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/edit/:step', url: manage('/edit/details'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/entries', url: manage('/entries'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/entries.csv', url: manage('/entries.csv'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/judges', url: manage('/judges'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/judging', url: manage('/judging'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/ranking', url: manage('/ranking'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/ranking.csv', url: manage('/ranking.csv'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/scorecards', url: manage('/scorecards'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/scorecards.csv', url: manage('/scorecards.csv'), expect: PAGE_MANAGERS },
    { route: 'GET /manage/challenges/:id/awards', url: manage('/awards'), expect: PAGE_MANAGERS },
    { route: 'GET /judge', url: () => '/judge', expect: PAGE_SIGNED_IN },
    { route: 'GET /judge/invitations/:token', url: () => '/judge/invitations/not-a-token', expect: everyone(404) },
    { route: 'GET /judge/assignments/:id', url: () => `/judge/assignments/${assignmentId}`, expect: only(['judge'], 404, 'sign-in') },
    { route: 'GET /judge/challenges/:id/entries', url: () => `/judge/challenges/${challenge.id}/entries`, expect: only(['judge', 'manager', 'admin'], 403, 'sign-in') },
    { route: 'GET /me/submissions', url: () => '/me/submissions', expect: PAGE_SIGNED_IN },
    { route: 'GET /submissions/:id', url: () => `/submissions/${entryId}`, expect: { ...only(['solver', 'judge', 'manager', 'admin'], 404, 'sign-in') } },
    { route: 'GET /submissions/:id/edit', url: () => `/submissions/${entryId}/edit`, expect: { ...only(['solver'], 404, 'sign-in'), judge: 403, manager: 403, admin: 403 } },
    { route: 'GET /submissions/:id/files/:fileId', url: () => `/submissions/${entryId}/files/${fileId}`, expect: only(['solver', 'judge', 'manager', 'admin'], 404, 'sign-in') },
    // The development mailbox exists only with the file transport; this app sends by SMTP.
    { route: 'GET /dev/mail', url: () => '/dev/mail', expect: everyone(404) },
    { route: 'GET /dev/mail/:file', url: () => '/dev/mail/missing.eml', expect: everyone(404) },
    { route: 'GET /health', url: () => '/health', expect: everyone(200) },
  ];

  it('lists every page a browser can GET exactly once', () => {
    expect(pages.map((row) => row.route).sort()).toEqual(routerKeys(t, false).sort());
  });

  it('answers every page for every caller as the table says', async () => {
    const sessions = {} as Record<Role, BrowserSession>;
    for (const role of ROLES) {
      sessions[role] = new BrowserSession(t.app);
      if (role !== 'anonymous') await sessions[role].signIn(accounts[role].email, PASSWORD);
    }
    const mismatches: string[] = [];
    for (const row of pages) {
      for (const role of ROLES) {
        const response = await sessions[role].agent.get(row.url(role));
        if (!matches(row.expect[role], response.status, response.headers.location)) mismatches.push(`${row.route} as ${role}: ${response.status}, expected ${row.expect[role]}`);
      }
    }
    console.log(JSON.stringify({ authorizationMatrix: { pages: pages.length, roles: ROLES.length, cells: pages.length * ROLES.length } }));
    expect(mismatches).toEqual([]);
  });

  const api: Row[] = [
    { route: 'POST /api/v1/auth/register', url: () => '/api/v1/auth/register', body: (role) => ({ email: `new.${role}@solvers.example`, password: PASSWORD, name: 'New' }), expect: everyone(OK) },
    { route: 'POST /api/v1/auth/verify-email', url: () => '/api/v1/auth/verify-email', body: () => ({ token: 'not-a-token' }), expect: everyone(422) },
    { route: 'POST /api/v1/auth/verify-email/resend', url: () => '/api/v1/auth/verify-email/resend', expect: SIGNED_IN },
    { route: 'POST /api/v1/auth/token', url: () => '/api/v1/auth/token', body: () => ({ email: bystander.email, password: PASSWORD }), expect: everyone(200) },
    { route: 'POST /api/v1/auth/password-reset', url: () => '/api/v1/auth/password-reset', body: () => ({ email: bystander.email }), expect: everyone(202) },
    { route: 'POST /api/v1/auth/password-reset/confirm', url: () => '/api/v1/auth/password-reset/confirm', body: () => ({ token: 'not-a-token', password: PASSWORD }), expect: everyone(422) },
    { route: 'GET /api/v1/me', url: () => '/api/v1/me', expect: SIGNED_IN },
    { route: 'PUT /api/v1/users/:id/roles', url: () => `/api/v1/users/${bystander.id}/roles`, body: () => ({ roles: ['solver'] }), expect: only(['admin'], 403) },
    { route: 'POST /api/v1/challenges', url: () => '/api/v1/challenges', body: () => ({ title: 'A draft' }), expect: only(['otherManager', 'manager', 'admin'], 403) },
    { route: 'GET /api/v1/challenges', url: () => '/api/v1/challenges', expect: everyone(200) },
    { route: 'GET /api/v1/challenges/:idOrSlug', url: () => `/api/v1/challenges/${challenge.slug}`, expect: everyone(200) },
    { route: 'PATCH /api/v1/challenges/:id', url: () => `/api/v1/challenges/${challenge.id}`, body: () => ({ tagline: 'Changed by a caller' }), expect: MANAGERS },
    { route: 'PATCH /api/v1/challenges/:id/phases/:number', url: () => `/api/v1/challenges/${challenge.id}/phases/1`, body: () => ({ name: 'Renamed by a caller' }), expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/phases/:number/advance', url: () => `/api/v1/challenges/${challenge.id}/phases/1/advance`, body: () => ({ fromRanking: true }), expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/publish', url: () => `/api/v1/challenges/${challenge.id}/publish`, expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/managers', url: () => `/api/v1/challenges/${challenge.id}/managers`, expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/managers', url: () => `/api/v1/challenges/${challenge.id}/managers`, body: () => ({ email: 'deputy@agency.example.gov' }), expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/audit', url: () => `/api/v1/challenges/${challenge.id}/audit`, expect: MANAGERS },
    { route: 'GET /api/v1/me/challenges', url: () => '/api/v1/me/challenges', expect: SIGNED_IN },
    { route: 'POST /api/v1/challenges/:id/submissions', url: () => `/api/v1/challenges/${challenge.id}/submissions`, body: () => ({ title: 'Late', answers: { summary: 'x', category: 'Software' }, submit: true }), expect: SIGNED_IN },
    { route: 'GET /api/v1/challenges/:id/submissions', url: () => `/api/v1/challenges/${challenge.id}/submissions`, expect: MANAGERS },
    { route: 'GET /api/v1/me/submissions', url: () => '/api/v1/me/submissions', expect: SIGNED_IN },
    { route: 'GET /api/v1/submissions/:id', url: () => `/api/v1/submissions/${entryId}`, expect: READERS },
    { route: 'GET /api/v1/submissions/:id/files/:fileId', url: () => `/api/v1/submissions/${entryId}/files/${fileId}`, expect: READERS },
    { route: 'PATCH /api/v1/submissions/:id', url: () => `/api/v1/submissions/${entryId}`, body: () => ({ title: 'Edited' }), expect: { ...READERS, judge: 403, manager: 403, admin: 403 } },
    { route: 'POST /api/v1/challenges/:id/judges', url: () => `/api/v1/challenges/${challenge.id}/judges`, body: (role) => ({ email: `late.${role}@panel.example` }), expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/judges', url: () => `/api/v1/challenges/${challenge.id}/judges`, expect: MANAGERS },
    { route: 'POST /api/v1/judge-invitations/:token/accept', url: () => '/api/v1/judge-invitations/not-a-token/accept', body: () => ({}), expect: everyone(404) },
    { route: 'POST /api/v1/judge-invitations/:token/decline', url: () => '/api/v1/judge-invitations/not-a-token/decline', expect: everyone(404) },
    { route: 'GET /api/v1/challenges/:id/judging/entries', url: () => `/api/v1/challenges/${challenge.id}/judging/entries`, expect: only(['judge', 'manager', 'admin'], 403) },
    { route: 'POST /api/v1/challenges/:id/conflicts', url: () => `/api/v1/challenges/${challenge.id}/conflicts`, body: (role) => ({ submissionId: entryId, reason: 'Conflict', ...(role === 'manager' || role === 'admin' ? { judgeId: judgeRecordId } : {}) }), expect: only(['judge', 'manager', 'admin'], 403) },
    { route: 'POST /api/v1/challenges/:id/judging/start', url: () => `/api/v1/challenges/${challenge.id}/judging/start`, expect: MANAGERS },
    { route: 'GET /api/v1/me/assignments', url: () => '/api/v1/me/assignments', expect: SIGNED_IN },
    { route: 'GET /api/v1/assignments/:id', url: () => `/api/v1/assignments/${assignmentId}`, expect: only(['judge'], 404) },
    { route: 'PUT /api/v1/assignments/:id/scorecard', url: () => `/api/v1/assignments/${assignmentId}/scorecard`, body: () => ({ scores: { impact: 7, feasibility: 3 }, feedback: 'Good', final: true }), expect: only(['judge'], 404) },
    { route: 'POST /api/v1/assignments/:id/reopen', url: () => `/api/v1/assignments/${assignmentId}/reopen`, body: () => ({ reason: 'Typo' }), expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/judging/progress', url: () => `/api/v1/challenges/${challenge.id}/judging/progress`, expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/judging/remind', url: () => `/api/v1/challenges/${challenge.id}/judging/remind`, expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/ranking', url: () => `/api/v1/challenges/${challenge.id}/ranking`, expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/ranking/summary', url: () => `/api/v1/challenges/${challenge.id}/ranking/summary`, expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/scorecards', url: () => `/api/v1/challenges/${challenge.id}/scorecards`, expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/awards', url: () => `/api/v1/challenges/${challenge.id}/awards`, body: () => ({ fromRanking: true }), expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/awards', url: () => `/api/v1/challenges/${challenge.id}/awards`, expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/announcement', url: () => `/api/v1/challenges/${challenge.id}/announcement`, expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/announcement/retry', url: () => `/api/v1/challenges/${challenge.id}/announcement/retry`, expect: MANAGERS },
    { route: 'GET /api/v1/challenges/:id/winners', url: () => `/api/v1/challenges/${challenge.id}/winners`, expect: everyone(404) },
    // The judge declared a conflict with this entry above, so from here on it is hidden from them.
    { route: 'POST /api/v1/submissions/:id/withdraw', url: () => `/api/v1/submissions/${entryId}/withdraw`, expect: { ...READERS, judge: 404, manager: 403, admin: 403 } },
    { route: 'POST /api/v1/submissions/:id/ineligible', url: () => `/api/v1/submissions/${entryId}/ineligible`, body: () => ({ reason: 'Outside the rules' }), expect: { ...MANAGERS_HIDDEN, solver: 403 } },
    { route: 'POST /api/v1/assignments/:id/recuse', url: () => `/api/v1/assignments/${assignmentId}/recuse`, body: () => ({ reason: 'I know them' }), expect: only(['judge'], 404) },
    { route: 'POST /api/v1/assignments/:id/reassign', url: () => `/api/v1/assignments/${assignmentId}/reassign`, body: () => ({ judgeId: judgeRecordId }), expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/announce', url: () => `/api/v1/challenges/${challenge.id}/announce`, expect: MANAGERS },
    { route: 'DELETE /api/v1/challenges/:id/judges/:judgeId', url: () => `/api/v1/challenges/${challenge.id}/judges/${judgeRecordId}`, expect: MANAGERS },
    { route: 'DELETE /api/v1/challenges/:id/managers/:userId', url: (role) => `/api/v1/challenges/${challenge.id}/managers/${role === 'admin' ? coManagerIds[1] : coManagerIds[0]}`, expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/close', url: () => `/api/v1/challenges/${challenge.id}/close`, expect: MANAGERS },
    { route: 'POST /api/v1/challenges/:id/cancel', url: () => `/api/v1/challenges/${challenge.id}/cancel`, body: () => ({ reason: 'Funding withdrawn' }), expect: MANAGERS },
  ];

  it('lists every API route exactly once', () => {
    expect(api.map((row) => row.route).sort()).toEqual(routerKeys(t, true).sort());
  });

  it('answers every API route for every caller as the table says', async () => {
    const mismatches: string[] = [];
    for (const row of api) {
      const [method] = row.route.split(' ');
      for (const role of ROLES) {
        let request = t.http[method.toLowerCase() as 'get'](row.url(role));
        if (role !== 'anonymous') request = request.set(accounts[role].auth);
        const response = row.body ? await request.send(row.body(role)) : await request;
        if (!matches(row.expect[role], response.status)) mismatches.push(`${row.route} as ${role}: ${response.status}, expected ${row.expect[role]}`);
        if (response.status >= 400) expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
    console.log(JSON.stringify({ authorizationMatrix: { apiRoutes: api.length, roles: ROLES.length, cells: api.length * ROLES.length } }));
    expect(mismatches).toEqual([]);
  });
});
