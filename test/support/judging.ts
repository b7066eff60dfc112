import { grantRoles, PASSWORD, registerVerified, type TestAccount } from './accounts';
import { HOUR, publishedChallenge } from './challenges';
import type { FakeClock } from './fake-clock';
import { linkIn } from './smtp-mailbox';
import { TEST_PUBLIC_URL, type TestApp } from './test-app';

export interface JudgingFixture {
  manager: TestAccount;
  challenge: { id: string; slug: string; title: string; opensAt: string; closesAt: string };
  solvers: TestAccount[];
  entries: { id: string; title: string; solver: TestAccount }[];
  judges: (TestAccount & { judgeId: string })[];
}

/** Token of the invitation link in the `nth` judge-invitation message to `email`, once it has arrived. */
export async function invitationToken(t: TestApp, email: string, nth = 1): Promise<string> {
  const invitations = () => t.mail.to(email).filter((m) => /Invitation to judge/.test(m.subject));
  await t.mail.waitFor(() => invitations().length >= nth);
  return linkIn(invitations()[nth - 1], `${TEST_PUBLIC_URL}/judge/invitations/`).split('/').pop()!;
}

/**
 * A challenge whose entries are in and closed: `entryCount` entries by distinct solvers, and `judgeCount` judges
 * who accepted through the emailed link (new accounts created from the link).
 */
export async function closedChallengeWithPanel(
  t: TestApp,
  clock: FakeClock,
  options: { prefix: string; entryCount: number; judgeCount: number; perEntry: number; blindJudging?: boolean },
): Promise<JudgingFixture> {
  const { prefix } = options;
  const manager = await registerVerified(t, `${prefix}.manager@agency.example.gov`, `${prefix} Manager`);
  await grantRoles(t, manager, ['manager']);
  const challenge = await publishedChallenge(t, manager, clock.now(), {
    title: `${prefix} challenge`,
    judgesPerSubmission: options.perEntry,
    blindJudging: options.blindJudging ?? true,
    fields: [{ key: 'summary', label: 'Summary', type: 'textarea', required: true }],
  });
  clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
  const solvers: TestAccount[] = [];
  const entries: JudgingFixture['entries'] = [];
  for (let i = 0; i < options.entryCount; i += 1) {
    const solver = await registerVerified(t, `${prefix}.solver${i}@solvers.example`, `${prefix} Solver Number${i}`);
    solvers.push(solver);
    const entry = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(solver.auth)
      .send({ title: `${prefix} entry ${i}`, answers: { summary: `Idea number ${i}` }, submit: true })
      .expect(201);
    entries.push({ id: entry.body.id, title: entry.body.title, solver });
    clock.advance(60_000);
  }
  const judges: JudgingFixture['judges'] = [];
  for (let i = 0; i < options.judgeCount; i += 1) {
    const email = `${prefix}.judge${i}@panel.example`;
    const invited = await t.http.post(`/api/v1/challenges/${challenge.id}/judges`).set(manager.auth).send({ email, name: `${prefix} Judge ${i}` }).expect(201);
    const token = await invitationToken(t, email);
    const accepted = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: `${prefix} Judge ${i}`, password: PASSWORD }).expect(200);
    judges.push({ id: accepted.body.user.id, email, name: `${prefix} Judge ${i}`, token: accepted.body.accessToken, auth: { Authorization: `Bearer ${accepted.body.accessToken}` }, judgeId: invited.body.id });
  }
  clock.set(challenge.closesAt);
  return { manager, challenge, solvers, entries, judges };
}
