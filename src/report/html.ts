// report.html: one self-contained page (inline CSS and SVG, no script, no external URL; a Content-Security-
// Policy that forbids both even if something slipped through) that opens offline from a USB stick. Findings
// first, then one section per analysis in registry order, then what changed and where the data came from.
import { FINDING_TYPES, type FindingType } from '../analyses/finding-types.ts';
import type { Finding, SectionId } from '../analyses/types.ts';
import { compareMetric } from './baseline.ts';
import type { Changes } from './changes.ts';
import { renderChart } from './charts.ts';
import { csvFileName } from './csv.ts';
import { anchorId, escapeHtml as e } from './escape.ts';
import { dreadTable, fmtInstant, fmtMetric, fmtNumber, fmtPoints, fmtShare, rowsTable, severityBadge } from './html-parts.ts';
import type { BuiltReport, ReportSection } from './model.ts';
import { renderProvenance } from './html-provenance.ts';
import { renderPage } from './page.ts';

export interface HtmlOptions {
  siteName?: string;
  changes?: Changes;
  /** rows shown per table and per finding's evidence (the rest is in the CSV and report.json) */
  tableRows?: number;
  evidenceRows?: number;
}

const SEVERITIES: Finding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];

function findingAnchor(f: Finding): string {
  return anchorId('finding', f.id);
}

function renderAcceptedRisks(built: BuiltReport): string {
  const r = built.json.accepted_risks;
  if (r.accepted.length === 0 && r.expired.length === 0 && r.unused_rules.length === 0) return '';
  const accepted = r.accepted.map((a) => `<li>${e(a.finding.title)} <span class="note">(<code>${e(a.finding.id)}</code>, DREAD ${e(a.finding.dread.score.toFixed(1))})</span>: accepted until ${e(a.expires)} by rule <code>${e(a.rule)}</code>: ${e(a.reason)}</li>`).join('');
  const expired = r.expired.map((x) => `<li><code>${e(x.finding_id)}</code>: acceptance by <code>${e(x.rule)}</code> expired ${e(x.expired)} (${e(x.reason)}); ranked again above</li>`).join('');
  const unused = r.unused_rules.map((u) => `<li><code>${e(u)}</code></li>`).join('');
  return `<h3>Accepted risks</h3>
${accepted ? `<p>Kept out of the ranking until their acceptance expires (site configuration, <code>accepted_risks</code>):</p><ul>${accepted}</ul>` : ''}
${expired ? `<p>Expired acceptances:</p><ul>${expired}</ul>` : ''}
${unused ? `<p>Rules that matched no finding:</p><ul>${unused}</ul>` : ''}`;
}

/** Findings of one kind (same section and finding type), in ranking order: the CISO's unit of decision. */
interface FindingGroup {
  key: string;
  title: string;
  findings: Finding[];
}

/** Group ranked findings by `<section>/<type>` (their id prefix), keeping the rank of each group's worst. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const [section, type] = f.id.split('/');
    const key = `${section}/${type}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, title: FINDING_TYPES[type as FindingType]?.title ?? f.title, findings: [] }));
    g.findings.push(f);
  }
  return [...groups.values()];
}

function renderFindings(built: BuiltReport, evidenceRows: number): string {
  const findings = built.json.findings;
  if (findings.length === 0) {
    return `<section id="findings"><h2>Findings</h2><p>No findings${built.order.length === 0 ? ' (no analysis is registered in this build of dhai)' : ''}.</p>${renderAcceptedRisks(built)}</section>`;
  }
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const summary = counts.map(([s, n]) => `${e(fmtNumber(n))} ${e(s)}`).join(', ');
  const groups = groupFindings(findings);
  const rank = new Map(findings.map((f, i) => [f.id, i + 1]));
  const rows = groups
    .map((g, i) => {
      const worst = g.findings[0]!;
      const what = g.findings.length === 1
        ? `<a href="#${findingAnchor(worst)}">${e(worst.title)}</a>`
        : `<a href="#${anchorId('group', g.key)}">${e(g.title)}</a> <span class="note">(${e(fmtNumber(g.findings.length))} devices or services)</span>`;
      return `<tr><td class="num">${i + 1}</td><td>${severityBadge(worst.severity)}</td><td class="num">${e(worst.dread.score.toFixed(1))}</td>` +
        `<td>${what}</td><td><a href="#${anchorId('section', worst.section)}">${e(worst.section)}</a></td></tr>`;
    })
    .join('\n');
  const article = (f: Finding) => {
    const evidence = f.evidence.length > 0
      ? `<h4>Evidence</h4>${rowsTable(f.evidence, evidenceRows, 'findings.jsonl and report.json')}`
      : '<p class="note">No evidence rows.</p>';
    return `<article class="finding ${e(f.severity)}" id="${findingAnchor(f)}">
<h3>${rank.get(f.id)}. ${e(f.title)}</h3>
<p>${severityBadge(f.severity)} <span class="note">id <code>${e(f.id)}</code> · section <a href="#${anchorId('section', f.section)}">${e(f.section)}</a></span></p>
${dreadTable(f.dread)}
<h4>Remediation</h4><p class="remediation">${e(f.remediation)}</p>
${evidence}
</article>`;
  };
  const articles = groups
    .map((g) => {
      if (g.findings.length === 1) return article(g.findings[0]!);
      const subjects = g.findings.map((f) => `<li><a href="#${findingAnchor(f)}">${e(f.title)}</a> <span class="note">DREAD ${e(f.dread.score.toFixed(1))}</span></li>`).join('');
      return `<section class="finding-group" id="${anchorId('group', g.key)}"><h3>${e(g.title)} (${e(fmtNumber(g.findings.length))})</h3>
<p class="remediation">${e(g.findings[0]!.remediation)}</p>
<details><summary>The ${e(fmtNumber(g.findings.length))} affected devices or services, with evidence</summary><ul>${subjects}</ul>
${g.findings.map(article).join('\n')}
</details></section>`;
    })
    .join('\n');
  return `<section id="findings"><h2>Findings</h2>
<p>${e(fmtNumber(findings.length))} finding${findings.length === 1 ? '' : 's'} of ${e(fmtNumber(groups.length))} kind${groups.length === 1 ? '' : 's'}: ${summary}. Ranked by DREAD score (the mean of damage, reproducibility, exploitability, affected users and discoverability, 0–10), then severity; findings of the same kind are grouped under their worst. Every finding, one per line, is in findings.jsonl.</p>
<div class="table-wrap"><table><thead><tr><th class="num" scope="col">#</th><th scope="col">Severity</th><th class="num" scope="col">DREAD</th><th scope="col">Finding</th><th scope="col">Section</th></tr></thead><tbody>
${rows}
</tbody></table></div>
${renderAcceptedRisks(built)}
${articles}
</section>`;
}

function renderMetrics(id: SectionId, section: ReportSection, built: BuiltReport): string {
  const names = Object.keys(section.metrics);
  if (names.length === 0) return '';
  const base = built.baselineMetrics[id];
  const head = `<th scope="col">Metric</th><th class="num" scope="col">Value</th>${base ? `<th class="num" scope="col">Baseline</th><th class="num" scope="col">Difference</th>` : ''}`;
  const rows = names
    .map((n) => {
      const m = section.metrics[n]!;
      let extra = '';
      if (base) {
        const b = base[n];
        const c = b === undefined ? null : compareMetric(m, b);
        if (b === undefined) extra = '<td class="num null">not published</td><td class="num null">—</td>';
        else if (!c) extra = `<td class="num">${fmtMetric(b)}</td><td class="num null">not comparable</td>`;
        else extra = `<td class="num">${e(c.kind === 'share' ? fmtShare(c.baseline) : fmtNumber(c.baseline))}</td><td class="num">${e(fmtPoints(c.difference, c.kind))}</td>`;
      }
      return `<tr><td><code>${e(n)}</code></td><td class="num">${fmtMetric(m)}</td>${extra}</tr>`;
    })
    .join('\n');
  const baseNote = base ? `<p class="note">Baseline: ${e(built.json.baseline?.name ?? '')}. “Not published”: the baseline does not give this figure.</p>` : '';
  return `<h3>Metrics</h3><div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>${baseNote}`;
}

function renderSection(id: SectionId, built: BuiltReport, tableRows: number, figureNumber: () => number): string {
  const s = built.json.sections[id]!;
  const anchor = anchorId('section', id);
  const method = s.method.length > 0 ? `<h3>Method</h3><ul>${s.method.map((m) => `<li>${e(m)}</li>`).join('')}</ul>` : '';
  const title = `<h2>${e(s.title)} <span class="note"><code>${e(id)}</code></span></h2>`;
  if (s.status === 'not_available') {
    const error = s.error ? `<p class="error">${e(s.error)}</p>` : '';
    return `<section id="${anchor}">${title}<div class="na"><p><strong>Not available:</strong> needs ${s.needs.map((n) => e(n)).join('; ')}.</p>${error}</div>${method}</section>`;
  }
  const figures = (built.charts[id] ?? [])
    .map((spec) => {
      const r = renderChart(spec);
      const body = r.svg ?? `<p class="na">This figure could not be shown: ${e(r.problem ?? 'unknown reason')}.</p>`;
      return `<figure id="${anchorId('figure', id, spec.id)}" data-chart="${e(spec.id)}">${body}<figcaption>Figure ${figureNumber()}. ${e(spec.title)}</figcaption></figure>`;
    })
    .join('\n');
  const tables = Object.entries(s.tables)
    .map(([name, rows]) => `<h3>${e(name.replace(/[_-]/g, ' '))} <span class="note">(${e(fmtNumber(rows.length))} row${rows.length === 1 ? '' : 's'} · <code>${e(csvFileName(id, name))}</code>)</span></h3>${rowsTable(rows, tableRows, e(csvFileName(id, name)))}`)
    .join('\n');
  const own = built.json.findings.filter((f) => f.section === id);
  const evidence = own.length > 0
    ? `<h3>Findings and evidence</h3><ul>${own.map((f) => `<li>${severityBadge(f.severity)} <a href="#${findingAnchor(f)}">${e(f.title)}</a> <span class="note">(${e(fmtNumber(f.evidence.length))} evidence rows)</span></li>`).join('')}</ul>`
    : '';
  return `<section id="${anchor}">${title}\n${figures}\n${renderMetrics(id, s, built)}\n${tables}\n${method}\n${evidence}</section>`;
}

function renderChanges(c: Changes): string {
  const list = (xs: Changes['findings']['new']) =>
    xs.length === 0 ? '<p class="note">None.</p>' : `<ul>${xs.map((f) => `<li>${severityBadge(f.severity)} ${e(f.title)} <span class="note"><code>${e(f.id)}</code></span></li>`).join('')}</ul>`;
  const sections = c.sections.length === 0 ? '' : `<h3>Sections whose status changed</h3><ul>${c.sections.map((s) => `<li><code>${e(s.id)}</code>: ${e(s.before ?? 'absent')} → ${e(s.after ?? 'absent')}</li>`).join('')}</ul>`;
  const metricRows = c.metrics
    .map((m) => `<tr><td><code>${e(m.section)}</code></td><td><code>${e(m.metric)}</code></td><td class="num">${m.before === null ? '<span class="null">—</span>' : fmtMetric(m.before)}</td>` +
      `<td class="num">${m.after === null ? '<span class="null">—</span>' : fmtMetric(m.after)}</td><td class="num">${e(m.difference === null ? '—' : fmtPoints(m.difference, typeof m.after === 'number' ? 'value' : 'share'))}</td></tr>`)
    .join('\n');
  const metrics = c.metrics.length === 0 ? '<p class="note">No metric changed.</p>'
    : `<div class="table-wrap"><table><thead><tr><th scope="col">Section</th><th scope="col">Metric</th><th class="num" scope="col">Before</th><th class="num" scope="col">Now</th><th class="num" scope="col">Change</th></tr></thead><tbody>\n${metricRows}\n</tbody></table></div>`;
  return `<section id="changes"><h2>Changes since the previous report</h2>
<p>Previous report generated ${fmtInstant(c.previous.generated_at)} by dhai ${e(c.previous.dhai_version)}, covering ${fmtInstant(c.previous.window.from)} to ${fmtInstant(c.previous.window.to)}. ${e(fmtNumber(c.findings.unchanged))} findings are in both.</p>
<h3>New findings (${e(fmtNumber(c.findings.new.length))})</h3>${list(c.findings.new)}
<h3>Resolved findings (${e(fmtNumber(c.findings.resolved.length))})</h3>${list(c.findings.resolved)}
${sections}
<h3>Metrics that changed (${e(fmtNumber(c.metrics.length))})</h3>${metrics}
</section>`;
}

export function renderHtml(built: BuiltReport, opts: HtmlOptions = {}): string {
  const tableRows = opts.tableRows ?? 50;
  const evidenceRows = opts.evidenceRows ?? 20;
  const j = built.json;
  let figures = 0;
  const nextFigure = () => ++figures;
  const title = `dhai report${opts.siteName ? ` — ${opts.siteName}` : ''}`;
  const toc = [
    `<li><a href="#findings">Findings (${e(fmtNumber(j.findings.length))})</a></li>`,
    ...built.order.map((id) => `<li><a href="#${anchorId('section', id)}">${e(j.sections[id]?.title ?? id)}</a>${j.sections[id]?.status === 'ok' ? '' : ' <span class="note">(not available)</span>'}</li>`),
    ...(opts.changes ? ['<li><a href="#changes">Changes since the previous report</a></li>'] : []),
    '<li><a href="#provenance">Provenance</a></li>',
  ];
  const sections = built.order.length > 0
    ? built.order.map((id) => renderSection(id, built, tableRows, nextFigure)).join('\n')
    : '<section><h2>Analyses</h2><p>No analysis is registered in this build of dhai.</p></section>';
  return renderPage({
    title,
    version: j.dhai_version,
    subtitle: `Security posture from passive Zeek logs · ${fmtInstant(j.window.from)} to ${fmtInstant(j.window.to)} · generated ${fmtInstant(j.generated_at)} by dhai ${e(j.dhai_version)}`,
    toc,
    body: [renderFindings(built, evidenceRows), sections, opts.changes ? renderChanges(opts.changes) : '', renderProvenance(built)].join('\n'),
    footer: `Made by dhai ${j.dhai_version} from passive logs only (no packet payloads). Machine-readable: report.json, findings.jsonl and one CSV per table beside this file.`,
  });
}
