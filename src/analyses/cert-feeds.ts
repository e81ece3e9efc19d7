// The feeds the certificate analyses read from the store: the latest top list (popular services, Fig. 9's
// services) and every imported set of CT-logged fingerprints.
import type { DuckDBConnection } from '@duckdb/node-api';
import { hasFeedTables } from '../intel/feed-store.ts';
import { readRows } from './connections.ts';

export interface TopList {
  name: string;
  /** the list's own date, else when it was imported (ISO 8601) */
  date: string;
  /** domains by rank, best first */
  domains: { domain: string; registrable: string | null; rank: number }[];
}

/** The first `limit` entries of the top list imported or downloaded most recently, or null when none is. */
export async function latestTopList(conn: DuckDBConnection, limit: number): Promise<TopList | null> {
  if (!(await hasFeedTables(conn))) return null;
  const snap = await readRows(conn, `SELECT id, name, coalesce(strftime(feed_date, '%Y-%m-%d'), strftime(last_seen_at, '%Y-%m-%d')) AS date
    FROM feed_snapshot WHERE kind = 'toplist' ORDER BY last_seen_at DESC, id DESC LIMIT 1`);
  const s = snap[0];
  if (!s) return null;
  const r = await conn.runAndReadAll(
    `SELECT domain, registrable, rank FROM feed_domain WHERE snapshot_id = $1 AND rank IS NOT NULL ORDER BY rank, domain LIMIT $2`,
    [Number(s.id), Math.max(0, Math.trunc(limit))],
  );
  return {
    name: String(s.name),
    date: String(s.date),
    domains: r.getRows().map(([d, reg, rank]) => ({ domain: String(d), registrable: reg === null ? null : String(reg), rank: Number(rank) })),
  };
}

export interface CtFeeds {
  /** a SQL relation (sha1, sha256) of every fingerprint any ct-fingerprints snapshot lists, or null */
  relation: string | null;
  snapshots: { name: string; date: string; entries: number }[];
}

/**
 * Every ct-fingerprints snapshot counts, not only the latest of each name: CT logs are append-only, so a
 * certificate once found logged stays logged.
 */
export async function ctFingerprintFeeds(conn: DuckDBConnection): Promise<CtFeeds> {
  if (!(await hasFeedTables(conn))) return { relation: null, snapshots: [] };
  const snaps = await readRows(conn, `SELECT name, coalesce(strftime(feed_date, '%Y-%m-%d'), strftime(last_seen_at, '%Y-%m-%d')) AS date, entries
    FROM feed_snapshot WHERE kind = 'ct-fingerprints' ORDER BY name, last_seen_at`);
  if (snaps.length === 0) return { relation: null, snapshots: [] };
  return {
    relation: `(SELECT DISTINCT lower(sha1) AS sha1, lower(sha256) AS sha256 FROM feed_cert
      WHERE snapshot_id IN (SELECT id FROM feed_snapshot WHERE kind = 'ct-fingerprints'))`,
    snapshots: snaps.map((s) => ({ name: String(s.name), date: String(s.date), entries: Number(s.entries) })),
  };
}
