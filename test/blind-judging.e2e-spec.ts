import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { HOUR, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { invitationToken } from './support/judging';
import { docxBy, pdfWithInfo } from './support/office-files';
import { startTestApp, type TestApp } from './support/test-app';

type Judge = TestAccount & { session: BrowserSession };
type Item = { id: string; status: string; submission: { id: string; answers: Record<string, unknown>; files: { id: string; name: string; label: string }[] } };

const SOLVER_NAMES = ['Jane Doe', 'Omar Quillfeather', 'Priya Zephyrine'];
const HOMETOWNS = ['Springfield Heights', 'Lake Wobegon Flats', 'Twin Peaks Ridge'];
const INELIGIBLE_REASON = 'Works at the sponsoring lab under her maiden name';
/** Exactly 120 KiB, so a judge sees "Attachment 1 (PDF, 120 KB)". */
const AUTHORED_PDF = (() => {
  const pdf = pdfWithInfo(`/Author (${SOLVER_NAMES[0]})`);
  return Buffer.concat([pdf, Buffer.alloc(120 * 1024 - pdf.length, 0x0a)]);
})();
const FILES = [
  { content: AUTHORED_PDF, name: `${SOLVER_NAMES[0]} CV.pdf` },
  { content: docxBy('', SOLVER_NAMES[1]), name: `${SOLVER_NAMES[1]} CV.docx` },
  { content: pdfWithInfo('/Title (Water plan)'), name: `${SOLVER_NAMES[2]} CV.pdf` },
];

describe('blind judging', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let manager: TestAccount;
  let managerSession: BrowserSession;
  let challenge: { id: string; slug: string; opensAt: string; closesAt: string };
  const solvers: TestAccount[] = [];
  const entries: string[] = [];
  const judges: Judge[] = [];

  const queueOf = async (judge: Judge): Promise<Item[]> => (await t.http.get(`/api/v1/me/assignments?challengeId=${challenge.id}`).set(judge.auth).expect(200)).body;
  const judgesOf = async (entryId: string) => {
    const holders: { judge: Judge; item: Item }[] = [];
    for (const judge of judges) for (const item of await queueOf(judge)) if (item.submission.id === entryId && item.status !== 'recused') holders.push({ judge, item });
    return holders;
  };

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'blind.manager@agency.example.gov', 'Blind Manager');
    await grantRoles(t, manager, ['manager']);
    challenge = await publishedChallenge(t, manager, clock.now(), {
      title: 'Blind water challenge',
      judgesPerSubmission: 2,
      blindJudging: true,
      fields: [
        { key: 'summary', label: 'Summary', type: 'textarea', required: true },
        { key: 'contact', label: 'Contact address', type: 'email', required: true },
        { key: 'hometown', label: 'Hometown', type: 'text', required: false, identifying: true },
        { key: 'cv', label: 'Your plan', type: 'file', required: true, accept: ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'], maxBytes: 1048576 },
      ],
    });
    clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
    for (const [i, name] of SOLVER_NAMES.entries()) {
      const solver = await registerVerified(t, `blind.solver${i}@solvers.example`, name);
      solvers.push(solver);
      const entry = await t.http
        .post(`/api/v1/challenges/${challenge.id}/submissions`)
        .set(solver.auth)
        .field('title', `Water idea ${i}`)
        .field('summary', `A sensor design, variant ${i}.`)
        .field('contact', solver.email)
        .field('hometown', HOMETOWNS[i])
        .attach('cv', FILES[i].content, FILES[i].name)
        .expect(201);
      entries.push(entry.body.id);
      clock.advance(60_000);
    }
    for (let i = 0; i < 5; i += 1) {
      const email = `blind.judge${i}@panel.example`;
      await t.http.post(`/api/v1/challenges/${challenge.id}/judges`).set(manager.auth).send({ email, name: `Blind Judge ${i}` }).expect(201);
      const token = await invitationToken(t, email);
      const accepted = await t.http.post(`/api/v1/judge-invitations/${token}/accept`).send({ name: `Blind Judge ${i}`, password: PASSWORD }).expect(200);
      judges.push({ id: accepted.body.user.id, email, name: `Blind Judge ${i}`, token: accepted.body.accessToken, auth: { Authorization: `Bearer ${accepted.body.accessToken}` }, session: new BrowserSession(t.app) });
    }
    clock.set(challenge.closesAt);
    managerSession = new BrowserSession(t.app);
    await managerSession.signIn(manager.email, PASSWORD);
    for (const judge of judges) await judge.session.signIn(judge.email, PASSWORD);
    await t.http.post(`/api/v1/challenges/${challenge.id}/judging/start`).set(manager.auth).expect(200);
    await t.http.post(`/api/v1/submissions/${entries[2]}/ineligible`).set(manager.auth).send({ reason: INELIGIBLE_REASON }).expect(200);
  });
  afterAll(() => t.close());

  it('shows judges each file as "Attachment 1 (PDF, 120 KB)" in JSON, on pages and in the download name; managers keep the name', async () => {
    const [{ judge, item }] = await judgesOf(entries[0]);
    const views = [
      (await t.http.get(`/api/v1/submissions/${entries[0]}`).set(judge.auth).expect(200)).body,
      (await t.http.get(`/api/v1/assignments/${item.id}`).set(judge.auth).expect(200)).body.submission,
      item.submission,
    ];
    for (const view of views) {
      expect(view.files).toEqual([expect.objectContaining({ name: 'Attachment 1.pdf', label: 'Attachment 1 (PDF, 120 KB)' })]);
      expect(view.answers.cv).toMatchObject({ name: 'Attachment 1.pdf', label: 'Attachment 1 (PDF, 120 KB)' });
    }
    for (const path of [`/submissions/${entries[0]}`, `/judge/assignments/${item.id}`]) {
      const page = await judge.session.agent.get(path).expect(200);
      expect(page.text).toContain('Attachment 1 (PDF, 120 KB)');
      expect(page.text).not.toContain('CV.pdf');
    }
    const fileId = views[0].files[0].id;
    for (const download of [
      await t.http.get(`/api/v1/submissions/${entries[0]}/files/${fileId}`).set(judge.auth).expect(200),
      await judge.session.agent.get(`/submissions/${entries[0]}/files/${fileId}`).expect(200),
    ]) {
      expect(download.headers['content-disposition']).toBe('attachment; filename="Attachment 1.pdf"');
    }
    const asManager = (await t.http.get(`/api/v1/submissions/${entries[0]}`).set(manager.auth).expect(200)).body;
    expect(asManager.files[0]).toMatchObject({ name: 'Jane Doe CV.pdf', label: 'Jane Doe CV.pdf (PDF, 120 KB)' });
    const managerDownload = await t.http.get(`/api/v1/submissions/${entries[0]}/files/${fileId}`).set(manager.auth).expect(200);
    expect(managerDownload.headers['content-disposition']).toContain('Jane Doe CV.pdf');
  });

  it('hides email answers, identifying answers and the ineligible reason from judges, not from managers', async () => {
    const [{ judge, item }] = await judgesOf(entries[2]);
    const view = (await t.http.get(`/api/v1/submissions/${entries[2]}`).set(judge.auth).expect(200)).body;
    expect(Object.keys(view.answers).sort()).toEqual(['cv', 'summary']);
    expect(view.ineligibleReason).toBeNull();
    expect(Object.keys(item.submission.answers).sort()).toEqual(['cv', 'summary']);
    for (const path of [`/submissions/${entries[2]}`, `/judge/assignments/${item.id}`]) {
      const page = await judge.session.agent.get(path).expect(200);
      expect(page.text).not.toContain(HOMETOWNS[2]);
      expect(page.text).not.toContain('Contact address');
      expect(page.text).not.toContain('maiden name');
    }
    const asManager = (await t.http.get(`/api/v1/submissions/${entries[2]}`).set(manager.auth).expect(200)).body;
    expect(asManager.answers).toMatchObject({ contact: solvers[2].email, hometown: HOMETOWNS[2] });
    expect(asManager.ineligibleReason).toBe(INELIGIBLE_REASON);
    const detail = (await t.http.get(`/api/v1/challenges/${challenge.id}`).set(manager.auth).expect(200)).body;
    expect(detail.fields.find((f: { key: string }) => f.key === 'hometown')).toMatchObject({ identifying: true });
  });

  it('lets managers mark a field identifying on the challenge form page', async () => {
    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send({ title: 'Identifying fields draft' }).expect(201);
    const path = `/manage/challenges/${draft.body.id}/edit/entry-form`;
    const form = await managerSession.agent.get(path).expect(200);
    expect(form.text).toContain('name="fields[0][identifying]"');
    const saved = await managerSession.submit(path, { fields: [{ key: 'employer', label: 'Employer', type: 'text', identifying: 'on' }] });
    expect(saved.status).toBe(303);
    const after = (await t.http.get(`/api/v1/challenges/${draft.body.id}`).set(manager.auth).expect(200)).body;
    expect(after.fields).toEqual([expect.objectContaining({ key: 'employer', identifying: true })]);
    expect((await managerSession.agent.get(path).expect(200)).text).toMatch(/name="fields\[0\]\[identifying\]" value="on" checked/);
  });

  it('shows managers which files name their author in their metadata, and warns solvers on the form', async () => {
    const authors = [];
    for (const id of entries) authors.push((await t.http.get(`/api/v1/submissions/${id}`).set(manager.auth).expect(200)).body.files[0].authorInMetadata);
    expect(authors).toEqual([SOLVER_NAMES[0], SOLVER_NAMES[1], null]);
    const list = (await t.http.get(`/api/v1/challenges/${challenge.id}/submissions`).set(manager.auth).expect(200)).body.items;
    expect(entries.map((id) => list.find((e: { id: string }) => e.id === id).authorInFiles)).toEqual([true, true, false]);
    const table = await managerSession.agent.get(`/manage/challenges/${challenge.id}/entries`).expect(200);
    expect(table.text.match(/author in file metadata/g)).toHaveLength(2);
    const page = await managerSession.agent.get(`/submissions/${entries[1]}`).expect(200);
    expect(page.text).toContain(`Its document properties name an author: ${SOLVER_NAMES[1]}`);
    const [{ judge }] = await judgesOf(entries[0]);
    const judgeView = (await t.http.get(`/api/v1/submissions/${entries[0]}`).set(judge.auth).expect(200)).body;
    expect(judgeView.files[0]).not.toHaveProperty('authorInMetadata');

    const later = await publishedChallenge(t, manager, clock.now(), { title: 'Blind form hint', blindJudging: true });
    clock.set(new Date(new Date(later.opensAt).getTime() + HOUR));
    const solver = new BrowserSession(t.app);
    await solver.signIn(solvers[0].email, PASSWORD);
    const enter = await solver.agent.get(`/challenges/${later.slug}/enter`).expect(200);
    expect(enter.text).toContain('Judging is blind');
    expect(enter.text).toContain('document properties');
    expect((await solver.agent.get(`/submissions/${entries[0]}`).expect(200)).text).toContain(`Its document properties name an author: ${SOLVER_NAMES[0]}. Judging is blind: upload a copy without it.`);
    const open = await publishedChallenge(t, manager, new Date(clock.now().getTime() - 25 * HOUR), { title: 'Open judging form', blindJudging: false });
    const openForm = (await solver.agent.get(`/challenges/${open.slug}/enter`).expect(200)).text;
    expect(openForm).toContain('Submit entry');
    expect(openForm).not.toContain('Judging is blind');
    clock.set(challenge.closesAt);
  });

  it('reassigns two simultaneous recusals of one entry to two different judges, without a 500', async () => {
    for (const entryId of [entries[0], entries[1]]) {
      const holders = await judgesOf(entryId);
      expect(holders).toHaveLength(2);
      const responses = await Promise.all(holders.map(({ judge, item }) => t.http.post(`/api/v1/assignments/${item.id}/recuse`).set(judge.auth).send({ reason: 'I may know the author.' })));
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(responses.map((r) => r.body.reassigned)).toEqual([true, true]);
      const after = await judgesOf(entryId);
      expect(after).toHaveLength(2);
      expect(new Set(after.map((h) => h.judge.email)).size).toBe(2);
      expect(after.some((h) => holders.some((old) => old.judge === h.judge))).toBe(false);
    }
  });

  it('walks every surface a judge sees and finds no solver name, address, file name or identifying answer', async () => {
    const secrets = [...SOLVER_NAMES, ...solvers.map((s) => s.email), ...HOMETOWNS, 'CV.pdf', 'CV.docx', 'maiden name'];
    const bodies: string[] = [];
    let visited = 0;
    for (const judge of judges) {
      const queue = await queueOf(judge);
      bodies.push(JSON.stringify(queue), JSON.stringify((await t.http.get(`/api/v1/challenges/${challenge.id}/judging/entries`).set(judge.auth).expect(200)).body));
      bodies.push((await judge.session.agent.get('/judge').expect(200)).text, (await judge.session.agent.get(`/judge/challenges/${challenge.id}/entries`).expect(200)).text);
      for (const item of queue.filter((i) => i.status !== 'recused')) {
        visited += 1;
        const entry = (await t.http.get(`/api/v1/submissions/${item.submission.id}`).set(judge.auth).expect(200)).body;
        bodies.push(JSON.stringify(entry), JSON.stringify((await t.http.get(`/api/v1/assignments/${item.id}`).set(judge.auth).expect(200)).body));
        const scorecard = await t.http.put(`/api/v1/assignments/${item.id}/scorecard`).set(judge.auth).send({ scores: { impact: 7, feasibility: 3 }, feedback: 'Clear plan.', final: false }).expect(200);
        bodies.push(JSON.stringify(scorecard.body));
        bodies.push((await judge.session.agent.get(`/submissions/${item.submission.id}`).expect(200)).text, (await judge.session.agent.get(`/judge/assignments/${item.id}`).expect(200)).text);
        for (const file of entry.files) {
          const download = await t.http.get(`/api/v1/submissions/${item.submission.id}/files/${file.id}`).set(judge.auth).expect(200);
          bodies.push(download.headers['content-disposition']);
          bodies.push((await judge.session.agent.get(`/submissions/${item.submission.id}/files/${file.id}`).expect(200)).headers['content-disposition']);
        }
      }
    }
    await t.http.post(`/api/v1/challenges/${challenge.id}/judging/remind`).set(manager.auth).expect(200);
    await t.mail.waitFor(() => judges.some((j) => t.mail.to(j.email).some((m) => /remind/i.test(m.subject))));
    for (const judge of judges) bodies.push(...t.mail.to(judge.email).flatMap((m) => [m.subject, m.text, m.html]));
    expect(visited).toBeGreaterThanOrEqual(6);
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
  });
});
