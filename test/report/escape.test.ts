// The three places hostile text is neutralised: HTML (escapeHtml), CSV (quoting and formula cells) and
// chart SVG (ECharts escapes text but not attributes: the option is restricted and the SVG whitelisted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as echarts from 'echarts';
import fc from 'fast-check';
import { anchorId, escapeHtml } from '../../src/report/escape.ts';
import { csvCell, neutraliseFormula, toCsv } from '../../src/report/csv.ts';
import { sanitiseOption, svgProblems } from '../../src/report/chart-safety.ts';
import { renderChart } from '../../src/report/charts.ts';
import { PAYLOADS } from './helpers.ts';

void test('escapeHtml leaves no markup-significant character and shows invisible controls as codes', () => {
  assert.equal(escapeHtml(PAYLOADS.script), '&lt;script&gt;window.__pwned=1&lt;/script&gt;');
  assert.equal(escapeHtml(PAYLOADS.img), '&quot;&gt;&lt;img src=x onerror=window.__pwned=1&gt;');
  assert.equal(escapeHtml("a'b`c&d"), 'a&#39;b&#96;c&amp;d');
  assert.equal(escapeHtml(null), '');
  assert.equal(escapeHtml(12), '12');
  assert.equal(escapeHtml('a\u0000b\u001bc\u202ed'), 'a\\u{0000}b\\u{001b}c\\u{202e}d');
  assert.equal(escapeHtml('tab\tand\nline'), 'tab\tand\nline');
  assert.equal(escapeHtml('lone \ud800 surrogate'), 'lone \\u{d800} surrogate');
  assert.equal(escapeHtml('emoji 😀 stays'), 'emoji 😀 stays');
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const out = escapeHtml(s);
      assert.doesNotMatch(out, /[<>"'`]/);
      // every & starts one of the entities escapeHtml writes
      assert.doesNotMatch(out, /&(?!(amp|lt|gt|quot|#39|#96);)/);
    }),
    { numRuns: 2000 },
  );
});

void test('anchorId gives safe, distinct fragment ids', () => {
  const a = anchorId('finding', PAYLOADS.img);
  assert.match(a, /^[a-z0-9-]+$/);
  assert.notEqual(anchorId('finding', 'a b'), anchorId('finding', 'a_b'));
});

void test('CSV: RFC 4180 quoting and formula cells neutralised (OWASP list)', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r', '\n']) assert.equal(neutraliseFormula(`${start}1+1`), `'${start}1+1`);
  assert.equal(neutraliseFormula('safe=1'), 'safe=1');
  assert.equal(csvCell(PAYLOADS.formula), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvCell(-5), '-5'); // numbers are ours, not text from the logs
  assert.equal(csvCell('-5'), '"\'-5"');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell(['a,b', '"c"']), '"[""a,b"",""\\""c\\""""]"');
  const csv = toCsv([{ name: 'a,b\r\nc', n: 1 }, { name: '=1+2";=1+2', extra: null }]);
  assert.equal(csv, '"name","n","extra"\r\n"a,b\r\nc",1,\r\n"\'=1+2"";=1+2",,\r\n');
  assert.equal(toCsv([]), '');
});

void test('CSV round trip: a strict RFC 4180 reader gets every cell back (with the apostrophe on formula cells)', () => {
  const parse = (text: string): string[][] => {
    const rows: string[][] = [];
    let row: string[] = [];
    let i = 0;
    while (i < text.length) {
      let cellText = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          assert.ok(q >= 0, 'unterminated quote');
          cellText += text.slice(i, q);
          if (text[q + 1] === '"') { cellText += '"'; i = q + 2; } else { i = q + 1; break; }
        }
      } else {
        const m = /^[^,\r\n]*/.exec(text.slice(i))![0];
        assert.ok(!m.includes('"'), 'bare quote in an unquoted field');
        cellText = m;
        i += m.length;
      }
      row.push(cellText);
      if (text.startsWith('\r\n', i)) { rows.push(row); row = []; i += 2; } else if (text[i] === ',') i++; else assert.fail(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
    return rows;
  };
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme-ascii' }), { minLength: 1, maxLength: 6 }), (cells) => {
      const row = Object.fromEntries(cells.map((c, i) => [`c${i}`, c]));
      const back = parse(toCsv([row]));
      assert.equal(back.length, 2);
      assert.deepEqual(back[1], cells.map((c) => neutraliseFormula(c)));
    }),
    { numRuns: 500 },
  );
});

void test('ECharts writes attribute values unescaped; the whitelist catches it and the sanitised option is safe', () => {
  const hostile = {
    xAxis: { type: 'category', data: [PAYLOADS.img] },
    yAxis: {},
    series: [{ type: 'bar', data: [1], itemStyle: { color: 'red" onload="window.__pwned=1' }, label: { show: true, fontFamily: 'x" onmouseover="y' } }],
  };
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 300 });
  chart.setOption({ animation: false, ...hostile });
  const raw = chart.renderToSVGString();
  chart.dispose();
  assert.match(raw, /onload="window.__pwned=1"/, 'ECharts now escapes attributes: this guard can be simplified');
  assert.ok(svgProblems(raw).some((p) => /attribute onload/.test(p)));

  const safe = sanitiseOption(hostile);
  assert.equal(JSON.stringify(safe).includes('onload'), false);
  const r = renderChart({ id: 'x', title: PAYLOADS.script, option: hostile });
  assert.equal(r.problem, undefined);
  assert.ok(r.svg);
  assert.deepEqual(svgProblems(r.svg), []);
  assert.doesNotMatch(r.svg, /onload|onmouseover|<img|<script/);
  assert.match(r.svg, /&quot;&gt;&lt;img src=x/); // the category label, as text
  assert.match(r.svg, /aria-label="&lt;script&gt;/);
});

void test('chart safety: images, links and non-palette colours are dropped; external url() and script in SVG are refused', () => {
  const safe = sanitiseOption({
    title: { text: 't', link: 'http://x' },
    graphic: [{ type: 'image', style: { image: 'http://x/y.png' } }],
    series: [{ type: 'line', symbol: 'image://http://x/y.png', itemStyle: { color: '#ff0000' }, lineStyle: { color: '#0072B2' } }],
  }) as { title: Record<string, unknown>; graphic?: unknown; series: Record<string, Record<string, unknown>>[] };
  assert.equal(safe.graphic, undefined);
  assert.equal(safe.title.link, undefined);
  assert.equal(safe.series[0]!.symbol, 'circle');
  assert.equal(safe.series[0]!.itemStyle!.color, undefined);
  assert.equal(safe.series[0]!.lineStyle!.color, '#0072B2');
  const ramp = sanitiseOption({ color: ['#ff0000', '#0072B2'], visualMap: { inRange: { color: ['red', 'url(http://x)'] } } }) as { color: string[]; visualMap: { inRange: Record<string, unknown> } };
  assert.deepEqual(ramp.color, ['#0072B2']);
  assert.deepEqual(ramp.visualMap.inRange, {});
  assert.ok(svgProblems('<svg><image href="http://x/y.png"></image></svg>').length > 0);
  assert.ok(svgProblems('<svg><rect fill="url(http://x/y)"></rect></svg>').length > 0);
  assert.deepEqual(svgProblems('<svg><rect clip-path="url(#zr0-c0)"></rect></svg>'), []);
  assert.ok(svgProblems('<svg><style><![CDATA[ @import "http://x"; ]]></style></svg>').length > 0);
  assert.ok(svgProblems('<svg><script>x</script></svg>').length > 0);
  assert.ok(svgProblems('<svg><rect x="1" y=2></rect></svg>').length > 0);
});

void test('a chart ECharts cannot render, or renders empty, is reported, not thrown', () => {
  const bad = renderChart({ id: 'bad', title: 'bad', option: { xAxis: { type: 'category', data: ['a'] }, yAxis: {}, series: [{ type: 'bar', data: [1], xAxisIndex: 5 }] } });
  assert.equal(bad.svg, null);
  assert.match(bad.problem ?? '', /ECharts could not render it: xAxis "5" not found/);
  const empty = renderChart({ id: 'empty', title: 'empty', option: { series: [{ type: 'no-such-series-type', data: [1] }] } });
  assert.equal(empty.svg, null);
  assert.match(empty.problem ?? '', /drew nothing/);
  const good = renderChart({ id: 'good', title: 'good', option: { xAxis: { type: 'category', data: ['a'] }, yAxis: {}, series: [{ type: 'bar', data: [1] }] } });
  assert.ok(good.svg, good.problem);
});
