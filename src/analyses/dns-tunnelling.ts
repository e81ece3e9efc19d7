// DNS-tunnelling indicators per registrable domain (dhai decides the thresholds; after the AnomalousDNS Zeek
// package by J. Baggs, which flags > 8 unique names under a domain per hour and queries over 90 characters,
// and RITA's unique-subdomain count for C2 over DNS; set higher here because a report lists what crosses them):
//   subdomains   at least SUBDOMAINS_PER_DAY distinct names below the domain on one UTC day
//   long names   at least LONG_NAMES distinct names with a label of LONG_LABEL or more characters, or longer
//                than LONG_NAME characters (encoded payloads; iodine and dnscat2 fill labels up to 63)
//   heavy TXT    at least TXT_MIN TXT requests under the domain, making up TXT_SHARE of its requests or more
// Reverse-DNS names (.arpa) are left out: address sweeps produce many unique names by design. Registrable
// domains come from the Public Suffix List (tldts), computed in JS only for the few candidates.
import type { DuckDBConnection } from '@duckdb/node-api';
import { registrableDomain } from '../intel/domain.ts';
import { readRows } from './connections.ts';
import { P } from './dns-feeds.ts';
import { TempTable } from './temp-table.ts';
import type { Row } from './types.ts';

export const SUBDOMAINS_PER_DAY = 100;
export const LONG_LABEL = 50;
export const LONG_NAME = 90;
export const LONG_NAMES = 10;
export const TXT_MIN = 20;
export const TXT_SHARE = 0.5;

const LONGEST_LABEL = (col: string) => `list_max(list_transform(string_split(${col}, '.'), x -> length(x)))`;
const IS_LONG = (t: string) => `(${t}.len > ${LONG_NAME} OR ${t}.longest >= ${LONG_LABEL})`;

/**
 * TEMP TABLE dnsc_nlen(nid, len, longest): each name's length and longest label. A name's longest label is its
 * first label or its parent's longest, so labels are split once per distinct parent, not once per name.
 */
async function nameLengths(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_nlen AS
    SELECT n.nid, length(n.name) AS len,
      greatest(CASE WHEN n.parent IS NULL THEN length(n.name) ELSE strpos(n.name, '.') - 1 END, coalesce(pl.longest, 0)) AS longest
    FROM ${P}_name n LEFT JOIN (
      SELECT parent, ${LONGEST_LABEL('parent')} AS longest FROM (SELECT DISTINCT parent FROM ${P}_name WHERE parent IS NOT NULL)) pl
    ON pl.parent = n.parent`);
}

export const TUNNELLING_METHOD =
  `DNS-tunnelling indicators per registrable domain (dhai decides): subdomains (at least ${SUBDOMAINS_PER_DAY} distinct names below it on one UTC day), ` +
  `long names (at least ${LONG_NAMES} distinct names with a label of ${LONG_LABEL}+ characters or over ${LONG_NAME} characters in all), ` +
  `heavy TXT (at least ${TXT_MIN} TXT requests, ${TXT_SHARE * 100} % or more of its requests). Reverse-DNS names are not counted. ` +
  'A domain in the top list or among the site\'s domains is listed with its indicators but raises no finding (a tunnel needs an authoritative server the attacker runs). ' +
  'After the AnomalousDNS Zeek package (8 unique names per domain and hour, queries over 90 characters) and RITA\'s C2-over-DNS subdomain count; set higher because every crossing is listed.';

/**
 * Registrable domains that may cross a threshold, found from the window's distinct names before the counts
 * (distinct names in the window bound those of any one day from above), into TEMP TABLE dnsc_tcand(reg), and
 * the names under them into TEMP TABLE dnsc_ntun(nid, reg), so that the counts per client carry them.
 */
export async function markTunnellingCandidates(conn: DuckDBConnection): Promise<number> {
  // the names below a suffix are those whose parent is the suffix or below it; each name has one parent
  const sub = await conn.runAndReadAll(`
    WITH c AS (SELECT parent, count(*) AS c FROM ${P}_name WHERE parent IS NOT NULL AND NOT ends_with(name, '.arpa') GROUP BY parent)
    SELECT s.suf FROM ${P}_psuf s JOIN c ON c.parent = s.parent WHERE s.k BETWEEN 2 AND 6
    GROUP BY s.suf HAVING sum(c.c) >= ${SUBDOMAINS_PER_DAY}`);
  const regs = new Set<string>();
  for (const [s] of sub.getRows()) if (registrableDomain(String(s)) === String(s)) regs.add(String(s));
  // TXT requests and long names count over the window, so only domains that reach the thresholds qualify
  await nameLengths(conn);
  const named = await conn.runAndReadAll(`
    SELECT any_value(n.name), sum(p.txt), bool_or(${IS_LONG('l')}) FROM ${P}_pcat p JOIN ${P}_name n ON n.nid = p.nid JOIN ${P}_nlen l ON l.nid = p.nid
    WHERE NOT ends_with(n.name, '.arpa') AND (p.txt > 0 OR ${IS_LONG('l')}) GROUP BY p.nid`);
  const per = new Map<string, { txt: number; long: number }>();
  for (const [n, txt, long] of named.getRows()) {
    const reg = registrableDomain(String(n));
    if (!reg) continue;
    const e = per.get(reg) ?? { txt: 0, long: 0 };
    e.txt += Number(txt);
    if (long === true) e.long++;
    per.set(reg, e);
  }
  for (const [reg, e] of per) if (e.txt >= TXT_MIN || e.long >= LONG_NAMES) regs.add(reg);
  const candidates = await TempTable.create(conn, `${P}_tcand`, [['reg', 'VARCHAR']]);
  for (const r of regs) candidates.row([r]);
  candidates.close();
  // a name lies under at most one candidate: candidates are registrable domains, and a name has one
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_ntun AS
    SELECT n.nid, t.reg FROM ${P}_name n JOIN ${P}_tcand t ON t.reg = n.name WHERE NOT ends_with(n.name, '.arpa')
    UNION ALL
    SELECT n.nid, t.reg FROM ${P}_psuf s JOIN ${P}_tcand t ON t.reg = s.suf JOIN ${P}_name n ON n.parent = s.parent WHERE NOT ends_with(n.name, '.arpa')`);
  return regs.size;
}

export interface TunnellingResult {
  /** every domain that crosses a threshold, with its statistics and indicators, most indicators first */
  rows: Row[];
  /** the flagged domains that raise a finding */
  suspicious: string[];
}

/** The indicators of every candidate domain, after the counts (dnsc_dname gives their distinct names per day). */
export async function tunnellingIndicators(conn: DuckDBConnection): Promise<TunnellingResult> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_tun AS
    WITH pn AS (
      -- one row per name under a candidate, with its facts computed once
      SELECT x.reg, x.nid, x.name, x.n, x.txt, x.name <> x.reg AS below, l.len, l.longest FROM (
        SELECT t.reg, p.nid, any_value(n.name) AS name, sum(p.n)::BIGINT AS n, sum(p.txt)::BIGINT AS txt
        FROM ${P}_pcat p JOIN ${P}_ntun t ON t.nid = p.nid JOIN ${P}_name n ON n.nid = p.nid GROUP BY t.reg, p.nid) x
      JOIN ${P}_nlen l ON l.nid = x.nid
    ), perday AS (
      -- dnsc_dname has one row per (day, name): counting rows counts distinct names
      SELECT r.reg, coalesce(max(c.c), 0) AS c FROM (SELECT DISTINCT reg FROM pn) r LEFT JOIN (
        SELECT b.reg, d.day, count(*) AS c FROM pn b JOIN ${P}_dname d ON d.nid = b.nid WHERE b.below GROUP BY b.reg, d.day) c ON c.reg = r.reg
      GROUP BY r.reg
    ), agg AS (
      SELECT reg, count(*) FILTER (WHERE below) AS subdomains, sum(n)::BIGINT AS requests, sum(txt)::BIGINT AS txt_requests,
        count(*) FILTER (WHERE ${IS_LONG('pn')}) AS long_names, max(longest) AS longest_label,
        max(len) AS longest_name, min(name, 5) AS sample_names
      FROM pn GROUP BY reg
    ), cl AS (SELECT tun AS reg, count(DISTINCT client) AS clients FROM ${P}_agg WHERE tun IS NOT NULL GROUP BY tun)
    SELECT agg.*, perday.c AS max_subdomains_per_day, coalesce(cl.clients, 0) AS clients,
      perday.c >= ${SUBDOMAINS_PER_DAY} AS many_subdomains,
      agg.long_names >= ${LONG_NAMES} AS long_labels,
      agg.txt_requests >= ${TXT_MIN} AND agg.txt_requests >= ${TXT_SHARE} * agg.requests AS heavy_txt,
      agg.reg IN (SELECT reg FROM ${P}_top) AS whitelisted, agg.reg IN (SELECT domain FROM ${P}_site) AS site_domain
    FROM agg JOIN perday USING (reg) LEFT JOIN cl USING (reg)`);
  const rows = await readRows(conn, `
    SELECT reg AS domain, many_subdomains, long_labels, heavy_txt, whitelisted, site_domain, subdomains, max_subdomains_per_day,
      requests, txt_requests, long_names, longest_label, longest_name, clients, sample_names
    FROM ${P}_tun WHERE many_subdomains OR long_labels OR heavy_txt
    ORDER BY (many_subdomains::INT + long_labels::INT + heavy_txt::INT) DESC, requests DESC, domain`);
  const suspicious = rows.filter((r) => !r.whitelisted && !r.site_domain).map((r) => String(r.domain));
  return { rows, suspicious };
}

/** Clients listed per flagged domain (the most active first); the tunnelling table counts them all. */
export const CLIENTS_PER_DOMAIN = 20;

/** Per flagged domain, the clients whose requests fall under it (from dnsc_agg), at most CLIENTS_PER_DOMAIN. */
export async function tunnellingClients(conn: DuckDBConnection): Promise<Row[]> {
  return readRows(conn, `
    SELECT g.tun AS domain, g.client, CASE WHEN a.inside IS NOT false THEN coalesce(a.class, 'unclassified') ELSE 'outside' END AS class,
      sum(g.n)::BIGINT AS requests, strftime(min(g.first_ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS first_seen,
      strftime(max(g.last_ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS last_seen
    FROM ${P}_agg g LEFT JOIN addr_class a ON a.addr = g.client
    WHERE g.tun IN (SELECT reg FROM ${P}_tun WHERE many_subdomains OR long_labels OR heavy_txt)
    GROUP BY g.tun, g.client, a.inside, a.class
    QUALIFY row_number() OVER (PARTITION BY g.tun ORDER BY sum(g.n) DESC, g.client) <= ${CLIENTS_PER_DOMAIN}
    ORDER BY domain, requests DESC, client`);
}
