// `dhai export --share`: the report's sections computed by the same registry, then only the metrics the
// allow-list names, each checked against the hospital devices it rests on (k-anonymity), device counts turned
// into shares, and a manifest of everything left out, suppressed or converted. Tables, findings and evidence
// are never read. No hash of the site file or of the input files is included: either would identify the site
// to anyone holding its files and would link its exports together; the reader labels an export instead.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ANALYSES } from '../analyses/registry.ts';
import type { Analysis, Metric, SectionId } from '../analyses/types.ts';
import type { CertAnalysisOptions } from '../analyses/cert-options.ts';
import { snake } from '../analyses/dns-tables.ts';
import { EMPTY_SITE, type Site } from '../config/site.ts';
import { buildReport } from '../report/build.ts';
import type { ReportFeed, ReportSection } from '../report/model.ts';
import { VERSION } from '../version.ts';
import { POPULATION_WORDS, findRule, type BaseRef } from './allow-list.ts';
import { populations, type Populations } from './bases.ts';
import { loadHospitalDevices } from './devices.ts';
import { leakProblems, namesSite, publicName, siteWords, type SiteWords } from './guard.ts';
import { SHARE_FORMAT, SHARE_SCHEMA_VERSION, type LeftOut, type ShareExport, type ShareFeed, type ShareManifest, type ShareMetric, type ShareSection } from './model.ts';
import { shareProblems } from './schema.ts';

export const DEFAULT_K = 5;

export interface ShareOptions {
  conn: DuckDBConnection;
  site?: Site;
  /** from inclusive, to exclusive (UTC) */
  window?: { from?: Date; to?: Date };
  k?: number;
  now?: Date;
  certs?: CertAnalysisOptions;
  /** the analyses to run (default: the registry, as the report) */
  analyses?: readonly Analysis[];
}

export function shareMethod(k: number): string[] {
  return [
    'Figures are the metrics of the report sections (same analyses, same definitions), taken only from an allow-list per section; anything else is left out and listed in the manifest. Tables, findings and evidence are never exported.',
    `Each figure rests on a population of hospital devices (inside addresses: the site's internal networks and device-class subnets, or Zeek's local_orig/local_resp without them): the clients of the requests, the hospital ends of the sessions, or the devices a section counts itself. A figure resting on fewer than ${k} hospital devices is suppressed and listed in the manifest without its device count.`,
    'Counts of devices are not exported: a {count, share} of devices keeps its share only, and a plain device count becomes a share of its population. Counts of sessions, requests, names and certificates are kept beside their shares.',
    "Metric names built from the site's own words (device-class names outside dhai's shared vocabulary, the site's name or domains) are left out; feed names that name the site are replaced by their kind.",
    'No hash of the site file or of the ingested files is included: it would identify the site to anyone holding those files and link its exports together.',
  ];
}

function baseOf(ref: BaseRef, metrics: Record<string, Metric>, pops: Populations): number | null {
  if (ref === null) return null;
  if ('population' in ref) return pops.get(ref.population) ?? 0;
  const m = metrics[ref.metric];
  return typeof m === 'number' ? m : -1;
}

interface SectionOut {
  section: ShareSection;
  manifest: Pick<ShareManifest, 'suppressed' | 'left_out' | 'converted'>;
}

function leaveOut(list: LeftOut[], section: SectionId, metric: string, reason: LeftOut['reason']): void {
  const hit = list.find((l) => l.section === section && l.metric === metric && l.reason === reason);
  if (hit) hit.count++;
  else list.push({ section, metric, reason, count: 1 });
}

function isMetric(v: unknown): v is Metric {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return false;
  const m = v as { count?: unknown; share?: unknown };
  return typeof m.count === 'number' && Number.isInteger(m.count) && m.count >= 0 && (m.share === null || (typeof m.share === 'number' && m.share >= 0 && m.share <= 1));
}

/** One section's allowed figures (exported for the tests: the rules without a store). */
export function shareSection(id: SectionId, s: ReportSection, pops: Populations, k: number, words: SiteWords): SectionOut {
  const out: SectionOut = { section: { status: 'ok', metrics: {} }, manifest: { suppressed: [], left_out: [], converted: [] } };
  const { suppressed, left_out, converted } = out.manifest;
  for (const [name, value] of Object.entries(s.metrics)) {
    const found = findRule(id, name);
    const at = found?.rule.dynamic !== undefined ? found.match.indices?.[found.rule.dynamic] : undefined;
    if (at && namesSite(name.slice(at[0], at[1]), words)) {
      leaveOut(left_out, id, `${name.slice(0, at[0])}<site name>${name.slice(at[1])}`, 'names_the_site');
      continue;
    }
    if (!found || !isMetric(value)) {
      const shown = publicName(name, words);
      leaveOut(left_out, id, shown.name, !found ? (shown.site === 'class' ? 'site_defined_class' : 'not_on_allow_list') : 'not_a_figure');
      continue;
    }
    const { rule, match } = found;
    const ref = rule.base(match);
    const base = baseOf(ref, s.metrics, pops);
    const suppress = (reason: 'fewer_than_k_devices' | 'no_device_base' | 'count_exceeds_population', detail: string) => suppressed.push({ section: id, metric: name, reason, detail });
    if (base !== null && base < 0) {
      suppress('no_device_base', 'the section does not report the device count this figure rests on');
      continue;
    }
    if (base !== null && base < k) {
      suppress('fewer_than_k_devices', `rests on fewer than ${k} hospital device${k === 1 ? '' : 's'}`);
      continue;
    }
    let shared: ShareMetric;
    if (rule.kind === 'events' || rule.kind === 'parameter') shared = value;
    else if (rule.kind === 'devices') {
      if (typeof value === 'number') {
        leaveOut(left_out, id, name, 'not_a_figure');
        continue;
      }
      shared = { share: value.share };
    } else {
      if (typeof value !== 'number' || base === null) {
        leaveOut(left_out, id, name, 'not_a_figure');
        continue;
      }
      if (value > base) {
        suppress('count_exceeds_population', 'the section counts more devices than the population it is a share of (e.g. outside clients)');
        continue;
      }
      shared = { share: base > 0 ? value / base : null };
      converted.push({ section: id, metric: name, share_of: ref && 'population' in ref ? (POPULATION_WORDS[ref.population] ?? ref.population) : 'its population' });
    }
    out.section.metrics[name] = shared;
  }
  return out;
}

/** Feeds by name, kind and date; a name that carries the site's words is replaced by its kind. */
function shareFeeds(feeds: readonly ReportFeed[], words: SiteWords, site: Site, devices: ReadonlySet<string>): { feeds: ShareFeed[]; renamed: number } {
  let renamed = 0;
  const out = feeds.map((f) => {
    const named = namesSite(snake(f.name), words) || leakProblems(f.name, site, devices).length > 0;
    if (named) renamed++;
    return { name: named ? `${f.kind} feed` : f.name, kind: f.kind, date: f.date, date_source: f.date_source };
  });
  return { feeds: out, renamed };
}

export async function buildShareExport(opts: ShareOptions): Promise<ShareExport> {
  const k = opts.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a whole number of at least 1, not ${k}`);
  const site = opts.site ?? EMPTY_SITE;
  const window = opts.window ?? {};
  const now = opts.now ?? new Date();
  const built = await buildReport({ conn: opts.conn, site, window, now, certs: opts.certs, analyses: opts.analyses ?? ANALYSES });
  const devices = await loadHospitalDevices(opts.conn, site, window);
  const ct = built.json.sections['ct-transparency'];
  const services = ct?.status === 'ok' ? Object.keys(ct.metrics).flatMap((n) => /^service_([a-z0-9_]+)_logged$/.exec(n)?.[1] ?? []) : [];
  const pops = await populations(opts.conn, site, window, services);
  const words = siteWords(site);

  const sections: ShareExport['sections'] = {};
  const manifest: ShareManifest = { suppressed: [], left_out: [], converted: [], renamed_feeds: 0 };
  for (const id of built.order) {
    const s = built.json.sections[id];
    if (!s || s.status !== 'ok') {
      sections[id] = { status: 'not_available', metrics: {} };
      continue;
    }
    const r = shareSection(id, s, pops, k, words);
    sections[id] = r.section;
    manifest.suppressed.push(...r.manifest.suppressed);
    manifest.left_out.push(...r.manifest.left_out);
    manifest.converted.push(...r.manifest.converted);
  }
  const feeds = shareFeeds(built.json.inputs.feeds, words, site, devices.addresses);
  manifest.renamed_feeds = feeds.renamed;

  const out: ShareExport = {
    format: SHARE_FORMAT,
    schema_version: SHARE_SCHEMA_VERSION,
    dhai_version: VERSION,
    generated_at: now.toISOString(),
    window: { from: built.json.window.from, to: built.json.window.to },
    k,
    feeds: feeds.feeds,
    method: shareMethod(k),
    sections,
    manifest,
  };
  const problems = shareProblems(out);
  if (problems.length > 0) throw new Error(`the shareable export does not match its schema: ${problems.join('; ')}`);
  const leaks = leakProblems(JSON.stringify(out), site, devices.addresses);
  if (leaks.length > 0) throw new Error(`refusing to write the shareable export: it would contain ${leaks.slice(0, 3).join(', ')}`);
  return out;
}
