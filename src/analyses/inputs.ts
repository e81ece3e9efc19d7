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

function windowSql(w: Window): string {
  const parts: string[] = [];
  // ISO strings of validated Date objects: safe to inline (DuckDB cannot bind inside a view body)
  if (w.from) parts.push(`ts >= ${literal(w.from.toISOString())}::TIMESTAMP`);
  if (w.to) parts.push(`ts < ${literal(w.to.toISOString())}::TIMESTAMP`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/**
 * A SQL relation (for FROM) over a log table: windowed, and deduplicated by uid when several sensors
 * contributed. The row kept for a duplicated uid is the one from the earliest ingested file.
 */
export async function logRows(conn: DuckDBConnection, logType: string, w: Window, opts: { dedupBy?: string } = {}): Promise<string> {
  const where = windowSql(w);
  const key = opts.dedupBy ?? 'uid';
  const base = `(SELECT * FROM ${ident(logType)} ${where})`;
  if ((await sensorsOf(conn, logType)) <= 1) return base;
  return `(SELECT * FROM ${ident(logType)} ${where} QUALIFY row_number() OVER (PARTITION BY ${ident(key)} ORDER BY dhai_file_id) = 1)`;
}
