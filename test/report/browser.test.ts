// report.html in a real headless Chromium, opened from a file:// URL with every network request blocked: it
// must make no request, show every figure as an SVG, and run nothing from the hostile names in the logs —
// checked with the page's Content-Security-Policy bypassed, so the escaping alone is what is tested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildReport } from '../../src/report/build.ts';
import { writeReport } from '../../src/report/write.ts';
import { openStore } from '../../src/store/store.ts';
import { loadBaseline } from '../../src/report/baseline.ts';
import { artifactPath, assertInert, launchChromium, noChromium, openOffline, pageState } from '../helpers/chromium.ts';
import { needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { buildTestStore, PAYLOADS, TEST_ANALYSES } from './helpers.ts';

void test('report.html opens offline in Chromium, shows every figure and executes nothing from the data', { skip: needsShared || noChromium }, async () => {
  const dir = tmpDir();
  const db = await buildTestStore(dir);
  const store = await openStore(db, { readOnly: true });
  const built = await buildReport({ conn: store.conn, analyses: TEST_ANALYSES, baseline: loadBaseline(path.resolve('baselines/paper.json')) });
  await store.close();
  const out = writeReport(path.join(dir, 'report'), built, { siteName: PAYLOADS.script });
  const chartCount = Object.values(built.charts).reduce((n, c) => n + (c?.length ?? 0), 0);
  assert.equal(chartCount, 3);

  const browser = await launchChromium();
  try {
    for (const bypassCSP of [true, false]) {
      const { page, attempted, dialogs } = await openOffline(browser, out.html, bypassCSP);
      const state = await pageState(page);
      assertInert(state, attempted, dialogs);
      assert.equal(state.figures.length, chartCount);
      for (const f of state.figures) {
        assert.equal(f.svg, 1, `figure ${f.chart} has no SVG`);
        assert.ok(f.shapes > 5, `figure ${f.chart} is empty`);
        assert.ok(f.width > 200, `figure ${f.chart} is not laid out`);
      }
      // the payloads are shown as text, exactly
      for (const p of Object.values(PAYLOADS)) assert.ok(state.text.includes(p), `payload not shown as text: ${p}`);
      assert.ok(state.title.includes(PAYLOADS.script));
      assert.match(state.csp, /default-src 'none'/);
      assert.match(state.text, /Not available: needs files\.log/);
      assert.match(state.text, /boom <script>/);
      if (!bypassCSP) {
        await page.screenshot({ path: artifactPath('report.png'), fullPage: true });
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: artifactPath('report-print.png'), fullPage: true });
        await page.pdf({ path: artifactPath('report.pdf'), format: 'A4' });
      }
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
});
