// Building blocks of the report page: numbers, cells, tables and badges. Every value from data is passed
// through escapeHtml here; callers concatenate only these results and fixed markup.
import type { Finding, Metric, Row } from '../analyses/types.ts';
import { escapeHtml as e } from './escape.ts';
import { columnsOf } from './csv.ts';

/** Longest text shown in a cell; the full value is in report.json and the CSV. */
export const CELL_CHARS = 300;

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

export function fmtNumber(n: number): string {
  return Number.isInteger(n) ? int.format(n) : dec.format(n);
}

/** A share 0..1 as a percentage with two decimals (the paper's precision). */
export function fmtShare(s: number | null): string {
  return s === null ? 'n/a' : `${(s * 100).toFixed(2)} %`;
}

export function fmtPoints(d: number | null, kind: 'share' | 'value'): string {
  if (d === null) return '—';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  return kind === 'share' ? `${sign}${Math.abs(d * 100).toFixed(2)} pts` : `${sign}${fmtNumber(Math.abs(d))}`;
}

export function fmtMetric(m: Metric): string {
  return typeof m === 'number' ? e(fmtNumber(m)) : `${e(fmtShare(m.share))} <span class="note">(${e(fmtNumber(m.count))})</span>`;
}

export function fmtInstant(iso: string | null): string {
  return iso === null ? '—' : e(iso.replace('T', ' ').replace(/\.000Z$/, 'Z'));
}

function clip(s: string): string {
  return s.length > CELL_CHARS ? `${e(s.slice(0, CELL_CHARS))}<span class="note">… (${e(fmtNumber(s.length))} characters)</span>` : e(s);
}

export function cell(v: Row[string] | undefined): { html: string; numeric: boolean } {
  if (v === null || v === undefined) return { html: '<span class="null">—</span>', numeric: false };
  if (typeof v === 'number') return { html: e(fmtNumber(v)), numeric: true };
  if (typeof v === 'boolean') return { html: v ? 'yes' : 'no', numeric: false };
  if (Array.isArray(v)) return { html: v.length === 0 ? '<span class="null">(none)</span>' : clip(v.map(String).join(', ')), numeric: false };
  return { html: clip(v), numeric: false };
}

/** A table of rows, at most `limit` of them, with a note saying where the rest is. */
export function rowsTable(rows: readonly Row[], limit: number, restAt: string): string {
  if (rows.length === 0) return '<p class="note">No rows.</p>';
  const cols = columnsOf(rows);
  const shown = rows.slice(0, limit);
  const numeric = cols.map((c) => shown.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  const head = cols.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''} scope="col">${e(c)}</th>`).join('');
  const body = shown
    .map((r) => `<tr>${cols.map((c) => {
      const x = cell(r[c]);
      return `<td${x.numeric ? ' class="num"' : ''}>${x.html}</td>`;
    }).join('')}</tr>`)
    .join('\n');
  const more = rows.length > limit ? `<p class="note">First ${e(fmtNumber(limit))} of ${e(fmtNumber(rows.length))} rows; all rows in ${restAt}.</p>` : '';
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}`;
}

export function severityBadge(s: Finding['severity']): string {
  return `<span class="sev sev-${e(s)}">${e(s)}</span>`;
}

export function dreadTable(d: Finding['dread']): string {
  const parts: [string, number][] = [
    ['Damage', d.damage],
    ['Reproducibility', d.reproducibility],
    ['Exploitability', d.exploitability],
    ['Affected users', d.affected_users],
    ['Discoverability', d.discoverability],
  ];
  return `<table class="dread"><thead><tr>${parts.map(([k]) => `<th class="num" scope="col">${e(k)}</th>`).join('')}<th class="num" scope="col">DREAD score</th></tr></thead>` +
    `<tbody><tr>${parts.map(([, v]) => `<td class="num">${e(fmtNumber(v))}</td>`).join('')}<td class="num"><strong>${e(d.score.toFixed(1))}</strong></td></tr></tbody></table>`;
}
