// dhai compare: exports side by side (JSON, CSV, self-contained HTML with the report's figures as grouped bars),
// hostile labels escaped everywhere, and bad inputs refused with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildComparison, type Comparison } from '../../src/share/compare.ts';
import { renderCompareHtml } from '../../src/share/compare-html.ts';
import { compareCsv } from '../../src/share/compare.ts';
import { FIGURES } from '../../src/share/compare-charts.ts';
import { shareProblems } from '../../src/share/schema.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { HOSTILE, fakeExport } from './fake-export.ts';
import { dhai } from './run-cli.ts';

function twoHospitals(): Comparison {
  return buildComparison([
    { label: 'North', file: 'north.json', data: fakeExport(0.9) },
    { label: 'South', file: 'south.json', data: fakeExport(0.6, { suppressInbound: true }) },
  ], new Date('2026-01-02T00:00:00Z'));
}

void test('the fake exports match the export schema', () => {
  assert.deepEqual(shareProblems(fakeExport(0.5)), []);
  assert.deepEqual(shareProblems(fakeExport(0.5, { suppressInbound: true })), []);
});

void test('figures side by side: values per hospital, "suppressed" where an export suppressed it, null where absent', () => {
  const cmp = twoHospitals();
  assert.deepEqual(cmp.hospitals.map((h) => h.label), ['North', 'South']);
  const tls = cmp.sections['tls-versions']!;
  assert.deepEqual(tls.metrics.outbound_rate_tls12_plus, [{ count: 90, share: 0.9 }, { count: 60, share: 0.6 }]);
  assert.deepEqual(tls.metrics.inbound_rate_tls12_plus, [{ count: 90, share: 0.9 }, 'suppressed']);
  assert.deepEqual(tls.metrics.outbound_devices, [{ share: 0.25 }, { share: 0.25 }]);
  // a section one export lacks
  assert.deepEqual(cmp.sections['ct-transparency']!.status, ['ok', 'not_available']);
  assert.deepEqual(cmp.sections['ct-transparency']!.metrics.certs_logged, [{ count: 90, share: 0.9 }, null]);
  assert.equal(cmp.hospitals[1]!.suppressed, 1);
  assert.throws(() => buildComparison([{ label: 'A', file: 'a', data: fakeExport(1) }, { label: 'A', file: 'b', data: fakeExport(1) }]), /two exports are labelled A/);
});

void test('compare.csv: one row per figure, shares as fractions, labels as column heads', () => {
  const csv = compareCsv(twoHospitals()).split('\r\n');
  assert.equal(csv[0], '"section","metric","kind","North","South"');
  assert.ok(csv.includes('"tls-versions","inbound_rate_tls12_plus","share",0.9,"suppressed"'));
  assert.ok(csv.includes('"tls-versions","outbound_sessions","value",100,100'));
  assert.ok(csv.includes('"ct-transparency","certs_logged","share",0.9,'));
});

void test('compare.html: one self-contained page with every figure the report draws, drawn from both exports', () => {
  const html = renderCompareHtml(twoHospitals());
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
  assert.ok(!/<script|<img|<link|https?:\/\/(?!www\.w3\.org)/i.test(html), 'no script, image, link or external URL');
  const charts = [...html.matchAll(/<figure id="[^"]+" data-chart="([^"]+)"><svg /g)].map((m) => m[1]);
  assert.deepEqual(charts, FIGURES.map((f) => f.id));
  // one series per hospital in each legend
  for (const label of ['North', 'South']) assert.ok(html.includes(`>${label}</text>`), label);
  assert.match(html, /<td class="num null">suppressed<\/td>/);
});

void test('hostile hospital labels and feed names are escaped in the page, the SVG and the CSV', () => {
  const cmp = buildComparison([
    { label: HOSTILE.script, file: '<b>x</b>.json', data: fakeExport(0.9, { feedName: HOSTILE.img }) },
    { label: HOSTILE.formula, file: 'y.json', data: fakeExport(0.5) },
  ]);
  const html = renderCompareHtml(cmp);
  for (const raw of [HOSTILE.script, HOSTILE.img, '<b>x</b>']) assert.ok(!html.includes(raw), `unescaped: ${raw}`);
  assert.ok(html.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'));
  // inside the SVG legends too (ECharts writes text content escaped)
  const svg = html.slice(html.indexOf('<svg'), html.lastIndexOf('</svg>'));
  assert.ok(svg.includes('&lt;script&gt;') && !svg.includes('<script'));
  const csv = compareCsv(cmp);
  assert.ok(csv.startsWith(`"section","metric","kind","${HOSTILE.script}","'${HOSTILE.formula.replace(/"/g, '""')}"`), csv.split('\r\n')[0]);
});

void test('dhai compare writes compare.html, compare.json and compare.csv; labels from --label or the file name', async () => {
  const dir = tmpDir();
  const a = path.join(dir, 'north.json');
  const b = path.join(dir, 'south.json');
  writeFileSync(a, JSON.stringify(fakeExport(0.9)));
  writeFileSync(b, JSON.stringify(fakeExport(0.6)));
  const out = path.join(dir, 'cmp');
  const r = await dhai('compare', a, b, '--out', out, '--label', 'St Mary');
  assert.equal(r.code, 0, r.err);
  for (const f of ['compare.html', 'compare.json', 'compare.csv']) assert.ok(existsSync(path.join(out, f)), f);
  const json = JSON.parse(readFileSync(path.join(out, 'compare.json'), 'utf8')) as Comparison;
  assert.deepEqual(json.hospitals.map((h) => [h.label, h.file]), [['St Mary', 'north.json'], ['south', 'south.json']]);
  assert.equal(json.format, 'dhai-share-comparison');
});

void test('dhai compare refuses a bad input with one line naming the file (exit 2)', async () => {
  const dir = tmpDir();
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(fakeExport(0.9)));
  const cases: [string, string, RegExp][] = [
    ['notjson.json', '{"format": "dhai-share-export",', /notjson\.json: not valid JSON/],
    ['report.json', JSON.stringify({ schema_version: 1, sections: {} }), /report\.json: not a dhai shareable export/],
    ['leaky.json', JSON.stringify({ ...fakeExport(0.5), tables: { evidence: [] } }), /leaky\.json: not a valid shareable export: .*tables/],
    ['badshare.json', JSON.stringify({ ...fakeExport(0.5), sections: { 'tls-versions': { status: 'ok', metrics: { x: { count: 1, share: 7 } } } } }), /badshare\.json: not a valid shareable export: \/sections\/tls-versions\/metrics\/x/],
  ];
  for (const [name, text, pattern] of cases) {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    const r = await dhai('compare', good, f, '--out', path.join(dir, 'o'));
    assert.equal(r.code, 2, name);
    assert.match(r.err, /^dhai: .+\n$/, name);
    assert.match(r.err, pattern, name);
  }
  for (const args of [
    [good, path.join(dir, 'missing.json')],
    [good, good],
    [good, '--label', 'a', '--label', 'b'],
    [good, '--label', 'x'.repeat(81)],
  ]) {
    const r = await dhai('compare', ...args, '--out', path.join(dir, 'o'));
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /^dhai: .+\n$/, args.join(' '));
  }
  assert.ok(!existsSync(path.join(dir, 'o')), 'nothing written after a refusal');
});
