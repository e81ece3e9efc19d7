// Outside-view snapshots in the store: a Shodan or Censys export imported once (by content hash), kept as
// rows the exposure analysis joins with the inside view. The newest snapshot of each scanner is the one used.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseOutsideView, type OutsideParse, type OutsideSource } from './outside-view.ts';

export interface OutsideImport {
  status: 'imported' | 'unchanged';
  sha256: string;
  source: OutsideSource;
  records: number;
  /** absent when the content was already stored (not parsed again) */
  parse?: OutsideParse;
}

export async function ensureOutsideViewTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS outside_view_snapshot (sha256 VARCHAR PRIMARY KEY, source VARCHAR NOT NULL,
    origin VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, records BIGINT NOT NULL, rejected BIGINT NOT NULL)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS outside_view (sha256 VARCHAR NOT NULL, source VARCHAR NOT NULL, ip VARCHAR NOT NULL,
    port INTEGER NOT NULL, transport VARCHAR NOT NULL, observed_at TIMESTAMP, product VARCHAR, country VARCHAR)`);
}

/** Import an export's bytes; the same bytes twice store nothing. `origin` names the file it came from. */
export async function importOutsideView(
  conn: DuckDBConnection,
  bytes: Uint8Array,
  opts: { origin: string; source?: OutsideSource; now?: Date },
): Promise<OutsideImport> {
  await ensureOutsideViewTables(conn);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const known = await conn.runAndReadAll(`SELECT source, records FROM outside_view_snapshot WHERE sha256 = $1`, [sha256]);
  const row = known.getRows()[0];
  if (row) return { status: 'unchanged', sha256, source: String(row[0]) as OutsideSource, records: Number(row[1]) };
  const parse = parseOutsideView(bytes, opts.source);
  if (parse.records.length === 0) throw new Error(`no usable records in ${opts.origin} (${parse.rejectedCount} rejected)`);
  await conn.run('BEGIN TRANSACTION');
  try {
    const app = await conn.createAppender('outside_view');
    for (const r of parse.records) {
      app.appendVarchar(sha256);
      app.appendVarchar(r.source);
      app.appendVarchar(r.ip);
      app.appendInteger(r.port);
      app.appendVarchar(r.transport);
      if (r.observed_at) app.appendVarchar(r.observed_at.replace('T', ' ').replace('Z', ''));
      else app.appendNull();
      for (const v of [r.product, r.country]) {
        if (v === null) app.appendNull();
        else app.appendVarchar(v);
      }
      app.endRow();
    }
    app.closeSync();
    await conn.run(`INSERT INTO outside_view_snapshot VALUES ($1, $2, $3, $4::TIMESTAMP, $5, $6)`, [
      sha256, parse.source, opts.origin, (opts.now ?? new Date()).toISOString().replace('T', ' ').replace('Z', ''),
      parse.records.length, parse.rejectedCount,
    ]);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  return { status: 'imported', sha256, source: parse.source, records: parse.records.length, parse };
}

/** SQL relation over the newest snapshot of each scanner (call only when the tables exist). */
export const LATEST_OUTSIDE_VIEW = `(SELECT o.* FROM outside_view o JOIN (SELECT source, arg_max(sha256, imported_at) AS sha
  FROM outside_view_snapshot GROUP BY source) l ON o.sha256 = l.sha)`;
