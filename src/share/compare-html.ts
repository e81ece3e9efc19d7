// compare.html: one self-contained page like report.html (inline CSS and SVG, no script, no external URL, the
// report's Content-Security-Policy): the hospitals compared, the report's figures as grouped bars across them,
// every exported figure side by side, and what each export suppressed. Labels and feed names are the reader's
// or another hospital's text: every one goes through escapeHtml.
import { ANALYSES } from '../analyses/registry.ts';
import { CHART_HEIGHT, renderChart } from '../report/charts.ts';
import { anchorId, escapeHtml as e } from '../report/escape.ts';
import { renderPage } from '../report/page.ts';
import { fmtInstant, fmtNumber, fmtShare } from '../report/html-parts.ts';
import { FIGURES, figureChart } from './compare-charts.ts';
import type { CompareCell, Comparison } from './compare.ts';

const TITLES = new Map<string, string>(ANALYSES.map((a) => [a.id, a.title]));

function fmtCell(c: CompareCell): string {
  if (c === null) return '<td class="num null">—</td>';
  if (c === 'suppressed') return '<td class="num null">suppressed</td>';
  if (typeof c === 'number') return `<td class="num">${e(fmtNumber(c))}</td>`;
  const count = 'count' in c ? ` <span class="note">(${e(fmtNumber(c.count))})</span>` : '';
  return `<td class="num">${e(fmtShare(c.share))}${count}</td>`;
}

function hospitalsTable(cmp: Comparison): string {
  const rows = cmp.hospitals
    .map((h) => `<tr><th scope="row">${e(h.label)}</th><td><code>${e(h.file)}</code></td><td>${fmtInstant(h.window.from)} to ${fmtInstant(h.window.to)}</td>` +
      `<td>${e(h.dhai_version)}</td><td class="num">${e(fmtNumber(h.k))}</td><td class="num">${e(fmtNumber(h.figures))}</td>` +
      `<td class="num">${e(fmtNumber(h.suppressed))}</td><td class="num">${e(fmtNumber(h.left_out))}</td>` +
      `<td>${h.feeds.length === 0 ? '<span class="null">none</span>' : h.feeds.map((f) => `${e(f.name)} <span class="note">(${e(f.kind)}, ${fmtInstant(f.date)})</span>`).join('<br>')}</td></tr>`)
    .join('\n');
  const ks = new Set(cmp.hospitals.map((h) => h.k));
  const kNote = ks.size > 1 ? '<p class="note">The exports use different k: a figure one of them suppresses may be shown by another.</p>' : '';
  return `<section id="hospitals"><h2>Hospitals compared</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Label</th><th scope="col">File</th><th scope="col">Window</th><th scope="col">dhai</th><th class="num" scope="col">k</th>` +
    `<th class="num" scope="col">Figures</th><th class="num" scope="col">Suppressed</th><th class="num" scope="col">Left out</th><th scope="col">Feeds</th></tr></thead><tbody>
${rows}
</tbody></table></div>${kNote}</section>`;
}

function figures(cmp: Comparison): string {
  let n = 0;
  // the legend grows by a line per hospital: so does the chart
  const height = CHART_HEIGHT + 20 * Math.max(0, cmp.hospitals.length - 3);
  const parts = FIGURES.map((def) => {
    const spec = figureChart(def, cmp);
    if (!spec) return '';
    const r = renderChart(spec, { height });
    const body = r.svg ?? `<p class="na">This figure could not be shown: ${e(r.problem ?? 'unknown reason')}.</p>`;
    return `<figure id="${anchorId('figure', def.id)}" data-chart="${e(def.id)}">${body}<figcaption>Figure ${++n}. ${e(spec.title)}</figcaption></figure>`;
  }).filter(Boolean);
  const body = parts.length > 0 ? parts.join('\n') : '<p class="note">No export holds any of the figures the report draws.</p>';
  return `<section id="figures"><h2>Figures</h2><p class="note">Bars left out: the figure is suppressed (fewer than k devices) or not in that export; the tables below say which.</p>\n${body}</section>`;
}

function sectionTables(cmp: Comparison): string {
  const head = cmp.hospitals.map((h) => `<th class="num" scope="col">${e(h.label)}</th>`).join('');
  return Object.entries(cmp.sections)
    .map(([id, s]) => {
      const status = s.status.some((x) => x !== 'ok')
        ? `<tr><td><em>section</em></td>${s.status.map((x) => `<td class="num${x === 'ok' ? '' : ' null'}">${x === 'ok' ? 'ok' : x === null ? 'absent' : 'not available'}</td>`).join('')}</tr>`
        : '';
      const rows = Object.entries(s.metrics).map(([name, cells]) => `<tr><td><code>${e(name)}</code></td>${cells.map(fmtCell).join('')}</tr>`).join('\n');
      return `<section id="${anchorId('section', id)}"><h2>${e(TITLES.get(id) ?? id)} <span class="note"><code>${e(id)}</code></span></h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Metric</th>${head}</tr></thead><tbody>
${status}${rows || `<tr><td colspan="${cmp.hospitals.length + 1}" class="null">No figure exported.</td></tr>`}
</tbody></table></div></section>`;
    })
    .join('\n');
}

export function renderCompareHtml(cmp: Comparison): string {
  const title = `dhai comparison of ${cmp.hospitals.length} hospital${cmp.hospitals.length === 1 ? '' : 's'}`;
  const toc = [
    '<li><a href="#hospitals">Hospitals compared</a></li>',
    '<li><a href="#figures">Figures</a></li>',
    ...Object.keys(cmp.sections).map((id) => `<li><a href="#${anchorId('section', id)}">${e(TITLES.get(id) ?? id)}</a></li>`),
    '<li><a href="#method">How the exports were made</a></li>',
  ];
  const method = cmp.method.map((m) => `<li>${e(m)}</li>`).join('');
  return renderPage({
    title,
    version: cmp.dhai_version,
    subtitle: `Shareable exports side by side: ${cmp.hospitals.map((h) => e(h.label)).join(' · ')} · generated ${fmtInstant(cmp.generated_at)} by dhai ${e(cmp.dhai_version)}`,
    toc,
    body: [
      hospitalsTable(cmp),
      figures(cmp),
      sectionTables(cmp),
      `<section id="method"><h2>How the exports were made</h2>${method ? `<ul>${method}</ul>` : '<p class="note">The exports carry no method notes.</p>'}</section>`,
    ].join('\n'),
    footer: `Made by dhai ${cmp.dhai_version} from shareable exports only (aggregate figures; no address, host name or certificate). Machine-readable: compare.json and compare.csv beside this file.`,
  });
}
