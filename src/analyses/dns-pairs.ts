// The two passes over dns.log that analysis A makes, and the category of each request between them.
//   pass 1  requests grouped by (query, answers): a request's category depends on nothing else, so names
//           and answers are judged once per group (dns-names.ts, dns-answers.ts), not once per row;
//   pass 2  every request joined to its group's category and counted twice over (grouping sets): by client,
//           resolver and category (classes, evidence, bypass), and by UTC day and category (per-day counts,
//           with the group kept for names under a tunnelling candidate: their distinct names per day).
// Pass 2 joins a request to its group by DuckDB's 64-bit hash of (query, answers), computed in both passes:
// joining on the answer list itself would hash and compare every request's list again. Pass 1 groups by
// the values and checks that no two groups share a hash, so the join is exact; if two ever do, pass 2 joins
// on the values (slower, same result).
import type { DuckDBConnection } from '@duckdb/node-api';
import { P } from './dns-feeds.ts';
import { internalNameSql } from './dns-internal.ts';
import { logRows, type Window } from './inputs.ts';

/** Category codes in the spec's order (analyses.md A: security first). */
export const CATEGORIES = ['botnet', 'blacklisted', 'self_associated', 'whitelisted', 'uncategorised'] as const;
export type Category = (typeof CATEGORIES)[number];

const COLUMNS = 'ts, uid, id_orig_h, id_resp_h, id_resp_p, proto, query, qtype, qtype_name, answers';

/**
 * The window's dns.log rows. When several sensors logged DNS, a connection (uid) is taken from one sensor
 * only, the one whose file was ingested first, with all of that sensor's rows for it: a uid is not a request
 * key in dns.log (one UDP flow carries many queries), so keeping one row per uid would lose requests.
 */
export async function dnsRelation(conn: DuckDBConnection, w: Window): Promise<string> {
  return `(SELECT ${COLUMNS} FROM ${await logRows(conn, 'dns', w, { perSensor: true })})`;
}

/** The join key of a (query, answers) pair; a parameter only so that the tests can force collisions. */
export const PAIR_HASH = 'hash(query, answers)';

/**
 * Pass 1: TEMP TABLE dnsc_pair(pid, h, query, answers, n, txt), one row per distinct (query, answers).
 * Returns the number of requests, and whether two groups share a hash (then pass 2 must join by value).
 */
export async function buildPairs(conn: DuckDBConnection, rel: string, key = PAIR_HASH): Promise<{ total: number; collision: boolean }> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_pair AS SELECT row_number() OVER () AS pid, * FROM (
    SELECT ${key} AS h, query, answers, count(*)::BIGINT AS n,
      count(*) FILTER (WHERE qtype = 16 OR qtype_name = 'TXT')::BIGINT AS txt
    FROM ${rel} GROUP BY query, answers)`);
  const r = await conn.runAndReadAll(`SELECT coalesce(sum(n), 0), count(*) > count(DISTINCT h) FROM ${P}_pair`);
  const [total, collision] = r.getRows()[0]!;
  return { total: Number(total), collision: collision === true };
}

const listing = (col: string) => `struct_pack(listed := ${col}.listed, snapshot_id := ${col}.snapshot_id, family := ${col}.family)`;

/**
 * TEMP TABLE dnsc_pcat: each group with its category (0..4, CATEGORIES), the rule that decided it (botnet and
 * blacklisted: name | url-host | answer; self-associated: a | b | c | d; whitelisted: top), the listing
 * (listed domain or address, snapshot_id, family), the normalised name, and the columns later steps fill
 * (tun: the registrable domain a tunnelling indicator looks at; doh: set when the name is a DoH resolver's).
 */
export async function categorisePairs(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_pcat AS
    WITH af AS (
      -- the first listed answer decides (METRICS.md: "otherwise the first answer's")
      SELECT u.pid,
        arg_min(struct_pack(listed := u.a, snapshot_id := f.bot.snapshot_id, family := f.bot.family), u.pos) FILTER (WHERE f.bot IS NOT NULL) AS bot,
        arg_min(struct_pack(listed := u.a, snapshot_id := f.blk.snapshot_id, family := f.blk.family), u.pos) FILTER (WHERE f.blk IS NOT NULL) AS blk,
        bool_or(f.inside) AS inside_any
      FROM (SELECT pid, unnest(answers) AS a, generate_subscripts(answers, 1) AS pos FROM ${P}_pair WHERE answers IS NOT NULL) u
      JOIN ${P}_addrflag f ON f.addr = u.a
      GROUP BY u.pid
    ), j AS (
      SELECT p.*, q.name, nf.bot AS nbot, nf.blk AS nblk, nf.rank, coalesce(nf.site_a, false) AS site_a,
        coalesce(nf.cert_d, false) AS cert_d, af.bot AS abot, af.blk AS ablk, coalesce(af.inside_any, false) AS inside_any,
        coalesce(q.name IS NOT NULL AND (${internalNameSql('q.name')} OR r.name IS NOT NULL), false) AS internal_c
      FROM ${P}_pair p
      LEFT JOIN ${P}_qname q ON q.query = p.query
      LEFT JOIN ${P}_nflag nf ON nf.name = q.name
      LEFT JOIN af ON af.pid = p.pid
      LEFT JOIN ${P}_revint r ON r.name = q.name
    )
    SELECT pid, h, query, answers, n, txt, name,
      (CASE WHEN nbot IS NOT NULL OR abot IS NOT NULL THEN 0 WHEN nblk IS NOT NULL OR ablk IS NOT NULL THEN 1
        WHEN site_a OR inside_any OR internal_c OR cert_d THEN 2 WHEN rank IS NOT NULL THEN 3 ELSE 4 END)::TINYINT AS cat,
      CASE WHEN nbot IS NOT NULL THEN CASE WHEN nbot.url THEN 'url-host' ELSE 'name' END WHEN abot IS NOT NULL THEN 'answer'
        WHEN nblk IS NOT NULL THEN CASE WHEN nblk.url THEN 'url-host' ELSE 'name' END WHEN ablk IS NOT NULL THEN 'answer'
        WHEN site_a THEN 'a' WHEN inside_any THEN 'b' WHEN internal_c THEN 'c' WHEN cert_d THEN 'd'
        WHEN rank IS NOT NULL THEN 'top' END AS rule,
      CASE WHEN nbot IS NOT NULL THEN ${listing('nbot')} WHEN abot IS NOT NULL THEN abot
        WHEN nblk IS NOT NULL THEN ${listing('nblk')} WHEN ablk IS NOT NULL THEN ablk END AS listing,
      rank, NULL::VARCHAR AS tun, NULL::VARCHAR AS doh
    FROM j`);
}

/**
 * Pass 2: every request joined to its group and counted by (client, resolver, category key) into TEMP TABLE
 * dnsc_agg(client, server, cat, rule, snapshot_id, family, ev_pid, tun, doh, n, first_ts, last_ts), where
 * `server` is the resolver of port-53 requests (NULL otherwise) and ev_pid the group of a botnet or blacklisted
 * request (its evidence); and by (UTC day, category key, group under a tunnelling candidate) into TEMP TABLE
 * dnsc_day(day, cat, tpid, n). The category key (dnsc_ck.ck) numbers the distinct combinations of the columns
 * the results need, so the per-request aggregation groups by three columns rather than nine.
 * `byValue`: join on the values too (two groups share a hash). Returns the number of requests joined.
 */
export async function aggregateRequests(conn: DuckDBConnection, rel: string, byValue: boolean, key = PAIR_HASH): Promise<number> {
  // the category key: each distinct combination numbered once, then given to its groups by an equality join
  // (a window over every group would sort them all)
  const cols = 'cat, rule, snapshot_id, family, ev_pid, tun, doh';
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_key AS
    SELECT pid, h, query, answers, cat, rule, listing.snapshot_id AS snapshot_id, listing.family AS family,
      CASE WHEN cat <= 1 THEN pid END AS ev_pid, tun, doh, CASE WHEN tun IS NOT NULL THEN pid END AS tpid
    FROM ${P}_pcat`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_ck AS SELECT row_number() OVER () AS ck, * FROM (SELECT DISTINCT ${cols} FROM ${P}_key)`);
  const same = cols.split(', ').map((c) => `c.${c} IS NOT DISTINCT FROM k.${c}`).join(' AND ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_key AS SELECT k.h, k.pid, k.tpid, k.query, k.answers, c.ck FROM ${P}_key k JOIN ${P}_ck c ON ${same}`);
  const on = byValue ? 'k.h = d.h AND k.query IS NOT DISTINCT FROM d.query AND k.answers IS NOT DISTINCT FROM d.answers' : 'k.h = d.h';
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_p2 AS
    SELECT client, server, ck, day, tpid, grouping(day) AS by_client, count(*)::BIGINT AS n, min(ts) AS first_ts, max(ts) AS last_ts
    FROM (
      SELECT d.id_orig_h AS client, CASE WHEN d.id_resp_p = 53 THEN d.id_resp_h END AS server, k.ck, CAST(d.ts AS DATE) AS day, k.tpid, d.ts
      FROM (SELECT ts, id_orig_h, id_resp_h, id_resp_p, query, answers, ${key} AS h FROM ${rel}) d
      JOIN (SELECT h, ck, tpid${byValue ? ', query, answers' : ''} FROM ${P}_key) k ON ${on})
    GROUP BY GROUPING SETS ((client, server, ck), (day, ck, tpid))`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_agg AS
    SELECT g.client, g.server, k.cat, k.rule, k.snapshot_id, k.family, k.ev_pid, k.tun, k.doh, g.n, g.first_ts, g.last_ts
    FROM ${P}_p2 g JOIN ${P}_ck k ON k.ck = g.ck WHERE g.by_client = 1`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_day AS
    SELECT g.day, k.cat, g.tpid, sum(g.n)::BIGINT AS n FROM ${P}_p2 g JOIN ${P}_ck k ON k.ck = g.ck WHERE g.by_client = 0 GROUP BY ALL`);
  const r = await conn.runAndReadAll(`SELECT coalesce(sum(n), 0) FROM ${P}_p2 WHERE by_client = 1`);
  await conn.run(`DROP TABLE ${P}_p2`);
  return Number(r.getRows()[0]![0]);
}
