// Runs every registered analysis and assembles report.json (cli.md) with its provenance. One analysis that
// lacks its input, throws, or returns something outside the contract becomes "not available" with the reason;
// it never takes the rest of the report down.
import { channel } from 'node:diagnostics_channel';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ANALYSES } from '../analyses/registry.ts';
import type { Analysis, AnalysisContext, ChartSpec, Finding, Metric, SectionId, SectionResult } from '../analyses/types.ts';
import { EMPTY_SITE, type Site } from '../config/site.ts';
import { listFeeds } from '../intel/feed-store.ts';
import { manifestSummary, observedSpan, tableHasRows, type ManifestSummary } from '../store/provenance.ts';
import { CORE_SCHEMAS } from '../store/zeek-schema.ts';
import { applyAcceptedRisks } from '../analyses/dread.ts';
import type { CertAnalysisOptions } from '../analyses/cert-options.ts';
import { VERSION } from '../version.ts';
import type { LoadedBaseline } from './baseline.ts';
import { REPORT_SCHEMA_VERSION, type BuiltReport, type ReportFeed, type ReportJson, type ReportSection } from './model.ts';
import { findingProblems, reportProblems, sectionProblems } from './schema.ts';

export interface BuildOptions {
  conn: DuckDBConnection;
  site?: Site;
  /** SHA-256 of the site file's bytes, when a site file was given */
  siteSha256?: string | null;
  baseline?: LoadedBaseline;
  /** from inclusive, to exclusive (UTC); analyses filter on it */
  window?: { from?: Date; to?: Date };
  /** the analyses to run, in report order (default: the registry) */
  analyses?: readonly Analysis[];
  now?: Date;
  /** settings of the certificate analyses (e.g. --roots: a root store of the capture's era) */
  certs?: CertAnalysisOptions;
}

export interface SectionTiming {
  section: SectionId;
  /** wall time of the analysis' run() alone: its queries and its own code */
  ms: number;
  /** checking that its tables hold rows, and its result against the report contract */
  checkMs: number;
}

export interface BuildTimings {
  sections: SectionTiming[];
  /** manifest, feeds and observed span read before the analyses */
  setupMs: number;
  /** accepted risks, ranking, baseline matching and report.json against its schema */
  finishMs: number;
  totalMs: number;
}

export interface BuildResult extends BuiltReport {
  /** per analysis, for the benchmark's "time outside the analyses" */
  timings: SectionTiming[];
}

/**
 * Every build's timings, published for a subscriber (bench/report.ts times `dhai report` through the CLI's own
 * code path this way); nothing is built or kept when nobody subscribes.
 */
const buildTimingsChannel = channel('dhai:report:build-timings');

const LOG_TABLES = ['conn', 'dns', 'ssl', 'x509', 'files'];
const SEVERITY_RANK: Record<Finding['severity'], number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const CHART_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What a missing table means to a reader: a log to ingest, or feeds to import. */
export function needOf(table: string): string {
  if (table in CORE_SCHEMAS || LOG_TABLES.includes(table)) return `${table}.log`;
  if (table.startsWith('feed_')) return 'feed snapshots (dhai feeds import or dhai feeds update)';
  return table;
}

function iso(d: Date | undefined | null): string | null {
  return d ? d.toISOString() : null;
}

/** Values DuckDB hands back (BIGINT as bigint, timestamps as Date) made JSON-safe before validation. */
function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
      if (typeof v === 'number' && !Number.isFinite(v)) return { invalid_number: String(v) };
      return v;
    }),
  );
}

function failed(analysis: Analysis, error: string, method: string[] = []): { section: ReportSection; findings: Finding[]; charts: ChartSpec[] } {
  return {
    section: { title: analysis.title, status: 'not_available', needs: ['the analysis to finish without error (see the error below)'], method, metrics: {}, tables: {}, error },
    findings: [],
    charts: [],
  };
}

function chartProblems(charts: unknown): string[] {
  if (!Array.isArray(charts)) return ['charts is not a list'];
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, c] of charts.entries()) {
    const chart = c as Partial<ChartSpec> | null;
    if (!chart || typeof chart.id !== 'string' || !CHART_ID.test(chart.id)) problems.push(`/charts/${i}/id must match ${CHART_ID.source}`);
    else if (ids.has(chart.id)) problems.push(`/charts/${i}/id ${chart.id} is used twice`);
    else ids.add(chart.id);
    if (!chart || typeof chart.title !== 'string' || chart.title.length === 0) problems.push(`/charts/${i}/title must be a non-empty string`);
    if (!chart || typeof chart.option !== 'object' || chart.option === null || Array.isArray(chart.option)) problems.push(`/charts/${i}/option must be an object`);
  }
  return problems;
}

/** Check one analysis' result against the contract; anything invalid makes the section "not available". */
function accept(analysis: Analysis, raw: SectionResult): { section: ReportSection; findings: Finding[]; charts: ChartSpec[] } {
  const safe = toJsonSafe({ ...raw, charts: undefined }) as SectionResult;
  const section: ReportSection = {
    title: analysis.title,
    status: safe.status,
    needs: safe.needs,
    method: safe.method,
    metrics: safe.metrics,
    tables: safe.tables,
  };
  const problems = sectionProblems(section);
  const findings = Array.isArray(safe.findings) ? safe.findings : [];
  if (!Array.isArray(safe.findings)) problems.push('/findings is not a list');
  for (const [i, f] of findings.entries()) {
    for (const p of findingProblems(f)) problems.push(`/findings/${i}${p.startsWith('/') ? p : ` ${p}`}`);
    if (f.section !== analysis.id) problems.push(`/findings/${i}/section is ${String(f.section)}, not ${analysis.id}`);
  }
  problems.push(...chartProblems(raw.charts));
  if (problems.length > 0) {
    const method = Array.isArray(section.method) && section.method.every((m) => typeof m === 'string' && m.length > 0) ? section.method : [];
    return failed(analysis, `the analysis returned a result outside the report contract: ${problems.slice(0, 5).join('; ')}`, method);
  }
  return { section, findings, charts: raw.status === 'ok' ? raw.charts : [] };
}

/**
 * Whether a table the analysis needs holds anything. A log type is judged by the manifest (rows stored), so a
 * filter that leaves a log empty (the web UI's device filter, a window) does not turn into "needs dns.log";
 * other tables (feeds), and a store without a manifest, by their rows.
 */
async function present(conn: DuckDBConnection, table: string, manifest: ManifestSummary): Promise<boolean> {
  const isLog = table in CORE_SCHEMAS || table in manifest.rows;
  if (isLog && manifest.files > 0) return (manifest.rows[table] ?? 0) > 0;
  return tableHasRows(conn, table);
}

interface Ran {
  section: ReportSection;
  findings: Finding[];
  charts: ChartSpec[];
  /** wall time of run() */
  runMs: number;
}

async function runOne(analysis: Analysis, ctx: AnalysisContext, manifest: ManifestSummary): Promise<Ran> {
  const missing: string[] = [];
  for (const t of analysis.tables) if (!(await present(ctx.conn, t, manifest))) missing.push(needOf(t));
  if (missing.length > 0) {
    return { section: { title: analysis.title, status: 'not_available', needs: [...new Set(missing)], method: [], metrics: {}, tables: {} }, findings: [], charts: [], runMs: 0 };
  }
  let raw: SectionResult;
  const started = performance.now();
  try {
    raw = await analysis.run(ctx);
  } catch (e) {
    return { ...failed(analysis, `the analysis failed: ${(e as Error)?.message ?? String(e)}`), runMs: performance.now() - started };
  }
  const runMs = performance.now() - started;
  return { ...accept(analysis, raw), runMs };
}

/** Findings ranked: DREAD score first, then severity, then report order and id (stable between runs). */
export function rankFindings(findings: Finding[], order: readonly SectionId[]): Finding[] {
  const pos = new Map(order.map((id, i) => [id, i]));
  return [...findings].sort(
    (a, b) =>
      b.dread.score - a.dread.score ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (pos.get(a.section) ?? 99) - (pos.get(b.section) ?? 99) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

async function feedsOf(conn: DuckDBConnection): Promise<ReportFeed[]> {
  const feeds = await listFeeds(conn);
  return feeds
    .filter((f) => f.latest)
    .map((f) => ({
      name: f.name,
      kind: f.kind,
      date: new Date(f.feedDate ?? f.fetchedAt).toISOString(),
      date_source: f.feedDate ? (f.feedDateFrom ?? 'content') : 'fetched',
      sha256: f.sha256,
      entries: f.entries,
    }));
}

export async function buildReport(opts: BuildOptions): Promise<BuildResult> {
  const analyses = opts.analyses ?? ANALYSES;
  const ids = new Set<string>();
  for (const a of analyses) {
    if (ids.has(a.id)) throw new Error(`two analyses are registered as ${a.id}`);
    ids.add(a.id);
  }
  const t0 = performance.now();
  const requested = opts.window ?? {};
  if (requested.from && requested.to && requested.from >= requested.to) throw new Error('the window is empty: --from must be before --to');
  const [manifest, feeds] = await Promise.all([manifestSummary(opts.conn), feedsOf(opts.conn)]);
  const span = requested.from && requested.to ? null : await observedSpan(opts.conn, LOG_TABLES);
  const ctx: AnalysisContext = { conn: opts.conn, site: opts.site ?? EMPTY_SITE, window: { ...requested }, baseline: opts.baseline?.baseline, certs: opts.certs };

  const sections: ReportJson['sections'] = {};
  const charts: BuiltReport['charts'] = {};
  const findings: Finding[] = [];
  const timings: SectionTiming[] = [];
  const setupMs = performance.now() - t0;
  for (const analysis of analyses) {
    const started = performance.now();
    const r = await runOne(analysis, ctx, manifest);
    timings.push({ section: analysis.id, ms: r.runMs, checkMs: performance.now() - started - r.runMs });
    sections[analysis.id] = r.section;
    charts[analysis.id] = r.charts;
    findings.push(...r.findings);
  }
  const order = analyses.map((a) => a.id);
  const t1 = performance.now();
  // accepted risks stay out of the ranking until they expire, and are listed apart
  const risks = applyAcceptedRisks(findings, ctx.site, opts.now ?? new Date());

  const baselineMetrics: BuiltReport['baselineMetrics'] = {};
  const unmatchedBaseline: BuiltReport['unmatchedBaseline'] = [];
  for (const [id, metrics] of Object.entries(opts.baseline?.baseline.sections ?? {}) as [SectionId, Record<string, Metric>][]) {
    const have = sections[id]?.status === 'ok' ? sections[id].metrics : {};
    baselineMetrics[id] = metrics;
    for (const m of Object.keys(metrics)) if (!(m in have)) unmatchedBaseline.push({ section: id, metric: m });
  }

  const json: ReportJson = {
    schema_version: REPORT_SCHEMA_VERSION,
    dhai_version: VERSION,
    generated_at: (opts.now ?? new Date()).toISOString(),
    window: {
      from: iso(requested.from ?? span?.from),
      to: iso(requested.to ?? span?.to),
      requested: { from: iso(requested.from), to: iso(requested.to) },
    },
    inputs: {
      files: manifest.files,
      rows: manifest.rows,
      rows_rejected: manifest.rowsRejected,
      files_sha256: manifest.filesSha256,
      site_sha256: opts.siteSha256 ?? null,
      feeds,
    },
    baseline: opts.baseline ? { name: opts.baseline.baseline.name, source: opts.baseline.baseline.source, sha256: opts.baseline.sha256 } : null,
    sections,
    findings: rankFindings(risks.active, order),
    accepted_risks: { accepted: risks.accepted, expired: risks.expired, unused_rules: risks.unused },
  };
  const problems = reportProblems(json);
  if (problems.length > 0) throw new Error(`report.json does not match its schema: ${problems.join('; ')}`);
  if (buildTimingsChannel.hasSubscribers) {
    const end = performance.now();
    buildTimingsChannel.publish({ sections: timings, setupMs, finishMs: end - t1, totalMs: end - t0 } satisfies BuildTimings);
  }
  return { json, order, charts, baselineMetrics, unmatchedBaseline, timings };
}
