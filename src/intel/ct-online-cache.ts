// Answers of the online CT look-up kept in the store, one row per (provider, certificate): whether the service
// knew the certificate, what it said, and when it was asked. A later run reuses a "found" answer for good (CT
// logs are append-only) and a "not found" answer until it is older than the TTL; failures are not kept, so
// they are asked again.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlTimestamp } from './feed-store.ts';

export const CT_LOOKUP_TABLE = 'ct_lookup_answer';

export async function hasCtLookupTable(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = '${CT_LOOKUP_TABLE}' AND NOT temporary`);
  return Number(r.getRows()[0]?.[0] ?? 0) > 0;
}

export async function ensureCtLookupTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${CT_LOOKUP_TABLE} (
    provider VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    found BOOLEAN NOT NULL,
    detail VARCHAR,
    asked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, sha256))`);
}

/** Store one answer, replacing an older one of the same provider. */
export async function storeCtAnswer(conn: DuckDBConnection, provider: string, sha256: string, found: boolean, detail: string | null, at: Date): Promise<void> {
  await conn.run(`INSERT OR REPLACE INTO ${CT_LOOKUP_TABLE} VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP))`, [provider, sha256, found, detail, sqlTimestamp(at)]);
}

/**
 * The fingerprints among those of TEMP TABLE `keysTable` (column sha256) that `provider` need not be asked
 * about at `now`: found at any time, or not found less than `ttlMs` ago.
 */
export async function freshAnswers(conn: DuckDBConnection, keysTable: string, provider: string, now: Date, ttlMs: number): Promise<Set<string>> {
  const r = await conn.runAndReadAll(
    `SELECT a.sha256 FROM ${CT_LOOKUP_TABLE} a JOIN ${keysTable} k ON k.sha256 = a.sha256
     WHERE a.provider = $1 AND (a.found OR a.asked_at > CAST($2 AS TIMESTAMP) - to_milliseconds(CAST($3 AS BIGINT)))`,
    [provider, sqlTimestamp(now), Math.round(ttlMs)],
  );
  return new Set(r.getRows().map(([s]) => String(s)));
}

/**
 * SQL relation (sha256, found, provider, detail, asked_at): per certificate the answer that counts, a "found"
 * answer of any provider first, else the latest "not found". Call only when the table exists.
 */
export const CT_LOOKUP_BEST = `(SELECT sha256, arg_max(found, (found::INTEGER, asked_at)) AS found,
    arg_max(provider, (found::INTEGER, asked_at)) AS provider, arg_max(detail, (found::INTEGER, asked_at)) AS detail,
    arg_max(asked_at, (found::INTEGER, asked_at)) AS asked_at
  FROM ${CT_LOOKUP_TABLE} GROUP BY sha256)`;
