// Feeds as snapshots in the DuckDB store: import from bytes, a file or a directory with manifest.json, list
// them, find the latest of a name. The same content twice (same name, same SHA-256) adds nothing.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { UsageError } from '../util/errors.ts';
import { ensureFeedTables } from './feed-schema.ts';
import { isFormatName, parseFeed, type FormatName } from './formats.ts';
import { snapshotWhere, type FeedSnapshot } from './feed-snapshots.ts';
import { isFeedKind, type FeedEntry, type FeedKind, type ParseResult, type RejectedLine } from './types.ts';

export { ensureFeedTables };
export { hasFeedTables, latestSnapshot, listFeeds, type FeedSnapshot, type ListedSnapshot } from './feed-snapshots.ts';

export interface ParseSummary {
  format: string;
  /** The version the feed states about itself (CT log lists), else null. */
  version: string | null;
  rejected: RejectedLine[];
  rejectedCount: number;
  ignoredCount: number;
  duplicates: number;
}

export interface ImportResult {
  status: 'imported' | 'unchanged';
  snapshot: FeedSnapshot;
  /** Absent when the content was already stored (it is not parsed again). */
  parse?: ParseSummary;
}

export interface ImportBytesOptions {
  name: string;
  kind: FeedKind;
  /** URL or absolute path the bytes came from. */
  source: string;
  format?: FormatName;
  fetchedAt?: Date;
  etag?: string | null;
  lastModified?: string | null;
  /** Generation date to use when the content states none (HTTP Last-Modified, a date in the file name). */
  dateHint?: { date: string; from: 'http' | 'file-name' } | null;
  /** Refuse (FeedIntegrityError) when rejected / (entries + rejected) is above this. */
  maxRejectRate?: number;
  /** Refuse unless the raw bytes have this SHA-256 (hex). */
  expectedSha256?: string;
}

/** The content is not fit to become a snapshot (empty, wrong hash, too many malformed lines). */
export class FeedIntegrityError extends Error {
  override name = 'FeedIntegrityError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkFeedName(name: string): string {
  if (!NAME.test(name)) throw new UsageError(`feed name ${JSON.stringify(name.slice(0, 120))}: use letters, digits, '.', '_' or '-' (at most 100)`);
  return name;
}

export function rejectRate(p: { entries: number; rejected: number }): number {
  const total = p.entries + p.rejected;
  return total === 0 ? 0 : p.rejected / total;
}

/** Timestamp as DuckDB reads it from a bound string (UTC, no offset). */
export function sqlTimestamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Entries without repeats (first occurrence of each key wins: ranked lists come in rank order). */
function dedupe(entries: readonly FeedEntry[]): { unique: FeedEntry[]; duplicates: number } {
  // one set per entry shape, keyed by the bare name where possible: no key string built per entry
  const domains = new Set<string>();
  const others = new Set<string>();
  const unique: FeedEntry[] = [];
  for (const e of entries) {
    if (e.type === 'domain') {
      if (domains.has(e.domain)) continue;
      domains.add(e.domain);
    } else {
      const key = e.type === 'ip' ? `${e.network} ${e.port ?? ''}` : e.type === 'cert' ? `${e.sha1 ?? ''} ${e.sha256 ?? ''}` : `ct ${e.logId}`;
      if (others.has(key)) continue;
      others.add(key);
    }
    unique.push(e);
  }
  return { unique, duplicates: entries.length - unique.length };
}

function str(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

async function appendEntries(conn: DuckDBConnection, id: number, entries: readonly FeedEntry[]): Promise<void> {
  const domains = await conn.createAppender('feed_domain');
  const ips = await conn.createAppender('feed_ip');
  const certs = await conn.createAppender('feed_cert');
  const ctLogs = await conn.createAppender('feed_ct_log');
  try {
    for (const e of entries) {
      if (e.type === 'domain') {
        domains.appendInteger(id);
        domains.appendVarchar(e.domain);
        str(domains, e.registrable);
        if (e.rank === null) domains.appendNull();
        else domains.appendInteger(e.rank);
        str(domains, e.family);
        str(domains, e.detail);
        domains.appendBoolean(e.fromUrl);
        domains.endRow();
      } else if (e.type === 'ip') {
        ips.appendInteger(id);
        ips.appendVarchar(e.network);
        ips.appendTinyInt(e.version);
        ips.appendUHugeInt(e.lo);
        ips.appendUHugeInt(e.hi);
        if (e.port === null) ips.appendNull();
        else ips.appendInteger(e.port);
        str(ips, e.family);
        str(ips, e.detail);
        ips.appendBoolean(e.fromUrl);
        ips.endRow();
      } else if (e.type === 'cert') {
        certs.appendInteger(id);
        str(certs, e.sha1);
        str(certs, e.sha256);
        str(certs, e.reason);
        certs.endRow();
      } else {
        ctLogs.appendInteger(id);
        for (const v of [e.logId, e.key, e.description, e.operator, e.api]) ctLogs.appendVarchar(v);
        for (const v of [e.state, e.stateSince, e.interval?.start ?? null, e.interval?.end ?? null, e.url, e.logType]) str(ctLogs, v);
        ctLogs.endRow();
      }
    }
  } finally {
    domains.closeSync();
    ips.closeSync();
    certs.closeSync();
    ctLogs.closeSync();
  }
}

function checkKind(kind: FeedKind, parse: ParseResult): void {
  if (kind === 'toplist' && parse.entries.some((e) => e.type !== 'domain' || e.rank === null)) {
    throw new FeedIntegrityError('a top list needs a rank for every domain');
  }
}

function checkIntegrity(opts: ImportBytesOptions, parse: ParseResult): void {
  if (parse.entries.length === 0) {
    const why = parse.rejected[0] ? `; first rejected line ${parse.rejected[0].line}: ${parse.rejected[0].reason}` : '';
    throw new FeedIntegrityError(`${opts.name}: no usable entries (${parse.rejectedCount} rejected, ${parse.ignoredCount} ignored)${why}`);
  }
  const rate = rejectRate({ entries: parse.entries.length, rejected: parse.rejectedCount });
  if (opts.maxRejectRate !== undefined && rate > opts.maxRejectRate) {
    throw new FeedIntegrityError(
      `${opts.name}: ${parse.rejectedCount} of ${parse.entries.length + parse.rejectedCount} lines rejected ` +
        `(${(rate * 100).toFixed(2)} % > ${(opts.maxRejectRate * 100).toFixed(2)} %)`,
    );
  }
  checkKind(opts.kind, parse);
}

export async function importFeedBytes(conn: DuckDBConnection, bytes: Uint8Array, opts: ImportBytesOptions): Promise<ImportResult> {
  checkFeedName(opts.name);
  if (!isFeedKind(opts.kind)) throw new UsageError(`unknown feed kind ${JSON.stringify(opts.kind)}`);
  await ensureFeedTables(conn);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (opts.expectedSha256 && opts.expectedSha256.toLowerCase() !== sha256) {
    throw new FeedIntegrityError(`${opts.name}: SHA-256 ${sha256} differs from the expected ${opts.expectedSha256}`);
  }
  const now = sqlTimestamp(opts.fetchedAt ?? new Date());
  const existing = await snapshotWhere(conn, 'name = $1 AND sha256 = $2', [opts.name, sha256]);
  if (existing) {
    await conn.run(
      `UPDATE feed_snapshot SET last_seen_at = CAST($1 AS TIMESTAMP), etag = COALESCE($2, etag),
         last_modified = COALESCE($3, last_modified) WHERE id = $4`,
      [now, opts.etag ?? null, opts.lastModified ?? null, existing.id],
    );
    return { status: 'unchanged', snapshot: (await snapshotWhere(conn, 'id = $1', [existing.id]))! };
  }
  const parse = parseFeed(bytes, { kind: opts.kind, format: opts.format });
  checkIntegrity(opts, parse);
  const feedDate = parse.feedDate ? { date: parse.feedDate, from: 'content' as const } : (opts.dateHint ?? null);
  const { unique, duplicates } = dedupe(parse.entries);

  await conn.run('BEGIN TRANSACTION');
  try {
    const inserted = await conn.runAndReadAll(
      `INSERT INTO feed_snapshot (name, kind, format, source, fetched_at, last_seen_at, feed_date, feed_date_from,
         sha256, bytes, entries, rejected, ignored, duplicates, etag, last_modified)
       VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP), CAST($5 AS TIMESTAMP), CAST($6 AS TIMESTAMP), $7,
         $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING id`,
      [
        opts.name, opts.kind, parse.format, opts.source, now, feedDate?.date ?? null, feedDate?.from ?? null,
        sha256, bytes.length, unique.length, parse.rejectedCount, parse.ignoredCount, duplicates,
        opts.etag ?? null, opts.lastModified ?? null,
      ],
    );
    const id = Number(inserted.getRowsJS()[0]![0]);
    await appendEntries(conn, id, unique);
    if (parse.version) await conn.run('INSERT INTO feed_snapshot_version (snapshot_id, version) VALUES ($1, $2)', [id, parse.version]);
    const rejected = await conn.createAppender('feed_rejected');
    for (const r of parse.rejected) {
      rejected.appendInteger(id);
      rejected.appendInteger(r.line);
      rejected.appendVarchar(r.reason);
      rejected.appendVarchar(r.text);
      rejected.endRow();
    }
    rejected.closeSync();
    await conn.run('COMMIT');
    const snapshot = (await snapshotWhere(conn, 'id = $1', [id]))!;
    return {
      status: 'imported',
      snapshot,
      parse: { format: parse.format, version: parse.version ?? null, rejected: parse.rejected, rejectedCount: parse.rejectedCount, ignoredCount: parse.ignoredCount, duplicates },
    };
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}

/** A YYYY-MM-DD date in a file name (`tranco-top10k-2025-06-18.csv.gz`), if it is a real date. */
export function dateFromFileName(file: string): string | null {
  const m = /(\d{4})-(\d{2})-(\d{2})/.exec(path.basename(file));
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T00:00:00Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso.slice(0, 10) ? null : iso;
}

/** Default feed name of a file: its base name without data and compression extensions. */
export function feedNameFromFile(file: string): string {
  let base = path.basename(file);
  for (;;) {
    const next = base.replace(/\.(gz|zip|csv|tsv|txt|json|jsonl|list|hosts)$/i, '');
    if (next === base || next === '') break;
    base = next;
  }
  return base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '').slice(0, 100);
}

export interface ImportFileOptions {
  kind: FeedKind;
  name?: string;
  format?: FormatName;
  maxRejectRate?: number;
  fetchedAt?: Date;
}

export async function importFeedFile(conn: DuckDBConnection, file: string, opts: ImportFileOptions): Promise<ImportResult> {
  const abs = path.resolve(file);
  const bytes = await readFile(abs);
  const fileDate = dateFromFileName(abs);
  return importFeedBytes(conn, bytes, {
    name: opts.name ?? feedNameFromFile(abs),
    kind: opts.kind,
    source: abs,
    format: opts.format,
    fetchedAt: opts.fetchedAt,
    maxRejectRate: opts.maxRejectRate,
    dateHint: fileDate ? { date: fileDate, from: 'file-name' } : null,
  });
}

const manifestSchema = z.array(
  z.object({
    name: z.string().min(1),
    kind: z.string(),
    file: z.string().min(1),
    format: z.string().optional(),
  }),
);

export interface DirImportItem {
  name: string;
  kind: string;
  file: string;
  result?: ImportResult;
  error?: string;
}

/**
 * Imports every file listed in DIR/manifest.json (`[{name, kind, file, format?}]`). One bad entry does not
 * stop the others; its error is in the result. A file must lie inside DIR.
 */
export async function importFeedDir(conn: DuckDBConnection, dir: string, opts: { maxRejectRate?: number; fetchedAt?: Date } = {}): Promise<DirImportItem[]> {
  const root = path.resolve(dir);
  const manifestPath = path.join(root, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new UsageError(`${manifestPath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${manifestPath}: [${issue.path.join('.')}] ${issue.message}; expected an array of {name, kind, file}`);
  }
  const items: DirImportItem[] = [];
  for (const m of parsed.data) {
    const item: DirImportItem = { name: m.name, kind: m.kind, file: m.file };
    items.push(item);
    try {
      const file = path.resolve(root, m.file);
      if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
        throw new UsageError(`file ${JSON.stringify(m.file)} lies outside ${root}`);
      }
      if (!isFeedKind(m.kind)) throw new UsageError(`unknown kind ${JSON.stringify(m.kind)}`);
      if (m.format !== undefined && !isFormatName(m.format)) throw new UsageError(`unknown format ${JSON.stringify(m.format)}`);
      item.result = await importFeedFile(conn, file, {
        kind: m.kind,
        name: checkFeedName(m.name),
        format: m.format as FormatName | undefined,
        maxRejectRate: opts.maxRejectRate,
        fetchedAt: opts.fetchedAt,
      });
    } catch (e) {
      item.error = (e as Error).message;
    }
  }
  return items;
}
