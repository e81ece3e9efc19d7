// The devices the web UI filters by: hospital addresses seen in conn.log with their session counts and
// device class (the site's subnets, longest prefix first; Zeek's local_orig/local_resp when the site lists no
// internal networks), and the addresses of one class.
import type { DuckDBConnection } from '@duckdb/node-api';
import { siteIndex, UNCLASSIFIED } from '../analyses/site-context.ts';
import type { Site } from '../config/site.ts';

export interface Device {
  address: string;
  class: string;
  connections: number;
}

interface Seen {
  address: string;
  connections: number;
  local: boolean;
}

async function seenAddresses(conn: DuckDBConnection): Promise<Seen[]> {
  const r = await conn.runAndReadAll(`SELECT a, sum(n) AS n, bool_or(coalesce(l, false)) AS l FROM (
      SELECT id_orig_h AS a, count(*) AS n, bool_or(local_orig) AS l FROM conn GROUP BY 1
      UNION ALL SELECT id_resp_h, count(*), bool_or(local_resp) FROM conn GROUP BY 1
    ) WHERE a IS NOT NULL GROUP BY a`);
  return r.getRows().map(([a, n, l]) => ({ address: String(a), connections: Number(n), local: l === true }));
}

/** Inside addresses with their class, most connections first. */
export async function listDevices(conn: DuckDBConnection, site: Site): Promise<Device[]> {
  const idx = siteIndex(site);
  const out: Device[] = [];
  for (const s of await seenAddresses(conn)) {
    const cls = idx.classes.lookup(s.address);
    const inside = cls !== undefined || (idx.internal ? idx.internal.has(s.address) : s.local);
    if (inside) out.push({ address: s.address, class: cls ?? UNCLASSIFIED, connections: s.connections });
  }
  return out.sort((a, b) => b.connections - a.connections || (a.address < b.address ? -1 : 1));
}

/** Device classes a filter can name: the site's, plus "unclassified" for inside addresses in none. */
export function deviceClasses(site: Site): string[] {
  return [...new Set([...site.device_classes.map((d) => d.class), UNCLASSIFIED])];
}
