// A real headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (which never
// downloads a browser). Tests pass `{ skip: noChromium }` so a machine without it skips them and says why;
// CI installs it (.ci/run). Screenshots go to test-artifacts/ (gitignored).
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
