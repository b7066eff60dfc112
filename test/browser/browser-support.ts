import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ARTIFACTS = resolve(process.cwd(), 'test/artifacts');
const AXE_SOURCE = readFileSync(resolve(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');
const UNREADABLE = 'body unreadable: ';
const VNU_JAR = resolve(process.cwd(), 'node_modules/vnu-jar/build/dist/vnu.jar');

/** Debian's Chromium, headless, with no network but loopback (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page for WCAG 2.1 A and AA, and WCAG 2.2's target size (2.5.8: a target is at least 24 × 24 px,
 * or spaced so that 24 px circles around the small ones do not overlap; inline links in text are exempt). The script is evaluated through the DevTools protocol, so the
 * page keeps its real Content-Security-Policy. Returns readable violations (empty when the page passes).
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations;
  })) as AxeViolation[];
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** A full-page screenshot in test/artifacts (ignored by git), named after the step. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * The HTML source of every document a set of pages loads (each navigation, a form re-rendered after an error, the
 * target of a redirect), as the server sent it, for the Nu HTML Checker at the end of a test file.
 */
export class VisitedHtml {
  private readonly documents: { name: string; html: Promise<string> }[] = [];

  watch(page: Page): void {
    page.on('response', (response) => {
      const request = response.request();
      if (request.resourceType() !== 'document' || request.frame() !== page.mainFrame()) return;
      if (response.status() >= 300 && response.status() < 400) return;
      if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) return;
      const path = new URL(response.url()).pathname;
      this.documents.push({ name: `${String(this.documents.length + 1).padStart(3, '0')}${path.replace(/[^A-Za-z0-9]+/g, '-')}`, html: response.text().catch((error: Error) => `${UNREADABLE}${error.message}`) });
    });
  }

  /** Every `<img>` without both a width and a height, so the page would shift as it loads. */
  async imagesWithoutSize(): Promise<string[]> {
    const found: string[] = [];
    for (const document of this.documents) {
      for (const [image] of (await document.html).matchAll(/<img\b[^>]*>/g)) {
        if (!/\swidth="\d+"/.test(image) || !/\sheight="\d+"/.test(image)) found.push(`${document.name}: ${image}`);
      }
    }
    return found;
  }

  get count(): number {
    return this.documents.length;
  }

  /** Runs vnu once over every collected document; returns its errors (not warnings) as "file:line: message". */
  async validatorErrors(label: string): Promise<string[]> {
    const dir = join(ARTIFACTS, `html-${label}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const unreadable: string[] = [];
    for (const document of this.documents) {
      const html = await document.html;
      if (html.startsWith(UNREADABLE)) unreadable.push(`${document.name}: ${html}`);
      else writeFileSync(join(dir, `${document.name}.html`), html);
    }
    const result = await promisify(execFile)('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', dir], { maxBuffer: 64 * 1024 * 1024 }).catch(
      (failure: { stdout?: string; stderr?: string; code?: number }) => {
        if (failure.code !== 1) throw failure;
        return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
      },
    );
    const { messages } = JSON.parse(result.stderr || '{"messages":[]}') as { messages: { type: string; url: string; lastLine?: number; message: string }[] };
    return [...unreadable, ...messages.filter((m) => m.type === 'error').map((m) => `${m.url.split('/').pop()}:${m.lastLine ?? 0}: ${m.message}`)];
  }
}
