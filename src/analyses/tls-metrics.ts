// Small helpers the TLS sections share: reading a baseline's value, counting tls_agg groups into count/share
// metrics, and the SQL buckets that name a version the way the metric names do.
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from './connections.ts';
import { MAIN_VERSIONS, TLS_AGG } from './tls-sessions.ts';
import type { Baseline, Metric, SectionId } from './types.ts';

/** A baseline's figure as a plain number (a share for count/share metrics); null when it does not publish it. */
export function baselineValue(baseline: Baseline | undefined, section: SectionId, metric: string): number | null {
  const m: Metric | undefined = baseline?.sections[section]?.[metric];
  if (m === undefined) return null;
  return typeof m === 'number' ? m : m.share;
}

/**
 * The metric-name part of a version: the six main versions lower-cased (`tlsv12`), DTLS versions (`dtlsv10`…),
 * `tlsv13_drafts`, and `version_unknown` for unknown-N, unrecognised strings and sessions without a version.
 */
export const VERSION_BUCKET_SQL = `CASE
  WHEN version IN (${MAIN_VERSIONS.map((v) => `'${v}'`).join(', ')}) THEN lower(version)
  WHEN version IN ('DTLSv10', 'DTLSv12', 'DTLSv13') THEN lower(version)
  WHEN is_draft THEN 'tlsv13_drafts'
  ELSE 'version_unknown' END`;
export const OTHER_BUCKETS = ['dtlsv10', 'dtlsv12', 'dtlsv13', 'tlsv13_drafts', 'version_unknown'] as const;

/** Session counts of tls_agg grouped by one SQL expression, under a filter. */
export async function countsBy(conn: DuckDBConnection, expr: string, where: string): Promise<Map<string, number>> {
  const rows = await readRows(conn, `SELECT ${expr} AS k, sum(n) AS n FROM ${TLS_AGG} WHERE ${where} GROUP BY 1`);
  return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
}

export function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Rounded share for chart labels (the metrics keep full precision). */
export function pct(share: number | null): number | null {
  return share === null ? null : Math.round(share * 10000) / 100;
}
