// Analysis A's metrics (named as the simulator's ground truth names them, so the two compare key by key) and
// its summary tables. A category whose feed is missing (no top list: whitelisted) has no metric at all rather
// than a zero that would read as a measurement.
import type { DnsFeeds } from './dns-feeds.ts';
import { CATEGORIES, type Category } from './dns-pairs.ts';
import type { PerCategory, Slice, Totals } from './dns-results.ts';
import { countShare, type Metric, type Row } from './types.ts';

/** Names as metric-name parts: `medical-supporting` → `medical_supporting`, `ZeuS` → `zeus`. */
export function snake(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export const SELF_RULES = [
  { rule: 'a', metric: 'self_associated_rule_a_site_domain', meaning: 'the registrable domain is one of the site\'s domains' },
  { rule: 'b', metric: 'self_associated_rule_b_internal_answer', meaning: 'an answer lies in the internal networks' },
  { rule: 'c', metric: 'self_associated_rule_c_internal_name', meaning: 'an internal-only name (single label, .local/.lan/.internal/.corp, reverse zone of an internal prefix)' },
  { rule: 'd', metric: 'self_associated_rule_d_hospital_certificate', meaning: 'the name appears in a certificate a hospital server presented' },
] as const;

const sum = (pc: PerCategory) => CATEGORIES.reduce((s, c) => s + pc[c], 0);

export interface MetricInput {
  total: number;
  t: Totals;
  byClass: Map<string, Slice>;
  byDay: Map<string, Slice>;
  /** the site's device classes, reported even with no requests */
  classes: string[];
  cats: Category[];
  feeds: DnsFeeds;
  have: { top: boolean; botnet: boolean; blocklist: boolean };
}

/** `<k>_requests`, `<k>_<category>`, `<k>_names_total`, `<k>_<category>_names` of one slice. */
function sliceMetrics(m: Record<string, Metric>, k: string, s: Slice, cats: Category[]): void {
  const n = sum(s.requests);
  m[`${k}_requests`] = n;
  for (const c of cats) m[`${k}_${c}`] = countShare(s.requests[c], n);
  const names = sum(s.names);
  m[`${k}_names_total`] = names;
  for (const c of cats) m[`${k}_${c}_names`] = countShare(s.names[c], names);
}

export function buildMetrics(x: MetricInput): Record<string, Metric> {
  const m: Record<string, Metric> = { requests_total: x.total };
  for (const c of x.cats) m[`requests_${c}`] = countShare(x.t.requests[c], x.total);
  const self = x.t.requests.self_associated;
  for (const r of SELF_RULES) m[r.metric] = countShare(x.t.rules[r.rule] ?? 0, self);
  const names = sum(x.t.names);
  m.names_total = names;
  for (const c of x.cats) m[`names_${c}`] = countShare(x.t.names[c], names);
  if (x.have.botnet) {
    m.botnet_clients = x.t.clients.botnet;
    const byFamily = new Map<string, number>();
    for (const f of x.feeds.families) byFamily.set(snake(f) || 'unknown', 0);
    for (const [f, n] of x.t.families) {
      const k = (f === null ? '' : snake(f)) || 'unknown';
      byFamily.set(k, (byFamily.get(k) ?? 0) + n);
    }
    for (const [k, n] of [...byFamily].sort()) m[`botnet_family_${k}`] = countShare(n, x.t.requests.botnet);
  }
  if (x.have.blocklist) m.blacklisted_clients = x.t.clients.blacklisted;
  const order = [...x.classes, ...[...x.byClass.keys()].filter((c) => !x.classes.includes(c)).sort()];
  for (const cls of order) sliceMetrics(m, `class_${snake(cls)}`, x.byClass.get(cls)!, x.cats);
  for (const day of [...x.byDay.keys()].sort()) sliceMetrics(m, `day_${day.replace(/-/g, '_')}`, x.byDay.get(day)!, x.cats);
  if (x.have.top) m.whitelist_top_n = x.feeds.topN;
  return m;
}

export function categoryTable(t: Totals, cats: Category[]): Row[] {
  const req = sum(t.requests);
  const names = sum(t.names);
  return cats.map((c) => ({
    category: c,
    requests: t.requests[c],
    requests_share: req > 0 ? t.requests[c] / req : null,
    names: t.names[c],
    names_share: names > 0 ? t.names[c] / names : null,
  }));
}

export function ruleTable(t: Totals): Row[] {
  const self = t.requests.self_associated;
  return SELF_RULES.map((r) => ({
    rule: r.rule,
    meaning: r.meaning,
    requests: t.rules[r.rule] ?? 0,
    share_of_self_associated: self > 0 ? (t.rules[r.rule] ?? 0) / self : null,
  }));
}

/** One row per slice: requests and distinct names, per category with their shares. */
function sliceRow(row: Row, s: Slice, cats: Category[]): Row {
  const n = sum(s.requests);
  row.requests = n;
  for (const c of cats) {
    row[c] = s.requests[c];
    row[`${c}_share`] = n > 0 ? s.requests[c] / n : null;
  }
  const names = sum(s.names);
  row.names = names;
  for (const c of cats) {
    row[`${c}_names`] = s.names[c];
    row[`${c}_names_share`] = names > 0 ? s.names[c] / names : null;
  }
  return row;
}

export function classTable(byClass: Map<string, Slice>, cats: Category[]): Row[] {
  return [...byClass].map(([cls, s]) => sliceRow({ class: cls }, s, cats));
}

export function dayTable(byDay: Map<string, Slice>, cats: Category[]): Row[] {
  return [...byDay.keys()].sort().map((day) => sliceRow({ day }, byDay.get(day)!, cats));
}

export function feedTable(feeds: DnsFeeds): Row[] {
  const row = (f: DnsFeeds['blocklists'][number], used: string): Row => ({
    name: f.name, kind: f.kind, used_for: used, date: f.date, date_source: f.date_source, entries: f.entries, sha256: f.sha256,
  });
  return [
    ...(feeds.top ? [row(feeds.top, `whitelisted: registrable domain within the top ${feeds.topN}`)] : []),
    ...feeds.botnet.map((f) => row(f, 'botnet: the name, a parent of it, or an answer address is listed')),
    ...feeds.blocklists.map((f) => row(f, 'blacklisted: the name, a parent of it, or an answer address is listed')),
  ];
}
