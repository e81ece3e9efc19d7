// Reading feed snapshots back from the store.
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../store/sql.ts';
import type { FeedKind } from './types.ts';

export interface FeedSnapshot {
  id: number;
  name: string;
  kind: FeedKind;
  format: string;
  source: string;
  /** ISO 8601 UTC. */
  fetchedAt: string;
  lastSeenAt: string;
  feedDate: string | null;
  feedDateFrom: 'content' | 'http' | 'file-name' | null;
  sha256: string;
  bytes: number;
  entries: number;
  rejected: number;
  ignored: number;
  duplicates: number;
  etag: string | null;
  lastModified: string | null;
}

const SNAPSHOT_COLUMNS = `id, name, kind, format, source,
  strftime(fetched_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS fetched_at,
  strftime(last_seen_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS last_seen_at,
  strftime(feed_date, '%Y-%m-%dT%H:%M:%SZ') AS feed_date, feed_date_from, sha256, bytes, entries, rejected,
  ignored, duplicates, etag, last_modified`;

function toSnapshot(r: Record<string, unknown>): FeedSnapshot {
  return {
    id: Number(r.id),
    name: String(r.name),
    kind: String(r.kind) as FeedKind,
    format: String(r.format),
    source: String(r.source),
    fetchedAt: String(r.fetched_at),
    lastSeenAt: String(r.last_seen_at),
    feedDate: r.feed_date === null ? null : String(r.feed_date),
    feedDateFrom: (r.feed_date_from ?? null) as FeedSnapshot['feedDateFrom'],
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    entries: Number(r.entries),
    rejected: Number(r.rejected),
    ignored: Number(r.ignored),
    duplicates: Number(r.duplicates),
    etag: (r.etag ?? null) as string | null,
    lastModified: (r.last_modified ?? null) as string | null,
  };
}

export async function snapshotWhere(conn: DuckDBConnection, where: string, params: (string | number)[]): Promise<FeedSnapshot | null> {
  const reader = await conn.runAndReadAll(
    `SELECT ${SNAPSHOT_COLUMNS} FROM feed_snapshot WHERE ${where} ORDER BY last_seen_at DESC, id DESC LIMIT 1`,
    params,
  );
  const row = reader.getRowObjectsJS()[0];
  return row ? toSnapshot(row) : null;
}

/**
 * False in a store that never held a feed (a read-only store cannot have the tables created), or that lacks
 * one of `tables` (added to the feed schema later).
 */
export async function hasFeedTables(conn: DuckDBConnection, tables: readonly string[] = ['feed_snapshot']): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT count(DISTINCT table_name) AS n FROM duckdb_tables() WHERE table_name IN (${tables.map(literal).join(', ')}) AND schema_name = current_schema()`,
  );
  return Number(r.getRowObjectsJS()[0]?.n ?? 0) === new Set(tables).size;
}

/** The snapshot of this name most recently downloaded or imported (a re-import of older content counts). */
export async function latestSnapshot(conn: DuckDBConnection, name: string): Promise<FeedSnapshot | null> {
  if (!(await hasFeedTables(conn))) return null;
  return snapshotWhere(conn, 'name = $1', [name]);
}

export interface ListedSnapshot extends FeedSnapshot {
  /** The snapshot latestSnapshot() returns for its name. */
  latest: boolean;
}

/** Every snapshot, by name, newest first within a name. */
export async function listFeeds(conn: DuckDBConnection): Promise<ListedSnapshot[]> {
  if (!(await hasFeedTables(conn))) return [];
  const reader = await conn.runAndReadAll(
    `SELECT ${SNAPSHOT_COLUMNS},
       row_number() OVER (PARTITION BY name ORDER BY last_seen_at DESC, id DESC) = 1 AS latest
     FROM feed_snapshot ORDER BY name, last_seen_at DESC, id DESC`,
  );
  return reader.getRowObjectsJS().map((r) => ({ ...toSnapshot(r), latest: r.latest === true }));
}

