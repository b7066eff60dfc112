import { PASSWORD } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { FakeClock } from './support/fake-clock';
import { closedChallengeWithPanel, invitationToken, type JudgingFixture } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

describe('judging pages', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let f: JudgingFixture;
  let manager: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD } });
    f = await closedChallengeWithPanel(t, clock, { prefix: 'pages', entryCount: 4, judgeCount: 2, perEntry: 2 });
    manager = new BrowserSession(t.app);
    await manager.signIn(f.manager.email, PASSWORD);
  });
  afterAll(() => t.close());

  it('invites a judge from the panel page; the invitee creates an account from the emailed link and lands on the queue', async () => {
    const invited = await manager.submit(`/manage/challenges/${f.challenge.id}/judges`, { email: 'new.judge@panel.example', name: 'Nia Judge' });
    expect(invited.status).toBe(303);
    const token = await invitationToken(t, 'new.judge@panel.example');
    const judge = new BrowserSession(t.app);
    const page = await judge.agent.get(`/judge/invitations/${token}`).expect(200);
    expect(page.text).toContain('Create your judge account');
    const tooShort = await judge.submit(`/judge/invitations/${token}`, { name: 'Nia Judge', password: 'short' }, `/judge/invitations/${token}/accept`);
    expect(tooShort.status).toBe(422);
    expect(tooShort.text).toContain('must be at least 12 characters');
    const accepted = await judge.submit(`/judge/invitations/${token}`, { name: 'Nia Judge', password: PASSWORD }, `/judge/invitations/${token}/accept`);
    expect(accepted.status).toBe(303);
    const queue = await judge.agent.get(accepted.headers.location).expect(200);
    expect(queue.text).toContain('Welcome to the panel');
    const panel = await manager.agent.get(`/manage/challenges/${f.challenge.id}/judges`).expect(200);
    expect(panel.text).toMatch(/Nia Judge[\s\S]*accepted/);
  });

  it('lets a judge declare a conflict from the entries page', async () => {
    const judge = new BrowserSession(t.app);
    await judge.signIn(f.judges[0].email, PASSWORD);
    const list = await judge.agent.get(`/judge/challenges/${f.challenge.id}/entries`).expect(200);
    expect(list.text).toContain('pages entry 0');
    const declared = await judge.submit(`/judge/challenges/${f.challenge.id}/entries`, { submissionId: f.entries[0].id, reason: 'Former colleague' }, `/judge/challenges/${f.challenge.id}/conflicts`);
    expect(declared.status).toBe(303);
    expect((await judge.agent.get(`/judge/challenges/${f.challenge.id}/entries`)).text).toContain('Declared');
  });

  it('starts judging from the progress page and shows progress bars', async () => {
    const started = await manager.submit(`/manage/challenges/${f.challenge.id}/judging`, {}, `/manage/challenges/${f.challenge.id}/judging/start`);
    expect(started.status).toBe(303);
    const progress = await manager.agent.get(`/manage/challenges/${f.challenge.id}/judging`).expect(200);
    expect(progress.text).toMatch(/<progress class="laurel-progress" id="progress-overall" max="100" value="0">/);
    expect(progress.text).toContain('Remind judges with unfinished work');
  });

  it('scores through the scorecard page without JavaScript, with errors next to their fields, and locks it', async () => {
    const judge = new BrowserSession(t.app);
    await judge.signIn(f.judges[1].email, PASSWORD);
    const queue = await judge.agent.get('/judge').expect(200);
    const assignmentPath = /href="(\/judge\/assignments\/[0-9a-f-]{36})"/.exec(queue.text)![1];
    const page = await judge.agent.get(assignmentPath).expect(200);
    expect(page.text).toContain('name="scores[impact]"');
    expect(page.text).toContain('Blind judging');

    const invalid = await judge.submit(assignmentPath, { scores: { impact: '42', feasibility: '' }, feedback: '', note: '', final: 'true' });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('href="#field-scores.impact"');
    expect(invalid.text).toContain('Impact must be a whole number from 0 to 10');

    const saved = await judge.submit(assignmentPath, { scores: { impact: '8', feasibility: '4' }, feedback: 'Clear and practical.', note: 'Strong team.', final: 'true' });
    expect(saved.status).toBe(303);
    const locked = await judge.agent.get(assignmentPath).expect(200);
    expect(locked.text).toContain('Your scorecard is final.');
    expect(locked.text).not.toContain('name="scores[impact]"');
  });

  it('never shows a judge who submitted an entry, on any judging page', async () => {
    const judge = new BrowserSession(t.app);
    await judge.signIn(f.judges[0].email, PASSWORD);
    const pages = [await judge.agent.get('/judge'), await judge.agent.get(`/judge/challenges/${f.challenge.id}/entries`)];
    for (const path of new Set([...pages[0].text.matchAll(/href="(\/judge\/assignments\/[0-9a-f-]{36})"/g)].map((m) => m[1]))) pages.push(await judge.agent.get(path));
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) {
      expect(page.status).toBe(200);
      for (const solver of f.solvers) {
        expect(page.text).not.toContain(solver.email);
        expect(page.text).not.toContain(solver.name);
      }
    }
  });

  it('shows managers the ranking with raw and normalized scores, and the scorecards with panel notes', async () => {
    const ranking = await manager.agent.get(`/manage/challenges/${f.challenge.id}/ranking`).expect(200);
    expect(ranking.text).toContain('Normalized (rank)');
    expect(ranking.text).toContain('Panel agreement (ICC)');
    const scorecards = await manager.agent.get(`/manage/challenges/${f.challenge.id}/scorecards`).expect(200);
    expect(scorecards.text).toContain('Strong team.');
    const csv = await manager.agent.get(`/manage/challenges/${f.challenge.id}/ranking.csv`).expect(200);
    expect(csv.text.split('\r\n')[0]).toContain('"rank"');
    const judge = new BrowserSession(t.app);
    await judge.signIn(f.judges[0].email, PASSWORD);
    expect((await judge.agent.get(`/manage/challenges/${f.challenge.id}/ranking`)).status).toBe(403);
  });
});
