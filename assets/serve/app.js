// dhai serve, in the browser: reads the filter from the address bar, asks the server for the report of that
// filter and draws it. Text from the data is only ever set with textContent; the figures are SVG the server
// rendered and checked against a whitelist, imported through an XML parser.
'use strict';

const params = new URLSearchParams(location.search);
const FILTER_KEYS = ['from', 'to', 'class', 'device'];

function filterQuery(extra) {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (params.get(k)) q.set(k, params.get(k));
  for (const [k, v] of Object.entries(extra || {})) q.set(k, String(v));
  return q.toString();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function getJSON(url) {
  const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || `${r.status} ${r.statusText}`);
  return body;
}

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
function metricText(m) {
  if (typeof m === 'number') return fmt.format(m);
  return `${m.share === null ? 'n/a' : `${(m.share * 100).toFixed(2)} %`} (${fmt.format(m.count)})`;
}

function cellText(v) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number') return fmt.format(v);
  return String(v);
}

function rowsTable(rows) {
  const cols = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const head = el('tr', null, ...cols.map((c) => el('th', { scope: 'col' }, c)));
  const body = rows.map((r) => el('tr', null, ...cols.map((c) => el('td', typeof r[c] === 'number' ? { class: 'num' } : null, cellText(r[c])))));
  return el('table', null, el('thead', null, head), el('tbody', null, ...body));
}

function badge(sev) {
  return el('span', { class: `sev sev-${sev}` }, sev);
}

function importSvg(markup) {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.querySelector('parsererror')) return el('p', { class: 'na' }, 'This figure could not be read.');
  return document.importNode(svg, true);
}

async function drill(section, chart, series, index, panel) {
  panel.replaceChildren(el('p', { class: 'loading' }, 'Finding the rows…'));
  try {
    const d = await getJSON(`/api/drill?${filterQuery({ section, chart, series, index })}`);
    const parts = [el('h3', null, 'Rows behind: ', d.labels.join(' · ') || d.series || '(this mark)')];
    if (d.groups.length === 0) parts.push(el('p', { class: 'hint' }, 'No table or evidence row of this section names it.'));
    for (const g of d.groups) {
      parts.push(el('p', null, el('strong', null, g.title), ` — ${g.source}, ${g.total} row${g.total === 1 ? '' : 's'}${g.total > g.rows.length ? `, first ${g.rows.length} shown` : ''}`));
      parts.push(rowsTable(g.rows));
    }
    for (const a of d.addresses) {
      const target = el('div');
      parts.push(el('p', null, el('button', { type: 'button', 'data-address': a, onclick: () => rawRows(a, target) }, `Log rows of ${a}`)), target);
    }
    panel.replaceChildren(...parts);
  } catch (e) {
    panel.replaceChildren(el('p', { class: 'status problem' }, `Could not drill down: ${e.message}`));
  }
}

async function rawRows(address, target) {
  target.replaceChildren(el('p', { class: 'loading' }, 'Reading the logs…'));
  try {
    const parts = [];
    for (const table of ['conn', 'ssl', 'dns']) {
      const r = await getJSON(`/api/rows?${filterQuery({ table, address })}`);
      parts.push(el('h3', null, `${table}.log`, el('span', { class: 'hint' }, ` (${r.rows.length}${r.more ? '+' : ''} rows)`)));
      if (r.rows.length > 0) parts.push(rowsTable(r.rows));
    }
    target.replaceChildren(...parts);
  } catch (e) {
    target.replaceChildren(el('p', { class: 'status problem' }, `Could not read the rows: ${e.message}`));
  }
}

function renderSection(id, s, charts, findings) {
  const sec = el('section', { id: `section-${id}`, 'data-section': id }, el('h2', null, s.title, ' ', el('code', { class: 'hint' }, id)));
  if (s.status !== 'ok') {
    sec.append(el('div', { class: 'na' }, el('p', null, el('strong', null, 'Not available: '), `needs ${s.needs.join('; ')}`), s.error ? el('p', { class: 'status problem' }, s.error) : null));
    return sec;
  }
  for (const c of charts || []) {
    const panel = el('div', { class: 'drill-panel' });
    const holder = el('div', { class: 'chart' }, c.svg ? importSvg(c.svg) : el('p', { class: 'na' }, `This figure could not be shown: ${c.problem}`));
    holder.addEventListener('click', (ev) => {
      const mark = ev.target.closest('[ecmeta_ssr_type="chart"]');
      if (!mark) return;
      panel.className = 'drill';
      void drill(id, c.id, mark.getAttribute('ecmeta_series_index'), mark.getAttribute('ecmeta_data_index'), panel);
    });
    sec.append(el('figure', { 'data-chart': c.id }, holder, el('figcaption', null, c.title)), panel);
  }
  const names = Object.keys(s.metrics);
  if (names.length > 0) {
    sec.append(el('h3', null, 'Metrics'), el('table', null, el('tbody', null, ...names.map((n) => el('tr', null, el('td', null, el('code', null, n)), el('td', { class: 'num' }, metricText(s.metrics[n])))))));
  }
  const own = findings.filter((f) => f.section === id);
  if (own.length > 0) sec.append(el('h3', null, 'Findings'), el('ul', null, ...own.map((f) => el('li', null, badge(f.severity), ' ', f.title))));
  return sec;
}

function render(data) {
  const j = data.report;
  const main = document.getElementById('main');
  const parts = [el('h2', null, `Findings (${j.findings.length})`)];
  if (j.findings.length === 0) parts.push(el('p', null, 'No findings for this filter.'));
  else parts.push(el('table', { id: 'findings' }, el('tbody', null, ...j.findings.map((f) => el('tr', null, el('td', null, badge(f.severity)), el('td', { class: 'num' }, f.dread.score.toFixed(1)), el('td', null, f.title), el('td', null, f.section))))));
  for (const id of data.order) parts.push(renderSection(id, j.sections[id], data.charts[id], j.findings));
  if (data.order.length === 0) parts.push(el('p', null, 'No analysis is registered in this build of dhai.'));
  main.replaceChildren(...parts);
  const w = j.window;
  document.getElementById('status').textContent = `${w.from ? w.from.slice(0, 10) : '…'} to ${w.to ? w.to.slice(0, 19).replace('T', ' ') : '…'} (exclusive) · ${data.filterText} · ${j.inputs.files} files ingested`;
}

async function start() {
  for (const k of FILTER_KEYS) {
    const input = document.getElementById(`f-${k}`);
    if (input && params.get(k)) input.value = params.get(k);
  }
  document.getElementById('clear').addEventListener('click', () => { location.search = ''; });
  try {
    const meta = await getJSON('/api/meta');
    document.getElementById('title').textContent = meta.site ? `dhai — ${meta.site}` : 'dhai';
    const sel = document.getElementById('f-class');
    for (const c of meta.classes) sel.append(el('option', { value: c }, c));
    if (params.get('class')) sel.value = params.get('class');
    document.getElementById('devices').replaceChildren(...meta.devices.map((d) => el('option', { value: d.address }, `${d.class}, ${d.connections} connections`)));
    if (meta.status.problem) document.getElementById('status').textContent = meta.status.problem;
    const data = await getJSON(`/api/report?${filterQuery()}`);
    render(data);
    if (meta.status.problem) {
      const p = el('p', { class: 'status problem' }, meta.status.problem);
      document.querySelector('header').append(p);
    }
  } catch (e) {
    document.getElementById('main').replaceChildren(el('p', { class: 'status problem' }, `Could not load the report: ${e.message}`));
  }
}

void start();
