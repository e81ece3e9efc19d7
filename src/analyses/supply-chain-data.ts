// The rows behind the supply-chain section: sessions from and to the site's configured vendors (by network,
// or by the vendor's domains through DNS answers and TLS SNI), and look-ups of remote-access tools.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { NetworkMap } from '../privacy/addresses.ts';
import { isoSql, readRows, windowWhere } from './connections.ts';
import type { Window } from './inputs.ts';
import { REMOTE_ACCESS_TOOLS } from './remote-access-tools.ts';
import { classifyAddresses } from './site-context.ts';
import { loadMatchingConnections } from './supply-chain-conn.ts';
import type { Row } from './types.ts';

const P = 'g_sc';

/** TEMP TABLE g_sc_names(suffix, kind, owner): vendor domains and remote-access tool suffixes. */
async function loadNames(conn: DuckDBConnection, site: Site): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_names (suffix VARCHAR, kind VARCHAR, owner VARCHAR)`);
  const app = await conn.createAppender(`${P}_names`, 'main', 'temp');
  const add = (suffix: string, kind: string, owner: string) => {
    app.appendVarchar(suffix.toLowerCase().replace(/\.$/, ''));
    app.appendVarchar(kind);
    app.appendVarchar(owner);
    app.endRow();
  };
  for (const v of site.vendors) for (const d of v.domains) add(d, 'vendor', v.name);
  for (const t of REMOTE_ACCESS_TOOLS) for (const s of t.suffixes) add(s, 'tool', t.key);
  app.closeSync();
}

/** TEMP TABLE g_sc_vendor_net(addr, vendor): connection endpoints inside a vendor network (longest prefix). */
async function loadVendorNetworks(conn: DuckDBConnection, site: Site, w: Window): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_vendor_net (addr VARCHAR, vendor VARCHAR)`);
  const map = new NetworkMap<string>();
  for (const v of site.vendors) for (const n of v.networks) map.set(n, v.name);
  if (!site.vendors.some((v) => v.networks.length > 0)) return;
  const where = windowWhere(w);
  const r = await conn.runAndReadAll(`SELECT id_orig_h FROM conn WHERE ${where} UNION SELECT id_resp_h FROM conn WHERE ${where}`);
  const app = await conn.createAppender(`${P}_vendor_net`, 'main', 'temp');
  for (const [a] of r.getRows()) {
    const vendor = a === null ? undefined : map.lookup(String(a));
    if (vendor === undefined) continue;
    app.appendVarchar(String(a));
    app.appendVarchar(vendor);
    app.endRow();
  }
  app.closeSync();
}

/** How a session matched, in sort order. */
const VIAS = ['dns', 'network', 'sni'];
// list_sort(list(DISTINCT via)) of a group, built from one flag per value: a DISTINCT list aggregate over every
// session costs half as much again
const viaList = `list_filter([${VIAS.map((v) => `CASE WHEN bool_or(via = '${v}') THEN '${v}' END`).join(', ')}], x -> x IS NOT NULL)`;

const matchName = (col: string) => `(${col} = n.suffix OR ends_with(${col}, '.' || n.suffix))`;

/**
 * TEMP TABLE g_sc_sessions: one row per (connection, kind, owner) with the hospital host and the direction:
 * from-vendor (a vendor network originated to an inside host) or to-owner (an inside host reached the vendor
 * or tool, by the vendor's network, by an address a matching name resolved to for that client, or by SNI).
 * `connTable` receives the connections that match (supply-chain-conn.ts); the caller drops it.
 */
export async function loadSupplyChain(conn: DuckDBConnection, site: Site, w: Window, connTable: string): Promise<void> {
  await loadNames(conn, site);
  await loadVendorNetworks(conn, site, w);
  const dnsWhere = `${windowWhere(w)} AND query IS NOT NULL`;
  // names are matched once per distinct query text, not per request; a (uid, trans_id, name) group shares its
  // name, so filtering the requests before picking one per group keeps the same rows
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_qnames AS
    WITH q AS (SELECT query, rtrim(lower(query), '.') AS q FROM (SELECT DISTINCT query FROM dns WHERE ${dnsWhere}))
    SELECT q.query, q.q, n.kind, n.owner FROM q JOIN ${P}_names n ON ${matchName('q.q')}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_dns AS
    WITH d AS (
      SELECT ts, uid, trans_id, id_orig_h AS client, rtrim(lower(query), '.') AS q, answers FROM dns
      WHERE ${dnsWhere} AND query IN (SELECT query FROM ${P}_qnames)
      QUALIFY uid IS NULL OR row_number() OVER (PARTITION BY uid, trans_id, rtrim(lower(query), '.') ORDER BY dhai_file_id, ts) = 1
    )
    SELECT DISTINCT d.*, n.kind, n.owner FROM d JOIN (SELECT DISTINCT q, kind, owner FROM ${P}_qnames) n ON n.q = d.q`);
  await classifyAddresses(conn, site, `SELECT client FROM ${P}_dns`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_resolved AS
    SELECT DISTINCT client, unnest(answers) AS addr, kind, owner FROM ${P}_dns WHERE answers IS NOT NULL`);
  // SNI likewise per distinct server name, each with its sessions' uids, in one scan of ssl.log
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_sni AS
    WITH s AS (
      SELECT rtrim(lower(server_name), '.') AS q, list(uid) AS uids FROM ssl
      WHERE ${windowWhere(w)} AND server_name IS NOT NULL GROUP BY server_name
    )
    SELECT DISTINCT unnest(s.uids) AS uid, n.kind, n.owner FROM s JOIN ${P}_names n ON ${matchName('s.q')}`);
  await loadMatchingConnections(conn, site, w, P, connTable);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_sessions AS
    WITH m AS (
      SELECT c.*, 'vendor' AS kind, v.vendor AS owner, 'from-vendor' AS direction, 'network' AS via, c.resp AS host, c.r_class AS host_class
      FROM ${connTable} c JOIN ${P}_vendor_net v ON v.addr = c.orig
      WHERE c.r_in AND NOT EXISTS (SELECT 1 FROM ${P}_vendor_net x WHERE x.addr = c.resp AND x.vendor = v.vendor)
      UNION ALL BY NAME
      SELECT c.*, 'vendor' AS kind, v.vendor AS owner, 'to-owner' AS direction, 'network' AS via, c.orig AS host, c.o_class AS host_class
      FROM ${connTable} c JOIN ${P}_vendor_net v ON v.addr = c.resp
      WHERE c.o_in AND NOT EXISTS (SELECT 1 FROM ${P}_vendor_net x WHERE x.addr = c.orig AND x.vendor = v.vendor)
      UNION ALL BY NAME
      SELECT c.*, r.kind, r.owner, 'to-owner' AS direction, 'dns' AS via, c.orig AS host, c.o_class AS host_class
      FROM ${connTable} c JOIN ${P}_resolved r ON r.client = c.orig AND r.addr = c.resp WHERE c.o_in AND c.r_in IS NOT true
      UNION ALL BY NAME
      SELECT c.*, s.kind, s.owner, 'to-owner' AS direction, 'sni' AS via, c.orig AS host, c.o_class AS host_class
      FROM ${connTable} c JOIN ${P}_sni s ON s.uid = c.uid WHERE c.o_in AND c.r_in IS NOT true
    )
    SELECT uid, kind, owner, direction, any_value(host) AS host, any_value(host_class) AS host_class, any_value(ts) AS ts,
      any_value(te) AS te, any_value(resp_p) AS resp_p, any_value(proto) AS proto, any_value(duration) AS duration,
      any_value(orig_bytes + resp_bytes) AS bytes, any_value(answered) AS answered, ${viaList} AS via
    FROM m GROUP BY uid, kind, owner, direction`);
}

/** Per (owner, hospital host, direction): sessions, bytes, durations, long sessions, ports, how matched. */
export async function reach(conn: DuckDBConnection, kind: 'vendor' | 'tool', longSeconds: number): Promise<Row[]> {
  return readRows(conn, `
    SELECT owner AS ${kind === 'vendor' ? 'vendor' : 'tool'}, host, host_class AS class, direction,
      count(*) FILTER (WHERE answered) AS sessions, count(*) FILTER (WHERE NOT answered) AS unanswered,
      coalesce(sum(bytes) FILTER (WHERE answered), 0) AS bytes,
      round(coalesce(sum(duration) FILTER (WHERE answered), 0), 3) AS duration_s,
      round(coalesce(max(duration) FILTER (WHERE answered), 0), 3) AS max_duration_s,
      count(*) FILTER (WHERE answered AND duration >= ${Number(longSeconds)}) AS long_sessions,
      coalesce(list_sort(list(DISTINCT CAST(resp_p AS VARCHAR) || '/' || proto) FILTER (WHERE answered))[1:10], []) AS ports,
      list_sort(list_distinct(flatten(list(via)))) AS via,
      ${isoSql('min(ts)')} AS first_seen, ${isoSql('max(te)')} AS last_seen
    FROM ${P}_sessions WHERE kind = '${kind}'
    GROUP BY owner, host, host_class, direction ORDER BY owner, host, direction`);
}

/** Per (tool, client): look-ups of the tool's names by hospital hosts (clients known to be outside excluded). */
export async function toolLookups(conn: DuckDBConnection): Promise<Row[]> {
  return readRows(conn, `
    SELECT d.owner AS tool, d.client AS host, CASE WHEN a.inside IS NOT false THEN coalesce(a.class, 'unclassified') END AS class,
      count(*) AS lookups, count(DISTINCT d.q) AS names, list_sort(list(DISTINCT d.q))[1:5] AS sample_names,
      ${isoSql('min(d.ts)')} AS first_lookup, ${isoSql('max(d.ts)')} AS last_lookup
    FROM ${P}_dns d LEFT JOIN addr_class a ON a.addr = d.client
    WHERE d.kind = 'tool' AND a.inside IS NOT false
    GROUP BY d.owner, d.client, a.inside, a.class ORDER BY tool, host`);
}

export async function dropSupplyChain(conn: DuckDBConnection): Promise<void> {
  for (const t of ['names', 'qnames', 'vendor_net', 'dns', 'resolved', 'sni', 'sessions']) await conn.run(`DROP TABLE IF EXISTS ${P}_${t}`);
}
