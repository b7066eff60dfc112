import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from './support/accounts';
import { BrowserSession } from './support/browser-session';
import { DAY, HOUR, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { startTestApp, type TestApp } from './support/test-app';

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

describe('entry pages', () => {
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  let manager: TestAccount;
  let challenge: { id: string; slug: string; opensAt: string };
  let solver: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    manager = await registerVerified(t, 'pm@epa.example.gov', 'Pat Manager');
    await grantRoles(t, manager, ['manager']);
    challenge = await publishedChallenge(t, manager, clock.now());
    clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
    await registerVerified(t, 'grace@solvers.example', 'Grace Solver');
    solver = new BrowserSession(t.app);
    await solver.signIn('grace@solvers.example', PASSWORD);
  });
  afterAll(() => t.close());

  const entryForm = async (path: string) => {
    const page = await solver.agent.get(path).expect(200);
    const action = /<form[^>]+action="([^"]+)"[^>]+enctype="multipart\/form-data"/.exec(page.text)?.[1];
    if (!action) throw new Error(`no multipart form on ${path}`);
    return { page, action: action.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=') };
  };

  it('renders the form from the challenge fields, accessible and without JavaScript', async () => {
    const { page, action } = await entryForm(`/challenges/${challenge.slug}/enter`);
    expect(action).toMatch(new RegExp(`^/challenges/${challenge.slug}/enter\\?_csrf=`));
    expect(page.text).toMatch(/<label class="usa-label" for="field-answers.summary">Summary <abbr title="required"/);
    expect(page.text).toMatch(/<textarea[^>]+name="summary"[^>]+maxlength="2000"/);
    expect(page.text).toContain('Up to 2000 characters.');
    expect(page.text).toMatch(/<select[^>]+name="category"/);
    expect(page.text).toMatch(/<input class="usa-file-input"[^>]+name="plan" type="file" accept="application\/pdf"/);
    expect(page.text).toContain('name="submit" value="false"');
  });

  it('shows errors next to their fields, then submits with a file and shows the receipt', async () => {
    const first = await entryForm(`/challenges/${challenge.slug}/enter`);
    const invalid = await solver.agent.post(first.action).field('title', 'My sensor').field('summary', '').field('category', '').field('submit', 'true');
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('href="#field-answers.summary"');
    expect(invalid.text).toContain('id="error-summary"');
    expect(invalid.text).toContain('value="My sensor"');

    const second = await entryForm(`/challenges/${challenge.slug}/enter`);
    const created = await solver.agent
      .post(second.action)
      .field('title', 'My sensor')
      .field('summary', 'It floats and measures.')
      .field('category', 'Hardware')
      .field('website', '')
      .field('submit', 'true')
      .attach('plan', PDF, 'plan.pdf');
    expect(created.status).toBe(303);
    const entry = await solver.agent.get(created.headers.location).expect(200);
    expect(entry.text).toContain('Entry submitted');
    expect(entry.text).toMatch(/CWS-2026-\d{6}/);
    expect(entry.text).toContain('plan.pdf');

    const mine = await solver.agent.get('/me/submissions').expect(200);
    expect(mine.text).toContain('My sensor');
    await t.mail.waitForMessageTo('grace@solvers.example', /Entry received/);
  });

  it('takes a ticked required checkbox and an unticked optional one as a browser sends them, on entry and on edit', async () => {
    const withBoxes = await publishedChallenge(t, manager, new Date(clock.now().getTime() - 2 * DAY), {
      title: 'Checkbox Terms Challenge',
      fields: [
        { key: 'terms', label: 'I accept the terms', type: 'checkbox', required: true },
        { key: 'news', label: 'Send me news', type: 'checkbox', required: false },
      ],
    });
    // A browser sends every hidden input of the form and only the ticked checkboxes.
    const post = async (path: string, ticked: string[]) => {
      const { page, action } = await entryForm(path);
      let request = solver.agent.post(action).field('title', 'Boxes').field('submit', 'true');
      const form = /<form[^>]+enctype="multipart\/form-data"[\s\S]*?<\/form>/.exec(page.text)![0];
      for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) request = request.field(name!, value!);
      for (const name of ticked) request = request.field(name, 'true');
      return request;
    };
    const created = await post(`/challenges/${withBoxes.slug}/enter`, ['terms', 'news']);
    expect(created.status).toBe(303);
    const entryPath = created.headers.location.split('?')[0];
    expect((await solver.agent.get(entryPath).expect(200)).text).toMatch(/<dt>Send me news<\/dt>\s*<dd>Yes<\/dd>/);

    const edited = await post(`${entryPath}/edit`, ['terms']);
    expect(edited.status).toBe(303);
    const entry = await solver.agent.get(entryPath).expect(200);
    expect(entry.text).toMatch(/<dt>I accept the terms<\/dt>\s*<dd>Yes<\/dd>/);
    expect(entry.text).toMatch(/<dt>Send me news<\/dt>\s*<dd>No<\/dd>/);

    const refused = await post(`${entryPath}/edit`, []);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('href="#field-answers.terms"');
    expect(refused.text).not.toMatch(/id="field-answers.terms"[^>]*checked/);
  });

  it('refuses a multipart post without the CSRF token', async () => {
    const response = await solver.agent.post(`/challenges/${challenge.slug}/enter`).field('title', 'x').field('submit', 'false');
    expect(response.status).toBe(403);
  });

  it('gives managers the entries table and CSV, and keeps solvers out of it', async () => {
    const managerBrowser = new BrowserSession(t.app);
    await managerBrowser.signIn(manager.email, PASSWORD);
    const table = await managerBrowser.agent.get(`/manage/challenges/${challenge.id}/entries`).expect(200);
    expect(table.text).toContain('My sensor');
    expect(table.text).toContain('grace@solvers.example');
    const csv = await managerBrowser.agent.get(`/manage/challenges/${challenge.id}/entries.csv`).expect(200);
    expect(csv.text).toContain('"My sensor"');
    expect((await solver.agent.get(`/manage/challenges/${challenge.id}/entries`)).status).toBe(403);
  });
});
