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
import type { Row } from './types.ts';

export const SUBDOMAINS_PER_DAY = 100;
export const LONG_LABEL = 50;
export const LONG_NAME = 90;
export const LONG_NAMES = 10;
export const TXT_MIN = 20;
export const TXT_SHARE = 0.5;

const LONGEST_LABEL = (col: string) => `list_max(list_transform(string_split(${col}, '.'), x -> length(x)))`;
const IS_LONG = (col: string) => `(length(${col}) > ${LONG_NAME} OR ${LONGEST_LABEL(col)} >= ${LONG_LABEL})`;

export const TUNNELLING_METHOD =
  `DNS-tunnelling indicators per registrable domain (dhai decides): subdomains (at least ${SUBDOMAINS_PER_DAY} distinct names below it on one UTC day), ` +
  `long names (at least ${LONG_NAMES} distinct names with a label of ${LONG_LABEL}+ characters or over ${LONG_NAME} characters in all), ` +
  `heavy TXT (at least ${TXT_MIN} TXT requests, ${TXT_SHARE * 100} % or more of its requests). Reverse-DNS names are not counted. ` +
  'A domain in the top list or among the site\'s domains is listed with its indicators but raises no finding (a tunnel needs an authoritative server the attacker runs). ' +
  'After the AnomalousDNS Zeek package (8 unique names per domain and hour, queries over 90 characters) and RITA\'s C2-over-DNS subdomain count; set higher because every crossing is listed.';

/**
 * Registrable domains that may cross a threshold, found from the window's distinct names before pass 2
 * (distinct names in the window bound those of any one day from above), into TEMP TABLE dnsc_tcand(reg);
 * the groups under them are marked (dnsc_pcat.tun) so that pass 2 counts their clients.
 */
export async function markTunnellingCandidates(conn: DuckDBConnection): Promise<number> {
  const sub = await conn.runAndReadAll(`
    SELECT s.suf FROM (SELECT DISTINCT name FROM ${P}_pcat WHERE name IS NOT NULL AND NOT ends_with(name, '.arpa')) p
    JOIN ${P}_suf s ON s.name = p.name AND s.i >= 2 AND s.k BETWEEN 2 AND 6
    GROUP BY s.suf HAVING count(*) >= ${SUBDOMAINS_PER_DAY}`);
  const regs = new Set<string>();
  for (const [s] of sub.getRows()) if (registrableDomain(String(s)) === String(s)) regs.add(String(s));
  // TXT requests and long names count over the window, so only domains that reach the thresholds qualify
  const named = await conn.runAndReadAll(`
    SELECT name, sum(txt), bool_or(${IS_LONG('name')}) FROM ${P}_pcat
    WHERE name IS NOT NULL AND NOT ends_with(name, '.arpa') AND (txt > 0 OR ${IS_LONG('name')}) GROUP BY name`);
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
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_tcand (reg VARCHAR)`);
  const app = await conn.createAppender(`${P}_tcand`, 'main', 'temp');
  for (const r of regs) {
    app.appendVarchar(r);
    app.endRow();
  }
  app.closeSync();
  if (regs.size > 0) {
    await conn.run(`UPDATE ${P}_pcat SET tun = m.reg FROM (
        SELECT s.name, t.reg FROM ${P}_suf s JOIN ${P}_tcand t ON t.reg = s.suf WHERE NOT ends_with(s.name, '.arpa')) m
      WHERE m.name = ${P}_pcat.name`);
  }
  return regs.size;
}

export interface TunnellingResult {
  /** every domain that crosses a threshold, with its statistics and indicators, most indicators first */
  rows: Row[];
  /** the flagged domains that raise a finding */
  suspicious: string[];
}

/** The indicators of every candidate domain, after pass 2 (dnsc_day gives their distinct names per day). */
export async function tunnellingIndicators(conn: DuckDBConnection): Promise<TunnellingResult> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_tun AS
    WITH pc AS (SELECT p.tun AS reg, p.pid, p.name, p.n, p.txt, p.name <> p.tun AS below FROM ${P}_pcat p WHERE p.tun IS NOT NULL),
    perday AS (
      SELECT reg, max(c) AS c FROM (
        SELECT pc.reg, d.day, count(DISTINCT pc.name) FILTER (WHERE pc.below) AS c FROM pc JOIN ${P}_day d ON d.tpid = pc.pid GROUP BY pc.reg, d.day)
      GROUP BY reg
    ), agg AS (
      SELECT reg, count(DISTINCT name) FILTER (WHERE below) AS subdomains, sum(n)::BIGINT AS requests, sum(txt)::BIGINT AS txt_requests,
        count(DISTINCT name) FILTER (WHERE ${IS_LONG('name')}) AS long_names, max(${LONGEST_LABEL('name')}) AS longest_label,
        max(length(name)) AS longest_name, list_sort(list(DISTINCT name))[1:5] AS sample_names
      FROM pc GROUP BY reg
    )
    SELECT agg.*, perday.c AS max_subdomains_per_day,
      (SELECT count(DISTINCT g.client) FROM ${P}_agg g WHERE g.tun = agg.reg) AS clients,
      perday.c >= ${SUBDOMAINS_PER_DAY} AS many_subdomains,
      agg.long_names >= ${LONG_NAMES} AS long_labels,
      agg.txt_requests >= ${TXT_MIN} AND agg.txt_requests >= ${TXT_SHARE} * agg.requests AS heavy_txt,
      agg.reg IN (SELECT reg FROM ${P}_top) AS whitelisted, agg.reg IN (SELECT domain FROM ${P}_site) AS site_domain
    FROM agg JOIN perday USING (reg)`);
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

/** Per flagged domain, the clients whose requests fall under it (from pass 2), at most CLIENTS_PER_DOMAIN. */
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
