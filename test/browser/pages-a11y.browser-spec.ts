import type { Browser } from 'playwright-core';
import { ADMIN_ENV } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';
import { accessibilityViolations, launchChromium, VisitedHtml } from './browser-support';

describe('public pages in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  const visited = new VisitedHtml();

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV, listen: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each(['/', '/sign-up', '/sign-in', '/forgot-password'])('%s has no WCAG 2.1 A/AA violations and no CSP errors', async (path) => {
    const page = await browser.newPage();
    visited.watch(page);
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${t.config.publicUrl}${path}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sends valid HTML on each of them (Nu HTML Checker), images with their sizes', async () => {
    expect(visited.count).toBe(4);
    expect(await visited.validatorErrors('public-pages')).toEqual([]);
    expect(await visited.imagesWithoutSize()).toEqual([]);
  });
});
