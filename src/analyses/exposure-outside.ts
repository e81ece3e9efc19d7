// The outside view (Shodan/Censys exports in the store) joined with the inside view (inbound sessions that an
// outside peer completed): exposed and used, exposed and unused, used but not seen exposed. The join is by
// address, so it holds where the sensor sees the addresses the scanners see (no NAT between them).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { LATEST_OUTSIDE_VIEW } from '../intel/outside-view-store.ts';
import { hasTable, isoSql, readRows } from './connections.ts';
import { classifyAddresses } from './site-context.ts';
import type { Row } from './types.ts';

export type OutsideStatus = 'exposed-used' | 'exposed-unused' | 'used-not-listed';

export interface OutsideJoin {
  rows: Row[];
  /** records for addresses outside the site's networks (a wider export than the hospital's ranges) */
  offSite: number;
  /** `ip|port|transport` → scanners listing it, for the exposure table's `listed_by` */
  listed: Map<string, string[]>;
}

export async function hasOutsideView(conn: DuckDBConnection): Promise<boolean> {
  return (await hasTable(conn, 'outside_view')) && (await hasTable(conn, 'outside_view_snapshot'));
}

export const listedKey = (ip: string, port: number, transport: string) => `${ip}|${port}|${transport}`;

export async function joinOutsideView(conn: DuckDBConnection, site: Site, table: string): Promise<OutsideJoin> {
  await classifyAddresses(conn, site, `SELECT ip FROM ${LATEST_OUTSIDE_VIEW}`);
  // without site networks every record counts as the hospital's: the export was made for its ranges
  const onSite = `coalesce(a.inside, true)`;
  const [off] = await readRows(conn, `SELECT count(*) AS n FROM ${LATEST_OUTSIDE_VIEW} o LEFT JOIN addr_class a ON a.addr = o.ip WHERE NOT ${onSite}`);
  const rows = await readRows(conn, `
    WITH o AS (
      SELECT o.ip, o.port, o.transport, list_sort(list(DISTINCT o.source)) AS listed_by, min(o.product) AS product,
        ${isoSql('max(o.observed_at)')} AS last_listed
      FROM ${LATEST_OUTSIDE_VIEW} o LEFT JOIN addr_class a ON a.addr = o.ip WHERE ${onSite}
      GROUP BY o.ip, o.port, o.transport
    ), i AS (
      SELECT resp AS ip, resp_p AS port, proto AS transport, any_value(r_class) AS class, count(*) AS sessions,
        count(DISTINCT orig) AS peers, ${isoSql('max(te)')} AS last_used
      FROM ${table} WHERE o_in = false AND r_in AND answered GROUP BY resp, resp_p, proto
    )
    SELECT coalesce(o.ip, i.ip) AS ip, coalesce(o.port, i.port) AS port, coalesce(o.transport, i.transport) AS transport,
      CASE WHEN o.ip IS NULL THEN 'used-not-listed' WHEN i.ip IS NULL THEN 'exposed-unused' ELSE 'exposed-used' END AS status,
      coalesce(o.listed_by, []) AS listed_by, o.product, o.last_listed, i.class, coalesce(i.sessions, 0) AS inbound_sessions,
      coalesce(i.peers, 0) AS peers, i.last_used
    FROM o FULL OUTER JOIN i ON o.ip = i.ip AND o.port = i.port AND o.transport = i.transport
    ORDER BY status, ip, port`);
  const listed = new Map<string, string[]>();
  for (const r of rows) if (r.status !== 'used-not-listed') listed.set(listedKey(String(r.ip), Number(r.port), String(r.transport)), r.listed_by as string[]);
  return { rows, offSite: Number(off!.n), listed };
}
