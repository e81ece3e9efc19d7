// dhai serve in a real headless Chromium: the page loads only from the server, draws every figure, filters by
// device class (the form reloads the page with the filter in the address) and drills from a bar to its rows
// and on to the log rows of an address; hostile names stay text. Screenshot in test-artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/serve/server.ts';
import { artifactPath, launchChromium, noChromium } from '../helpers/chromium.ts';
import { needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { buildTestStore, PAYLOADS, TEST_ANALYSES } from '../report/helpers.ts';
import { TEST_SITE } from './serve-site.ts';

void test('serve UI in Chromium: figures, filter by device class, drill-down to rows', { skip: needsShared || noChromium }, async () => {
  const db = await buildTestStore(tmpDir());
  const server = await startServer({ db, port: 0, site: TEST_SITE, analyses: TEST_ANALYSES });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const foreign: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });

    await page.goto(server.url);
    await page.waitForSelector('section[data-section="tls-versions"] figure svg');
    assert.equal(await page.locator('section[data-section="tls-versions"] figure svg').count(), 3);
    assert.equal(await page.locator('section[data-section="supply-chain"] .na').count(), 1);
    const metric = (name: string) => page.locator('section[data-section="tls-versions"] tr', { has: page.locator(`code:text-is("${name}")`) }).locator('td.num').innerText();
    assert.match(await metric('hostile_names'), /\(8\)/);

    // filter: device class workstation → the hostile DNS names (asked by a medical-supporting device) drop out
    await page.selectOption('#f-class', 'workstation');
    await Promise.all([page.waitForURL(/class=workstation/), page.click('#apply')]);
    await page.waitForSelector('section[data-section="tls-versions"] figure svg');
    assert.match(await metric('hostile_names'), /\(4\)/);
    assert.match(await page.locator('#status').innerText(), /traffic of class workstation/);

    // drill: the bar of client 10.136.0.18, then its log rows
    await page.locator('figure[data-chart="clients"] svg [ecmeta_ssr_type="chart"]').first().click();
    await page.waitForSelector('.drill table');
    const drill = page.locator('.drill').first();
    assert.match(await drill.locator('h3').first().innerText(), /Rows behind: 10\.136\.0\.18/);
    await drill.locator('button[data-address="10.136.0.18"]').click();
    await drill.locator('h3', { hasText: 'ssl.log' }).waitFor();
    assert.match(await drill.innerText(), /ssl\.log \(200\+ rows\)/);

    // drill into a hostile name: shown as text, nothing runs
    await page.goto(server.url);
    await page.waitForSelector('figure[data-chart="hostile"] svg');
    await page.locator('figure[data-chart="hostile"] svg [ecmeta_ssr_type="chart"]').nth(2).click();
    await page.waitForSelector('.drill table');
    assert.ok((await page.locator('.drill').first().innerText()).includes(PAYLOADS.script));
    await page.screenshot({ path: artifactPath('serve.png'), fullPage: true });

    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src')),
      imgs: document.querySelectorAll('img, iframe, object, embed, foreignObject').length,
    }));
    assert.equal(state.pwned, undefined);
    assert.deepEqual(state.scripts, ['/app.js']);
    assert.equal(state.imgs, 0);
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
