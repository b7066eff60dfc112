import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified } from './support/accounts';
import { BrowserSession, type FormFields } from './support/browser-session';
import { FakeClock } from './support/fake-clock';
import { startTestApp, type TestApp } from './support/test-app';

describe('manager pages', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let browser: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    const manager = await registerVerified(t, 'pages.pm@agency.example.gov', 'Paige Manager');
    await grantRoles(t, manager, ['manager']);
    browser = new BrowserSession(t.app);
    await browser.signIn(manager.email, PASSWORD);
  });
  afterAll(() => t.close());

  const step = (id: string, name: string, fields: FormFields) => browser.submit(`/manage/challenges/${id}/edit/${name}`, fields);

  it('creates a challenge through every step of the form, previews it and publishes it', async () => {
    const created = await browser.submit('/manage/challenges/new', { title: 'Wildfire Smoke Alerts', tagline: 'Warn people before the smoke arrives.', agency: 'NOAA', visibility: 'public' }, '/manage/challenges');
    expect(created.status).toBe(303);
    const id = /\/manage\/challenges\/([0-9a-f-]{36})\/edit\/details/.exec(created.headers.location)![1];

    const form = await browser.agent.get(`/manage/challenges/${id}/edit/general`).expect(200);
    expect(form.text).toContain('usa-step-indicator');
    expect(form.text).toContain('aria-current="step"');

    expect((await step(id, 'details', { description: '## Why\n\nSmoke moves fast.', faq: '' })).headers.location).toBe(`/manage/challenges/${id}/edit/timeline`);
    await step(id, 'timeline', { timeZone: 'America/Denver', opensAt: '2026-06-10T09:00', closesAt: '2026-08-01T17:00', judgingEndsAt: '' });
    await step(id, 'prizes', { prizeAmount: '50,000', prizeCurrency: 'usd', winnersCount: '4' });
    await step(id, 'rules', { rules: 'Be original.', eligibility: 'Anyone.' });
    await step(id, 'rubric', {
      rubric: [
        { name: 'Accuracy', key: 'accuracy', description: 'Right warnings', weight: '3', maxScore: '10' },
        { name: '', key: '', description: '', weight: '', maxScore: '' },
      ],
    });
    await step(id, 'entry-form', {
      fields: [
        { label: 'Approach', key: 'approach', type: 'textarea', required: 'on', maxLength: '3000', helpText: 'How it works' },
        { label: 'Region', key: 'region', type: 'select', options: 'West\nEast' },
        { label: 'Slides', key: 'slides', type: 'file', accept: ['application/pdf', 'image/png'], maxMegabytes: '2' },
      ],
    });
    expect((await step(id, 'judging', { judgesPerSubmission: '2', maxSubmissionsPerSolver: '1' })).headers.location).toBe(`/manage/challenges/${id}/edit/review`);

    const review = await browser.agent.get(`/manage/challenges/${id}/edit/review`).expect(200);
    expect(review.text).toContain('Everything needed to publish is here.');
    const preview = await browser.agent.get(`/manage/challenges/${id}/preview`).expect(200);
    expect(preview.text).toContain('Preview: this is how the public page will look.');
    expect(preview.text).toContain('MDT');

    const api = (await t.db.query(`SELECT p.opens_at, p.closes_at, prize_amount, prize_currency, winners_count, blind_judging, p.rubric, p.fields FROM challenges c JOIN challenge_phases p ON p.challenge_id = c.id WHERE c.id = $1`, [id]))[0];
    expect(api.opens_at.toISOString()).toBe('2026-06-10T15:00:00.000Z');
    expect(api.closes_at.toISOString()).toBe('2026-08-01T23:00:00.000Z');
    expect([api.prize_amount, api.prize_currency, api.winners_count, api.blind_judging]).toEqual(['50000.00', 'USD', 4, false]);
    expect(api.rubric).toEqual([{ key: 'accuracy', name: 'Accuracy', description: 'Right warnings', weight: 3, maxScore: 10 }]);
    expect(api.fields).toEqual([
      { key: 'approach', label: 'Approach', type: 'textarea', required: true, helpText: 'How it works', maxLength: 3000 },
      { key: 'region', label: 'Region', type: 'select', required: false, options: ['West', 'East'] },
      { key: 'slides', label: 'Slides', type: 'file', required: false, accept: ['application/pdf', 'image/png'], maxBytes: 2097152 },
    ]);

    const published = await browser.submit(`/manage/challenges/${id}`, {}, `/manage/challenges/${id}/publish`);
    expect(published.status).toBe(303);
    const overview = await browser.agent.get(`/manage/challenges/${id}`).expect(200);
    expect(overview.text).toContain('Opening soon');
    expect(overview.text).toContain('challenge.published');
    const mine = await browser.agent.get('/manage/challenges').expect(200);
    expect(mine.text).toContain('Wildfire Smoke Alerts');
  });

  it('shows inline errors and keeps what was typed when a step is invalid', async () => {
    const created = await browser.submit('/manage/challenges/new', { title: 'Errors on pages', visibility: 'public' }, '/manage/challenges');
    const id = /challenges\/([0-9a-f-]{36})\//.exec(created.headers.location)![1];
    const timeline = await step(id, 'timeline', { timeZone: 'UTC', opensAt: 'yesterday', closesAt: '2026-08-01T17:00' });
    expect(timeline.status).toBe(422);
    expect(timeline.text).toContain('There is a problem');
    expect(timeline.text).toContain('opensAt must be a date and time');
    expect(timeline.text).toContain('value="yesterday"');

    const prizes = await step(id, 'prizes', { prizeAmount: 'lots', prizeCurrency: 'USD', winnersCount: '9' });
    expect(prizes.status).toBe(422);
    expect(prizes.text).toContain('href="#field-prizeTotal.amount"');
    expect(prizes.text).toContain('href="#field-winnersCount"');

    const publish = await browser.submit(`/manage/challenges/${id}`, {}, `/manage/challenges/${id}/publish`);
    expect(publish.status).toBe(422);
    expect(publish.text).toContain('rubric needs at least one criterion');
    expect((await t.db.query(`SELECT published_at FROM challenges WHERE id = $1`, [id]))[0].published_at).toBeNull();
  });

  it('adds, orders and removes phases on the Phases step, each with its own rubric', async () => {
    const created = await browser.submit('/manage/challenges/new', { title: 'Phased Smoke Alerts', tagline: 'In rounds.', agency: 'NOAA', visibility: 'public' }, '/manage/challenges');
    const id = /\/manage\/challenges\/([0-9a-f-]{36})\/edit\/details/.exec(created.headers.location)![1];
    expect((await step(id, 'timeline', { timeZone: 'UTC', opensAt: '2026-06-10T09:00', closesAt: '2026-07-01T17:00', judgingEndsAt: '' })).headers.location).toBe(`/manage/challenges/${id}/edit/phases`);
    const page = (await browser.agent.get(`/manage/challenges/${id}/edit/phases`).expect(200)).text;
    expect(page).toContain('value="Entries"');
    expect(page).toContain('Add a phase');

    const rows = (finalsOpen: string) => ({
      phases: [
        { from: '', position: '1', name: 'Concepts', opensAt: '2026-06-10T09:00', closesAt: '2026-07-01T17:00', judgingEndsAt: '', judgesPerSubmission: '2', advanceCount: '5' },
        { from: '1', position: '2', name: 'Finals', opensAt: finalsOpen, closesAt: '2026-08-30T17:00', judgingEndsAt: '', judgesPerSubmission: '3', advanceCount: '' },
      ],
    });
    const overlapping = await step(id, 'phases', rows('2026-06-20T09:00'));
    expect(overlapping.status).toBe(422);
    expect(overlapping.text).toContain('must not be before the previous phase closes');
    expect(overlapping.text).toContain('value="Concepts"');
    expect((await step(id, 'phases', rows('2026-07-15T09:00'))).status).toBe(303);

    await browser.submit(`/manage/challenges/${id}/edit/rubric?phase=2`, { rubric: [{ name: 'Demo', key: 'demo', description: 'Works', weight: '1', maxScore: '10' }] });
    const phaseOne = (await browser.agent.get(`/manage/challenges/${id}/edit/rubric?phase=1`).expect(200)).text;
    expect(phaseOne).toContain('Editing phase 1, Concepts.');
    expect(phaseOne).not.toContain('value="demo"');
    await browser.agent.get(`/manage/challenges/${id}/edit/rubric?phase=3`).expect(404);
    const stored = await t.db.query(`SELECT number, name, advance_count, judges_per_submission, rubric FROM challenge_phases WHERE challenge_id = $1 ORDER BY number`, [id]);
    expect(stored.map((p: { number: number; name: string; advance_count: number | null; judges_per_submission: number; rubric: { key: string }[] }) => [p.number, p.name, p.advance_count, p.judges_per_submission, p.rubric.map((c) => c.key)])).toEqual([
      [1, 'Concepts', 5, 2, []],
      [2, 'Finals', null, 3, ['demo']],
    ]);

    await step(id, 'phases', { phases: [{ from: '1', position: '1', name: 'Concepts', opensAt: '2026-06-10T09:00', closesAt: '2026-07-01T17:00', judgesPerSubmission: '2', advanceCount: '' }, { from: '2', position: '2', name: 'Finals', opensAt: '2026-07-15T09:00', closesAt: '2026-08-30T17:00', remove: 'on' }] });
    expect(await t.db.query(`SELECT name FROM challenge_phases WHERE challenge_id = $1`, [id])).toEqual([{ name: 'Concepts' }]);
  });

  it('keeps other people out of the manager pages', async () => {
    const created = await browser.submit('/manage/challenges/new', { title: 'Private draft', visibility: 'public' }, '/manage/challenges');
    const id = /challenges\/([0-9a-f-]{36})\//.exec(created.headers.location)![1];
    const stranger = await registerVerified(t, 'stranger@example.com');
    const other = new BrowserSession(t.app);
    await other.signIn(stranger.email, PASSWORD);
    await other.agent.get(`/manage/challenges/${id}`).expect(404);
    await other.agent.get(`/manage/challenges/${id}/edit/general`).expect(404);
    const anonymous = await new BrowserSession(t.app).agent.get(`/manage/challenges/${id}`);
    expect(anonymous.status).toBe(303);
    await other.agent.get('/manage/challenges/new').expect(403);
    const creating = await other.agent.post('/manage/challenges').type('form').send({ title: 'Not a manager', visibility: 'public', _csrf: await other.csrfFrom('/account') });
    expect(creating.status).toBe(403);
  });
});
