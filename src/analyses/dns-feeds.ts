// The feeds analysis A matches DNS requests against, as temp tables: the top list chosen for whitelisting
// (its registrable domains within the top N), every blocklist and botnet feed (the latest snapshot of each
// name), their domains and address ranges. Feed entries are normalised at import (feed-store.ts); the
// registrable column there comes from the Public Suffix List (ICANN section), as the analysis needs.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { listFeeds, type ListedSnapshot } from '../intel/feed-store.ts';

export interface DnsFeed {
  id: number;
  name: string;
  kind: 'toplist' | 'blocklist' | 'botnet';
  /** ISO 8601 UTC: the date the feed states, else when it was imported */
  date: string;
  date_source: 'content' | 'http' | 'file-name' | 'fetched';
  entries: number;
  sha256: string;
}

export interface DnsFeeds {
  /** the top list used for whitelisting; null when none is loaded (or the configured one is missing) */
  top: DnsFeed | null;
  topN: number;
  /** what the site asked for and the store lacks, for the section's `needs` */
  missing: string[];
  blocklists: DnsFeed[];
  botnet: DnsFeed[];
  /** malware families named by the botnet feeds, as written there (sorted) */
  families: string[];
}

export const P = 'dnsc';

function toFeed(s: ListedSnapshot): DnsFeed {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind as DnsFeed['kind'],
    date: s.feedDate ?? s.fetchedAt,
    date_source: s.feedDate ? (s.feedDateFrom ?? 'content') : 'fetched',
    entries: s.entries,
    sha256: s.sha256,
  };
}

/** The top list: the one the site names, else the most recently imported one. */
function chooseTop(latest: ListedSnapshot[], site: Site): { top: ListedSnapshot | null; missing: string[] } {
  const lists = latest.filter((s) => s.kind === 'toplist');
  const wanted = site.dns.top_list;
  if (wanted !== undefined) {
    const top = lists.find((s) => s.name === wanted) ?? null;
    return { top, missing: top ? [] : [`the top list named ${wanted} in the site configuration (dns.top_list); import it with dhai feeds import FILE --kind toplist --name ${wanted}`] };
  }
  const top = [...lists].sort((a, b) => (a.lastSeenAt < b.lastSeenAt ? 1 : a.lastSeenAt > b.lastSeenAt ? -1 : b.id - a.id))[0] ?? null;
  return { top, missing: [] };
}

/**
 * Create the temp tables dnsc_feed(id, name, kind, date), dnsc_top(reg, rank), dnsc_listdom(domain, snapshot_id,
 * kind, family, exact_only) and dnsc_listip(snapshot_id, kind, family, version, lo, hi), and describe the feeds.
 * An address that a feed lists only as the host of a URL (URLhaus) is left out of dnsc_listip: such hosts
 * are often shared, and every name resolving to one would count.
 */
export async function loadDnsFeeds(conn: DuckDBConnection, site: Site): Promise<DnsFeeds> {
  const latest = (await listFeeds(conn)).filter((s) => s.latest);
  const { top, missing } = chooseTop(latest, site);
  const blocklists = latest.filter((s) => s.kind === 'blocklist').map(toFeed);
  const botnet = latest.filter((s) => s.kind === 'botnet').map(toFeed);
  const used = [...(top ? [toFeed(top)] : []), ...blocklists, ...botnet];

  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_feed (id INTEGER, name VARCHAR, kind VARCHAR, date VARCHAR)`);
  const app = await conn.createAppender(`${P}_feed`, 'main', 'temp');
  for (const f of used) {
    app.appendInteger(f.id);
    app.appendVarchar(f.name);
    app.appendVarchar(f.kind);
    app.appendVarchar(f.date);
    app.endRow();
  }
  app.closeSync();

  const topN = site.dns.top_n;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_top (reg VARCHAR, rank INTEGER)`);
  const listIds = [...blocklists, ...botnet].map((f) => f.id);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_listdom (domain VARCHAR, snapshot_id INTEGER, kind VARCHAR, family VARCHAR, exact_only BOOLEAN)`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_listip (snapshot_id INTEGER, kind VARCHAR, family VARCHAR, version TINYINT, lo UHUGEINT, hi UHUGEINT)`);
  if (top) {
    // one rank per registrable domain: lists such as Umbrella rank several names of one domain
    await conn.run(
      `INSERT INTO ${P}_top SELECT registrable, min(rank) FROM feed_domain
       WHERE snapshot_id = $1 AND rank <= $2 AND registrable IS NOT NULL GROUP BY registrable`,
      [top.id, topN],
    );
  }
  if (listIds.length > 0) {
    const ids = listIds.join(', '); // integers from the store
    await conn.run(
      `INSERT INTO ${P}_listdom SELECT d.domain, d.snapshot_id, f.kind, d.family, d.from_url
       FROM feed_domain d JOIN ${P}_feed f ON f.id = d.snapshot_id WHERE d.snapshot_id IN (${ids})`,
    );
    await conn.run(
      `INSERT INTO ${P}_listip SELECT i.snapshot_id, f.kind, i.family, i.version, i.lo, i.hi
       FROM feed_ip i JOIN ${P}_feed f ON f.id = i.snapshot_id WHERE i.snapshot_id IN (${ids}) AND NOT i.from_url`,
    );
  }
  const fam = await conn.runAndReadAll(
    `SELECT DISTINCT family FROM (SELECT family FROM ${P}_listdom WHERE kind = 'botnet' UNION ALL SELECT family FROM ${P}_listip WHERE kind = 'botnet')
     WHERE family IS NOT NULL ORDER BY family`,
  );
  return {
    top: top ? toFeed(top) : null,
    topN,
    missing,
    blocklists,
    botnet,
    families: fam.getRows().map((r) => String(r[0])),
  };
}
