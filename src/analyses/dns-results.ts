// Reading analysis A's results back from the counts joined to their categories (dnsc_agg, dnsc_day, dnsc_cname,
// dnsc_dname) and the categorised pairs (dnsc_pcat): totals per category, rule, family, device class and day,
// distinct names per class and day, and the evidence rows the paper handed to the hospital. Client classes
// come from addr_class (site-context.ts), which the caller fills.
import type { DuckDBConnection } from '@duckdb/node-api';
import { isoSql, readRows } from './connections.ts';
import { P } from './dns-feeds.ts';
import { CATEGORIES, type Category } from './dns-pairs.ts';
import { UNCLASSIFIED } from './site-context.ts';
import type { Row } from './types.ts';

/** A client's class: its device class inside the hospital, `outside` when the site's networks place it outside. */
export const CLIENT_CLASS = `CASE WHEN a.inside IS false THEN 'outside' ELSE coalesce(a.class, '${UNCLASSIFIED}') END`;

export type PerCategory = Record<Category, number>;

export const zeroes = (): PerCategory => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as PerCategory;

async function pairs(conn: DuckDBConnection, sql: string): Promise<[string, number][]> {
  const r = await conn.runAndReadAll(sql);
  return r.getRows().map((row) => [String(row[0]), Number(row[1])]);
}

export interface Totals {
  requests: PerCategory;
  /** a name counts once, in the highest-priority category any of its requests had */
  names: PerCategory;
  rules: Record<string, number>;
  clients: { botnet: number; blacklisted: number };
  /** botnet requests per family (null family: the feed named none) */
  families: Map<string | null, number>;
}

export async function totals(conn: DuckDBConnection): Promise<Totals> {
  const requests = zeroes();
  for (const [c, n] of await pairs(conn, `SELECT cat, sum(n) FROM ${P}_agg GROUP BY cat`)) requests[CATEGORIES[Number(c)]!] = n;
  const names = zeroes();
  for (const [c, n] of await pairs(conn, `SELECT cat, count(*) FROM (SELECT min(cat) AS cat FROM ${P}_pcat WHERE nid IS NOT NULL GROUP BY nid) GROUP BY cat`)) {
    names[CATEGORIES[Number(c)]!] = n;
  }
  const rules = Object.fromEntries(await pairs(conn, `SELECT rule, sum(n) FROM ${P}_agg WHERE cat = 2 GROUP BY rule`));
  const cl = Object.fromEntries(await pairs(conn, `SELECT cat, count(DISTINCT client) FROM ${P}_agg WHERE cat <= 1 GROUP BY cat`));
  const fam = await conn.runAndReadAll(`SELECT family, sum(n) FROM ${P}_agg WHERE cat = 0 GROUP BY family`);
  return {
    requests,
    names,
    rules,
    clients: { botnet: cl['0'] ?? 0, blacklisted: cl['1'] ?? 0 },
    families: new Map(fam.getRows().map((r) => [r[0] === null ? null : String(r[0]), Number(r[1])])),
  };
}

/** Requests and distinct names of one slice (a class, a day) per category. */
export interface Slice {
  requests: PerCategory;
  /** a name counts once, in the highest-priority category of the slice's own requests for it */
  names: PerCategory;
}

/** Rows of (slice, category code, requests or names) into slices; `into` decides which count they are. */
function fill(out: Map<string, Slice>, rows: unknown[][], into: keyof Slice): void {
  for (const [k, cat, n] of rows) {
    const key = String(k);
    if (!out.has(key)) out.set(key, { requests: zeroes(), names: zeroes() });
    out.get(key)![into][CATEGORIES[Number(cat)]!] = Number(n);
  }
}

/** Requests and distinct names per client class and category. */
export async function perClass(conn: DuckDBConnection): Promise<Map<string, Slice>> {
  const out = new Map<string, Slice>();
  const req = await conn.runAndReadAll(`SELECT ${CLIENT_CLASS} AS cls, g.cat, sum(g.n) FROM ${P}_agg g LEFT JOIN addr_class a ON a.addr = g.client GROUP BY ALL`);
  fill(out, req.getRows(), 'requests');
  const names = await conn.runAndReadAll(`SELECT cls, cat, count(*) FROM (
      SELECT ${CLIENT_CLASS} AS cls, c.nid, min(c.cat) AS cat FROM ${P}_cname c LEFT JOIN addr_class a ON a.addr = c.client GROUP BY ALL)
    GROUP BY ALL`);
  fill(out, names.getRows(), 'names');
  return out;
}

/** Requests and distinct names per UTC day and category. */
export async function perDay(conn: DuckDBConnection): Promise<Map<string, Slice>> {
  const out = new Map<string, Slice>();
  const req = await conn.runAndReadAll(`SELECT strftime(day, '%Y-%m-%d'), cat, sum(n) FROM ${P}_day GROUP BY ALL`);
  fill(out, req.getRows(), 'requests');
  const names = await conn.runAndReadAll(`SELECT strftime(day, '%Y-%m-%d'), cat, count(*) FROM ${P}_dname GROUP BY ALL`);
  fill(out, names.getRows(), 'names');
  return out;
}

/** Evidence rows kept in the table, and per (category, client) (botnet first); the metrics count everything. */
export const EVIDENCE_ROWS = 5000;
export const FINDING_EVIDENCE_ROWS = 100;

export interface Evidence {
  /** at most `perClient` rows per (category, client), most requested names first */
  rows: Row[];
  /** all (category, client, name, listing) rows there are */
  total: number;
}

/** One row per botnet or blacklisted (client, name, listing): what to hand to the hospital. */
export async function evidence(conn: DuckDBConnection, perClient: number): Promise<Evidence> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_ev AS
    SELECT CASE g.cat WHEN 0 THEN 'botnet' ELSE 'blacklisted' END AS category, g.client, ${CLIENT_CLASS} AS class,
      coalesce(nm.name, pr.query) AS name,
      list_sort(list_distinct(flatten(list(coalesce(pr.answers, [])::VARCHAR[]))))[1:20] AS answers,
      sum(g.n)::BIGINT AS requests, ${isoSql('min(g.first_ts)')} AS first_seen, ${isoSql('max(g.last_ts)')} AS last_seen,
      g.rule, c.listing.listed AS matched, c.listing.family AS family, f.name AS feed, f.date AS feed_date
    FROM ${P}_agg g JOIN ${P}_pcat c ON c.pid = g.ev_pid JOIN ${P}_pair pr ON pr.pid = g.ev_pid LEFT JOIN ${P}_name nm ON nm.nid = c.nid
    LEFT JOIN ${P}_feed f ON f.id = c.listing.snapshot_id
    LEFT JOIN addr_class a ON a.addr = g.client
    WHERE g.ev_pid IS NOT NULL
    GROUP BY g.cat, g.client, a.inside, a.class, coalesce(nm.name, pr.query), g.rule, c.listing.listed, c.listing.family, f.name, f.date`);
  const rows = await readRows(conn, `
    SELECT * FROM ${P}_ev QUALIFY row_number() OVER (PARTITION BY category, client ORDER BY requests DESC, name, matched) <= ${Number(perClient)}
    ORDER BY category DESC, client, name, matched`);
  const r = await conn.runAndReadAll(`SELECT count(*) FROM ${P}_ev`);
  return { rows, total: Number(r.getRows()[0]![0]) };
}

/** Requests to port 53 per (client, server): the input of the resolver-bypass check. */
export async function resolverUse(conn: DuckDBConnection): Promise<Row[]> {
  return readRows(conn, `
    SELECT g.client, ${CLIENT_CLASS} AS class, a.inside AS client_inside, g.server, g.n AS requests,
      ${isoSql('g.first_ts')} AS first_seen, ${isoSql('g.last_ts')} AS last_seen
    FROM ${P}_gs g LEFT JOIN addr_class a ON a.addr = g.client
    WHERE g.client IS NOT NULL ORDER BY g.client, g.server`);
}

/** Look-ups of public DoH resolvers' names, per client and name. */
export async function dohLookups(conn: DuckDBConnection): Promise<Row[]> {
  return readRows(conn, `
    SELECT g.client, ${CLIENT_CLASS} AS class, a.inside AS client_inside, g.doh AS server, sum(g.n)::BIGINT AS lookups,
      ${isoSql('min(g.first_ts)')} AS first_seen, ${isoSql('max(g.last_ts)')} AS last_seen
    FROM ${P}_agg g LEFT JOIN addr_class a ON a.addr = g.client WHERE g.doh IS NOT NULL
    GROUP BY g.client, a.inside, a.class, g.doh ORDER BY g.client, g.doh`);
}
