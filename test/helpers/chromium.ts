// A real headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (which never
// downloads a browser). Tests pass `{ skip: noChromium }` so a machine without it skips them and says why;
// CI installs it (.ci/run). Screenshots go to test-artifacts/ (gitignored).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './shared.ts';

const candidates = [process.env.DHAI_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
export const chromiumPath: string | undefined = candidates.find((p) => existsSync(p));
export const noChromium: string | false = chromiumPath
  ? false
  : `needs Chromium at ${candidates.join(' or ')} (apt-get install -y chromium; or set DHAI_CHROMIUM)`;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export function artifactPath(name: string): string {
  const dir = path.join(repoRoot, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/**
 * Opens a local file in a fresh context that aborts (and records) every request other than file: ones, and
 * records and dismisses every dialog, so a test can assert the page is offline and runs no injected script.
 */
export async function openOffline(browser: Browser, file: string, bypassCSP: boolean): Promise<{ page: Page; attempted: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ bypassCSP, viewport: { width: 1200, height: 900 } });
  const attempted: string[] = [];
  const dialogs: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    attempted.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, attempted, dialogs };
}

/** What a page written from hostile data holds: anything that could run or fetch, and each figure's drawing. */
export interface PageState {
  /** set by the payloads in the test data if one of them runs */
  pwned: unknown;
  scripts: number;
  /** elements that load or embed content */
  imgs: number;
  /** elements carrying an on* event-handler attribute */
  handlers: number;
  figures: { chart: string | null; svg: number; paths: number; shapes: number; width: number; texts: string[] }[];
  text: string;
  csp: string;
  title: string;
}

export async function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    scripts: document.querySelectorAll('script').length,
    imgs: document.querySelectorAll('img, image, iframe, object, embed, foreignObject').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    figures: [...document.querySelectorAll('figure[data-chart]')].map((f) => ({
      chart: f.getAttribute('data-chart'),
      svg: f.querySelectorAll(':scope > svg').length,
      paths: f.querySelectorAll('svg path').length,
      shapes: f.querySelectorAll('svg path, svg rect, svg text').length,
      width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      texts: [...f.querySelectorAll('svg text')].map((t) => t.textContent ?? ''),
    })),
    text: document.body.innerText,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    title: document.title,
  }));
}

/** Nothing from the data ran, no dialog opened, no request was tried, and nothing on the page could run or fetch. */
export function assertInert(state: PageState, attempted: string[], dialogs: string[]): void {
  assert.equal(state.pwned, undefined, 'a payload ran');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(attempted, [], 'the page tried to reach the network');
  assert.equal(state.scripts, 0);
  assert.equal(state.imgs, 0);
  assert.equal(state.handlers, 0, 'an element carries an event-handler attribute');
}
