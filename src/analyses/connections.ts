// The connections analysis G reads: conn.log inside the report window, one row per connection (a uid two
// sensors both saw, or a line a log repeats, counts once), each end marked inside/outside with its device
// class, and the outcome of the attempt decided from conn_state and history.
//
// Outcome rules (dhai decides; Zeek's conn_state and history letters, upper case = originator):
//   completed  TCP, conn_state SF, S1, S2, S3, RSTO or RSTR, and the responder's SYN-ACK seen (history `h`);
//              logs without history are judged by conn_state alone
//   probed     TCP, not completed, and the originator's SYN seen (history `S`; without history: conn_state
//              S0, REJ, RSTOS0, RSTRH, SH or SHR): an attempt the responder never completed
//   partial    TCP picked up mid-stream (no SYN seen): neither completed nor probed
//   answered   completed for TCP; for UDP and ICMP, the responder sent something (packets, bytes or history `d`)
// When two copies of a uid disagree, the most complete observation is kept (completed, answered, most bytes).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { classifyAddresses } from './site-context.ts';
import { windowWhere, type Window } from './inputs.ts';

/** Re-exported: the analyses of section G took it from here before it moved to inputs.ts. */
export { windowWhere };

export const COMPLETED_STATES = ['SF', 'S1', 'S2', 'S3', 'RSTO', 'RSTR'];
export const PROBE_STATES = ['S0', 'REJ', 'RSTOS0', 'RSTRH', 'SH', 'SHR'];

const list = (xs: string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;

/** The outcome rules of the header, as SQL over conn.log's columns (also used by supply-chain-conn.ts). */
export const COMPLETED = `(proto = 'tcp' AND conn_state IN ${list(COMPLETED_STATES)} AND (history IS NULL OR contains(history, 'h')))`;
const PROBED = `(proto = 'tcp' AND NOT ${COMPLETED} AND ((history IS NOT NULL AND contains(history, 'S'))
  OR (history IS NULL AND conn_state IN ${list(PROBE_STATES)})))`;
export const ANSWERED = `(CASE WHEN proto = 'tcp' THEN ${COMPLETED}
  ELSE coalesce(resp_pkts, 0) > 0 OR coalesce(resp_bytes, 0) > 0 OR contains(coalesce(history, ''), 'd') END)`;

/** The side of an address (alias `a` of addr_class): a device-class subnet is inside even when the site lists no networks. */
export const sideSql = (a: string, local: string) => `CASE WHEN ${a}.inside IS NOT NULL THEN ${a}.inside WHEN ${a}.class IS NOT NULL THEN true ELSE ${local} END`;
/** The copy of a uid that two sensors both logged which is kept: the most complete observation. */
export const KEEP_ONE_PER_UID = `uid IS NULL OR row_number() OVER (PARTITION BY uid
      ORDER BY completed DESC, answered DESC, orig_bytes + resp_bytes DESC, dhai_file_id, ts) = 1`;
/** A connection's end time from ts and duration. */
export const END_SQL = 'ts + to_microseconds(CAST(round(coalesce(duration, 0) * 1e6) AS BIGINT))';

/**
 * Fill TEMP TABLE `name` with the window's connections, once each:
 * uid, ts, te (ts + duration), orig, resp, resp_p, proto, service, duration, orig_bytes, resp_bytes, conn_state
 * (of probed connections only), o_in, r_in (NULL when unknown), o_class, r_class (NULL outside), completed,
 * probed, answered. No more than exposure and the supply-chain cross-check read: the table is as long as conn.log
 * (20 M-row store: 7.3 M rows), and a narrower one spills less. Returns the number of rows.
 */
export async function loadConnections(conn: DuckDBConnection, site: Site, w: Window, name: string): Promise<number> {
  const where = windowWhere(w);
  await classifyAddresses(conn, site, `SELECT id_orig_h FROM conn WHERE ${where} UNION SELECT id_resp_h FROM conn WHERE ${where}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS
    WITH c AS (
      SELECT c.uid, c.ts, c.id_orig_h AS orig, c.id_resp_h AS resp, c.id_orig_p AS orig_p, c.id_resp_p AS resp_p,
        c.proto, c.service, c.duration, coalesce(c.orig_bytes, 0)::BIGINT AS orig_bytes, coalesce(c.resp_bytes, 0)::BIGINT AS resp_bytes,
        c.conn_state, c.history, c.resp_pkts, c.dhai_file_id,
        ${sideSql('ao', 'c.local_orig')} AS o_in, ${sideSql('ar', 'c.local_resp')} AS r_in, ao.class AS o_cls, ar.class AS r_cls
      FROM conn c
      LEFT JOIN addr_class ao ON ao.addr = c.id_orig_h
      LEFT JOIN addr_class ar ON ar.addr = c.id_resp_h
      WHERE ${windowWhere(w, 'c.ts')}
    ), f AS (
      SELECT *, ${COMPLETED} AS completed, ${PROBED} AS probed, ${ANSWERED} AS answered FROM c
    )
    SELECT uid, ts, ${END_SQL} AS te, orig, resp, resp_p,
      proto, service, duration, orig_bytes, resp_bytes, CASE WHEN probed THEN conn_state END AS conn_state, o_in, r_in,
      CASE WHEN o_in THEN coalesce(o_cls, 'unclassified') END AS o_class,
      CASE WHEN r_in THEN coalesce(r_cls, 'unclassified') END AS r_class,
      completed, probed, answered
    FROM f
    QUALIFY ${KEEP_ONE_PER_UID}`);
  const r = await conn.runAndReadAll(`SELECT count(*) FROM ${name}`);
  return Number(r.getRows()[0]![0]);
}

/** ISO 8601 UTC text of a TIMESTAMP column, for report rows. */
export function isoSql(expr: string): string {
  return `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.%fZ')`;
}

type Cell = string | number | boolean | null | string[] | number[];

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  const items = (v as { items?: unknown[] }).items;
  if (Array.isArray(items)) {
    const xs = items.map(cell);
    return xs.every((x) => typeof x === 'number') ? (xs as number[]) : xs.map((x) => String(x));
  }
  return String(v);
}

/** Run a query and return its rows as plain objects (BIGINT as number, lists as arrays). */
export async function readRows(conn: DuckDBConnection, sql: string): Promise<Record<string, Cell>[]> {
  const r = await conn.runAndReadAll(sql);
  const names = r.columnNames();
  return r.getRows().map((row) => Object.fromEntries(names.map((n, i) => [n, cell(row[i])])));
}

export async function hasTable(conn: DuckDBConnection, name: string): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = $1) + (SELECT count(*) FROM duckdb_views() WHERE view_name = $1)`,
    [name],
  );
  return Number(r.getRows()[0]?.[0] ?? 0) > 0;
}

export async function countRows(conn: DuckDBConnection, sql: string): Promise<number> {
  const r = await conn.runAndReadAll(sql);
  return Number(r.getRows()[0]?.[0] ?? 0);
}
