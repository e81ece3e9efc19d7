// Where each address belongs, for the analyses' SQL: inside the hospital or not, and its device class. The
// distinct addresses are classified once in JS (longest-prefix match over the site's networks) into a temp
// table the queries join, rather than matching every row.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { NetworkMap, NetworkSet } from '../privacy/addresses.ts';

export interface SiteIndex {
  /** undefined when the site lists no internal networks: then Zeek's local_orig/local_resp decide */
  internal?: NetworkSet;
  classes: NetworkMap<string>;
}

export function siteIndex(site: Site): SiteIndex {
  const classes = new NetworkMap<string>();
  for (const dc of site.device_classes) for (const s of dc.subnets) classes.set(s, dc.class);
  return {
    internal: site.networks.internal.length ? new NetworkSet(site.networks.internal) : undefined,
    classes,
  };
}

/** Device class of an inside address with no class of its own. */
export const UNCLASSIFIED = 'unclassified';

/**
 * Add the distinct addresses produced by `addrSql` (one VARCHAR column) to TEMP TABLE addr_class(addr, inside,
 * class). `inside` is NULL when the site has no networks. Returns the number of addresses added.
 */
export async function classifyAddresses(conn: DuckDBConnection, site: Site, addrSql: string): Promise<number> {
  await conn.run(`CREATE TEMP TABLE IF NOT EXISTS addr_class (addr VARCHAR PRIMARY KEY, inside BOOLEAN, class VARCHAR)`);
  const r = await conn.runAndReadAll(`SELECT DISTINCT a FROM (${addrSql}) t(a) WHERE a IS NOT NULL AND a NOT IN (SELECT addr FROM addr_class)`);
  const idx = siteIndex(site);
  const appender = await conn.createAppender('addr_class', 'main', 'temp');
  let n = 0;
  for (const [a] of r.getRows()) {
    const addr = String(a);
    const cls = idx.classes.lookup(addr);
    const inside = idx.internal ? idx.internal.has(addr) || cls !== undefined : null;
    appender.appendVarchar(addr);
    if (inside === null) appender.appendNull();
    else appender.appendBoolean(inside);
    if (cls !== undefined) appender.appendVarchar(cls);
    else if (inside) appender.appendVarchar(UNCLASSIFIED);
    else appender.appendNull();
    appender.endRow();
    n++;
  }
  appender.closeSync();
  return n;
}

/**
 * The direction of a connection (analyses.md vocabulary) from whether each end is inside: inbound (an
 * outside client to a hospital server), outbound, internal, or external (neither end inside).
 */
export function directionSql(origInside: string, respInside: string): string {
  return `CASE WHEN ${origInside} AND ${respInside} THEN 'internal' WHEN ${respInside} THEN 'inbound'
    WHEN ${origInside} THEN 'outbound' ELSE 'external' END`;
}
