// The hospital devices of the report window: every inside address seen in conn, dns or ssl, with its device
// class, in TEMP TABLE share_device. The shareable export counts, for each figure, how many of them it rests on
// (k-anonymity), and checks its own text against them before anything is written.
//
// Inside is decided as the analyses decide it (site-context.ts): an address in the site's internal networks or
// a device-class subnet; when the site lists no internal networks, Zeek's local_orig/local_resp in conn.log
// (an address counts as inside when any connection marks it so) or a device-class subnet.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { readRows } from '../analyses/connections.ts';
import { windowWhere, type Window } from '../analyses/inputs.ts';
import { insideSql } from '../analyses/inside-sql.ts';
import { UNCLASSIFIED, siteIndex } from '../analyses/site-context.ts';
import { TempTable } from '../analyses/temp-table.ts';

export const DEVICE_TABLE = 'share_device';

export interface HospitalDevices {
  /** the temp table (addr, class) */
  table: string;
  /** every hospital device address, as logged */
  addresses: ReadonlySet<string>;
  /** how inside was decided, for the method notes */
  insideFrom: 'site' | 'local_orig';
}

/** Every address at either end of the window's conn and ssl rows and at the client end of its dns rows. */
function endsSql(w: Window, filter: (col: string) => string): string {
  const where = windowWhere(w);
  return [
    `SELECT id_orig_h AS a FROM conn WHERE ${where} AND ${filter('id_orig_h')}`,
    `SELECT id_resp_h FROM conn WHERE ${where} AND ${filter('id_resp_h')}`,
    `SELECT id_orig_h FROM dns WHERE ${where} AND ${filter('id_orig_h')}`,
    `SELECT id_orig_h FROM ssl WHERE ${where} AND ${filter('id_orig_h')}`,
    `SELECT id_resp_h FROM ssl WHERE ${where} AND ${filter('id_resp_h')}`,
  ].join(' UNION ');
}

export async function loadHospitalDevices(conn: DuckDBConnection, site: Site, w: Window): Promise<HospitalDevices> {
  const idx = siteIndex(site);
  const ins = insideSql(site);
  const hasNets = site.networks.internal.length > 0 || site.device_classes.length > 0;
  // the SQL test narrows the candidates (it leaves IPv6 undecided when the site lists IPv6 prefixes); the
  // longest-prefix match in JS decides
  const candidates = hasNets
    ? await readRows(conn, `SELECT DISTINCT a FROM (${endsSql(w, (c) => `${ins.inside(c)} IS NOT FALSE`)}) WHERE a IS NOT NULL`)
    : [];
  const inside = new Map<string, string>();
  for (const r of candidates) {
    const a = String(r.a);
    const cls = idx.classes.lookup(a);
    if (cls !== undefined || idx.internal?.has(a)) inside.set(a, cls ?? UNCLASSIFIED);
  }
  const insideFrom = idx.internal ? 'site' : 'local_orig';
  if (!idx.internal) {
    const where = windowWhere(w);
    const local = await readRows(conn, `SELECT DISTINCT a FROM (SELECT id_orig_h AS a FROM conn WHERE ${where} AND local_orig IS TRUE
      UNION SELECT id_resp_h FROM conn WHERE ${where} AND local_resp IS TRUE) WHERE a IS NOT NULL`);
    for (const r of local) if (!inside.has(String(r.a))) inside.set(String(r.a), UNCLASSIFIED);
  }
  const table = await TempTable.create(conn, DEVICE_TABLE, [['addr', 'VARCHAR'], ['class', 'VARCHAR']]);
  try {
    for (const [a, cls] of inside) table.row([a, cls]);
  } finally {
    table.close();
  }
  return { table: DEVICE_TABLE, addresses: new Set(inside.keys()), insideFrom };
}
