// compare.html in a real headless Chromium from a file:// URL with every network request blocked: it makes no
// request, shows every figure as a laid-out SVG, and runs nothing from hostile hospital labels or feed names,
// checked with the Content-Security-Policy bypassed so that the escaping alone is what is tested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildComparison } from '../../src/share/compare.ts';
import { FIGURES } from '../../src/share/compare-charts.ts';
import { writeComparison } from '../../src/share/compare-write.ts';
import { artifactPath, assertInert, launchChromium, noChromium, openOffline, pageState } from '../helpers/chromium.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { HOSTILE, fakeExport } from './fake-export.ts';

void test('compare.html opens offline in Chromium, shows every figure and executes nothing from the labels', { skip: noChromium }, async () => {
  const cmp = buildComparison([
    { label: HOSTILE.script, file: 'a.json', data: fakeExport(0.9, { feedName: HOSTILE.img }) },
    { label: HOSTILE.img, file: 'b.json', data: fakeExport(0.6, { suppressInbound: true }) },
    { label: 'Hospital C', file: 'c.json', data: fakeExport(0.3) },
  ]);
  const out = writeComparison(path.join(tmpDir(), 'cmp'), cmp);
  const browser = await launchChromium();
  try {
    const { page, attempted, dialogs } = await openOffline(browser, out.html, true);
    const state = await pageState(page);
    assertInert(state, attempted, dialogs);
    assert.deepEqual(state.figures.map((f) => f.chart), FIGURES.map((f) => f.id));
    for (const f of state.figures) {
      assert.equal(f.svg, 1, `figure ${f.chart} has no SVG`);
      assert.ok(f.paths > 10, `figure ${f.chart} is empty`);
      assert.ok(f.width > 200, `figure ${f.chart} is not laid out`);
      // every hospital in the legend, as text
      for (const label of [HOSTILE.script, HOSTILE.img, 'Hospital C']) assert.ok(f.texts.includes(label), `${f.chart}: legend lacks ${label}`);
    }
    for (const p of [HOSTILE.script, HOSTILE.img]) assert.ok(state.text.includes(p), `label not shown as text: ${p}`);
    assert.match(state.text, /suppressed/);
    await page.screenshot({ path: artifactPath('compare.png'), fullPage: true });
    await page.context().close();
  } finally {
    await browser.close();
  }
});
