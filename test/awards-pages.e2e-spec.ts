import { PASSWORD } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { FakeClock } from './support/fake-clock';
import { closedChallengeWithPanel } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

describe('awards pages', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(() => t.close());

  it('selects winners from the ranking and announces them from the manager page', async () => {
    const f = await closedChallengeWithPanel(t, clock, { prefix: 'pageaward', entryCount: 4, judgeCount: 1, perEntry: 1 });
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/start`).set(f.manager.auth).expect(200);
    for (const [n, item] of ((await t.http.get('/api/v1/me/assignments').set(f.judges[0].auth)).body as { id: string }[]).entries()) {
      await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[0].auth).send({ scores: { impact: 9 - n, feasibility: 3 }, feedback: 'Thanks.', final: true }).expect(200);
    }
    const manager = new BrowserSession(t.app);
    await manager.signIn(f.manager.email, PASSWORD);
    const page = await manager.agent.get(`/manage/challenges/${f.challenge.id}/awards`).expect(200);
    expect(page.text).toContain('Use the top 3 of the ranking');

    const ranking = (await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking`).set(f.manager.auth).expect(200)).body as { submissionId: string }[];
    const last = ranking[ranking.length - 1].submissionId;
    const departing = await manager.submit(`/manage/challenges/${f.challenge.id}/awards`, {
      awards: [{ submissionId: last, kind: 'winner', place: '1', title: '', prize: '', citation: '' }],
    });
    expect(departing.status).toBe(422);
    expect(departing.text).toContain('href="#field-justification"');

    expect((await manager.submit(`/manage/challenges/${f.challenge.id}/awards`, { fromRanking: 'true' })).status).toBe(303);
    const selected = await manager.agent.get(`/manage/challenges/${f.challenge.id}/awards`).expect(200);
    expect(selected.text).toContain('First prize');
    expect((await manager.submit(`/manage/challenges/${f.challenge.id}/awards`, {}, `/manage/challenges/${f.challenge.id}/announce`)).status).toBe(303);
    const after = await manager.agent.get(`/manage/challenges/${f.challenge.id}/awards`).expect(200);
    expect(after.text).toContain('Winners announced');
    expect(after.text).toMatch(/<progress class="laurel-progress" id="delivery"/);
    const winners = await t.http.get(`/challenges/${f.challenge.slug}/winners`).expect(200);
    expect(winners.text).toContain('First prize');
  });
});
