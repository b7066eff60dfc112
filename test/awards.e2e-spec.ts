import { PASSWORD } from './support/accounts';
import { HOUR } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { closedChallengeWithPanel, type JudgingFixture } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

describe('awards', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let f: JudgingFixture;
  let withdrawnEmail: string;
  let ineligibleEmail: string;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD } });
    f = await closedChallengeWithPanel(t, clock, { prefix: 'awards', entryCount: 6, judgeCount: 3, perEntry: 3 });
    // Two more contributors while the challenge was open: one withdraws, one is found ineligible.
    const closesAt = clock.now();
    clock.set(new Date(new Date(f.challenge.opensAt).getTime() + 2 * HOUR));
    withdrawnEmail = f.solvers[0].email.replace('solver0', 'withdrawer');
    ineligibleEmail = f.solvers[0].email.replace('solver0', 'ineligible');
    for (const email of [withdrawnEmail, ineligibleEmail]) {
      await t.http.post('/api/v1/auth/register').send({ email, password: PASSWORD, name: email.split('@')[0] }).expect(201);
      await t.db.query(`UPDATE users SET email_verified_at = now() WHERE email = $1`, [email]);
      const auth = { Authorization: `Bearer ${(await t.http.post('/api/v1/auth/token').send({ email, password: PASSWORD })).body.accessToken}` };
      const entry = await t.http.post(`/api/v1/challenges/${f.challenge.id}/submissions`).set(auth).send({ title: `Entry of ${email}`, answers: { summary: 'x' }, submit: true }).expect(201);
      if (email === withdrawnEmail) await t.http.post(`/api/v1/submissions/${entry.body.id}/withdraw`).set(auth).expect(200);
      else await t.http.post(`/api/v1/submissions/${entry.body.id}/ineligible`).set(f.manager.auth).send({ reason: 'Employee of the sponsor' }).expect(200);
    }
    clock.set(closesAt);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/start`).set(f.manager.auth).expect(200);
    // Every judge scores entry i with impact 9 - i, except entries 2 and 3, which tie (impact 6, feasibility 3).
    for (const [j, judge] of f.judges.entries()) {
      const queue = (await t.http.get('/api/v1/me/assignments').set(judge.auth)).body as { id: string; submission: { title: string } }[];
      for (const item of queue) {
        const i = Number(item.submission.title.split(' ').pop());
        const impact = i === 2 || i === 3 ? 6 : 9 - i;
        await t.http
          .put(`/api/v1/assignments/${item.id}/scorecard`)
          .set(judge.auth)
          .send({ scores: { impact, feasibility: 3 }, feedback: `Feedback ${j} on entry ${i}`, note: `SECRET PANEL NOTE ${j}`, final: true })
          .expect(200);
      }
    }
  });
  afterAll(() => t.close());

  const entry = (i: number) => f.entries[i];

  it('selects the top winnersCount from the ranking, resolving a tie at the last winning place by the documented chain', async () => {
    const ranking = (await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking`).set(f.manager.auth).expect(200)).body;
    expect(ranking.slice(0, 4).map((r: { submissionId: string }) => r.submissionId)).toEqual([entry(0).id, entry(1).id, entry(2).id, entry(3).id]);
    expect(ranking[2].score).toBe(ranking[3].score);

    const selected = await t.http.post(`/api/v1/challenges/${f.challenge.id}/awards`).set(f.manager.auth).send({ fromRanking: true }).expect(201);
    expect(selected.body.awards.map((a: { place: number; title: string; entry: { id: string } }) => [a.place, a.title, a.entry.id])).toEqual([
      [1, 'First prize', entry(0).id],
      [2, 'Second prize', entry(1).id],
      [3, 'Third prize', entry(2).id],
    ]);
    expect(selected.body.warnings[0]).toContain('ties on score');
  });

  it('requires a justification to depart from the ranking, records it, and keeps prizes within the total', async () => {
    const manual = (justification?: string, prize = '5000.00', allowOverTotal?: boolean) =>
      t.http.post(`/api/v1/challenges/${f.challenge.id}/awards`).set(f.manager.auth).send({
        awards: [
          { submissionId: entry(0).id, place: 1, prize: { amount: prize, currency: 'USD' }, citation: 'Outstanding.' },
          { submissionId: entry(1).id, place: 2 },
          { submissionId: entry(3).id, place: 3, title: 'Third prize' },
          { submissionId: entry(2).id, place: 4, kind: 'honorable-mention' },
        ],
        justification,
        allowOverTotal,
      });
    const refused = await manual().expect(422);
    expect(refused.body.errors).toEqual([{ field: 'justification', message: 'is required when the winners differ from the ranking' }]);
    const tooRich = await manual('Entry 3 is more practical.', '30000.00').expect(422);
    expect(tooRich.body.errors[0].message).toContain('more than the prize total of $25,000');
    await manual('Entry 3 is more practical.', '30000.00', true).expect(201);
    const chosen = await manual('Entry 3 is more practical to deploy.').expect(201);
    expect(chosen.body.awards.map((a: { kind: string; place: number }) => `${a.kind}:${a.place}`)).toEqual(['winner:1', 'winner:2', 'winner:3', 'honorable-mention:4']);
    const audit = (await t.http.get(`/api/v1/challenges/${f.challenge.id}/audit`).set(f.manager.auth)).body;
    expect(audit[0]).toMatchObject({ action: 'awards.selected-departing-from-ranking', after: { justification: 'Entry 3 is more practical to deploy.' } });
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/awards`).set(f.judges[0].auth).send({ fromRanking: true }).expect(403);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/awards`).set(f.manager.auth).send({ awards: [{ submissionId: entry(0).id, place: 6 }], justification: 'x' }).expect(422);
  });

  it('hides the winners until the announcement, which happens once', async () => {
    await t.http.get(`/api/v1/challenges/${f.challenge.id}/winners`).expect(404);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/announce`).set(f.judges[0].auth).expect(403);
    const announced = await t.http.post(`/api/v1/challenges/${f.challenge.id}/announce`).set(f.manager.auth).expect(200);
    expect(announced.body.status).toBe('announced');
    expect((await t.http.post(`/api/v1/challenges/${f.challenge.id}/announce`).set(f.manager.auth).expect(409)).body.type).toBe('urn:laurel:problem:already-announced');
    expect((await t.http.get(`/api/v1/challenges/${f.challenge.id}`).expect(200)).body.status).toBe('announced');
  });

  it('sends exactly one message of the right kind to every contributor', async () => {
    const winners = [0, 1, 3, 2].map((i) => entry(i).solver.email);
    const others = [4, 5].map((i) => entry(i).solver.email);
    const everyone = [...winners, ...others, withdrawnEmail, ineligibleEmail];
    await t.mail.waitFor(() => everyone.every((email) => t.mail.to(email).some((m) => /winner|mention|Thank you for entering|About your entry|You won/.test(m.subject))), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const announcements = (email: string) => t.mail.to(email).filter((m) => !/Entry received|Entry withdrawn|Confirm/.test(m.subject));
    for (const email of winners.slice(0, 3)) expect(announcements(email).map((m) => m.subject)).toEqual([expect.stringMatching(/^You won (First|Second|Third) prize: awards challenge$/)]);
    expect(announcements(winners[3]).map((m) => m.subject)).toEqual(['Honorable mention: awards challenge']);
    for (const email of others) expect(announcements(email).map((m) => m.subject)).toEqual(['Thank you for entering awards challenge: your scores and feedback']);
    for (const email of [withdrawnEmail, ineligibleEmail]) expect(announcements(email).map((m) => m.subject)).toEqual(['About your entry to awards challenge']);

    const first = announcements(winners[0])[0];
    expect(first.text).toContain('Prize: $5,000.');
    expect(first.text).toContain('Outstanding.');

    const delivery = await t.http.get(`/api/v1/challenges/${f.challenge.id}/announcement`).set(f.manager.auth).expect(200);
    expect(delivery.body).toMatchObject({ expected: 8, sent: 8, failed: 0, queued: 0 });
  });

  it('gives contributors their scores and the judges\' feedback as "Judge 1, 2, 3", never panel notes, judge names or others\' data', async () => {
    const mail = t.mail.to(entry(4).solver.email).find((m) => /your scores and feedback/.test(m.subject))!;
    // Every judge gave entry 4 impact 5/10 and feasibility 3/5: (2 × 0.5 + 1 × 0.6) / 3 × 100 = 53.33.
    expect(mail.text).toContain('Overall: 53.33 out of 100.');
    expect(mail.text).toMatch(/Impact: 5 \/ 10/);
    expect(mail.text).toContain('Judge 1: Feedback');
    expect(mail.text).toContain('Judge 3: Feedback');
    expect(mail.text).toContain('was one of 6 entries');
    for (const part of [mail.text, mail.html, mail.subject]) {
      expect(part).not.toContain('SECRET PANEL NOTE');
      for (const judge of f.judges) {
        expect(part).not.toContain(judge.name);
        expect(part).not.toContain(judge.email);
      }
      for (const [i, other] of f.entries.entries()) {
        if (i === 4) continue;
        expect(part).not.toContain(other.solver.email);
        expect(part).not.toContain(other.solver.name);
        expect(part).not.toContain(`on entry ${i}`);
      }
    }
    const closing = t.mail.to(ineligibleEmail).find((m) => /About your entry/.test(m.subject))!;
    expect(closing.text).toContain('found ineligible');
    expect(closing.text).not.toContain('Judge 1');
  });

  it('publishes the winners page and JSON with names, never emails, and a printable certificate', async () => {
    const winners = await t.http.get(`/api/v1/challenges/${f.challenge.slug}/winners`).expect(200);
    expect(winners.body.map((w: { place: number; solverName: string }) => [w.place, w.solverName])).toEqual([
      [1, entry(0).solver.name],
      [2, entry(1).solver.name],
      [3, entry(3).solver.name],
      [4, entry(2).solver.name],
    ]);
    expect(JSON.stringify(winners.body)).not.toMatch(/@solvers\.example/);
    const page = await t.http.get(`/challenges/${f.challenge.slug}/winners`).expect(200);
    expect(page.text).toContain(entry(0).solver.name);
    expect(page.text).toContain('Honorable mentions');
    expect(page.text).not.toMatch(/@solvers\.example/);
    const certificate = await t.http.get(`/challenges/${f.challenge.slug}/awards/${winners.body[0].id}/certificate`).expect(200);
    expect(certificate.text).toContain('Certificate of Award');
    expect(certificate.text).toMatch(/\/assets\/[0-9a-f]{12}\/app\/certificate\.css/);
  });
});

describe('announcement at scale', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(() => t.close());

  it('delivers an announcement to 2,000 contributors completely, none twice, without blocking the request', async () => {
    const f = await closedChallengeWithPanel(t, clock, { prefix: 'scale', entryCount: 3, judgeCount: 1, perEntry: 1 });
    await t.db.query(
      `INSERT INTO users (email, name, password_hash, email_verified_at)
       SELECT 'crowd' || n || '@crowd.example', 'Crowd ' || n, 'not-a-hash', now() FROM generate_series(1, 2000) AS n`,
    );
    await t.db.query(
      `INSERT INTO submissions (challenge_id, phase_id, solver_id, title, answers, status, slot, receipt, submitted_at)
       SELECT $1, (SELECT id FROM challenge_phases WHERE challenge_id = $1), u.id, 'Crowd entry ' || u.email, '{"summary":"x"}', 'submitted', 1, 'CRW-2026-' || lpad(row_number() OVER ()::text, 6, '0'), $2
       FROM users u WHERE u.email LIKE '%@crowd.example'`,
      [f.challenge.id, clock.now()],
    );
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/start`).set(f.manager.auth).expect(200);
    const queue = (await t.http.get('/api/v1/me/assignments').set(f.judges[0].auth).expect(200)).body as { id: string; submission: { id: string } }[];
    const winning = queue.find((item) => item.submission.id === f.entries[0].id)!;
    await t.http.put(`/api/v1/assignments/${winning.id}/scorecard`).set(f.judges[0].auth).send({ scores: { impact: 9, feasibility: 4 }, feedback: 'Best of all.', final: true }).expect(200);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/awards`).set(f.manager.auth).send({ awards: [{ submissionId: f.entries[0].id, place: 1 }], justification: 'Chosen before scoring' }).expect(201);

    const started = Date.now();
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/announce`).set(f.manager.auth).expect(200);
    expect(Date.now() - started).toBeLessThan(2000);

    const crowd = () => t.mail.messages.filter((m) => m.to[0].endsWith('@crowd.example'));
    await t.mail.waitFor(() => crowd().length >= 2000, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const recipients = crowd().map((m) => m.to[0]);
    expect(recipients).toHaveLength(2000);
    expect(new Set(recipients).size).toBe(2000);
    const delivery = await t.http.get(`/api/v1/challenges/${f.challenge.id}/announcement`).set(f.manager.auth).expect(200);
    expect(delivery.body).toMatchObject({ expected: 2003, sent: 2003, failed: 0 });
  }, 180_000);
});
