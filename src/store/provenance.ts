// What a report says about its inputs, read from the store's manifest and log views: files and rows per log
// type, a digest naming the input set, the time the records span, and whether a table holds any row. Kept in
// store/ so the report itself never runs SQL (architecture.md, one-way flow).
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident } from './sql.ts';

export interface ManifestSummary {
  /** ingested files; the appended tail of a live log is not counted as another file */
  files: number;
  rows: Record<string, number>;
  rowsRejected: number;
  /** SHA-256 (hex) over the sorted content hashes of every manifest row; null when nothing was ingested */
  filesSha256: string | null;
}

async function hasRelation(conn: DuckDBConnection, name: string): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = $1) + (SELECT count(*) FROM duckdb_views() WHERE view_name = $1) AS n`,
    [name],
  );
  return Number(r.getRows()[0]?.[0] ?? 0) > 0;
}

export async function manifestSummary(conn: DuckDBConnection): Promise<ManifestSummary> {
  if (!(await hasRelation(conn, 'ingest_file'))) return { files: 0, rows: {}, rowsRejected: 0, filesSha256: null };
  const r = await conn.runAndReadAll(
    `SELECT log_type, count(*) FILTER (WHERE parent_id IS NULL) AS files, sum(rows_stored) AS stored,
       sum(rows_rejected) AS rejected
     FROM ingest_file GROUP BY log_type ORDER BY log_type`,
  );
  const rows: Record<string, number> = {};
  let files = 0;
  let rowsRejected = 0;
  for (const [type, f, stored, rejected] of r.getRows()) {
    rows[String(type)] = Number(stored ?? 0);
    files += Number(f ?? 0);
    rowsRejected += Number(rejected ?? 0);
  }
  const hashes = (await conn.runAndReadAll(`SELECT sha256 FROM ingest_file ORDER BY sha256`)).getRows().map((x) => String(x[0]));
  const filesSha256 = hashes.length === 0 ? null : createHash('sha256').update(hashes.join('\n')).digest('hex');
  return { files, rows, rowsRejected, filesSha256 };
}

/** First record and the instant just after the last one (ms precision, half-open), over the given log tables. */
export async function observedSpan(conn: DuckDBConnection, tables: readonly string[]): Promise<{ from: Date; to: Date } | null> {
  const present: string[] = [];
  for (const t of tables) if (await hasRelation(conn, t)) present.push(t);
  if (present.length === 0) return null;
  const parts = present.map((t) => `SELECT min(ts) AS lo, max(ts) AS hi FROM ${ident(t)}`).join(' UNION ALL ');
  const r = await conn.runAndReadAll(`SELECT epoch_ms(min(lo)) AS lo, epoch_ms(max(hi)) AS hi FROM (${parts})`);
  const [lo, hi] = r.getRows()[0] ?? [];
  if (lo === null || lo === undefined || hi === null || hi === undefined) return null;
  return { from: new Date(Number(lo)), to: new Date(Number(hi) + 1) };
}

/** True when the table or view exists and holds at least one row. */
export async function tableHasRows(conn: DuckDBConnection, name: string): Promise<boolean> {
  if (!(await hasRelation(conn, name))) return false;
  const r = await conn.runAndReadAll(`SELECT EXISTS (SELECT 1 FROM ${ident(name)}) AS has`);
  return r.getRows()[0]?.[0] === true;
}
