// The one shape every analysis has (architecture.md, "The shape of an analysis"): an id, a title, the tables
// it needs, run() returning a JSON-serialisable result with counts beside shares and the evidence behind
// each finding, and chart specifications. The report renders any analysis the same way.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';

/** Section ids of report.json (cli.md). */
export const SECTION_IDS = [
  'dns-categories',
  'tls-versions',
  'cipher-quality',
  'obsolete-devices',
  'tls-report-cards',
  'cert-issues',
  'ct-transparency',
  'exposure',
  'supply-chain',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** A share always travels with its count (and the denominator, for the reader of the JSON). */
export interface CountShare {
  count: number;
  /** 0..1, or null when the denominator is 0 */
  share: number | null;
}
export type Metric = number | CountShare;

export type Row = Record<string, string | number | boolean | null | string[] | number[]>;

export interface DreadScore {
  damage: number;
  reproducibility: number;
  exploitability: number;
  affected_users: number;
  discoverability: number;
  /** mean of the five, 0..10 */
  score: number;
}

export interface Finding {
  /** stable id, e.g. `tls-versions/obsolete-inbound/10.20.1.5` so accepted risks can name it */
  id: string;
  section: SectionId;
  title: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  dread: DreadScore;
  evidence: Row[];
  remediation: string;
}

/** An ECharts option object; the report renders it to SVG on the server (no browser). */
export type ChartSpec = { id: string; title: string; option: Record<string, unknown> };

export interface SectionResult {
  status: 'ok' | 'not_available';
  /** what is missing when not available, e.g. ["ssl.log", "a top list (dhai feeds import …)"] */
  needs: string[];
  /** every decision the spec marks "dhai decides", in words a reader of the report understands */
  method: string[];
  metrics: Record<string, Metric>;
  tables: Record<string, Row[]>;
  findings: Finding[];
  charts: ChartSpec[];
}

export interface Baseline {
  name: string;
  source: string;
  /** section id → metric name → value; metrics the baseline does not publish are absent */
  sections: Partial<Record<SectionId, Record<string, Metric>>>;
}

export interface AnalysisContext {
  conn: DuckDBConnection;
  site: Site;
  window: { from?: Date; to?: Date };
  baseline?: Baseline;
}

export interface Analysis {
  id: SectionId;
  title: string;
  /** store tables read (for "not available: needs …") */
  tables: string[];
  run(ctx: AnalysisContext): Promise<SectionResult>;
}

export function countShare(count: number, total: number): CountShare {
  return { count, share: total > 0 ? count / total : null };
}

export function notAvailable(needs: string[], method: string[] = []): SectionResult {
  return { status: 'not_available', needs, method, metrics: {}, tables: {}, findings: [], charts: [] };
}
