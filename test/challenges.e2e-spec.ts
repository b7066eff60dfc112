import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { completeChallenge, DAY, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { CHALLENGE_STATUSES, statusOf, type ChallengeStatus } from '../src/challenges/challenge-status';
import { PHASE_STATUSES, phaseStatusOf, type PhaseStatus, type PhaseStatusFacts } from '../src/challenges/phase-status';
import type { Phase } from '../src/challenges/phase.entity';
import { startTestApp, type TestApp } from './support/test-app';

describe('challenges API', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let manager: TestAccount;
  let otherManager: TestAccount;
  let solver: TestAccount;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'pm@epa.example.gov', 'Pat Manager');
    otherManager = await registerVerified(t, 'other.pm@nasa.example.gov', 'Olive Other');
    solver = await registerVerified(t, 'solver@example.com', 'Sol Ver');
    await grantRoles(t, manager, ['manager']);
    await grantRoles(t, otherManager, ['manager']);
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set('2026-06-01T12:00:00Z'));

  it('creates a draft with every field, money as a decimal string and a slug from the title', async () => {
    const body = completeChallenge(clock.now());
    const created = await t.http.post('/api/v1/challenges').set(manager.auth).send(body).expect(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      slug: 'clean-water-sensor-challenge',
      prizeTotal: { amount: '25000.00', currency: 'USD' },
      rubric: body.rubric,
      fields: body.fields,
      winnersCount: 3,
      timeZone: 'America/New_York',
    });
    const second = await t.http.post('/api/v1/challenges').set(manager.auth).send(body).expect(201);
    expect(second.body.slug).toMatch(/^clean-water-sensor-challenge-[0-9a-f]{6}$/);
  });

  it('requires a title to create a draft (422, not a crash)', async () => {
    const response = await t.http.post('/api/v1/challenges').set(manager.auth).send({}).expect(422);
    expect(response.body.errors).toEqual([{ field: 'title', message: 'is required' }]);
  });

  it('saves an incomplete draft, and publish lists every missing or inconsistent part', async () => {
    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send({ title: 'Half-finished idea' }).expect(201);
    const defaults = await t.http
      .patch(`/api/v1/challenges/${draft.body.id}`)
      .set(manager.auth)
      .send({
        opensAt: '2026-06-10T00:00:00Z',
        closesAt: '2026-07-10T00:00:00Z',
        judgingEndsAt: '2026-07-01T00:00:00Z',
        visibility: 'internal',
        rubric: [
          { key: 'a', name: 'A', description: '', weight: 1, maxScore: 5 },
          { key: 'a', name: 'A again', description: '', weight: 1, maxScore: 5 },
        ],
        fields: [
          { key: 'choice', label: 'Choice', type: 'select', required: true },
          { key: 'upload', label: 'Upload', type: 'file', required: true },
          { key: 'n', label: 'Number', type: 'number', required: false, maxLength: 5 },
        ],
      })
      .expect(200);
    expect(defaults.body.status).toBe('draft');

    const refused = await t.http.post(`/api/v1/challenges/${draft.body.id}/publish`).set(manager.auth).expect(422);
    const problems = refused.body.errors.map((e: { field: string; message: string }) => `${e.field} ${e.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'tagline is required',
        'description is required',
        'agency is required',
        'rules is required',
        'eligibility is required',
        'prizeTotal is required',
        'judgingEndsAt must be after closesAt',
        'allowedEmailDomains must list at least one domain for an internal challenge',
        'rubric has the key "a" more than once',
        'fields.0.options are required for a select field',
        'fields.1.accept is required for a file field',
        'fields.1.maxBytes is required for a file field',
        'fields.2.maxLength applies only to text and textarea fields',
      ]),
    );
    expect((await t.http.get(`/api/v1/challenges/${draft.body.id}`).set(manager.auth).expect(200)).body.status).toBe('draft');
  });

  it('validates each property with a field error (422), never touching the row', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '' }, 'title'],
      [{ winnersCount: 6 }, 'winnersCount'],
      [{ winnersCount: 2 }, 'winnersCount'],
      [{ judgesPerSubmission: 0 }, 'judgesPerSubmission'],
      [{ prizeTotal: { amount: 25000.5, currency: 'USD' } }, 'prizeTotal.amount'],
      [{ prizeTotal: { amount: '10', currency: 'dollars' } }, 'prizeTotal.currency'],
      [{ opensAt: '2026-06-10 10:00' }, 'opensAt'],
      [{ opensAt: '2026-06-10T10:00:00' }, 'opensAt'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ visibility: 'secret' }, 'visibility'],
      [{ allowedEmailDomains: ['not a domain'] }, 'allowedEmailDomains'],
      [{ rubric: [{ key: 'Bad Key', name: 'x', description: '', weight: 1, maxScore: 5 }] }, 'rubric.0.key'],
      [{ rubric: [{ key: 'ok', name: 'x', description: '', weight: 0, maxScore: 5 }] }, 'rubric.0.weight'],
      [{ rubric: [{ key: 'ok', name: 'x', description: '', weight: 1, maxScore: 101 }] }, 'rubric.0.maxScore'],
      [{ fields: [{ key: 'x', label: 'X', type: 'color', required: true }] }, 'fields.0.type'],
      [{ fields: [{ key: 'x', label: 'X', type: 'file', required: true, accept: ['application/x-msdownload'] }] }, 'fields.0.accept'],
      [{ rubric: [{ key: 'ok', name: 'x', description: '', weight: 1, maxScore: 5, extra: true }] }, 'rubric.0.extra'],
      [{ ownerId: solver.id }, 'ownerId'],
    ];
    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send({ title: 'Validation target' }).expect(201);
    for (const [patch, field] of cases) {
      const response = await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set(manager.auth).send(patch);
      expect({ patch, status: response.status }).toEqual({ patch, status: 422 });
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const [row] = await t.db.query(`SELECT title, winners_count, updated_at = created_at AS untouched FROM challenges WHERE id = $1`, [draft.body.id]);
    expect(row).toEqual({ title: 'Validation target', winners_count: 3, untouched: true });
  });

  it('moves upcoming → open → closed by the clock alone, and early close and cancel are explicit', async () => {
    const challenge = await publishedChallenge(t, manager, clock.now(), { title: 'Clockwork' });
    const status = async () => (await t.http.get(`/api/v1/challenges/${challenge.id}`).expect(200)).body.status;
    expect(await status()).toBe('upcoming');
    clock.set(challenge.opensAt);
    expect(await status()).toBe('open');
    clock.set(new Date(new Date(challenge.closesAt).getTime() - 1));
    expect(await status()).toBe('open');
    clock.set(challenge.closesAt);
    expect(await status()).toBe('closed');

    clock.set('2026-06-01T12:00:00Z');
    const early = await publishedChallenge(t, manager, clock.now(), { title: 'Early close' });
    await t.http.post(`/api/v1/challenges/${early.id}/close`).set(manager.auth).expect(409);
    clock.advance(2 * DAY);
    const closed = await t.http.post(`/api/v1/challenges/${early.id}/close`).set(manager.auth).expect(200);
    expect(closed.body.status).toBe('closed');
    await t.http.post(`/api/v1/challenges/${early.id}/publish`).set(manager.auth).expect(409);
    const cancelled = await t.http.post(`/api/v1/challenges/${early.id}/cancel`).set(manager.auth).send({ reason: 'Funding withdrawn' }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Funding withdrawn' });
    await t.http.post(`/api/v1/challenges/${early.id}/cancel`).set(manager.auth).send({}).expect(409);
    await t.http.patch(`/api/v1/challenges/${early.id}`).set(manager.auth).send({ tagline: 'x' }).expect(409);
  });

  it('keeps a published challenge complete: an edit that breaks it is refused', async () => {
    const challenge = await publishedChallenge(t, manager, clock.now(), { title: 'Stays complete' });
    const response = await t.http.patch(`/api/v1/challenges/${challenge.id}`).set(manager.auth).send({ rubric: [] }).expect(422);
    expect(response.body.errors).toEqual([{ field: 'rubric', message: 'needs at least one criterion' }]);
    await t.http.patch(`/api/v1/challenges/${challenge.id}`).set(manager.auth).send({ tagline: 'Sharper tagline' }).expect(200);
  });

  it('authorizes: anonymous 401, solver 403, other manager 403 on a published and 404 on a draft, admin allowed', async () => {
    const body = completeChallenge(clock.now(), { title: 'Authorization' });
    await t.http.post('/api/v1/challenges').send(body).expect(401);
    await t.http.post('/api/v1/challenges').set(solver.auth).send(body).expect(403);

    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send(body).expect(201);
    await t.http.get(`/api/v1/challenges/${draft.body.id}`).expect(404);
    await t.http.get(`/api/v1/challenges/${draft.body.slug}`).set(solver.auth).expect(404);
    await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set(otherManager.auth).send({ tagline: 'mine now' }).expect(404);
    await t.http.post(`/api/v1/challenges/${draft.body.id}/publish`).set(otherManager.auth).expect(404);
    await t.http.post(`/api/v1/challenges/${draft.body.id}/publish`).expect(401);

    await t.http.post(`/api/v1/challenges/${draft.body.id}/publish`).set(manager.auth).expect(200);
    await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set(otherManager.auth).send({ tagline: 'mine now' }).expect(403);
    await t.http.post(`/api/v1/challenges/${draft.body.id}/cancel`).set(solver.auth).send({}).expect(403);
    await t.http.get(`/api/v1/challenges/${draft.body.id}/audit`).set(solver.auth).expect(403);
    await t.http.get(`/api/v1/challenges/${draft.body.id}/managers`).set(otherManager.auth).expect(403);

    const admin = (await t.http.post('/api/v1/auth/token').send({ email: ADMIN_ENV.ADMIN_EMAIL, password: ADMIN_ENV.ADMIN_PASSWORD }).expect(200)).body.accessToken;
    await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set('Authorization', `Bearer ${admin}`).send({ tagline: 'Edited by an admin' }).expect(200);
  });

  it('lets the owner add co-managers, who may then edit; co-managers cannot change the team', async () => {
    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send({ title: 'Team work' }).expect(201);
    await t.http.post(`/api/v1/challenges/${draft.body.id}/managers`).set(manager.auth).send({ email: 'nobody@nowhere.example' }).expect(422);
    const team = await t.http.post(`/api/v1/challenges/${draft.body.id}/managers`).set(manager.auth).send({ email: 'OTHER.PM@nasa.example.gov' }).expect(201);
    expect(team.body.map((m: { email: string; role: string }) => `${m.email}:${m.role}`)).toEqual(['pm@epa.example.gov:owner', 'other.pm@nasa.example.gov:co-manager']);

    await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set(otherManager.auth).send({ tagline: 'Co-managed' }).expect(200);
    await t.http.post(`/api/v1/challenges/${draft.body.id}/managers`).set(otherManager.auth).send({ email: 'solver@example.com' }).expect(403);
    await t.http.delete(`/api/v1/challenges/${draft.body.id}/managers/${manager.id}`).set(manager.auth).expect(409);
    await t.http.delete(`/api/v1/challenges/${draft.body.id}/managers/${otherManager.id}`).set(manager.auth).expect(204);
    await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set(otherManager.auth).send({ tagline: 'Gone' }).expect(404);
  });

  it('records every change in an audit log with who, what, when, before and after', async () => {
    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send(completeChallenge(clock.now(), { title: 'Audited' })).expect(201);
    await t.http.patch(`/api/v1/challenges/${draft.body.id}`).set(manager.auth).send({ tagline: 'Second version', winnersCount: 4 }).expect(200);
    await t.http.post(`/api/v1/challenges/${draft.body.id}/publish`).set(manager.auth).expect(200);
    const audit = await t.http.get(`/api/v1/challenges/${draft.body.id}/audit`).set(manager.auth).expect(200);
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(['challenge.published', 'challenge.updated', 'challenge.created']);
    const update = audit.body[1];
    expect(update.actor).toEqual({ id: manager.id, name: 'Pat Manager', email: 'pm@epa.example.gov' });
    expect(update.before).toEqual({ tagline: 'Low-cost sensors that tell a town its water is safe.', winnersCount: 3 });
    expect(update.after).toEqual({ tagline: 'Second version', winnersCount: 4 });
    expect(audit.body[0]).toMatchObject({ before: { status: 'draft' }, after: { status: 'upcoming' }, at: '2026-06-01T12:00:00.000Z' });
  });

  it('shows internal challenges only to verified users of an allowed domain (404 to everyone else)', async () => {
    const internal = await publishedChallenge(t, otherManager, clock.now(), {
      title: 'Internal ideas from NASA staff',
      visibility: 'internal',
      allowedEmailDomains: ['NASA.example.gov'],
    });
    expect(internal.allowedEmailDomains).toEqual(['nasa.example.gov']);
    const staff = await registerVerified(t, 'engineer@nasa.example.gov');
    await t.http.get(`/api/v1/challenges/${internal.id}`).set(staff.auth).expect(200);
    await t.http.get(`/api/v1/challenges/${internal.id}`).set(solver.auth).expect(404);
    await t.http.get(`/api/v1/challenges/${internal.id}`).expect(404);

    await t.http.post('/api/v1/auth/register').send({ email: 'unverified@nasa.example.gov', password: ADMIN_ENV.ADMIN_PASSWORD, name: 'U' }).expect(201);
    const unverified = (await t.http.post('/api/v1/auth/token').send({ email: 'unverified@nasa.example.gov', password: ADMIN_ENV.ADMIN_PASSWORD })).body.accessToken;
    await t.http.get(`/api/v1/challenges/${internal.id}`).set('Authorization', `Bearer ${unverified}`).expect(404);

    const titles = async (auth?: Record<string, string>) =>
      (await t.http.get('/api/v1/challenges?pageSize=100').set(auth ?? {}).expect(200)).body.items.map((c: { title: string }) => c.title);
    expect(await titles(staff.auth)).toContain('Internal ideas from NASA staff');
    expect(await titles(solver.auth)).not.toContain('Internal ideas from NASA staff');
    expect(await titles()).not.toContain('Internal ideas from NASA staff');
  });

  it('never renders script from Markdown', async () => {
    const challenge = await publishedChallenge(t, manager, clock.now(), {
      title: 'Markdown safety',
      description: 'Hello <script>alert("x")</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>',
    });
    const page = await t.http.get(`/challenges/${challenge.slug}`).expect(200);
    const overview = page.text.slice(page.text.indexOf('id="overview"'), page.text.indexOf('id="timeline"'));
    expect(overview).toContain('Hello');
    expect(overview).not.toMatch(/<script|<img|javascript:alert|onerror=/);
    expect(overview).toContain('&lt;script&gt;');
  });
});

describe('challenge lists', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let manager: TestAccount;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'lists@epa.example.gov');
    await grantRoles(t, manager, ['manager']);
    const now = clock.now();
    for (let i = 1; i <= 25; i += 1) {
      await publishedChallenge(t, manager, now, {
        title: `Challenge number ${String(i).padStart(2, '0')}`,
        agency: i % 2 ? 'NASA' : 'EPA',
        prizeTotal: { amount: `${i * 1000}.00`, currency: 'USD' },
        opensAt: new Date(now.getTime() + (i <= 10 ? -DAY : DAY) + 1000 * i).toISOString(),
        closesAt: new Date(now.getTime() + (40 - i) * DAY).toISOString(),
        tagline: i === 7 ? 'Seven is the one with a wombat' : 'An ordinary tagline',
      });
      clock.advance(1000);
    }
    await t.http.post('/api/v1/challenges').set(manager.auth).send(completeChallenge(now, { title: 'Unpublished draft' })).expect(201);
    const cancelled = await publishedChallenge(t, manager, now, { title: 'Cancelled one' });
    await t.http.post(`/api/v1/challenges/${cancelled.id}/cancel`).set(manager.auth).send({}).expect(200);
  });
  afterAll(() => t.close());

  const list = async (query: string) => (await t.http.get(`/api/v1/challenges?${query}`).expect(200)).body;

  it('paginates published challenges only', async () => {
    const first = await list('page=1&pageSize=10');
    expect(first).toMatchObject({ total: 25, page: 1, pageSize: 10 });
    expect(first.items).toHaveLength(10);
    const third = await list('page=3&pageSize=10');
    expect(third.items).toHaveLength(5);
    const all = [...first.items, ...(await list('page=2&pageSize=10')).items, ...third.items].map((c: { title: string }) => c.title);
    expect(new Set(all).size).toBe(25);
    expect(all).not.toContain('Unpublished draft');
    expect(all).not.toContain('Cancelled one');
    await t.http.get('/api/v1/challenges?pageSize=101').expect(422);
    await t.http.get('/api/v1/challenges?page=0').expect(422);
  });

  it('filters by status, agency and keywords, and sorts', async () => {
    expect((await list('status=open')).total).toBe(10);
    expect((await list('status=upcoming')).total).toBe(15);
    expect((await list('agency=nasa')).total).toBe(13);
    const wombat = await list('q=WOMBAT');
    expect(wombat.items.map((c: { title: string }) => c.title)).toEqual(['Challenge number 07']);
    expect((await list('q=ordinary 25')).items.map((c: { title: string }) => c.title)).toEqual(['Challenge number 25']);
    expect((await list('sort=prize&pageSize=1')).items[0].title).toBe('Challenge number 25');
    expect((await list('sort=closing&pageSize=1')).items[0].title).toBe('Challenge number 25');
    expect((await list('sort=newest&pageSize=1')).items[0].title).toBe('Challenge number 25');
    await t.http.get('/api/v1/challenges?status=draft').expect(422);
    await t.http.get('/api/v1/challenges?q=%25').expect(200);
  });

  it('renders the list page with search, filters and pagination, and the detail page with its sections', async () => {
    const page = await t.http.get('/challenges?status=open&agency=NASA').expect(200);
    expect(page.text).toContain('5 challenges');
    expect(page.text).toContain('usa-card');
    expect(page.text).not.toContain('Unpublished draft');
    const home = await t.http.get('/').expect(200);
    expect(home.text).toContain('Page 1 of 2');
    expect(home.text.replace(/&#x3D;/g, '=')).toMatch(/href="\/challenges\?page=2"/);

    const detail = await t.http.get('/challenges/challenge-number-07').expect(200);
    for (const section of ['Overview', 'Timeline', 'Prizes', 'Rules', 'Eligibility', 'Judging criteria', 'How to enter', 'Questions and answers']) {
      expect(detail.text).toContain(section);
    }
    expect(detail.text).toContain('$7,000');
    expect(detail.text).toContain('EDT');
    expect(detail.text).toContain('Enter this challenge');
    await t.http.get('/challenges/unpublished-draft').expect(404);
  });

  it('answers signed-out visitors of the list from a 2-second page cache, without cookies, and never signed-in ones', async () => {
    const first = await t.http.get('/challenges?q=probe').expect(200);
    const created = await t.http.post('/api/v1/challenges').set(manager.auth).send(completeChallenge(clock.now(), { title: 'Cache probe challenge' })).expect(201);
    await t.http.post(`/api/v1/challenges/${created.body.id}/publish`).set(manager.auth).expect(200);

    const cached = await t.http.get('/challenges?q=probe').expect(200);
    expect(cached.text).toBe(first.text);
    expect(cached.text).not.toContain('Cache probe challenge');
    expect(first.headers['set-cookie']).toBeDefined();
    expect(cached.headers['set-cookie']).toBeUndefined();
    expect(cached.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(cached.headers['content-security-policy']).toBe(first.headers['content-security-policy']);

    const browser = new BrowserSession(t.app);
    await browser.signIn(manager.email, PASSWORD);
    expect((await browser.agent.get('/challenges?q=probe').expect(200)).text).toContain('Cache probe challenge');

    clock.advance(2001);
    expect((await t.http.get('/challenges?q=probe').expect(200)).text).toContain('Cache probe challenge');
  });

  it('publishes an RSS feed of open challenges', async () => {
    const feed = await t.http.get('/challenges/feed.xml').expect(200).expect('Content-Type', /rss\+xml/);
    const items = feed.text.match(/<item>/g) ?? [];
    expect(items).toHaveLength(10);
    expect(feed.text).toContain('<link>http://laurel.test/challenges/challenge-number-01</link>');
  });

  it('decides phase and challenge status in SQL exactly as in code, for every combination of facts around the moment, unset dates included', async () => {
    // phase_status and challenge_status decide the entry window inside the entry statement, lists and reminder jobs;
    // phaseStatusOf and statusOf decide it everywhere else.
    const now = new Date(Date.UTC(2026, 5, 1, 12));
    const around = [null, new Date(now.getTime() - 1), now, new Date(now.getTime() + 1)];
    const once = [null, new Date(now.getTime() - DAY)];
    const cases: { challenge: { cancelledAt: Date | null; announcedAt: Date | null; publishedAt: Date | null }; phase: PhaseStatusFacts }[] = [];
    for (const cancelledAt of once) for (const announcedAt of once) for (const publishedAt of once)
      for (const decidedAt of once) for (const judgingStartedAt of once) for (const closedEarlyAt of once) for (const opensAt of around) for (const closesAt of around)
        cases.push({ challenge: { cancelledAt, announcedAt, publishedAt }, phase: { decidedAt, judgingStartedAt, closedEarlyAt, opensAt, closesAt } });
    const rows: { status: ChallengeStatus; phase: PhaseStatus }[] = await t.db.query(
      `SELECT challenge_status(jsonb_populate_record(NULL::challenges, x.f->'c'), jsonb_populate_record(NULL::challenge_phases, x.f->'p'), $2) AS status,
              phase_status(jsonb_populate_record(NULL::challenge_phases, x.f->'p'), $2) AS phase
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(f, n) ORDER BY x.n`,
      [
        JSON.stringify(cases.map(({ challenge: c, phase: p }) => ({
          c: { cancelled_at: c.cancelledAt, announced_at: c.announcedAt, published_at: c.publishedAt },
          p: { decided_at: p.decidedAt, judging_started_at: p.judgingStartedAt, closed_early_at: p.closedEarlyAt, opens_at: p.opensAt, closes_at: p.closesAt },
        }))),
        now,
      ],
    );
    expect(rows.map((row) => row.phase)).toEqual(cases.map((c) => phaseStatusOf(c.phase, now)));
    expect(rows.map((row) => row.status)).toEqual(cases.map((c) => statusOf({ ...c.challenge, currentPhase: c.phase as Phase }, now)));
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(CHALLENGE_STATUSES));
    expect(new Set(rows.map((row) => row.phase))).toEqual(new Set(PHASE_STATUSES));
  });
});
