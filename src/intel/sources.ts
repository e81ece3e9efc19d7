// The download catalogue: where each public feed lives, how it is read, how often it may be fetched, and the
// largest answer accepted. Sources marked `byDefault` are fetched by a plain `dhai feeds update`; the others
// (the large popularity lists) only when named with --source. Users add their own URLs (userSource), e.g.
// Chrome's log_list.json (logs Chrome currently relies on) as a ct-log-list source.
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../util/errors.ts';
import { checkFeedName, ensureFeedTables, sqlTimestamp } from './feed-store.ts';
import { isFormatName, type FormatName } from './formats.ts';
import { isFeedKind, type FeedKind } from './types.ts';

export interface FeedSource {
  name: string;
  kind: FeedKind;
  url: string;
  /** Parser to use; recognised from the content when absent. */
  format?: FormatName;
  /** No new request before this long after the previous one, unless forced. */
  minIntervalMs: number;
  /** Largest body accepted (after HTTP content decoding, before unzip/gunzip). */
  maxBytes: number;
  byDefault: boolean;
  /** When set, the raw body must have this SHA-256. */
  expectedSha256?: string;
  /** Whole request, body included; DEFAULT_TIMEOUT_MS when absent. */
  timeoutMs?: number;
  note: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MiB = 1024 * 1024;

/** Time allowed for one download, headers and body. */
export const DEFAULT_TIMEOUT_MS = 2 * MINUTE;

/**
 * Tranco list pinned for reproducible results: the list generated on 18 March 2026, as cited (with this id)
 * in Common Crawl's cc-index-annotations README. Tranco lists are permanent, so a pinned id always yields
 * the same ranking; change the id deliberately and say so in the report.
 */
export const TRANCO_LIST_ID = 'L76X4';
export const TRANCO_LIST_DATE = '2026-03-18';

export const BUILTIN_SOURCES: readonly FeedSource[] = [
  {
    name: 'tranco',
    kind: 'toplist',
    url: `https://tranco-list.eu/download/${TRANCO_LIST_ID}/1000000`,
    format: 'rank-csv',
    // a pinned list never changes: one download is enough; the interval only stops pointless repeats
    minIntervalMs: 30 * DAY,
    maxBytes: 64 * MiB,
    byDefault: true,
    note: `Tranco list ${TRANCO_LIST_ID} (${TRANCO_LIST_DATE}), top 1M, rank,domain CSV`,
  },
  {
    name: 'umbrella',
    kind: 'toplist',
    // a zip holding top-1m.csv (rank,domain); unpacked with fflate
    url: 'https://s3-us-west-1.amazonaws.com/umbrella-static/top-1m.csv.zip',
    format: 'rank-csv',
    minIntervalMs: DAY,
    maxBytes: 64 * MiB,
    byDefault: false,
    note: 'Cisco Umbrella top 1M (the list the D-HAI paper used), daily, zip of rank,domain CSV; changes daily: pin by keeping the snapshot',
  },
  {
    name: 'majestic',
    kind: 'toplist',
    url: 'https://downloads.majestic.com/majestic_million.csv',
    format: 'majestic-csv',
    minIntervalMs: DAY,
    // a stored copy of this file measured 80,421,229 bytes (Git LFS pointer in friendlymatthew/simdcsv)
    maxBytes: 256 * MiB,
    byDefault: false,
    note: 'Majestic Million, daily, CSV with GlobalRank,TldRank,Domain,… header',
  },
  {
    name: 'feodo',
    kind: 'botnet',
    url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv',
    format: 'feodo-csv',
    minIntervalMs: HOUR,
    maxBytes: 16 * MiB,
    byDefault: true,
    note: 'abuse.ch Feodo Tracker botnet C2 IP blocklist (CSV with malware family)',
  },
  {
    name: 'threatfox',
    kind: 'botnet',
    url: 'https://threatfox.abuse.ch/export/json/recent/',
    format: 'threatfox-json',
    minIntervalMs: HOUR,
    maxBytes: 64 * MiB,
    byDefault: true,
    note: 'abuse.ch ThreatFox IOCs, recent additions (JSON export; domains, ip:port and URL hosts with malware family)',
  },
  {
    name: 'urlhaus',
    kind: 'blocklist',
    // the host file lists malware-distribution hosts; the URL CSV would also list hosts of single bad URLs
    // on large shared platforms, which would blacklist every request to them
    url: 'https://urlhaus.abuse.ch/downloads/hostfile/',
    format: 'plain-list',
    minIntervalMs: HOUR,
    maxBytes: 64 * MiB,
    byDefault: true,
    note: 'abuse.ch URLhaus host file (malware distribution hosts)',
  },
  {
    name: 'sslbl',
    kind: 'cert-blocklist',
    url: 'https://sslbl.abuse.ch/blacklist/sslblacklist.csv',
    format: 'sslbl-csv',
    minIntervalMs: HOUR,
    maxBytes: 16 * MiB,
    byDefault: true,
    note: 'abuse.ch SSLBL certificate SHA1 blacklist',
  },
  {
    name: 'spamhaus-drop-v4',
    kind: 'blocklist',
    url: 'https://www.spamhaus.org/drop/drop_v4.json',
    format: 'spamhaus-json',
    // Spamhaus: automated downloads must be at least one hour apart
    minIntervalMs: HOUR,
    maxBytes: 16 * MiB,
    byDefault: true,
    note: 'Spamhaus DROP, IPv4 (JSON lines)',
  },
  {
    name: 'spamhaus-drop-v6',
    kind: 'blocklist',
    url: 'https://www.spamhaus.org/drop/drop_v6.json',
    format: 'spamhaus-json',
    minIntervalMs: HOUR,
    maxBytes: 16 * MiB,
    byDefault: true,
    note: 'Spamhaus DROPv6 (JSON lines)',
  },
  {
    name: 'chrome-ct',
    kind: 'ct-log-list',
    // all_logs_list.json rather than log_list.json: the latter drops logs whose temporal interval has ended
    // (its 2026-09-12 version starts at Argon2026h2), so SCTs in older certificates would find no log; the
    // shipped table is made from this same file
    url: 'https://www.gstatic.com/ct/log_list/v3/all_logs_list.json',
    format: 'chrome-ct-json',
    // a list changes when a log is added or changes state: a day between requests keeps up
    minIntervalMs: DAY,
    maxBytes: 16 * MiB,
    byDefault: true,
    note: "Chrome's CT log list v3, every log Chrome knows (RFC 6962 logs and static-CT tiled logs); signature not checked",
  },
  {
    name: 'apple-ct',
    kind: 'ct-log-list',
    url: 'https://valid.apple.com/ct/log_list/current_log_list.json',
    format: 'apple-ct-json',
    minIntervalMs: DAY,
    maxBytes: 16 * MiB,
    byDefault: true,
    note: "Apple's CT log list (current_log_list.json, schema v4)",
  },
];

/** Defaults for a user-added URL: the strictest interval of the catalogue's threat feeds. */
export const USER_SOURCE_DEFAULTS = { minIntervalMs: HOUR, maxBytes: 64 * MiB } as const;

export interface UserSourceInput {
  name: string;
  kind: string;
  url: string;
  format?: string;
  minIntervalMs?: number;
  maxBytes?: number;
}

/** A validated user source (plain domain lists, hosts files or any supported format by URL). */
export function userSource(input: UserSourceInput): FeedSource {
  const name = checkFeedName(input.name);
  if (BUILTIN_SOURCES.some((s) => s.name === name)) throw new UsageError(`source name ${name} is taken by a built-in source`);
  if (!isFeedKind(input.kind)) throw new UsageError(`unknown feed kind ${JSON.stringify(input.kind)}`);
  if (input.format !== undefined && input.format !== null && !isFormatName(input.format)) {
    throw new UsageError(`unknown feed format ${JSON.stringify(input.format)}`);
  }
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new UsageError(`not a URL: ${JSON.stringify(input.url.slice(0, 200))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`only http(s) URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new UsageError('credentials in the URL are not accepted');
  return {
    name,
    kind: input.kind,
    url: url.toString(),
    format: (input.format ?? undefined) as FormatName | undefined,
    minIntervalMs: input.minIntervalMs ?? USER_SOURCE_DEFAULTS.minIntervalMs,
    maxBytes: input.maxBytes ?? USER_SOURCE_DEFAULTS.maxBytes,
    byDefault: true,
    note: 'user source',
  };
}

/** Remembers a user source in the store so that later `feeds update` runs fetch it too. */
export async function saveUserSource(conn: DuckDBConnection, s: FeedSource, now: Date): Promise<void> {
  await ensureFeedTables(conn);
  await conn.run(
    `INSERT OR REPLACE INTO feed_source (name, kind, format, url, min_interval_s, max_bytes, added_at)
     VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP))`,
    [s.name, s.kind, s.format ?? null, s.url, Math.round(s.minIntervalMs / 1000), s.maxBytes, sqlTimestamp(now)],
  );
}

export async function loadUserSources(conn: DuckDBConnection): Promise<FeedSource[]> {
  await ensureFeedTables(conn);
  const reader = await conn.runAndReadAll(`SELECT name, kind, format, url, min_interval_s, max_bytes FROM feed_source ORDER BY name`);
  return reader.getRowObjectsJS().map((r) =>
    userSource({
      name: String(r.name),
      kind: String(r.kind),
      url: String(r.url),
      format: r.format === null ? undefined : String(r.format),
      minIntervalMs: Number(r.min_interval_s) * 1000,
      maxBytes: Number(r.max_bytes),
    }),
  );
}
