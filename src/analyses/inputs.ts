// The rows an analysis reads: the report's time window applied, and a connection that two sensors both saw
// (same Zeek uid) counted once. Deduplication costs a hash over every uid, so it is done only when the store
// really holds more than one sensor's logs of that type.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from '../store/sql.ts';

export interface Window {
  from?: Date;
  to?: Date;
}

/** Sensors that contributed rows of a log type, from the manifest (cheap: no scan of the logs). */
export async function sensorsOf(conn: DuckDBConnection, logType: string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(DISTINCT sensor) FROM ingest_file WHERE log_type = $1 AND rows_stored > 0`, [logType]);
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/** Rows of a log type stored at all (from the manifest). */
export async function rowsOf(conn: DuckDBConnection, logType: string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT coalesce(sum(rows_stored), 0) FROM ingest_file WHERE log_type = $1`, [logType]);
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/** The window as a WHERE condition on a timestamp column ('true' when unbounded). */
export function windowWhere(w: Window, column = 'ts'): string {
  const parts: string[] = ['true'];
  // ISO text of validated Date objects: safe to inline (DuckDB cannot bind inside a view body)
  if (w.from) parts.push(`${column} >= ${literal(w.from.toISOString())}::TIMESTAMP`);
  if (w.to) parts.push(`${column} < ${literal(w.to.toISOString())}::TIMESTAMP`);
  return parts.join(' AND ');
}

export interface DedupOptions {
  /** extra condition on the rows, e.g. a port filter */
  where?: string;
  /**
   * How to pick the copy of a uid that two sensors both logged: an ORDER BY over the table's columns, best
   * first (default: the earliest ingested file).
   */
  prefer?: string;
  /**
   * Keep every row of a uid from one sensor (the first ingested), not one row per uid: for logs where a uid
   * is not a row key (dns.log: one UDP flow carries many requests).
   */
  perSensor?: boolean;
}

/**
 * A SQL relation (for FROM) over a log table: windowed, and deduplicated by uid when several sensors
 * contributed. Rows without a uid are all kept.
 */
export async function logRows(conn: DuckDBConnection, logType: string, w: Window, o: DedupOptions = {}): Promise<string> {
  const where = `WHERE ${windowWhere(w)}${o.where ? ` AND (${o.where})` : ''}`;
  const base = `(SELECT * FROM ${ident(logType)} ${where})`;
  if ((await sensorsOf(conn, logType)) <= 1) return base;
  const keep = o.perSensor
    ? `dhai_sensor = arg_min(dhai_sensor, dhai_file_id) OVER (PARTITION BY uid)`
    : `row_number() OVER (PARTITION BY uid ORDER BY ${o.prefer ?? 'dhai_file_id'}) = 1`;
  return `(SELECT * FROM ${ident(logType)} ${where} QUALIFY uid IS NULL OR ${keep})`;
}
