import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeadlineReminders } from '../src/submissions/deadline-reminders';
import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { DAY, HOUR, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { startTestApp, type TestApp } from './support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200)]);

describe('submissions', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let manager: TestAccount;
  let solver: TestAccount;
  let other: TestAccount;
  let challenge: { id: string; slug: string; opensAt: string; closesAt: string };

  const answers = { summary: 'A $20 sensor that reads turbidity.', category: 'Hardware', website: 'https://sensor.example' };
  const submit = (account: TestAccount, body: Record<string, unknown>, challengeId = challenge.id) =>
    t.http.post(`/api/v1/challenges/${challengeId}/submissions`).set(account.auth).send(body);
  const countEntries = async () => Number((await t.db.query(`SELECT count(*)::int AS n FROM submissions`))[0].n);
  const uploadsOnDisk = (challengeId = challenge.id) => {
    try {
      return readdirSync(join(t.config.dataDir, 'uploads', challengeId)).length;
    } catch {
      return 0;
    }
  };

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'pm@epa.example.gov', 'Pat Manager');
    await grantRoles(t, manager, ['manager']);
    solver = await registerVerified(t, 'ada@solvers.example', 'Ada Solver');
    other = await registerVerified(t, 'eve@solvers.example', 'Eve Other');
    challenge = await publishedChallenge(t, manager, clock.now(), { maxSubmissionsPerSolver: 2 });
    clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
  });
  afterAll(() => t.close());

  it('accepts an entry, gives it a receipt and sends exactly one acknowledgement with a copy of the answers', async () => {
    const created = await submit(solver, { title: 'Turbidity on a budget', answers, submit: true }).expect(201);
    expect(created.body).toMatchObject({ id: expect.any(String), status: 'submitted', submittedAt: clock.now().toISOString() });
    expect(created.body.receipt).toMatch(/^CWS-2026-\d{6}$/);

    const mail = await t.mail.waitForMessageTo(solver.email, /Entry received/);
    expect(mail.subject).toContain(created.body.receipt);
    expect(mail.text).toContain(created.body.receipt);
    expect(mail.text).toContain('A $20 sensor that reads turbidity.');
    expect(mail.text).toContain('Jun 2, 2026');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(t.mail.to(solver.email).filter((m) => /Entry received/.test(m.subject))).toHaveLength(1);
  });

  it('validates every answer against its field and writes nothing when one is wrong', async () => {
    const before = await countEntries();
    const response = await submit(other, {
      title: 'x'.repeat(201),
      answers: { summary: 'y'.repeat(2001), category: 'Quantum', website: 'ftp://files.example', surprise: 1 },
      submit: true,
    }).expect(422);
    expect(response.body.errors).toEqual([{ field: 'title', message: 'must be at most 200 characters' }]);

    const answersOnly = await submit(other, { title: 'Fine', answers: { summary: 'y'.repeat(2001), category: 'Quantum', website: 'ftp://files.example', surprise: 1 }, submit: true }).expect(422);
    expect(answersOnly.body.errors).toEqual([
      { field: 'answers.surprise', message: 'is not a field of this challenge' },
      { field: 'answers.summary', message: 'must be at most 2000 characters' },
      { field: 'answers.website', message: 'must be a web address starting with http:// or https://' },
      { field: 'answers.category', message: 'must be one of: Hardware, Software' },
    ]);
    const missing = await submit(other, { title: 'Fine', answers: {}, submit: true }).expect(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['answers.summary', 'answers.category']);
    await submit(other, { title: 'Fine', answers: { summary: { $ne: null } }, submit: true }).expect(422);
    await submit(other, { title: 'Fine', answers: 'summary=1', submit: true }).expect(422);
    await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set(other.auth).set('Content-Type', 'text/plain').send('title=x').expect(415);
    expect(await countEntries()).toBe(before);
    expect(t.mail.to(other.email).filter((m) => /Entry received/.test(m.subject))).toHaveLength(0);
  });

  it('accepts a real PDF by multipart, refuses a renamed executable (415) and an oversized file (413), leaving nothing behind', async () => {
    const entries = await countEntries();
    const files = uploadsOnDisk();
    const renamed = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(other.auth)
      .field('title', 'Sneaky')
      .field('summary', 'Looks fine')
      .field('category', 'Software')
      .attach('plan', EXE, { filename: 'plan.pdf', contentType: 'application/pdf' })
      .expect(415);
    expect(renamed.body.errors).toEqual([{ field: 'answers.plan', message: 'is not an accepted type of file' }]);
    const big = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(other.auth)
      .field('title', 'Too big')
      .field('summary', 'Big plan')
      .field('category', 'Software')
      .attach('plan', Buffer.concat([PDF, Buffer.alloc(1048577)]), 'plan.pdf')
      .expect(413);
    expect(big.body.type).toBe('urn:laurel:problem:payload-too-large');
    const invalidAnswer = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(other.auth)
      .field('title', 'Valid file, invalid answer')
      .field('category', 'Nope')
      .field('summary', 'ok')
      .attach('plan', PDF, 'plan.pdf')
      .expect(422);
    expect(invalidAnswer.body.errors[0].field).toBe('answers.category');
    expect(await countEntries()).toBe(entries);
    expect(uploadsOnDisk()).toBe(files);

    const accepted = await t.http
      .post(`/api/v1/challenges/${challenge.id}/submissions`)
      .set(other.auth)
      .field('title', 'With a plan')
      .field('summary', 'See the attached plan.')
      .field('category', 'Software')
      .attach('plan', PDF, { filename: '../../etc/My Plan.exe', contentType: 'application/octet-stream' })
      .expect(201);
    expect(accepted.body.answers.plan).toMatchObject({ name: 'My Plan.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(uploadsOnDisk()).toBe(files + 1);

    const entry = await t.http.get(`/api/v1/submissions/${accepted.body.id}`).set(other.auth).expect(200);
    const download = await t.http.get(entry.body.files[0].url).set(other.auth).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain('attachment; filename="My Plan.pdf"');
    expect(Buffer.from(download.body).equals(PDF)).toBe(true);
    await t.http.get(entry.body.files[0].url).set(solver.auth).expect(404);
    await t.http.get(entry.body.files[0].url).set(manager.auth).expect(200);
  });

  it('holds maxSubmissionsPerSolver under 20 concurrent submissions', async () => {
    const single = await publishedChallenge(t, manager, new Date(clock.now().getTime() - 2 * DAY), { title: 'One each', maxSubmissionsPerSolver: 1 });
    const racer = await registerVerified(t, 'racer@solvers.example');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit(racer, { title: `Attempt ${i}`, answers, submit: true }, single.id)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.body)).toEqual([]);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM submissions WHERE challenge_id = $1`, [single.id]);
    expect(rows[0].n).toBe(1);
    await t.mail.waitForMessageTo(racer.email, /Entry received/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(t.mail.to(racer.email).filter((m) => /Entry received/.test(m.subject))).toHaveLength(1);
  });

  it('counts drafts and entries against the per-solver limit, and a withdrawal frees its place for a new one', async () => {
    const limited = await publishedChallenge(t, manager, new Date(clock.now().getTime() - 2 * DAY), { title: 'Three per solver', maxSubmissionsPerSolver: 3 });
    const prolific = await registerVerified(t, 'prolific@solvers.example');
    const ids: string[] = [];
    for (const submitNow of [true, false, true]) ids.push((await submit(prolific, { title: `Idea ${ids.length + 1}`, answers, submit: submitNow }, limited.id).expect(201)).body.id);
    expect((await submit(prolific, { title: 'One too many', answers, submit: true }, limited.id).expect(409)).body.type).toBe('urn:laurel:problem:submission-limit');
    // A file is stored before the entry's statement runs; the refusal removes it again.
    const withFile = await t.http
      .post(`/api/v1/challenges/${limited.id}/submissions`)
      .set(prolific.auth)
      .field('title', 'One too many, with a plan')
      .field('summary', 'See the plan.')
      .field('category', 'Software')
      .attach('plan', PDF, 'plan.pdf')
      .expect(409);
    expect(withFile.body.type).toBe('urn:laurel:problem:submission-limit');
    expect(uploadsOnDisk(limited.id)).toBe(0);
    await t.http.post(`/api/v1/submissions/${ids[0]}/withdraw`).set(prolific.auth).expect(200);
    const again = await submit(prolific, { title: 'In the freed place', answers, submit: true }, limited.id).expect(201);
    await submit(prolific, { title: 'Still too many', answers, submit: true }, limited.id).expect(409);
    const slots = await t.db.query(`SELECT slot FROM submissions WHERE solver_id = $1 AND slot IS NOT NULL ORDER BY slot`, [prolific.id]);
    expect(slots.map((r: { slot: number }) => r.slot)).toEqual([1, 2, 3]);
    expect((await t.db.query(`SELECT slot FROM submissions WHERE id = $1`, [again.body.id]))[0].slot).toBe(1);
  });

  it('decides the window by the clock at commit: not before opensAt, not at or after closesAt', async () => {
    const timed = await publishedChallenge(t, manager, clock.now(), { title: 'Timed window', maxSubmissionsPerSolver: 5 });
    const timer = await registerVerified(t, 'timer@solvers.example');
    const body = { title: 'On time?', answers, submit: true };
    const saved = clock.now();
    try {
      clock.set(new Date(new Date(timed.opensAt).getTime() - 1));
      expect((await submit(timer, body, timed.id).expect(409)).body.type).toBe('urn:laurel:problem:challenge-not-open');
      clock.set(timed.opensAt);
      await submit(timer, body, timed.id).expect(201);
      clock.set(new Date(new Date(timed.closesAt).getTime() - 1));
      await submit(timer, body, timed.id).expect(201);
      clock.set(timed.closesAt);
      await submit(timer, body, timed.id).expect(409);
      clock.set(new Date(new Date(timed.closesAt).getTime() + 1));
      await submit(timer, body, timed.id).expect(409);
    } finally {
      clock.set(saved);
    }
  });

  it('saves drafts, submits them later, keeps the receipt through edits, and withdraws with a message', async () => {
    const writer = await registerVerified(t, 'writer@solvers.example', 'Wanda Writer');
    const draft = await submit(writer, { title: 'Work in progress', answers: { summary: 'Half' }, submit: false }).expect(201);
    expect(draft.body).toMatchObject({ status: 'draft', receipt: null, submittedAt: null });
    await t.http.patch(`/api/v1/submissions/${draft.body.id}`).set(writer.auth).send({ submit: true }).expect(422);
    const submitted = await t.http.patch(`/api/v1/submissions/${draft.body.id}`).set(writer.auth).send({ answers: { category: 'Software' }, submit: true }).expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', answers: { summary: 'Half', category: 'Software' } });
    const receipt = submitted.body.receipt;

    clock.advance(60_000);
    const edited = await t.http.patch(`/api/v1/submissions/${draft.body.id}`).set(writer.auth).send({ title: 'Finished work', answers: { summary: 'Whole' } }).expect(200);
    expect(edited.body).toMatchObject({ receipt, status: 'submitted', title: 'Finished work', answers: { summary: 'Whole', category: 'Software' } });
    await t.http.patch(`/api/v1/submissions/${draft.body.id}`).set(writer.auth).send({ answers: { summary: '' } }).expect(422);

    const mine = await t.http.get('/api/v1/me/submissions').set(writer.auth).expect(200);
    expect(mine.body).toEqual([expect.objectContaining({ id: draft.body.id, receipt, status: 'submitted', challenge: expect.objectContaining({ id: challenge.id }) })]);

    await t.http.post(`/api/v1/submissions/${draft.body.id}/withdraw`).set(writer.auth).expect(200);
    const withdrawn = await t.mail.waitForMessageTo(writer.email, /withdrawn/i);
    expect(withdrawn.text).toContain(receipt);
    await t.http.post(`/api/v1/submissions/${draft.body.id}/withdraw`).set(writer.auth).expect(409);
    await t.http.patch(`/api/v1/submissions/${draft.body.id}`).set(writer.auth).send({ title: 'Back?' }).expect(409);
    expect(t.mail.to(writer.email).filter((m) => /Entry received/.test(m.subject))).toHaveLength(1);
  });

  it('never shows or changes an entry for anyone but its solver and the challenge managers', async () => {
    const own = await submit(solver, { title: 'Private work', answers, submit: true }).expect(201);
    const id = own.body.id;
    await t.http.get(`/api/v1/submissions/${id}`).set(other.auth).expect(404);
    await t.http.patch(`/api/v1/submissions/${id}`).set(other.auth).send({ title: 'Mine now' }).expect(404);
    await t.http.post(`/api/v1/submissions/${id}/withdraw`).set(other.auth).expect(404);
    await t.http.get(`/api/v1/submissions/${id}`).expect(401);
    await t.http.get(`/api/v1/submissions/not-a-uuid`).set(other.auth).expect(404);
    await t.http.get(`/api/v1/challenges/${challenge.id}/submissions`).set(solver.auth).expect(403);
    const asManager = await t.http.get(`/api/v1/submissions/${id}`).set(manager.auth).expect(200);
    expect(asManager.body.title).toBe('Private work');
    await t.http.patch(`/api/v1/submissions/${id}`).set(manager.auth).send({ title: 'Edited by a manager' }).expect(403);
    expect((await t.http.get(`/api/v1/me/submissions`).set(other.auth)).body.map((s: { id: string }) => s.id)).not.toContain(id);
  });

  it('refuses entries from unverified accounts and from outside an internal challenge\'s domains', async () => {
    await t.http.post('/api/v1/auth/register').send({ email: 'late@solvers.example', password: PASSWORD, name: 'Late' }).expect(201);
    const token = (await t.http.post('/api/v1/auth/token').send({ email: 'late@solvers.example', password: PASSWORD })).body.accessToken;
    const unverified = await t.http.post(`/api/v1/challenges/${challenge.id}/submissions`).set('Authorization', `Bearer ${token}`).send({ title: 'x', answers, submit: true }).expect(403);
    expect(unverified.body.detail).toContain('Confirm your email');

    const internal = await publishedChallenge(t, manager, new Date(clock.now().getTime() - 2 * DAY), { title: 'Staff only', visibility: 'internal', allowedEmailDomains: ['epa.example.gov'] });
    await submit(solver, { title: 'x', answers, submit: true }, internal.id).expect(404);
    const staff = await registerVerified(t, 'staff@epa.example.gov');
    await submit(staff, { title: 'Staff idea', answers, submit: true }, internal.id).expect(201);
  });

  it('lists entries for managers with counts and filters, marks one ineligible, and exports CSV without formula injection', async () => {
    const hostile = await registerVerified(t, 'hostile@solvers.example', '=HYPERLINK("http://evil.example","click")');
    await submit(hostile, { title: '+SUM(A1:A9)', answers: { ...answers, summary: '@cmd|calc', website: 'https://x.example/-1' }, submit: true }).expect(201);

    const list = await t.http.get(`/api/v1/challenges/${challenge.id}/submissions?status=submitted&pageSize=100`).set(manager.auth).expect(200);
    expect(list.body.counts.submitted).toBeGreaterThanOrEqual(3);
    expect(list.body.items.every((i: { status: string }) => i.status === 'submitted')).toBe(true);
    const target = list.body.items.find((i: { title: string }) => i.title === '+SUM(A1:A9)');
    expect(target.solver.email).toBe('hostile@solvers.example');

    await t.http.post(`/api/v1/submissions/${target.id}/ineligible`).set(manager.auth).send({ reason: '' }).expect(422);
    await t.http.post(`/api/v1/submissions/${target.id}/ineligible`).set(hostile.auth).send({ reason: 'self' }).expect(403);
    const marked = await t.http.post(`/api/v1/submissions/${target.id}/ineligible`).set(manager.auth).send({ reason: 'Duplicate of another entry' }).expect(200);
    expect(marked.body).toMatchObject({ ineligible: true, ineligibleReason: 'Duplicate of another entry' });
    const ineligible = await t.http.get(`/api/v1/challenges/${challenge.id}/submissions?status=ineligible`).set(manager.auth).expect(200);
    expect(ineligible.body.items.map((i: { id: string }) => i.id)).toEqual([target.id]);
    const audit = await t.http.get(`/api/v1/challenges/${challenge.id}/audit`).set(manager.auth).expect(200);
    expect(audit.body[0]).toMatchObject({ action: 'entry.marked-ineligible', after: { reason: 'Duplicate of another entry' } });

    const csv = await t.http.get(`/api/v1/challenges/${challenge.id}/submissions?format=csv`).set(manager.auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('"receipt","status","title","solver_name","solver_email","submitted_at","updated_at","ineligible_reason","summary","website","category","plan","phase"');
    const row = lines.find((line) => line.includes('SUM'))!;
    expect(row).toContain(`"'+SUM(A1:A9)"`);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row).toContain(`"'@cmd|calc"`);
    expect(row).toContain('"ineligible"');
    expect(lines.every((line) => !/(^|,)"[=+\-@]/.test(line))).toBe(true);
  });

  it('sends one deadline reminder to solvers holding only a draft, about 24 hours before close', async () => {
    const reminded = await publishedChallenge(t, manager, new Date(clock.now().getTime() - 2 * DAY), { title: 'Reminder test', maxSubmissionsPerSolver: 3 });
    const drafter = await registerVerified(t, 'drafter@solvers.example', 'Dee Drafter');
    const finisher = await registerVerified(t, 'finisher@solvers.example');
    await submit(drafter, { title: 'Draft one', answers: {}, submit: false }, reminded.id).expect(201);
    await submit(drafter, { title: 'Draft two', answers: {}, submit: false }, reminded.id).expect(201);
    await submit(finisher, { title: 'Draft', answers: {}, submit: false }, reminded.id).expect(201);
    await submit(finisher, { title: 'Done', answers, submit: true }, reminded.id).expect(201);

    const reminders = t.app.get(DeadlineReminders);
    const saved = clock.now();
    try {
      clock.set(new Date(new Date(reminded.closesAt).getTime() - 25 * HOUR));
      expect(await reminders.run()).toBe(0);
      clock.set(new Date(new Date(reminded.closesAt).getTime() - 23.9 * HOUR));
      expect(await reminders.run()).toBe(1);
      clock.advance(HOUR);
      expect(await reminders.run()).toBe(0);
    } finally {
      clock.set(saved);
    }
    const mail = await t.mail.waitForMessageTo(drafter.email, /^Reminder:/);
    expect(mail.text).toContain('Reminder test');
    expect(mail.text).toMatch(/\/submissions\/[0-9a-f-]{36}\/edit/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(t.mail.to(drafter.email).filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(1);
    expect(t.mail.to(finisher.email).filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(0);
  });

  it('freezes the rubric and the entry form once an entry exists', async () => {
    const response = await t.http
      .patch(`/api/v1/challenges/${challenge.id}`)
      .set(manager.auth)
      .send({ fields: [{ key: 'only', label: 'Only', type: 'text', required: true }] })
      .expect(409);
    expect(response.body.type).toBe('urn:laurel:problem:form-frozen');
    expect((await t.http.get(`/api/v1/challenges/${challenge.id}`).expect(200)).body.formFrozen).toBe(true);
  });
});
