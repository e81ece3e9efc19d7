// Everything analysis A decides from a DNS name alone, once per distinct name (far fewer than requests:
// 40 thousand for 20 million in bench/dns.ts), in SQL: each name's suffixes (itself and every parent) are
// joined with one table of listed domains, so "the name or a parent is listed" is an equality join rather
// than a pattern match per row.
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

/**
 * From dnsc_pair: TEMP TABLE dnsc_qname(query, name) (raw query → normalised name), dnsc_suf(name, i, k, suf)
 * (the i-th suffix, of k labels; i = 1 is the name itself), dnsc_revint(name) (rule c reverse zones).
 */
export async function loadNames(conn: DuckDBConnection, nets: readonly Network[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_qname AS
    SELECT query, ${normalisedNameSql('query')} AS name FROM (SELECT DISTINCT query FROM ${P}_pair WHERE query IS NOT NULL)`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_suf AS
    WITH n AS (SELECT name, string_split(name, '.') AS p FROM (SELECT DISTINCT name FROM ${P}_qname WHERE name IS NOT NULL)),
    u AS (SELECT name, p, unnest(generate_series(1, len(p))) AS i FROM n)
    SELECT name, i::INTEGER AS i, (len(p) - i + 1)::INTEGER AS k, array_to_string(p[i:], '.') AS suf FROM u`);
  const rev = await conn.runAndReadAll(`SELECT name FROM ${P}_suf WHERE i = 1 AND (ends_with(name, '.in-addr.arpa') OR ends_with(name, '.ip6.arpa'))`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_revint (name VARCHAR)`);
  const app = await conn.createAppender(`${P}_revint`, 'main', 'temp');
  for (const [n] of rev.getRows()) {
    if (!isInternalReverse(String(n), nets)) continue;
    app.appendVarchar(String(n));
    app.endRow();
  }
  app.closeSync();
}

/**
 * TEMP TABLE dnsc_nflag(name, bot, blk, rank, site_a, cert_d): per name, the botnet and blocklist listing
 * that matched (struct of snapshot_id, family, listed, url), the top-list rank of its registrable domain
 * (NULL when not in the top N), and rules (a) and (d). Names matching nothing are absent.
 */
export async function flagNames(conn: DuckDBConnection, siteDomains: readonly string[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_site (domain VARCHAR)`);
  const app = await conn.createAppender(`${P}_site`, 'main', 'temp');
  for (const d of siteDomains) {
    app.appendVarchar(d);
    app.endRow();
  }
  app.closeSync();
  // kind, the suffix to match, and whether only the name itself (i = 1) or only its parent (i = 2) may match
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_match AS
    SELECT domain AS suf, kind, snapshot_id, family, NULL::INTEGER AS rank, CASE WHEN exact_only THEN 1 END AS only_i FROM ${P}_listdom
    UNION ALL SELECT reg, 'top', NULL, NULL, rank, NULL FROM ${P}_top
    UNION ALL SELECT domain, 'site', NULL, NULL, NULL, NULL FROM ${P}_site
    UNION ALL SELECT name, 'cert', NULL, NULL, NULL, 1 FROM ${P}_certname WHERE NOT starts_with(name, '*.')
    UNION ALL SELECT substr(name, 3), 'cert', NULL, NULL, NULL, 2 FROM ${P}_certname WHERE starts_with(name, '*.')`);
  const listing = (kind: string) => `arg_min(struct_pack(snapshot_id := m.snapshot_id, family := m.family, listed := m.suf, url := m.only_i IS NOT NULL),
      s.i::BIGINT * 4294967296 + m.snapshot_id) FILTER (WHERE m.kind = '${kind}')`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_nflag AS
    SELECT s.name, ${listing('botnet')} AS bot, ${listing('blocklist')} AS blk,
      min(m.rank) FILTER (WHERE m.kind = 'top') AS rank,
      coalesce(bool_or(m.kind = 'site'), false) AS site_a,
      coalesce(bool_or(m.kind = 'cert'), false) AS cert_d
    FROM ${P}_suf s JOIN ${P}_match m ON m.suf = s.suf AND (m.only_i IS NULL OR m.only_i = s.i)
    GROUP BY s.name`);
}
