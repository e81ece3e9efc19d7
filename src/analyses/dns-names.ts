// Everything analysis A decides from a DNS name alone, once per distinct name, in SQL. "The name or a parent
// is listed" is an equality join of the names' suffixes with one table of listed domains, not a pattern match
// per row. A name's suffixes are the name itself and its parent's suffixes, so only the distinct parents'
// suffixes are built and matched (names with unique first labels, as CDNs and telemetry produce, share a
// few parents), and each name takes its own match or its parent's.
//   botnet / blocklist  the name or a parent is a listed domain (a host taken from a listed URL matches only
//                       itself: URLhaus lists URLs on shared hosts); the most specific listing wins
//   whitelisted         a suffix of the name is a registrable domain within the top N. Only one suffix of a
//                       name can be a registrable domain (the Public Suffix List assigns each name one), so
//                       this equals "registrable(name) is in the top N" with the feed's registrable column
//   rule (a)            a suffix is one of the site's domains that is itself registrable (same argument)
//   rule (c)            single label, an internal suffix, or a reverse zone of an internal prefix
//   rule (d)            the name, or its parent under a wildcard, is in a hospital server's certificate
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Network } from '../privacy/addresses.ts';
import { P } from './dns-feeds.ts';
import { isInternalReverse, normalisedNameSql } from './dns-internal.ts';
import { TempTable } from './temp-table.ts';

/**
 * From dnsc_pair: TEMP TABLE dnsc_name(nid, name, parent) (each normalised name, numbered; parent: the name
 * without its first label, NULL for a single label), dnsc_pname(pid, nid) (each pair's name), dnsc_psuf(parent,
 * i, k, suf) (the i-th suffix of each distinct parent, of k labels; i = 1 is the parent itself: suffix i + 1 of
 * the names below it), dnsc_revint(nid) (rule c reverse zones).
 */
export async function loadNames(conn: DuckDBConnection, nets: readonly Network[]): Promise<void> {
  // a name's number is the first pair that has it (no window over all names)
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_name AS
    SELECT nid, name, CASE WHEN contains(name, '.') THEN substr(name, strpos(name, '.') + 1) END AS parent FROM (
      SELECT ${normalisedNameSql('query')} AS name, min(pid) AS nid FROM ${P}_pair GROUP BY name) WHERE name IS NOT NULL`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_pname AS
    SELECT p.pid, n.nid FROM ${P}_pair p JOIN ${P}_name n ON n.name = ${normalisedNameSql('p.query')}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_psuf AS
    WITH n AS (SELECT parent, string_split(parent, '.') AS p FROM (SELECT DISTINCT parent FROM ${P}_name WHERE parent IS NOT NULL)),
    u AS (SELECT parent, p, unnest(generate_series(1, len(p))) AS i FROM n)
    SELECT parent, i::INTEGER AS i, (len(p) - i + 1)::INTEGER AS k, array_to_string(p[i:], '.') AS suf FROM u`);
  const rev = await conn.runAndReadAll(`SELECT nid, name FROM ${P}_name WHERE ends_with(name, '.in-addr.arpa') OR ends_with(name, '.ip6.arpa')`);
  const revint = await TempTable.create(conn, `${P}_revint`, [['nid', 'BIGINT']]);
  for (const [nid, n] of rev.getRows()) if (isInternalReverse(String(n), nets)) revint.row([Number(nid)]);
  revint.close();
}

/**
 * TEMP TABLE dnsc_nflag(nid, bot, blk, rank, site_a, cert_d): per name, the botnet and blocklist listing
 * that matched (struct of snapshot_id, family, listed, url), the top-list rank of its registrable domain
 * (NULL when not in the top N), and rules (a) and (d). Names matching nothing are absent.
 */
export async function flagNames(conn: DuckDBConnection, siteDomains: readonly string[]): Promise<void> {
  const site = await TempTable.create(conn, `${P}_site`, [['domain', 'VARCHAR']]);
  for (const d of siteDomains) site.row([d]);
  site.close();
  // kind, the suffix to match, and whether only the name itself (i = 1) or only its parent (i = 2) may match
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_match AS
    SELECT domain AS suf, kind, snapshot_id, family, NULL::INTEGER AS rank, CASE WHEN exact_only THEN 1 END AS only_i FROM ${P}_listdom
    UNION ALL SELECT reg, 'top', NULL, NULL, rank, NULL FROM ${P}_top
    UNION ALL SELECT domain, 'site', NULL, NULL, NULL, NULL FROM ${P}_site
    UNION ALL SELECT name, 'cert', NULL, NULL, NULL, 1 FROM ${P}_certname WHERE NOT starts_with(name, '*.')
    UNION ALL SELECT substr(name, 3), 'cert', NULL, NULL, NULL, 2 FROM ${P}_certname WHERE starts_with(name, '*.')`);
  // i: the suffix's place in the name (1 = the name); the lowest i (the most specific listing) wins, then the lowest snapshot
  const flags = (i: string) => {
    const listing = (kind: string) => `arg_min(struct_pack(snapshot_id := m.snapshot_id, family := m.family, listed := m.suf, url := m.only_i IS NOT NULL),
      (${i})::BIGINT * 4294967296 + m.snapshot_id) FILTER (WHERE m.kind = '${kind}')`;
    return `${listing('botnet')} AS bot, ${listing('blocklist')} AS blk, min(m.rank) FILTER (WHERE m.kind = 'top') AS rank,
      coalesce(bool_or(m.kind = 'site'), false) AS site_a, coalesce(bool_or(m.kind = 'cert'), false) AS cert_d`;
  };
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_nflag AS
    WITH own AS (
      SELECT n.nid, ${flags('1')} FROM ${P}_name n JOIN ${P}_match m ON m.suf = n.name AND (m.only_i IS NULL OR m.only_i = 1) GROUP BY n.nid
    ), par AS (
      -- a name's suffix i + 1 is its parent's suffix i: a URL host (only_i 1) never matches there, a wildcard's base (only_i 2) only at i = 1
      SELECT s.parent, ${flags('s.i + 1')} FROM ${P}_psuf s JOIN ${P}_match m ON m.suf = s.suf AND (m.only_i IS NULL OR (m.only_i = 2 AND s.i = 1))
      GROUP BY s.parent
    )
    SELECT n.nid, coalesce(o.bot, p.bot) AS bot, coalesce(o.blk, p.blk) AS blk, least(o.rank, p.rank) AS rank,
      coalesce(o.site_a, false) OR coalesce(p.site_a, false) AS site_a, coalesce(o.cert_d, false) OR coalesce(p.cert_d, false) AS cert_d
    FROM ${P}_name n LEFT JOIN own o ON o.nid = n.nid LEFT JOIN par p ON p.parent = n.parent
    WHERE o.nid IS NOT NULL OR p.parent IS NOT NULL`);
}

/** TEMP TABLE dnsc_ndoh(nid, name): the names of public DoH resolvers (the host, or below it when the service has subdomains). */
export async function flagDohNames(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_ndoh AS
    SELECT n.nid, n.name FROM ${P}_name n JOIN ${P}_doh d ON d.host = n.name
    UNION
    SELECT n.nid, n.name FROM ${P}_psuf s JOIN ${P}_doh d ON d.host = s.suf AND d.subdomains JOIN ${P}_name n ON n.parent = s.parent`);
}
