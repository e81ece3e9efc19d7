// The shape of report.json (cli.md, "report.json"; schemas/report.schema.json validates it) and of the
// in-memory report the HTML, CSV and JSONL writers render from.
import type { AcceptedFinding, ExpiredAcceptance } from '../analyses/dread.ts';
import type { ChartSpec, Finding, Metric, Row, SectionId } from '../analyses/types.ts';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportFeed {
  name: string;
  kind: string;
  /** the feed's own generation date when known, else when it was fetched or imported (ISO 8601 UTC) */
  date: string;
  /** where `date` comes from: the content, HTTP Last-Modified, the file name, or the fetch/import time */
  date_source: 'content' | 'http' | 'file-name' | 'fetched';
  sha256: string;
  entries: number;
}

export interface ReportInputs {
  /** ingested files (a live log's appended tails are not counted again) */
  files: number;
  /** rows stored per log type */
  rows: Record<string, number>;
  rows_rejected: number;
  /** SHA-256 over the sorted SHA-256 of every ingested file: names the input set, independent of paths */
  files_sha256: string | null;
  site_sha256: string | null;
  feeds: ReportFeed[];
}

export interface ReportWindow {
  /** first instant covered (ISO 8601 UTC): the requested bound, else the first record; null for an empty store */
  from: string | null;
  /** end of the window, exclusive: the requested bound, else just after the last record */
  to: string | null;
  requested: { from: string | null; to: string | null };
}

export interface ReportSection {
  title: string;
  status: 'ok' | 'not_available';
  needs: string[];
  method: string[];
  metrics: Record<string, Metric>;
  tables: Record<string, Row[]>;
  /** why the analysis failed, when it threw or returned something invalid */
  error?: string;
}

export interface ReportBaseline {
  name: string;
  source: string;
  sha256: string;
}

export interface ReportJson {
  schema_version: typeof REPORT_SCHEMA_VERSION;
  dhai_version: string;
  generated_at: string;
  window: ReportWindow;
  inputs: ReportInputs;
  baseline: ReportBaseline | null;
  sections: Partial<Record<SectionId, ReportSection>>;
  findings: Finding[];
  /** findings the site accepts as risks until a date (kept out of the ranking), lapsed acceptances, unused rules */
  accepted_risks: AcceptedRisks;
}

export interface AcceptedRisks {
  accepted: AcceptedFinding[];
  expired: ExpiredAcceptance[];
  unused_rules: string[];
}

/** What the renderers need beyond report.json: the charts and the baseline values, in registry order. */
export interface BuiltReport {
  json: ReportJson;
  /** section ids in the order the registry lists them */
  order: SectionId[];
  charts: Partial<Record<SectionId, ChartSpec[]>>;
  baselineMetrics: Partial<Record<SectionId, Record<string, Metric>>>;
  /** baseline metrics no section reported (a name mismatch or a section that is not available) */
  unmatchedBaseline: { section: string; metric: string }[];
}
