import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { completeChallenge, DAY, HOUR } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { invitationToken } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Concept papers → prototypes → finals: three solvers, two advance, then one, then the award. Every contributor
 * hears back exactly once for each phase they were in, and nobody enters a phase they did not advance to.
 */
describe('a challenge in three phases', () => {
  const start = new Date('2026-06-01T12:00:00Z');
  const clock = new FakeClock(start);
  const at = (days: number) => new Date(start.getTime() + days * DAY).toISOString();
  let t: TestApp;
  let manager: TestAccount;
  let judge: TestAccount;
  const solvers: Record<'ana' | 'ben' | 'cai', TestAccount> = {} as never;
  let challengeId: string;

  const phase = (name: string, opens: number, closes: number, advanceCount?: number) => ({
    name,
    opensAt: at(opens),
    closesAt: at(closes),
    judgesPerSubmission: 1,
    advanceCount,
    rubric: [{ key: 'merit', name: 'Merit', description: 'How good it is', weight: 1, maxScore: 10 }],
    fields: [{ key: 'pitch', label: 'Pitch', type: 'textarea', required: true }],
  });
  const enter = (solver: TestAccount, title: string) =>
    t.http.post(`/api/v1/challenges/${challengeId}/submissions`).set(solver.auth).send({ title, answers: { pitch: `${title} pitch` }, submit: true });
  /** Starts judging the phase at its close and scores each entry by its title's score. */
  const judgePhase = async (number: number, closes: number, scores: Record<string, number>) => {
    clock.set(new Date(at(closes)));
    await t.http.post(`/api/v1/challenges/${challengeId}/judging/start?phase=${number}`).set(manager.auth).expect(200);
    const queue = (await t.http.get('/api/v1/me/assignments').set(judge.auth).expect(200)).body as { id: string; status: string; submission: { title: string } }[];
    for (const item of queue.filter((q) => q.status === 'pending')) {
      await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(judge.auth).send({ scores: { merit: scores[item.submission.title] }, feedback: `About ${item.submission.title}`, final: true }).expect(200);
    }
  };
  /** The outcomes a solver was told, in any order (the worker sends in parallel). */
  const heardBack = (solver: TestAccount) => t.mail.to(solver.email).filter((m) => !/Confirm|Entry received/.test(m.subject)).map((m) => m.subject).sort();

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'three.manager@agency.example.gov', 'Three Manager');
    await grantRoles(t, manager, ['manager']);
    for (const name of ['ana', 'ben', 'cai'] as const) solvers[name] = await registerVerified(t, `${name}@solvers.example`, `Solver ${name}`);
    const { opensAt: _o, closesAt: _c, judgingEndsAt: _j, rubric: _r, fields: _f, judgesPerSubmission: _p, ...rest } = completeChallenge(start, { title: 'Three round challenge' });
    const created = await t.http
      .post('/api/v1/challenges')
      .set(manager.auth)
      .send({ ...rest, phases: [phase('Concepts', 1, 5, 2), phase('Prototypes', 10, 15, 1), phase('Finals', 20, 25)] })
      .expect(201);
    challengeId = created.body.id;
    await t.http.post(`/api/v1/challenges/${challengeId}/publish`).set(manager.auth).expect(200);
    const email = 'three.judge@panel.example';
    await t.http.post(`/api/v1/challenges/${challengeId}/judges`).set(manager.auth).send({ email, name: 'Three Judge' }).expect(201);
    const accepted = await t.http.post(`/api/v1/judge-invitations/${await invitationToken(t, email)}/accept`).send({ name: 'Three Judge', password: PASSWORD }).expect(200);
    judge = { id: accepted.body.user.id, email, name: 'Three Judge', token: accepted.body.accessToken, auth: { Authorization: `Bearer ${accepted.body.accessToken}` } };
  });
  afterAll(() => t.close());

  it('runs from concepts to the award, admitting only those who advanced', async () => {
    clock.set(new Date(new Date(at(1)).getTime() + HOUR));
    for (const name of ['ana', 'ben', 'cai'] as const) await enter(solvers[name], `${name} concept`).expect(201);
    await judgePhase(1, 5, { 'ana concept': 9, 'ben concept': 7, 'cai concept': 5 });
    expect((await t.http.post(`/api/v1/challenges/${challengeId}/phases/1/advance`).set(manager.auth).send({ fromRanking: true }).expect(200)).body.advanced).toHaveLength(2);

    clock.set(new Date(new Date(at(10)).getTime() + HOUR));
    await enter(solvers.cai, 'cai prototype').expect(403);
    await enter(solvers.ana, 'ana prototype').expect(201);
    await enter(solvers.ben, 'ben prototype').expect(201);
    await judgePhase(2, 15, { 'ana prototype': 4, 'ben prototype': 8 });
    expect((await t.http.post(`/api/v1/challenges/${challengeId}/phases/2/advance`).set(manager.auth).send({ fromRanking: true }).expect(200)).body.advanced).toHaveLength(1);

    clock.set(new Date(new Date(at(20)).getTime() + HOUR));
    const refused = await enter(solvers.ana, 'ana final').expect(403);
    expect(refused.body.detail).toBe('Only solvers whose entry advanced from "Prototypes" can enter "Finals".');
    await enter(solvers.ben, 'ben final').expect(201);
    await judgePhase(3, 25, { 'ben final': 10 });
    await t.http.post(`/api/v1/challenges/${challengeId}/awards`).set(manager.auth).send({ fromRanking: true }).expect(201);
    await t.http.post(`/api/v1/challenges/${challengeId}/announce`).set(manager.auth).expect(200);

    const view = (await t.http.get(`/api/v1/challenges/${challengeId}`).expect(200)).body;
    expect(view).toMatchObject({ status: 'announced', currentPhase: 3 });
    expect(view.phases.map((p: { status: string }) => p.status)).toEqual(['decided', 'decided', 'decided']);
  });

  it('tells every contributor the outcome once per phase they were in', async () => {
    await t.mail.waitFor(() => heardBack(solvers.ben).length >= 3 && heardBack(solvers.ana).length >= 2 && heardBack(solvers.cai).length >= 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(heardBack(solvers.ana)).toEqual(['Prototypes of Three round challenge: your scores and feedback', 'You advance to Prototypes of Three round challenge']);
    expect(heardBack(solvers.ben)).toEqual([
      'You advance to Finals of Three round challenge',
      'You advance to Prototypes of Three round challenge',
      'You won First prize: Three round challenge',
    ]);
    expect(heardBack(solvers.cai)).toEqual(['Concepts of Three round challenge: your scores and feedback']);
  });
});
