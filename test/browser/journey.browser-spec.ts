import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_ENV } from '../support/accounts';
import { linkIn } from '../support/smtp-mailbox';
import { startTestApp, type TestApp } from '../support/test-app';
import { accessibilityViolations, launchChromium, screenshot, VisitedHtml } from './browser-support';

const PASSWORD = 'a long passphrase for laurel';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const utc = (date: Date) => date.toISOString().slice(0, 16);

/**
 * The whole life cycle through pages only, as each person would: a manager, three solvers, three judges, an admin.
 * Every page visited is checked with axe-core (WCAG 2.1 A/AA) and for console errors (CSP violations show there),
 * and the HTML of every document loaded goes through the Nu HTML Checker at the end.
 */
describe('the life cycle in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const violations: string[] = [];
  const consoleErrors: string[] = [];
  const visited = new VisitedHtml();

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV, listen: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  const url = (path: string) => `${t.config.publicUrl}${path}`;

  async function person(options: { javaScript?: boolean; width?: number } = {}): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? true, viewport: { width: options.width ?? 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    visited.watch(page);
    page.on('console', (message) => {
      // Script and CSP errors count; the browser's note about a deliberate 4xx form answer does not.
      if (message.type() === 'error' && !/responded with a status of 4\d\d/.test(message.text())) consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  }

  /** Checks the page as it stands and keeps a screenshot of it. */
  async function look(page: Page, name: string): Promise<void> {
    for (const violation of await accessibilityViolations(page)) violations.push(`${name}: ${violation}`);
    await screenshot(page, name);
  }

  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let i = 0; i < 60; i += 1) {
      if (await page.evaluate((s) => (globalThis as unknown as { document: { activeElement: { matches(s: string): boolean } | null } }).document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`keyboard focus never reached ${selector}`);
  }

  async function linkFromMail(email: string, prefix: string, subject: RegExp): Promise<string> {
    const mail = await t.mail.waitForMessageTo(email, subject);
    return linkIn(mail, url(prefix));
  }

  async function signUp(page: Page, name: string, email: string, keyboard = false): Promise<void> {
    await page.goto(url('/sign-up'));
    if (keyboard) {
      await tabTo(page, '#field-name');
      await page.keyboard.type(name);
      await page.keyboard.press('Tab');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
    } else {
      await page.getByLabel('Full name').fill(name);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
    }
    await page.getByText('Check your email').waitFor();
    await page.goto(await linkFromMail(email, '/verify-email?token=', /Confirm your email/));
    await page.getByText('Email address confirmed').first().waitFor();
  }

  async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
    await page.goto(url('/sign-in'));
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  }

  const byId = (page: Page, id: string) => page.locator(`[id="${id}"]`);
  /** Ticks or unticks an entry-form checkbox by its visible label, as a person does (USWDS hides the input itself). */
  const toggle = (page: Page, key: string) => page.locator(`label[for="field-answers.${key}"]`).click();
  /** The answers an entry page shows, label to text. */
  const answersOn = async (page: Page): Promise<Record<string, string>> => {
    const labels = await page.locator('.laurel-answers dt').allTextContents();
    const texts = await page.locator('.laurel-answers dd').allTextContents();
    return Object.fromEntries(labels.map((label, i) => [label.trim(), texts[i]!.trim()]));
  };
  const save = (page: Page) => page.getByRole('button', { name: 'Save and continue' }).click();

  it('runs from sign-up to announced winners, accessible on every page', async () => {
    // A manager signs up with the keyboard alone; the error summary is announced and linked to the field first.
    const manager = await person();
    await manager.goto(url('/sign-up'));
    await look(manager, '01-sign-up');
    await tabTo(manager, '#field-name');
    await manager.keyboard.type('Morgan Manager');
    await manager.keyboard.press('Tab');
    await manager.keyboard.type('not-an-email');
    await manager.keyboard.press('Enter');
    await manager.locator('#error-summary[role="alert"]').waitFor();
    expect(await manager.locator('#error-summary a[href="#field-email"]').count()).toBe(1);
    expect(await byId(manager, 'field-email').getAttribute('aria-describedby')).toContain('error-email');
    await look(manager, '02-sign-up-errors');
    await signUp(manager, 'Morgan Manager', 'morgan@agency.example.gov', true);

    // The admin makes them a program manager.
    const admin = await person();
    await signIn(admin, ADMIN_ENV.ADMIN_EMAIL, ADMIN_ENV.ADMIN_PASSWORD);
    await admin.goto(url('/admin/users?q=morgan'));
    await look(admin, '03-admin-accounts');
    await admin.locator('label[for^="manager-"]').first().click();
    await admin.getByRole('button', { name: /Save roles for Morgan Manager/ }).click();
    await admin.waitForURL(/\/admin\/users/);

    // The manager creates the challenge through every step of the form, previews and publishes it.
    await signIn(manager, 'morgan@agency.example.gov');
    await manager.goto(url('/manage/challenges/new'));
    await look(manager, '04-challenge-new');
    await manager.getByLabel('Title').fill('Safer Streets Sensor Challenge');
    await manager.getByLabel('Tagline').fill('Cheap sensors that warn of dangerous crossings.');
    await manager.getByLabel('Agency or department').fill('Department of Transportation');
    await manager.getByRole('button', { name: 'Create draft and continue' }).click();
    await manager.getByLabel('Description').fill('## The problem\n\nToo many crossings are dangerous at night.\n\n- Cheap\n- Rugged');
    await look(manager, '05-challenge-details');
    await save(manager);
    const now = new Date();
    await manager.getByLabel('Time zone for these dates').selectOption('UTC');
    await manager.getByLabel('Entries open').fill(utc(new Date(now.getTime() - 3600_000)));
    await manager.getByLabel('Entries close').fill(utc(new Date(now.getTime() + 7 * 86400_000)));
    await manager.getByLabel('Judging ends (optional)').fill(utc(new Date(now.getTime() + 21 * 86400_000)));
    await look(manager, '06-challenge-timeline');
    await save(manager);
    await manager.waitForURL(/\/edit\/phases/);
    await look(manager, '06-challenge-phases');
    await save(manager);
    await manager.getByLabel('Total prize amount').fill('30000');
    await manager.getByLabel('Number of winners').fill('3');
    await save(manager);
    await manager.getByLabel('Rules', { exact: true }).fill('One entry per person. Entries must be your own work.');
    await manager.getByLabel('Eligibility').fill('Residents aged 18 or older.');
    await save(manager);
    await byId(manager, 'field-rubric.0.name').fill('Safety impact');
    await byId(manager, 'field-rubric.0.key').fill('impact');
    await byId(manager, 'field-rubric.0.description').fill('How many people it protects');
    await byId(manager, 'field-rubric.0.weight').fill('2');
    await byId(manager, 'field-rubric.0.maxScore').fill('10');
    await byId(manager, 'field-rubric.1.name').fill('Cost');
    await byId(manager, 'field-rubric.1.key').fill('cost');
    await byId(manager, 'field-rubric.1.description').fill('How cheap it is to deploy');
    await byId(manager, 'field-rubric.1.weight').fill('1');
    await byId(manager, 'field-rubric.1.maxScore').fill('5');
    await look(manager, '07-challenge-rubric');
    await save(manager);
    await byId(manager, 'field-fields.0.label').fill('Summary');
    await byId(manager, 'field-fields.0.key').fill('summary');
    await byId(manager, 'field-fields.0.type').selectOption('textarea');
    await manager.locator('label[for="fields-required-0"]').click();
    await byId(manager, 'field-fields.0.maxLength').fill('2000');
    await byId(manager, 'field-fields.1.label').fill('Plan (PDF)');
    await byId(manager, 'field-fields.1.key').fill('plan');
    await byId(manager, 'field-fields.1.type').selectOption('file');
    await manager.locator('label[for="fields-accept-1-0"]').click();
    await byId(manager, 'field-fields.1.maxBytes').fill('1');
    await manager.getByRole('button', { name: 'Save draft' }).click();
    await manager.waitForURL(/saved=1/);
    await byId(manager, 'field-fields.2.label').fill('I accept the terms');
    await byId(manager, 'field-fields.2.key').fill('terms');
    await byId(manager, 'field-fields.2.type').selectOption('checkbox');
    await manager.locator('label[for="fields-required-2"]').click();
    await byId(manager, 'field-fields.3.label').fill('Send me news about this challenge');
    await byId(manager, 'field-fields.3.key').fill('news');
    await byId(manager, 'field-fields.3.type').selectOption('checkbox');
    await look(manager, '08-challenge-entry-form');
    await save(manager);
    await manager.getByLabel('Judges per entry').fill('2');
    await save(manager);
    await manager.getByText('Everything needed to publish is here.').waitFor();
    await look(manager, '09-challenge-review');
    await manager.getByRole('link', { name: 'Preview the public page' }).click();
    await manager.getByText('Preview: this is how the public page will look.').waitFor();
    await look(manager, '10-challenge-preview');
    await manager.goBack();
    await manager.getByRole('button', { name: 'Publish' }).click();
    await manager.getByText('Open', { exact: true }).first().waitFor();
    const challengePath = new URL(manager.url()).pathname;
    const challengeId = challengePath.split('/')[3];
    await look(manager, '11-manage-overview');

    // Three solvers enter through the generated form: one by keyboard, one with a file, one without JavaScript.
    // The terms checkbox is required and the news one optional: ticked, unticked, and re-shown after an error.
    const list = await person();
    await list.goto(url('/'));
    await look(list, '12-challenge-list');
    await list.getByRole('link', { name: 'Safer Streets Sensor Challenge' }).click();
    await look(list, '13-challenge-detail');
    const slugPath = new URL(list.url()).pathname;

    const solvers = [
      { name: 'Sam Keyboard', email: 'sam@solvers.example', page: await person() },
      { name: 'Pat Pdf', email: 'pat@solvers.example', page: await person() },
      { name: 'Nico NoScript', email: 'nico@solvers.example', page: await person({ javaScript: false }) },
    ];
    for (const [i, solver] of solvers.entries()) {
      await signUp(solver.page, solver.name, solver.email);
      await signIn(solver.page, solver.email);
      await solver.page.goto(url(`${slugPath}/enter`));
      if (i === 0) {
        await look(solver.page, '14-entry-form');
        await tabTo(solver.page, '[id="field-title"]');
        await solver.page.keyboard.type('Blinking crossing posts');
        await solver.page.keyboard.press('Tab');
        await solver.page.keyboard.type('Solar posts that blink when someone steps onto the crossing.');
        await tabTo(solver.page, '[id="field-answers.terms"]');
        await solver.page.keyboard.press('Space');
        await tabTo(solver.page, 'button[value="true"]');
        await solver.page.keyboard.press('Enter');
      } else {
        await solver.page.getByLabel('Title of your entry').fill(i === 1 ? 'Radar on every corner' : 'Painted warning lines');
        await solver.page.getByLabel('Summary').fill(i === 1 ? 'A cheap radar that warns drivers.' : 'Reflective paint that glows at night.');
        if (i === 1) {
          await toggle(solver.page, 'news');
          await solver.page.getByRole('button', { name: 'Submit entry' }).click();
          await solver.page.locator('#error-summary a[href="#field-answers.terms"]').waitFor();
          expect(await solver.page.locator('[id="error-terms"]').textContent()).toContain('must be checked');
          expect(await solver.page.getByLabel('Summary').inputValue()).toBe('A cheap radar that warns drivers.');
          expect(await solver.page.getByLabel('Send me news about this challenge').isChecked()).toBe(true);
          expect(await solver.page.getByLabel('I accept the terms').isChecked()).toBe(false);
          await look(solver.page, '14-entry-form-errors');
          await solver.page.setInputFiles('[id="field-answers.plan"]', { name: 'radar-plan.pdf', mimeType: 'application/pdf', buffer: PDF });
        }
        await toggle(solver.page, 'terms');
        await solver.page.getByRole('button', { name: 'Submit entry' }).click();
      }
      await solver.page.getByText('Entry submitted').waitFor();
      if (i === 1) await look(solver.page, '15-entry-submitted');
      await expect(answersOn(solver.page)).resolves.toMatchObject({ 'I accept the terms': 'Yes', 'Send me news about this challenge': i === 1 ? 'Yes' : 'No' });
      await t.mail.waitForMessageTo(solver.email, /Entry received/);
    }
    // Pat edits the entry, unticks the news checkbox and leaves the terms ticked.
    await solvers[1].page.getByRole('link', { name: 'Edit your entry' }).click();
    expect(await solvers[1].page.getByLabel('I accept the terms').isChecked()).toBe(true);
    expect(await solvers[1].page.getByLabel('Send me news about this challenge').isChecked()).toBe(true);
    await toggle(solvers[1].page, 'news');
    await solvers[1].page.getByRole('button', { name: 'Submit entry' }).click();
    await solvers[1].page.getByText('Entry submitted').waitFor();
    await expect(answersOn(solvers[1].page)).resolves.toMatchObject({ 'I accept the terms': 'Yes', 'Send me news about this challenge': 'No' });
    await solvers[0].page.goto(url('/me/submissions'));
    await look(solvers[0].page, '16-my-entries');

    // The manager sees the entries, closes the challenge and invites three judges.
    await manager.goto(url(`/manage/challenges/${challengeId}/entries`));
    await look(manager, '17-entries-table');
    await manager.goto(url(`/manage/challenges/${challengeId}`));
    await manager.getByRole('button', { name: 'Close entries now' }).click();
    await manager.waitForURL(/done=closed/);
    await manager.goto(url(`/manage/challenges/${challengeId}/judges`));
    const judges = [
      { name: 'Jo Judge', email: 'jo@panel.example', page: await person() },
      { name: 'Kim NoScript', email: 'kim@panel.example', page: await person({ javaScript: false }) },
      { name: 'Lee Judge', email: 'lee@panel.example', page: await person() },
    ];
    for (const judge of judges) {
      await manager.getByLabel('Email address').fill(judge.email);
      await manager.getByLabel('Name (optional)').fill(judge.name);
      await manager.getByRole('button', { name: 'Send invitation' }).click();
      await manager.waitForURL(/invited=1/);
    }
    await look(manager, '18-judges-panel');

    // The judges accept from the emailed link, creating their accounts; one declares a conflict.
    for (const [i, judge] of judges.entries()) {
      await judge.page.goto(await linkFromMail(judge.email, '/judge/invitations/', /Invitation to judge/));
      if (i === 0) await look(judge.page, '19-judge-invitation');
      await judge.page.getByLabel('Your name').fill(judge.name);
      await judge.page.getByLabel('Choose a password').fill(PASSWORD);
      await judge.page.getByRole('button', { name: 'Create account and accept' }).click();
      await judge.page.getByText('Welcome to the panel').waitFor();
    }
    await judges[2].page.goto(url(`/judge/challenges/${challengeId}/entries`));
    await look(judges[2].page, '20-judge-entries');
    await judges[2].page.getByLabel('Reason for a conflict with Painted warning lines').fill('My cousin wrote it.');
    await judges[2].page.getByRole('button', { name: 'Declare conflict' }).last().click();
    await judges[2].page.getByText('Declared').waitFor();

    // Judging starts; every judge scores through the scorecard page (one without JavaScript).
    await manager.goto(url(`/manage/challenges/${challengeId}/judging`));
    await manager.getByRole('button', { name: 'Start judging' }).click();
    await manager.getByText('scorecards submitted').first().waitFor();
    for (const [i, judge] of judges.entries()) {
      await judge.page.goto(url('/judge'));
      if (i === 0) await look(judge.page, '21-judge-queue');
      const links = await judge.page.locator('a[href^="/judge/assignments/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      for (const [n, link] of links.entries()) {
        await judge.page.goto(url(link));
        if (i === 0 && n === 0) await look(judge.page, '22-scorecard');
        const title = (await judge.page.locator('h1').textContent()) ?? '';
        const impact = title.includes('Blinking') ? 9 : title.includes('Radar') ? 7 : 4;
        if (title.includes('Radar')) {
          // Blind judging: Pat's PDF is "Attachment 1" on the page and in the download, never its file name.
          const attachment = judge.page.getByRole('link', { name: /^Attachment 1 \(PDF, \d+ (bytes|KB)\)$/ });
          await attachment.waitFor();
          expect(await judge.page.content()).not.toMatch(/radar-plan|Pat Pdf|pat@solvers/);
          const download = await judge.page.request.get(url((await attachment.getAttribute('href'))!));
          expect(download.headers()['content-disposition']).toMatch(/filename="Attachment 1\.pdf"/);
        }
        await byId(judge.page, 'field-scores.impact').fill(String(impact - i));
        await byId(judge.page, 'field-scores.cost').fill('3');
        await judge.page.getByLabel('Feedback for the solver').fill(`Judge ${judge.name} thinks "${title}" is promising.`);
        await judge.page.getByLabel('Note for the panel').fill('PANEL ONLY: compare costs.');
        await judge.page.getByRole('button', { name: 'Submit final scorecard' }).click();
        await judge.page.getByText('Scorecard submitted').waitFor();
      }
    }

    // The manager follows progress, reads the ranking, picks the top two by hand and announces.
    await manager.goto(url(`/manage/challenges/${challengeId}/judging`));
    await manager.getByText('(100%)').waitFor();
    await look(manager, '23-judging-progress');
    await manager.goto(url(`/manage/challenges/${challengeId}/ranking`));
    await look(manager, '24-ranking');
    expect(await manager.locator('svg.laurel-chart[role="img"]').count()).toBe(2);
    await manager.goto(url(`/manage/challenges/${challengeId}/awards`));
    await look(manager, '25-awards');
    await manager.getByText('Choose by hand').click();
    await byId(manager, 'field-awards.0.submissionId').selectOption({ index: 1 });
    await byId(manager, 'field-awards.0.place').fill('1');
    await byId(manager, 'field-awards.0.prize').fill('20000');
    await byId(manager, 'field-awards.0.citation').fill('Simple, cheap and it works.');
    await byId(manager, 'field-awards.1.submissionId').selectOption({ index: 2 });
    await byId(manager, 'field-awards.1.place').fill('2');
    await byId(manager, 'field-awards.1.prize').fill('10000');
    await manager.getByRole('button', { name: 'Save the selection' }).click();
    await manager.getByText('First prize').first().waitFor();
    await manager.getByRole('button', { name: 'Announce the winners' }).click();
    await manager.getByText('Winners announced').waitFor();
    await look(manager, '26-announced');

    // The public winners page shows them; everyone's inbox holds the right message.
    await list.goto(url(`${slugPath}/winners`));
    await look(list, '27-winners');
    expect(await list.getByText('Sam Keyboard').count()).toBeGreaterThan(0);
    expect(await list.getByText('Pat Pdf').count()).toBeGreaterThan(0);
    await list.getByRole('link', { name: 'Certificate' }).first().click();
    await screenshot(list, '28-certificate');
    await t.mail.waitForMessageTo('sam@solvers.example', /You won First prize/);
    await t.mail.waitForMessageTo('pat@solvers.example', /You won Second prize/);
    const feedback = await t.mail.waitForMessageTo('nico@solvers.example', /your scores and feedback/);
    expect(feedback.text).toMatch(/Judge 1: Judge .* thinks "Painted warning lines" is promising\./);
    expect(feedback.text).not.toContain('PANEL ONLY');

    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('reads well on a 375 px phone', async () => {
    const phone = await person({ width: 375 });
    for (const [path, name] of [['/', '29-phone-list'], ['/sign-up', '30-phone-sign-up']]) {
      await phone.goto(url(path));
      await screenshot(phone, name);
      const overflow = await phone.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement;
        return root.scrollWidth;
      });
      expect(overflow).toBeLessThanOrEqual(376);
      expect(await accessibilityViolations(phone)).toEqual([]);
    }
  });

  it('sends valid HTML on every page it visited (Nu HTML Checker), images with their sizes', async () => {
    expect(visited.count).toBeGreaterThan(60);
    expect(await visited.validatorErrors('journey')).toEqual([]);
    expect(await visited.imagesWithoutSize()).toEqual([]);
  });
});
