import { assignJudges } from '../src/judging/assignment';
import { JudgingReminders } from '../src/judging/judging-reminders';
import { PASSWORD, registerVerified } from './support/accounts';
import { FakeClock } from './support/fake-clock';
import { closedChallengeWithPanel, invitationToken, type JudgingFixture } from './support/judging';
import { startTestApp, type TestApp } from './support/test-app';

type Item = { id: string; status: string; submission: { id: string; title: string; answers: Record<string, unknown> } };

describe('judging', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let f: JudgingFixture;

  const queueOf = async (judge: JudgingFixture['judges'][number]): Promise<Item[]> =>
    (await t.http.get(`/api/v1/me/assignments?challengeId=${f.challenge.id}`).set(judge.auth).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD } });
    f = await closedChallengeWithPanel(t, clock, { prefix: 'main', entryCount: 7, judgeCount: 4, perEntry: 2 });
  });
  afterAll(() => t.close());

  it('invites judges by email; the link creates the account, and the panel shows each state', async () => {
    const invited = await t.http.post(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.manager.auth).send({ email: 'Undecided@Panel.example' }).expect(201);
    expect(invited.body).toMatchObject({ email: 'undecided@panel.example', status: 'invited' });
    const token = await invitationToken(t, 'undecided@panel.example');
    await t.http.post(`/api/v1/judge-invitations/${token}/decline`).expect(200);
    const panel = await t.http.get(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.manager.auth).expect(200);
    expect(panel.body.judges.map((j: { status: string }) => j.status).sort()).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'declined']);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.manager.auth).send({ email: 'undecided@panel.example' }).expect(201);
    const second = await invitationToken(t, 'undecided@panel.example', 2);
    expect(second).not.toBe(token);
    await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: 'Old link', password: PASSWORD }).expect(404);
    await t.http.delete(`/api/v1/challenges/${f.challenge.id}/judges/${invited.body.id}`).set(f.manager.auth).expect(204);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.solvers[0].auth).send({ email: 'x@panel.example' }).expect(403);
  });

  it('accepts with the invited address\'s bearer token, and refuses another address', async () => {
    const existing = await registerVerified(t, 'existing.judge@panel.example', 'Existing Judge');
    const stranger = await registerVerified(t, 'stranger@panel.example');
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.manager.auth).send({ email: existing.email }).expect(201);
    const token = await invitationToken(t, existing.email);
    await t.http.post(`/api/v1/judge-invitations/${token}/accept`).set(stranger.auth).send({}).expect(403);
    await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: 'Impostor', password: PASSWORD }).expect(409);
    const accepted = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).set(existing.auth).send({}).expect(200);
    expect(accepted.body.judge.status).toBe('accepted');
    expect(accepted.body.accessToken).toBeUndefined();
    const panel = await t.http.get(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.manager.auth).expect(200);
    await t.http.delete(`/api/v1/challenges/${f.challenge.id}/judges/${panel.body.judges.find((j: { email: string }) => j.email === existing.email).id}`).set(f.manager.auth).expect(204);
  });

  it('shows the panel a blind list of entries and records conflicts', async () => {
    const entries = await t.http.get(`/api/v1/challenges/${f.challenge.id}/judging/entries`).set(f.judges[0].auth).expect(200);
    expect(entries.body).toHaveLength(7);
    expect(Object.keys(entries.body[0]).sort()).toEqual(['conflicted', 'id', 'title']);
    await t.http.get(`/api/v1/challenges/${f.challenge.id}/judging/entries`).set(f.solvers[0].auth).expect(403);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/conflicts`).set(f.judges[0].auth).send({ submissionId: f.entries[0].id, reason: 'I mentored this team.' }).expect(201);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/conflicts`).set(f.manager.auth).send({ submissionId: f.entries[1].id, judgeId: f.judges[1].judgeId, reason: 'Same employer.' }).expect(201);
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/conflicts`).set(f.solvers[0].auth).send({ submissionId: f.entries[1].id, reason: 'x' }).expect(403);
    const panel = await t.http.get(`/api/v1/challenges/${f.challenge.id}/judges`).set(f.manager.auth).expect(200);
    expect(panel.body.conflicts).toHaveLength(2);
  });

  it('starts judging only once closed, assigning every entry to k distinct judges with balanced loads, never a conflicted one', async () => {
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/start`).set(f.judges[0].auth).expect(403);
    const started = await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/start`).set(f.manager.auth).expect(200);
    expect(started.body).toMatchObject({ status: 'judging', assignments: 14 });
    await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/start`).set(f.manager.auth).expect(409);

    const queues = await Promise.all(f.judges.map(queueOf));
    const loads = queues.map((q) => q.length);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
    expect(loads.reduce((a, b) => a + b, 0)).toBe(14);
    for (const entry of f.entries) {
      const holders = queues.map((q, j) => (q.some((item) => item.submission.id === entry.id) ? j : -1)).filter((j) => j >= 0);
      expect(holders).toHaveLength(2);
    }
    expect(queues[0].some((item) => item.submission.id === f.entries[0].id)).toBe(false);
    expect(queues[1].some((item) => item.submission.id === f.entries[1].id)).toBe(false);

    const rows: { submission_id: string; judge_id: string }[] = await t.db.query(`SELECT submission_id, judge_id FROM assignments WHERE challenge_id = $1`, [f.challenge.id]);
    const [{ assignment_seed: seed }] = await t.db.query(`SELECT assignment_seed FROM challenge_phases WHERE challenge_id = $1`, [f.challenge.id]);
    const again = assignJudges({
      entries: f.entries.map((e) => ({ id: e.id, solverId: e.solver.id })),
      judges: f.judges.map((j) => ({ id: j.judgeId, userId: j.id })),
      perEntry: 2,
      conflicts: new Set([`${f.judges[0].judgeId}:${f.entries[0].id}`, `${f.judges[1].judgeId}:${f.entries[1].id}`]),
      seed,
    });
    expect(again.ok && again.pairs.map((p) => `${p.entryId}:${p.judgeId}`).sort()).toEqual(rows.map((r) => `${r.submission_id}:${r.judge_id}`).sort());

    for (const judge of f.judges) {
      const mails = t.mail.to(judge.email).filter((m) => /entr(y|ies) to judge: main challenge/.test(m.subject));
      if (mails.length === 0) await t.mail.waitForMessageTo(judge.email, /entr(y|ies) to judge: main challenge/);
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    for (const judge of f.judges) expect(t.mail.to(judge.email).filter((m) => /entr(y|ies) to judge: main challenge/.test(m.subject))).toHaveLength(1);
  });

  it('keeps scorecards private to their judge, validates scores, and locks final ones', async () => {
    const [item] = await queueOf(f.judges[2]);
    await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[3].auth).send({ scores: {}, final: false }).expect(404);
    await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.solvers[0].auth).send({ scores: {}, final: false }).expect(404);
    const invalid = await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[2].auth).send({ scores: { impact: 11, feasibility: 2.5, charm: 3 }, final: false }).expect(422);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['scores.charm', 'scores.feasibility', 'scores.impact']);
    const incomplete = await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[2].auth).send({ scores: { impact: 7 }, final: true }).expect(422);
    expect(incomplete.body.errors.map((e: { field: string }) => e.field)).toEqual(['scores.feasibility', 'feedback']);

    const draft = await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[2].auth).send({ scores: { impact: 7 }, feedback: 'Promising.', final: false }).expect(200);
    expect(draft.body).toMatchObject({ status: 'draft', scorecard: { final: false, scores: { impact: 7 } } });
    const final = await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[2].auth).send({ scores: { impact: 7, feasibility: 4 }, feedback: 'Promising and feasible.', note: 'Ask about costs.', final: true }).expect(200);
    expect(final.body.status).toBe('submitted');
    const locked = await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[2].auth).send({ scores: { impact: 9, feasibility: 4 }, feedback: 'Changed my mind', final: true }).expect(409);
    expect(locked.body.type).toBe('urn:laurel:problem:scorecard-final');

    await t.http.post(`/api/v1/assignments/${item.id}/reopen`).set(f.judges[2].auth).send({ reason: 'me' }).expect(403);
    await t.http.post(`/api/v1/assignments/${item.id}/reopen`).set(f.manager.auth).send({ reason: 'Judge asked to fix a typo' }).expect(200);
    await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(f.judges[2].auth).send({ scores: { impact: 8, feasibility: 4 }, feedback: 'Promising and feasible.', final: true }).expect(200);
    const audit = await t.http.get(`/api/v1/challenges/${f.challenge.id}/audit`).set(f.manager.auth).expect(200);
    expect(audit.body.find((e: { action: string }) => e.action === 'scorecard.reopened').after).toMatchObject({ reason: 'Judge asked to fix a typo' });
  });

  it('reassigns a recused entry to the least-loaded eligible judge, who is told', async () => {
    const queue = await queueOf(f.judges[3]);
    const item = queue.find((i) => i.status === 'pending')!;
    const recused = await t.http.post(`/api/v1/assignments/${item.id}/recuse`).set(f.judges[3].auth).send({ reason: 'I know the author.' }).expect(200);
    expect(recused.body).toMatchObject({ status: 'recused', reassigned: true });
    const holders = (await Promise.all(f.judges.map(queueOf))).map((q) => q.filter((i) => i.submission.id === item.submission.id && i.status !== 'recused').length);
    expect(holders.reduce((a, b) => a + b, 0)).toBe(2);
    await t.mail.waitFor(() => f.judges.some((j) => j !== f.judges[3] && t.mail.to(j.email).some((m) => /^1 entry to judge/.test(m.subject))));
    await t.http.get(`/api/v1/submissions/${item.submission.id}`).set(f.judges[3].auth).expect(404);
    await t.http.post(`/api/v1/assignments/${item.id}/recuse`).set(f.judges[3].auth).send({ reason: 'again' }).expect(409);
  });

  it('never lets a judge see who wrote an entry: not in JSON, not in files, not in messages', async () => {
    const secrets = f.solvers.flatMap((s) => [s.email, s.name]);
    for (const judge of f.judges) {
      const bodies = [
        JSON.stringify((await t.http.get(`/api/v1/me/assignments`).set(judge.auth)).body),
        JSON.stringify((await t.http.get(`/api/v1/challenges/${f.challenge.id}/judging/entries`).set(judge.auth)).body),
      ];
      for (const item of (await queueOf(judge)).filter((i) => i.status !== 'recused')) {
        bodies.push(JSON.stringify((await t.http.get(`/api/v1/submissions/${item.submission.id}`).set(judge.auth).expect(200)).body));
        bodies.push(JSON.stringify((await t.http.get(`/api/v1/assignments/${item.id}`).set(judge.auth).expect(200)).body));
      }
      bodies.push(...t.mail.to(judge.email).flatMap((m) => [m.subject, m.text, m.html]));
      for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
    }
  });

  it('reports progress per judge and overall, and reminds judges with unfinished work once a day', async () => {
    const progress = await t.http.get(`/api/v1/challenges/${f.challenge.id}/judging/progress`).set(f.manager.auth).expect(200);
    expect(progress.body.overall).toMatchObject({ assigned: 14, submitted: 1 });
    expect(progress.body.judges).toHaveLength(4);
    await t.http.get(`/api/v1/challenges/${f.challenge.id}/judging/progress`).set(f.judges[0].auth).expect(403);
    const first = await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/remind`).set(f.manager.auth).expect(200);
    expect(first.body.reminded).toBe(4);
    expect((await t.http.post(`/api/v1/challenges/${f.challenge.id}/judging/remind`).set(f.manager.auth).expect(200)).body.reminded).toBe(0);
    await t.mail.waitForMessageTo(f.judges[0].email, /^Reminder: \d+ entr/);
  });

  it('reminds judges with unfinished work once in the 48 hours before judging ends', async () => {
    const reminders = t.app.get(JudgingReminders);
    const ends = new Date(f.challenge.closesAt).getTime() + 15 * 24 * 3600_000;
    const saved = clock.now();
    try {
      clock.set(new Date(ends - 49 * 3600_000));
      expect(await reminders.run()).toBe(0);
      clock.set(new Date(ends - 47 * 3600_000));
      const first = await reminders.run();
      expect(first).toBeGreaterThan(0);
      clock.advance(3600_000);
      expect(await reminders.run()).toBe(0);
    } finally {
      clock.set(saved);
    }
  });

  it('ranks from final scorecards only, with numbers that follow from them', async () => {
    // Score everything left: judge i gives impact = 5 + i, feasibility = 3 on every entry.
    for (const [i, judge] of f.judges.entries()) {
      for (const item of await queueOf(judge)) {
        if (item.status === 'pending' || item.status === 'draft') {
          await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(judge.auth).send({ scores: { impact: 5 + i, feasibility: 3 }, feedback: `Feedback from judge ${i}`, note: `Private note ${i}`, final: true }).expect(200);
        }
      }
    }
    const ranking = await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking`).set(f.manager.auth).expect(200);
    expect(ranking.body).toHaveLength(7);
    expect(ranking.body.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const cards: { submission_id: string; scores: { impact: number; feasibility: number } }[] = await t.db.query(
      `SELECT a.submission_id, sc.scores FROM scorecards sc JOIN assignments a ON a.id = sc.assignment_id WHERE a.challenge_id = $1 AND sc.final`,
      [f.challenge.id],
    );
    for (const row of ranking.body) {
      const mine = cards.filter((c) => c.submission_id === row.submissionId);
      const expected = mine.reduce((sum, c) => sum + ((2 * c.scores.impact) / 10 + c.scores.feasibility / 5) / 3 * 100, 0) / mine.length;
      expect(row.score).toBeCloseTo(expected, 2);
      expect(row.judgeCount).toBe(mine.length);
    }
    for (let i = 1; i < ranking.body.length; i += 1) expect(ranking.body[i - 1].score).toBeGreaterThanOrEqual(ranking.body[i].score);
    const summary = await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking/summary?normalize=zscore`).set(f.manager.auth).expect(200);
    expect(summary.body.tieBreak[0]).toBe('higher score');
    expect(summary.body.agreement).toHaveProperty('icc');
    const csv = await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking?format=csv`).set(f.manager.auth).expect(200);
    expect(csv.text.split('\r\n')[0]).toContain('"rank","submission_id"');
    const scorecards = await t.http.get(`/api/v1/challenges/${f.challenge.id}/scorecards?format=csv`).set(f.manager.auth).expect(200);
    expect(scorecards.text).toContain('Private note 0');
    await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking`).set(f.solvers[0].auth).expect(403);
    await t.http.get(`/api/v1/challenges/${f.challenge.id}/ranking`).set(f.judges[0].auth).expect(403);
  });

  it('keeps a judge of one challenge out of another', async () => {
    const other = await closedChallengeWithPanel(t, clock, { prefix: 'other', entryCount: 2, judgeCount: 1, perEntry: 1 });
    await t.http.get(`/api/v1/challenges/${other.challenge.id}/judging/entries`).set(f.judges[0].auth).expect(403);
    await t.http.get(`/api/v1/submissions/${other.entries[0].id}`).set(f.judges[0].auth).expect(404);
    expect((await t.http.get(`/api/v1/me/assignments?challengeId=${other.challenge.id}`).set(f.judges[0].auth).expect(200)).body).toEqual([]);
    await t.http.post(`/api/v1/challenges/${other.challenge.id}/judging/start`).set(other.manager.auth).expect(200);
    const [item] = (await t.http.get('/api/v1/me/assignments').set(other.judges[0].auth).expect(200)).body;
    await t.http.get(`/api/v1/assignments/${item.id}`).set(f.judges[0].auth).expect(404);
  });

  it('explains with 422 when the panel is too small', async () => {
    const small = await closedChallengeWithPanel(t, clock, { prefix: 'small', entryCount: 2, judgeCount: 1, perEntry: 2 });
    const response = await t.http.post(`/api/v1/challenges/${small.challenge.id}/judging/start`).set(small.manager.auth).expect(422);
    expect(response.body.detail).toBe('Each entry needs 2 judges, but the panel has 1 accepted judge(s).');
    expect((await t.db.query(`SELECT count(*)::int AS n FROM assignments WHERE challenge_id = $1`, [small.challenge.id]))[0].n).toBe(0);
  });
});
