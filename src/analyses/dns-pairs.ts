// The one pass over dns.log that analysis A makes, and the category of each request.
//   the pass   requests counted by pair, by (client, pair), by (UTC day, pair) and by (client, resolver),
//              where a pair is a distinct (query, answers): a request's category depends on nothing else, so
//              names and answers are judged once per pair (dns-names.ts, dns-answers.ts), not once per row,
//              and every result (per category, class, day, client, distinct names per class and day) is a
//              join of these counts with the pairs' categories, not another pass over the rows.
// The pairs themselves are grouped by value, so they are exact; the client and day counts group by DuckDB's
// 64-bit hash of the pair (grouping on the answer list in every set would cost more than the scan). No two
// pairs may share a hash for that to be exact: it is checked, and if two ever do, the pass is made again with
// each request joined to its pair by value (slower, same result).
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

/** The pair key of the pass; a parameter only so that the tests can force collisions. */
export const PAIR_HASH = 'hash(query, answers)';

/** The pass over `source` (dns rows with a `pk` column, the pair key) into TEMP TABLE dnsc_g. */
async function countGroups(conn: DuckDBConnection, source: string): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_g AS
    SELECT CASE WHEN grouping(query) = 0 THEN 'pair' WHEN grouping(day) = 0 THEN 'day' WHEN grouping(server) = 0 THEN 'resolver' ELSE 'client' END AS kind,
      client, server, day, pk, query, answers, count(*)::BIGINT AS n,
      count(*) FILTER (WHERE qtype = 16 OR qtype_name = 'TXT')::BIGINT AS txt, min(ts) AS first_ts, max(ts) AS last_ts
    FROM (SELECT id_orig_h AS client, CASE WHEN id_resp_p = 53 THEN id_resp_h END AS server, CAST(ts AS DATE) AS day, pk, ts,
      query, answers, qtype, qtype_name FROM ${source})
    GROUP BY GROUPING SETS ((query, answers), (client, pk), (day, pk), (client, server))`);
}

/**
 * The pass: TEMP TABLE dnsc_pair(pid, h, query, answers, n, txt), one row per distinct (query, answers);
 * TEMP TABLE dnsc_gc(client, pid, n, first_ts, last_ts), the requests per client and pair; TEMP TABLE
 * dnsc_gd(day, pid, n), per UTC day and pair; TEMP TABLE dnsc_gs(client, server, n, first_ts, last_ts), per
 * client and resolver of port-53 requests. Returns the number of requests, and whether two pairs shared a key
 * (then the rows were read once more).
 */
export async function groupRequests(conn: DuckDBConnection, rel: string, key = PAIR_HASH): Promise<{ total: number; collision: boolean }> {
  await countGroups(conn, `(SELECT *, ${key} AS pk FROM ${rel})`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_pair AS
    SELECT row_number() OVER () AS pid, ${key} AS h, query, answers, n, txt FROM ${P}_g WHERE kind = 'pair'`);
  const r = await conn.runAndReadAll(`SELECT coalesce(sum(n), 0), count(*) > count(DISTINCT h) FROM ${P}_pair`);
  const [total, collision] = r.getRows()[0]!;
  // two pairs share a key: the counts are made again, keyed by the pair's number
  if (collision === true) {
    await countGroups(conn, `(SELECT d.*, p.pid AS pk FROM ${rel} d JOIN ${P}_pair p ON p.query IS NOT DISTINCT FROM d.query AND p.answers IS NOT DISTINCT FROM d.answers)`);
  }
  const on = `p.${collision === true ? 'pid' : 'h'} = g.pk`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_gc AS SELECT g.client, p.pid, g.n, g.first_ts, g.last_ts FROM ${P}_g g JOIN ${P}_pair p ON ${on} WHERE g.kind = 'client'`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_gd AS SELECT g.day, p.pid, g.n FROM ${P}_g g JOIN ${P}_pair p ON ${on} WHERE g.kind = 'day'`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_gs AS SELECT client, server, n, first_ts, last_ts FROM ${P}_g WHERE kind = 'resolver' AND server IS NOT NULL`);
  await conn.run(`DROP TABLE ${P}_g`);
  return { total: Number(total), collision: collision === true };
}

const listing = (col: string) => `struct_pack(listed := ${col}.listed, snapshot_id := ${col}.snapshot_id, family := ${col}.family)`;

/**
 * TEMP TABLE dnsc_pcat: each pair with its category (0..4, CATEGORIES), the rule that decided it (botnet and
 * blacklisted: name | url-host | answer; self-associated: a | b | c | d; whitelisted: top), the listing
 * (listed domain or address, snapshot_id, family), and the normalised name's number (query and answers stay
 * in dnsc_pair, the name in dnsc_name).
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
      SELECT p.pid, p.query, p.answers, p.n, p.txt, q.nid, nm.name, nf.bot AS nbot, nf.blk AS nblk, nf.rank, coalesce(nf.site_a, false) AS site_a,
        coalesce(nf.cert_d, false) AS cert_d, af.bot AS abot, af.blk AS ablk, coalesce(af.inside_any, false) AS inside_any,
        coalesce(nm.name IS NOT NULL AND (${internalNameSql('nm.name')} OR r.nid IS NOT NULL), false) AS internal_c
      FROM ${P}_pair p
      LEFT JOIN ${P}_pname q ON q.pid = p.pid
      LEFT JOIN ${P}_name nm ON nm.nid = q.nid
      LEFT JOIN ${P}_nflag nf ON nf.nid = q.nid
      LEFT JOIN af ON af.pid = p.pid
      LEFT JOIN ${P}_revint r ON r.nid = q.nid
    )
    SELECT pid, n, txt, nid,
      (CASE WHEN nbot IS NOT NULL OR abot IS NOT NULL THEN 0 WHEN nblk IS NOT NULL OR ablk IS NOT NULL THEN 1
        WHEN site_a OR inside_any OR internal_c OR cert_d THEN 2 WHEN rank IS NOT NULL THEN 3 ELSE 4 END)::TINYINT AS cat,
      CASE WHEN nbot IS NOT NULL THEN CASE WHEN nbot.url THEN 'url-host' ELSE 'name' END WHEN abot IS NOT NULL THEN 'answer'
        WHEN nblk IS NOT NULL THEN CASE WHEN nblk.url THEN 'url-host' ELSE 'name' END WHEN ablk IS NOT NULL THEN 'answer'
        WHEN site_a THEN 'a' WHEN inside_any THEN 'b' WHEN internal_c THEN 'c' WHEN cert_d THEN 'd'
        WHEN rank IS NOT NULL THEN 'top' END AS rule,
      CASE WHEN nbot IS NOT NULL THEN ${listing('nbot')} WHEN abot IS NOT NULL THEN abot
        WHEN nblk IS NOT NULL THEN ${listing('nblk')} WHEN ablk IS NOT NULL THEN ablk END AS listing,
      rank
    FROM j`);
}

/**
 * The counts of the pass joined to their pairs' categories: TEMP TABLE dnsc_agg(client, cat, rule, snapshot_id,
 * family, ev_pid, tun, doh, n, first_ts, last_ts), where ev_pid is the pair of a botnet or blacklisted request
 * (its evidence); TEMP TABLE dnsc_day(day, cat, n); TEMP TABLE dnsc_cname(client, nid, cat) and dnsc_dname(day,
 * nid, cat), each name's highest-priority category per client and per day (the distinct names per class, per
 * day, and under a tunnelling candidate per day). The category key (dnsc_ck.ck) numbers the distinct
 * combinations of the columns the results need, so the aggregation groups by two columns rather than eight.
 * Returns the requests joined.
 */
export async function aggregateRequests(conn: DuckDBConnection): Promise<number> {
  const cols = 'cat, rule, snapshot_id, family, ev_pid, tun, doh';
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_key AS
    SELECT p.pid, p.cat, p.rule, p.listing.snapshot_id AS snapshot_id, p.listing.family AS family,
      CASE WHEN p.cat <= 1 THEN p.pid END AS ev_pid, t.reg AS tun, d.name AS doh, p.nid
    FROM ${P}_pcat p LEFT JOIN ${P}_ntun t ON t.nid = p.nid LEFT JOIN ${P}_ndoh d ON d.nid = p.nid`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_ck AS SELECT row_number() OVER () AS ck, * FROM (SELECT DISTINCT ${cols} FROM ${P}_key)`);
  const same = cols.split(', ').map((c) => `c.${c} IS NOT DISTINCT FROM k.${c}`).join(' AND ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_key AS SELECT k.pid, k.cat, k.nid, c.ck FROM ${P}_key k JOIN ${P}_ck c ON ${same}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_agg AS
    SELECT g.client, c.cat, c.rule, c.snapshot_id, c.family, c.ev_pid, c.tun, c.doh, g.n, g.first_ts, g.last_ts
    FROM (SELECT g.client, k.ck, sum(g.n)::BIGINT AS n, min(g.first_ts) AS first_ts, max(g.last_ts) AS last_ts
      FROM ${P}_gc g JOIN ${P}_key k ON k.pid = g.pid GROUP BY g.client, k.ck) g
    JOIN ${P}_ck c ON c.ck = g.ck`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_day AS
    SELECT g.day, k.cat, sum(g.n)::BIGINT AS n FROM ${P}_gd g JOIN ${P}_key k ON k.pid = g.pid GROUP BY ALL`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_cname AS
    SELECT g.client, k.nid, min(k.cat) AS cat FROM ${P}_gc g JOIN ${P}_key k ON k.pid = g.pid WHERE k.nid IS NOT NULL GROUP BY ALL`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_dname AS
    SELECT g.day, k.nid, min(k.cat) AS cat FROM ${P}_gd g JOIN ${P}_key k ON k.pid = g.pid WHERE k.nid IS NOT NULL GROUP BY ALL`);
  const r = await conn.runAndReadAll(`SELECT coalesce(sum(n), 0) FROM ${P}_agg`);
  return Number(r.getRows()[0]![0]);
}
