// `dhai feeds update`: download the configured sources into the store, only when asked. Each source keeps
// its minimum interval between requests (unless forced), is fetched conditionally against its latest
// snapshot, and must pass integrity checks before it becomes a snapshot; every attempt is logged.
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../util/errors.ts';
import { FeedDownloadError, downloadFeed, type FetchLike } from './download.ts';
import { FeedIntegrityError, ensureFeedTables, importFeedBytes, latestSnapshot, sqlTimestamp, type FeedSnapshot } from './feed-store.ts';
import { BUILTIN_SOURCES, DEFAULT_TIMEOUT_MS, loadUserSources, type FeedSource } from './sources.ts';
import { FeedFormatError } from './text.ts';

/** A download whose lines are rejected above this share is refused (the previous snapshot stays current). */
export const DEFAULT_MAX_REJECT_RATE = 0.05;

export interface UpdateOptions {
  /** Fetch only this source (any catalogue or user source); otherwise every source fetched by default. */
  source?: string;
  now?: Date;
  fetchImpl?: FetchLike;
  /** Ignore the minimum interval. */
  force?: boolean;
  /** Catalogue to use instead of the built-in one (user sources from the store are added to it). */
  catalogue?: readonly FeedSource[];
  maxRejectRate?: number;
}

export type UpdateOutcome = 'imported' | 'unchanged' | 'not-modified' | 'skipped' | 'failed';

export interface UpdateResult {
  name: string;
  url: string;
  outcome: UpdateOutcome;
  message: string;
  httpStatus: number | null;
  snapshot: FeedSnapshot | null;
  /** For `skipped`: when the next request is allowed (ISO 8601 UTC). */
  nextAllowedAt: string | null;
}

/** The sources an update run covers. */
export async function selectSources(conn: DuckDBConnection, opts: Pick<UpdateOptions, 'source' | 'catalogue'>): Promise<FeedSource[]> {
  const all = [...(opts.catalogue ?? BUILTIN_SOURCES), ...(await loadUserSources(conn))];
  if (opts.source === undefined) return all.filter((s) => s.byDefault);
  const one = all.find((s) => s.name === opts.source);
  if (!one) throw new UsageError(`unknown feed source ${JSON.stringify(opts.source)}; known: ${all.map((s) => s.name).join(', ')}`);
  return [one];
}

async function lastAttempt(conn: DuckDBConnection, name: string): Promise<Date | null> {
  const reader = await conn.runAndReadAll(
    `SELECT strftime(max(attempted_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS t FROM feed_fetch_log WHERE name = $1`,
    [name],
  );
  const t = reader.getRowObjectsJS()[0]?.t;
  return typeof t === 'string' ? new Date(t) : null;
}

async function logAttempt(conn: DuckDBConnection, now: Date, r: UpdateResult, bytes: number | null): Promise<void> {
  await conn.run(
    `INSERT INTO feed_fetch_log (name, url, attempted_at, outcome, http_status, bytes, message, snapshot_id)
     VALUES ($1, $2, CAST($3 AS TIMESTAMP), $4, $5, $6, $7, $8)`,
    [r.name, r.url, sqlTimestamp(now), r.outcome, r.httpStatus, bytes, r.message, r.snapshot?.id ?? null],
  );
}

function httpDateToIso(s: string | null): string | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('.000Z', 'Z');
}

async function updateOne(conn: DuckDBConnection, src: FeedSource, opts: UpdateOptions, now: Date): Promise<UpdateResult> {
  const base = { name: src.name, url: src.url, httpStatus: null, snapshot: null, nextAllowedAt: null };
  const last = await lastAttempt(conn, src.name);
  if (!opts.force && last && now.getTime() - last.getTime() < src.minIntervalMs) {
    const next = new Date(last.getTime() + src.minIntervalMs).toISOString();
    // not logged: no request was made
    return { ...base, outcome: 'skipped', message: `fetched at ${last.toISOString()}; next allowed at ${next} (--force to override)`, nextAllowedAt: next };
  }
  const prev = await latestSnapshot(conn, src.name);
  // validators only apply to the same URL (a changed source must be fetched in full)
  const conditional = prev && prev.source === src.url ? prev : null;
  let result: UpdateResult;
  let bytes: number | null = null;
  try {
    const dl = await downloadFeed(src.url, {
      etag: conditional?.etag,
      lastModified: conditional?.lastModified,
      timeoutMs: src.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: src.maxBytes,
      fetchImpl: opts.fetchImpl,
    });
    if (dl.status === 'not-modified') {
      if (!conditional) throw new FeedDownloadError('HTTP 304 to an unconditional request', 'http', 304);
      await conn.run(`UPDATE feed_snapshot SET last_seen_at = CAST($1 AS TIMESTAMP) WHERE id = $2`, [sqlTimestamp(now), conditional.id]);
      const snapshot = await latestSnapshot(conn, src.name);
      result = { ...base, outcome: 'not-modified', httpStatus: 304, snapshot, message: `not modified since snapshot ${conditional.id}` };
    } else {
      bytes = dl.body.length;
      const date = httpDateToIso(dl.lastModified);
      const imp = await importFeedBytes(conn, dl.body, {
        name: src.name,
        kind: src.kind,
        source: src.url,
        format: src.format,
        fetchedAt: now,
        etag: dl.etag,
        lastModified: dl.lastModified,
        dateHint: date ? { date, from: 'http' } : null,
        maxRejectRate: opts.maxRejectRate ?? DEFAULT_MAX_REJECT_RATE,
        expectedSha256: src.expectedSha256,
      });
      const s = imp.snapshot;
      const message =
        imp.status === 'imported'
          ? `${s.entries} entries, ${s.rejected} rejected, sha256 ${s.sha256.slice(0, 16)}…`
          : `same content as snapshot ${s.id}`;
      result = { ...base, outcome: imp.status, httpStatus: dl.httpStatus, snapshot: s, message };
    }
  } catch (e) {
    if (!(e instanceof FeedDownloadError || e instanceof FeedIntegrityError || e instanceof FeedFormatError || e instanceof UsageError)) throw e;
    const httpStatus = e instanceof FeedDownloadError ? e.httpStatus : null;
    const why = e instanceof FeedDownloadError ? `${e.reason}: ` : '';
    result = { ...base, outcome: 'failed', httpStatus, message: `${why}${e.message}` };
  }
  await logAttempt(conn, now, result, bytes);
  return result;
}

/**
 * Downloads the selected sources one after another. A failing source does not stop the others; its
 * previous snapshot stays the latest. Never called except by an explicit user command.
 */
export async function updateFeeds(conn: DuckDBConnection, opts: UpdateOptions = {}): Promise<UpdateResult[]> {
  await ensureFeedTables(conn);
  const now = opts.now ?? new Date();
  const results: UpdateResult[] = [];
  for (const src of await selectSources(conn, opts)) results.push(await updateOne(conn, src, opts, now));
  return results;
}
