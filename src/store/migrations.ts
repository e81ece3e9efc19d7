// The store's own tables and their versions. A migration runs once, in order, inside a transaction; a store
// written by a newer dhai is refused rather than misread.
import type { DuckDBConnection } from '@duckdb/node-api';

export const SCHEMA_VERSION = 3;

/** dhai_meta key: the first ingest_file id whose ssl part has dhai_leaf_key (absent: no part has it). */
export const LEAF_KEY_SINCE = 'ssl_leaf_key_since';

const MIGRATIONS: { version: number; sql: string[] }[] = [
  {
    version: 1,
    sql: [
      // one row per ingested file (or grown tail of a live file): what was read, stored and rejected
      `CREATE TABLE IF NOT EXISTS ingest_file (
        id INTEGER PRIMARY KEY, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, size BIGINT NOT NULL,
        covered_bytes BIGINT, covered_sha256 VARCHAR, covered_lines BIGINT, parent_id INTEGER,
        log_type VARCHAR NOT NULL, format VARCHAR NOT NULL, gzip BOOLEAN NOT NULL, sensor VARCHAR NOT NULL,
        zeek_open VARCHAR, closed BOOLEAN NOT NULL, rows_read BIGINT NOT NULL, rows_stored BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL, lines_skipped BIGINT NOT NULL, fast_path BOOLEAN NOT NULL,
        part VARCHAR, ingested_at TIMESTAMP NOT NULL, dhai_version VARCHAR NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ingest_reject (
        file_id INTEGER NOT NULL, kind VARCHAR NOT NULL, reason VARCHAR NOT NULL, count BIGINT NOT NULL,
        examples VARCHAR[] NOT NULL)`,
    ],
  },
  {
    // no table changes: from version 2 dhai_meta may record that the store is pseudonymised
    // (store/pseudonymisation.ts), which a dhai that predates it would ignore and misread the data; the
    // version makes such a dhai refuse the store instead
    version: 2,
    sql: [],
  },
  {
    // ssl parts carry dhai_leaf_key from now on (zeek-schema.ts); the parts of files ingested before have lower
    // file ids, and the ssl view computes the column for them from the chain lists (store.ts)
    version: 3,
    sql: [
      `INSERT INTO dhai_meta SELECT '${LEAF_KEY_SINCE}', CAST(coalesce(max(id), 0) + 1 AS VARCHAR) FROM ingest_file
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ],
  },
];

export async function migrate(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS dhai_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`);
  const r = await conn.runAndReadAll(`SELECT value FROM dhai_meta WHERE key = 'schema_version'`);
  const current = Number(r.getRows()[0]?.[0] ?? 0);
  if (current > SCHEMA_VERSION) {
    throw new Error(`this store has schema version ${current}; this dhai understands up to ${SCHEMA_VERSION}: upgrade dhai`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const s of m.sql) await conn.run(s);
      await conn.run(
        `INSERT INTO dhai_meta VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [String(m.version)],
      );
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
  }
}

export async function readSchemaVersion(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT value FROM dhai_meta WHERE key = 'schema_version'`);
  return Number(r.getRows()[0]?.[0] ?? 0);
}
