// The provenance block: which dhai, which inputs (files, rows, a digest of the input set), which feeds with
// their dates and hashes, which site file and baseline, and the time window, so a reader can reproduce it.
import { escapeHtml as e } from './escape.ts';
import { fmtInstant, fmtNumber } from './html-parts.ts';
import type { BuiltReport } from './model.ts';

export function renderProvenance(built: BuiltReport): string {
  const j = built.json;
  const w = j.window;
  const bound = (v: string | null, requested: string | null, fallback: string) => `${fmtInstant(v)} <span class="note">(${requested ? 'requested' : e(fallback)})</span>`;
  const rows = Object.entries(j.inputs.rows)
    .map(([t, n]) => `<tr><td><code>${e(t)}</code></td><td class="num">${e(fmtNumber(n))}</td></tr>`)
    .join('');
  const feeds = j.inputs.feeds.length === 0
    ? '<p class="note">No feed loaded (sections that need a top list or blocklist say so).</p>'
    : `<div class="table-wrap"><table><thead><tr><th scope="col">Feed</th><th scope="col">Kind</th><th scope="col">Date</th><th class="num" scope="col">Entries</th><th scope="col">SHA-256</th></tr></thead><tbody>${j.inputs.feeds
      .map((f) => `<tr><td>${e(f.name)}</td><td>${e(f.kind)}</td><td>${fmtInstant(f.date)} <span class="note">(${e(f.date_source === 'fetched' ? 'when fetched' : `from the ${f.date_source}`)})</span></td><td class="num">${e(fmtNumber(f.entries))}</td><td class="mono">${e(f.sha256)}</td></tr>`)
      .join('')}</tbody></table></div>`;
  const baseline = j.baseline
    ? `${e(j.baseline.name)}<br><span class="note">${e(j.baseline.source)}</span><br><span class="mono">${e(j.baseline.sha256)}</span>`
    : 'none';
  const unmatched = built.unmatchedBaseline.length === 0 ? ''
    : `<p class="note">Baseline figures no section reported (a section not available, or a metric name this dhai does not produce): ${built.unmatchedBaseline.map((u) => `<code>${e(u.section)}/${e(u.metric)}</code>`).join(', ')}.</p>`;
  return `<section id="provenance"><h2>Provenance</h2>
<dl class="prov">
<dt>dhai version</dt><dd>${e(j.dhai_version)}</dd>
<dt>Generated</dt><dd>${fmtInstant(j.generated_at)}</dd>
<dt>Window from</dt><dd>${bound(w.from, w.requested.from, 'first record')}</dd>
<dt>Window to (exclusive)</dt><dd>${bound(w.to, w.requested.to, 'just after the last record')}</dd>
<dt>Input files</dt><dd>${e(fmtNumber(j.inputs.files))}</dd>
<dt>Rows rejected at ingest</dt><dd>${e(fmtNumber(j.inputs.rows_rejected))}</dd>
<dt>Input set digest</dt><dd class="mono">${e(j.inputs.files_sha256 ?? 'none (nothing ingested)')}</dd>
<dt>Site file SHA-256</dt><dd class="mono">${e(j.inputs.site_sha256 ?? 'no site file (defaults: Zeek’s local_orig/local_resp decide what is inside)')}</dd>
<dt>Baseline</dt><dd>${baseline}</dd>
</dl>
${rows ? `<h3>Rows stored per log type</h3><table><thead><tr><th scope="col">Log</th><th class="num" scope="col">Rows</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="note">The store holds no log rows.</p>'}
<h3>Feeds</h3>${feeds}
${unmatched}
<p class="note">The input set digest is the SHA-256 of the sorted SHA-256 of every ingested file, so two reports over the same logs share it whatever the paths.</p>
</section>`;
}
