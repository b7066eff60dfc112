import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { completeChallenge, DAY, HOUR } from './support/challenges';
import { BrowserSession } from './support/browser-session';
import { FakeClock } from './support/fake-clock';
import { currentPhaseOf } from '../src/challenges/phase-status';
import { invitationToken } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

const at = (base: Date, days: number) => new Date(base.getTime() + days * DAY).toISOString();

describe('phases', () => {
  const start = new Date('2026-06-01T12:00:00Z');
  const clock = new FakeClock(start);
  let t: TestApp;
  let manager: TestAccount;
  let judge: TestAccount;
  let solvers: TestAccount[];
  let challenge: { id: string; slug: string };
  const entries: string[] = [];

  const phasesBody = () => [
    {
      name: 'Concept papers',
      opensAt: at(start, 1),
      closesAt: at(start, 10),
      judgingEndsAt: at(start, 15),
      judgesPerSubmission: 1,
      advanceCount: 2,
      rubric: [{ key: 'impact', name: 'Impact', description: 'How much it helps', weight: 1, maxScore: 10 }],
      fields: [{ key: 'summary', label: 'Summary', type: 'textarea', required: true }],
    },
    {
      name: 'Prototypes',
      opensAt: at(start, 20),
      closesAt: at(start, 40),
      judgesPerSubmission: 1,
      rubric: [{ key: 'demo', name: 'Demonstration', description: 'Does it work', weight: 1, maxScore: 10 }],
      fields: [{ key: 'demo', label: 'Demo link', type: 'url', required: true }],
    },
  ];
  const advance = (body: object, who: TestAccount = manager) => t.http.post(`/api/v1/challenges/${challenge.id}/phases/1/advance`).set(who.auth).send(body);
  const resultsTo = (email: string) => t.mail.to(email).filter((m) => /advance to|your scores and feedback|You won|Honorable|Thank you for entering/.test(m.subject));

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'phases.manager@agency.example.gov', 'Phases Manager');
    await grantRoles(t, manager, ['manager']);
    solvers = [];
    for (let i = 0; i < 4; i += 1) solvers.push(await registerVerified(t, `phases.solver${i}@solvers.example`, `Phase Solver ${i}`));
  });
  afterAll(() => t.close());

  it('creates a challenge in phases; the top level mirrors the current phase', async () => {
    const { opensAt: _o, closesAt: _c, judgingEndsAt: _j, rubric: _r, fields: _f, judgesPerSubmission: _p, ...rest } = completeChallenge(start, { title: 'Phased water challenge' });
    const created = await t.http.post('/api/v1/challenges').set(manager.auth).send({ ...rest, phases: phasesBody() }).expect(201);
    challenge = created.body;
    expect(created.body.phases.map((p: { number: number; name: string; status: string; advanceCount: number | null }) => [p.number, p.name, p.status, p.advanceCount])).toEqual([
      [1, 'Concept papers', 'upcoming', 2],
      [2, 'Prototypes', 'upcoming', null],
    ]);
    expect(created.body.currentPhase).toBe(1);
    expect(created.body.opensAt).toBe(created.body.phases[0].opensAt);
    expect(created.body.rubric).toEqual(phasesBody()[0].rubric);
    expect(created.body.fields).toEqual(phasesBody()[0].fields);
    expect(created.body.formFrozen).toBe(false);
    await t.http.post(`/api/v1/challenges/${challenge.id}/publish`).set(manager.auth).expect(200);
  });

  it('refuses phases that overlap, naming the field, and changes nothing', async () => {
    const [first, second] = phasesBody();
    const refused = await t.http
      .post('/api/v1/challenges')
      .set(manager.auth)
      .send({ title: 'Overlapping', phases: [first, { ...second, opensAt: at(start, 5) }] })
      .expect(422);
    expect(refused.body.errors).toEqual([{ field: 'phases.1.opensAt', message: 'must not be before the previous phase closes' }]);
    const mine = (await t.http.get('/api/v1/me/challenges').set(manager.auth).expect(200)).body as { title: string }[];
    expect(mine.map((c) => c.title)).toEqual(['Phased water challenge']);
  });

  it('takes entries into the first phase and judges them there', async () => {
    clock.set(new Date(start.getTime() + DAY + HOUR));
    for (const [i, solver] of solvers.entries()) {
      const entry = await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(solver.auth).send({ title: `Concept ${i}`, answers: { summary: `Concept number ${i}` }, submit: true }).expect(201);
      entries.push(entry.body.id);
    }
    const email = 'phases.judge@panel.example';
    await t.http.post(`/api/v1/challenges/${challenge.id}/judges`).set(manager.auth).send({ email, name: 'Phase Judge' }).expect(201);
    const accepted = await t.http.post(`/api/v1/judge-invitations/${await invitationToken(t, email)}/accept`).send({ name: 'Phase Judge', password: PASSWORD }).expect(200);
    judge = { id: accepted.body.user.id, email, name: 'Phase Judge', token: accepted.body.accessToken, auth: { Authorization: `Bearer ${accepted.body.accessToken}` } };

    await t.http.patch(`/api/v1/challenges/${challenge.id}/phases/1`).set(manager.auth).send({ rubric: phasesBody()[1].rubric }).expect(409);
    clock.set(new Date(at(start, 10)));
    const started = await t.http.post(`/api/v1/challenges/${challenge.id}/judging/start`).set(manager.auth).expect(200);
    expect(started.body).toMatchObject({ status: 'judging', phase: 1, assignments: 4 });
    const queue = (await t.http.get('/api/v1/me/assignments').set(judge.auth).expect(200)).body as { id: string; submission: { id: string } }[];
    for (const [i, score] of [9, 7, 5].entries()) {
      const item = queue.find((q) => q.submission.id === entries[i])!;
      await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(judge.auth).send({ scores: { impact: score }, feedback: `Feedback on concept ${i}`, final: true }).expect(200);
    }
  });

  it('refuses to advance while scorecards are missing unless forced with a reason, which is audited; once only', async () => {
    const browser = new BrowserSession(t.app);
    await browser.signIn(manager.email, PASSWORD);
    const progress = `/manage/challenges/${challenge.id}/judging`;
    const page = await browser.agent.get(progress).expect(200);
    expect(page.text).toContain('Judging: phase 1, Concept papers');
    expect(page.text).toContain('Advance the top 2');
    const refusedPage = await browser.submit(progress, {}, `/manage/challenges/${challenge.id}/phases/1/advance`);
    expect(refusedPage.status).toBe(409);
    expect(refusedPage.text).toContain('have no final scorecard yet');
    const missing = await advance({ fromRanking: true }).expect(409);
    expect(missing.body.type).toBe('urn:laurel:problem:scorecards-missing');
    expect((await advance({ fromRanking: true, force: true }).expect(422)).body.errors).toEqual([{ field: 'reason', message: 'is required to advance while scorecards are missing' }]);
    await advance({ fromRanking: true, force: true, reason: 'Judge unavailable' }, solvers[0]).expect(403);
    await advance({ submissionIds: ['00000000-0000-4000-8000-000000000000'], force: true, reason: 'x' }).expect(422);

    const advanced = await advance({ fromRanking: true, force: true, reason: 'Judge unavailable' }).expect(200);
    expect(advanced.body).toEqual({ phase: 1, advanced: [entries[0], entries[1]], warnings: [] });
    expect((await advance({ fromRanking: true, force: true, reason: 'again' }).expect(409)).body.type).toBe('urn:laurel:problem:already-advanced');
    const audit = (await t.http.get(`/api/v1/challenges/${challenge.id}/audit`).set(manager.auth).expect(200)).body;
    expect(audit[0]).toMatchObject({ action: 'phase.advanced-forced', after: { phase: 1, advanced: [entries[0], entries[1]], unfinished: 1, reason: 'Judge unavailable' } });

    expect((await browser.agent.get(progress).expect(200)).text).not.toContain('Advance the top');
    const view = (await t.http.get(`/api/v1/challenges/${challenge.id}`).expect(200)).body;
    expect(view.currentPhase).toBe(2);
    expect(view.phases.map((p: { status: string }) => p.status)).toEqual(['decided', 'upcoming']);
    expect(view.status).toBe('upcoming');
  });

  it('tells every entrant of the phase its result exactly once: advanced with the next dates, or scores and feedback', async () => {
    await t.mail.waitFor(() => solvers.every((s) => resultsTo(s.email).length >= 1), 10_000);
    for (const solver of solvers.slice(0, 2)) {
      const [mail] = resultsTo(solver.email);
      expect(mail.subject).toBe('You advance to Prototypes of Phased water challenge');
      expect(mail.text).toContain('http://laurel.test/challenges/phased-water-challenge/enter');
    }
    const notAdvanced = resultsTo(solvers[2].email);
    expect(notAdvanced.map((m) => m.subject)).toEqual(['Concept papers of Phased water challenge: your scores and feedback']);
    expect(notAdvanced[0].text).toContain('Feedback on concept 2');
    expect(notAdvanced[0].text).toContain('Impact: 5 / 10');
    expect(notAdvanced[0].text).not.toContain('Phase Judge');
    expect(resultsTo(solvers[3].email)[0].text).toContain('Your entry did not receive a final score.');
  });

  it('shows every phase on the public pages, and the current one in the list', async () => {
    const detail = (await t.http.get(`/challenges/${challenge.slug}`).expect(200)).text;
    expect(detail).toMatch(/Phase 1: Concept papers <span class="usa-tag laurel-status laurel-status--decided">Decided<\/span>/);
    expect(detail).toMatch(/Phase 2: Prototypes <span class="usa-tag laurel-status laurel-status--upcoming">Opening soon<\/span>/);
    expect(detail).toContain('The best 2 entries advance to the next phase.');
    expect((await t.http.get('/challenges').expect(200)).text).toMatch(/Round 2 of 2 opens on/);
  });

  it('admits to the next phase only the solvers who advanced, with the next phase form, and links their earlier entry', async () => {
    clock.set(new Date(new Date(at(start, 20)).getTime() + HOUR));
    const outsider = new BrowserSession(t.app);
    await outsider.signIn(solvers[2].email, PASSWORD);
    const cannot = await outsider.agent.get(`/challenges/${challenge.slug}/enter`).expect(403);
    expect(cannot.text).toContain('You cannot enter this phase');
    expect(cannot.text).toContain('Only solvers whose entry advanced from &quot;Concept papers&quot; can enter &quot;Prototypes&quot;.');
    const advancedSolver = new BrowserSession(t.app);
    await advancedSolver.signIn(solvers[0].email, PASSWORD);
    const form = (await advancedSolver.agent.get(`/challenges/${challenge.slug}/enter`).expect(200)).text;
    expect(form).toContain('Your entry that advanced from Concept papers: Concept 0');
    expect(form).toContain('<dt>Summary</dt><dd>Concept number 0</dd>');
    expect(form).toContain('name="demo"');
    expect(form).not.toContain('name="summary"');
    const refused = await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(solvers[2].auth).send({ title: 'Prototype 2', answers: { demo: 'https://demo.example/2' }, submit: true }).expect(403);
    expect(refused.body.detail).toBe('Only solvers whose entry advanced from "Concept papers" can enter "Prototypes".');
    await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(solvers[0].auth).send({ title: 'Prototype 0', answers: { summary: 'old field' }, submit: true }).expect(422);
    await t.http.patch(`/api/v1/submissions/${entries[0]}`).set(solvers[0].auth).send({ title: 'Changed after advancing' }).expect(409);
    for (const i of [0, 1]) {
      const entry = await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(solvers[i].auth).send({ title: `Prototype ${i}`, answers: { demo: `https://demo.example/${i}` }, submit: true }).expect(201);
      entries.push(entry.body.id);
    }
    const [row] = await t.db.query(`SELECT previous_submission_id FROM submissions WHERE id = $1`, [entries[4]]);
    expect(row.previous_submission_id).toBe(entries[0]);

    const current = (await t.http.get(`/api/v1/challenges/${challenge.id}/submissions`).set(manager.auth).expect(200)).body;
    expect(current.items.map((e: { id: string }) => e.id).sort()).toEqual([entries[4], entries[5]].sort());
    const first = (await t.http.get(`/api/v1/challenges/${challenge.id}/submissions?phase=1`).set(manager.auth).expect(200)).body;
    expect(first.total).toBe(4);
    await t.http.get(`/api/v1/challenges/${challenge.id}/submissions?phase=7`).set(manager.auth).expect(404);
    const managerPages = new BrowserSession(t.app);
    await managerPages.signIn(manager.email, PASSWORD);
    const entriesPage = (await managerPages.agent.get(`/manage/challenges/${challenge.id}/entries?phase=1&utm_source=x`).expect(200)).text;
    expect(entriesPage).toContain('Entries: phase 1, Concept papers');
    expect(entriesPage).toContain(`href="/manage/challenges/${challenge.id}/entries?phase=2"`);
    expect(entriesPage).toContain('Concept 3');
    expect((await managerPages.agent.get(`/manage/challenges/${challenge.id}/ranking?phase=1`).expect(200)).text).toMatch(/Ranking: phase 1, Concept papers[\s\S]*advances/);
    await managerPages.agent.get(`/manage/challenges/${challenge.id}/judging?phase=9`).expect(404);
    const csv = (await t.http.get(`/api/v1/challenges/${challenge.id}/submissions?format=csv`).set(manager.auth).expect(200)).text.trim().split('\r\n');
    expect(csv[0].endsWith('"summary","demo","phase"')).toBe(true);
    expect(csv.slice(1).map((line) => line.split(',').pop()).sort()).toEqual(['"1"', '"1"', '"1"', '"1"', '"2"', '"2"']);
  });

  it('judges the last phase on its own rubric and awards from it; entrants who did not advance hear nothing more', async () => {
    clock.set(new Date(at(start, 40)));
    await t.http.patch(`/api/v1/challenges/${challenge.id}/phases/2`).set(manager.auth).send({ closesAt: at(start, 50) }).expect(409);
    await t.http.post(`/api/v1/challenges/${challenge.id}/judging/start?phase=1`).set(manager.auth).expect(409);
    // A second judge joins for the last phase: it never saw the first phase's entries.
    const email = 'phases.finals-judge@panel.example';
    await t.http.post(`/api/v1/challenges/${challenge.id}/judges`).set(manager.auth).send({ email, name: 'Finals Judge' }).expect(201);
    const accepted = await t.http.post(`/api/v1/judge-invitations/${await invitationToken(t, email)}/accept`).send({ name: 'Finals Judge', password: PASSWORD }).expect(200);
    const finalsJudge = { id: accepted.body.user.id, email, name: 'Finals Judge', token: accepted.body.accessToken, auth: { Authorization: `Bearer ${accepted.body.accessToken}` } };
    expect((await t.http.post(`/api/v1/challenges/${challenge.id}/judging/start?phase=2`).set(manager.auth).expect(200)).body).toMatchObject({ phase: 2, assignments: 2 });
    const scoreOf = new Map([[entries[4], 6], [entries[5], 8]]);
    let finalsItem: { id: string; submission: { id: string } } | undefined;
    for (const who of [judge, finalsJudge]) {
      const queue = (await t.http.get('/api/v1/me/assignments').set(who.auth).expect(200)).body as { id: string; submission: { id: string } }[];
      for (const item of queue.filter((q) => scoreOf.has(q.submission.id))) {
        if (who === finalsJudge) finalsItem = item;
        await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(who.auth).send({ scores: { impact: 9 }, feedback: 'x', final: true }).expect(422);
        await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(who.auth).send({ scores: { demo: scoreOf.get(item.submission.id) }, feedback: 'Prototype feedback', final: true }).expect(200);
      }
    }
    const earlierIndex = finalsItem!.submission.id === entries[4] ? 0 : 1;
    const item = (await t.http.get(`/api/v1/assignments/${finalsItem!.id}`).set(finalsJudge.auth).expect(200)).body;
    expect(item.earlierEntry).toMatchObject({
      phase: 1,
      title: `Concept ${earlierIndex}`,
      answers: { summary: `Concept number ${earlierIndex}` },
      score: [90, 70][earlierIndex],
      criteria: [{ key: 'impact', mean: [9, 7][earlierIndex], maxScore: 10 }],
    });
    expect(JSON.stringify(item)).not.toMatch(/Phase Solver|phases\.solver/);
    await t.http.get(`/api/v1/submissions/${entries[earlierIndex]}`).set(finalsJudge.auth).expect(200);
    await t.http.get(`/api/v1/submissions/${entries[2]}`).set(finalsJudge.auth).expect(404);
    const judgePages = new BrowserSession(t.app);
    await judgePages.signIn(finalsJudge.email, PASSWORD);
    const scorePage = (await judgePages.agent.get(`/judge/assignments/${finalsItem!.id}`).expect(200)).text;
    expect(scorePage).toContain(`Its entry in phase 1: Concept ${earlierIndex}`);
    expect(scorePage).toContain(`${[90, 70][earlierIndex]} out of 100`);
    expect(scorePage).toContain(`Concept number ${earlierIndex}`);
    expect(scorePage).not.toMatch(/Phase Solver|phases\.solver/);

    const ranking = (await t.http.get(`/api/v1/challenges/${challenge.id}/ranking`).set(manager.auth).expect(200)).body;
    expect(ranking.map((r: { submissionId: string }) => r.submissionId)).toEqual([entries[5], entries[4]]);
    expect((await t.http.get(`/api/v1/challenges/${challenge.id}/ranking?phase=1`).set(manager.auth).expect(200)).body).toHaveLength(4);
    await t.http.post(`/api/v1/challenges/${challenge.id}/phases/2/advance`).set(manager.auth).send({ fromRanking: true }).expect(409);

    await t.http.post(`/api/v1/challenges/${challenge.id}/awards`).set(manager.auth).send({ fromRanking: true }).expect(201);
    await t.http.post(`/api/v1/challenges/${challenge.id}/announce`).set(manager.auth).expect(200);
    await t.mail.waitFor(() => [0, 1].every((i) => resultsTo(solvers[i].email).length >= 2), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(resultsTo(solvers[1].email).map((m) => m.subject)).toEqual(['You advance to Prototypes of Phased water challenge', 'You won First prize: Phased water challenge']);
    for (const i of [2, 3]) expect(resultsTo(solvers[i].email)).toHaveLength(1);
    const view = (await t.http.get(`/api/v1/challenges/${challenge.id}`).expect(200)).body;
    expect(view).toMatchObject({ status: 'announced', currentPhase: 2 });
    expect(view.phases.map((p: { status: string }) => p.status)).toEqual(['decided', 'decided']);
  });

  it('picks the current phase in SQL (view current_phases) as in code, for every way its phases can be decided', async () => {
    const numbers = [1, 2, 3];
    for (let mask = 0; mask < 8; mask += 1) {
      const [row] = await t.db.query(`INSERT INTO challenges (slug, owner_id, title) VALUES ($1, $2, 'Current phase probe') RETURNING id`, [`current-phase-probe-${mask}`, manager.id]);
      for (const n of numbers) {
        await t.db.query(`INSERT INTO challenge_phases (challenge_id, number, name, decided_at) VALUES ($1, $2, $3, $4)`, [row.id, n, `P${n}`, mask & (1 << (n - 1)) ? start : null]);
      }
      const [sql] = await t.db.query(`SELECT p.number FROM current_phases cp JOIN challenge_phases p ON p.id = cp.phase_id WHERE cp.challenge_id = $1`, [row.id]);
      const code = currentPhaseOf(numbers.map((n) => ({ number: n, decidedAt: mask & (1 << (n - 1)) ? start : null })));
      expect([mask, sql.number]).toEqual([mask, code.number]);
    }
  });
});
