// Peer countries of the watched inbound services, when the user gave a GeoIP database (src/geoip): per service,
// the countries of the outside peers that completed sessions and of those that only probed, each with its
// number of distinct peers; and per country, what its peers reached across the exposed services.
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { geoIpFile, openGeoIp, type GeoIpDatabase } from '../geoip/geoip.ts';
import { readRows } from './connections.ts';
import { watchedWhere } from './exposure-inbound.ts';
import type { Row } from './types.ts';

/** The country of a peer the database does not place (not covered, or no country in its record). */
export const UNKNOWN_COUNTRY = 'unknown';

type Counts = Map<string, number>;

export interface ServiceCountries {
  /** `host|port` → country → distinct peers that completed a session */
  exposed: Map<string, Counts>;
  /** `host|port` → country → distinct peers that probed it */
  probed: Map<string, Counts>;
  /** per country, over the exposed services: services reached, distinct peers, completed sessions */
  byCountry: Row[];
}

export const serviceKey = (host: string, port: number) => `${host}|${port}`;

function bump(m: Map<string, Counts>, key: string, country: string): void {
  let c = m.get(key);
  if (!c) m.set(key, (c = new Map()));
  c.set(country, (c.get(country) ?? 0) + 1);
}

export async function serviceCountries(conn: DuckDBConnection, table: string, geo: GeoIpDatabase): Promise<ServiceCountries> {
  const rows = await readRows(conn, `
    SELECT resp AS host, resp_p AS port, orig AS peer,
      count(*) FILTER (WHERE completed) AS sessions, count(*) FILTER (WHERE probed) AS probes
    FROM ${table} WHERE ${watchedWhere()}
    GROUP BY resp, resp_p, orig`);
  const countries = new Map<string, string>();
  const countryOf = (ip: string) => {
    let c = countries.get(ip);
    if (c === undefined) countries.set(ip, (c = geo.country(ip) ?? UNKNOWN_COUNTRY));
    return c;
  };
  const exposed = new Map<string, Counts>();
  const probed = new Map<string, Counts>();
  const per = new Map<string, { services: Set<string>; peers: Set<string>; sessions: number }>();
  for (const r of rows) {
    const key = serviceKey(String(r.host), Number(r.port));
    const peer = String(r.peer);
    const country = countryOf(peer);
    if (Number(r.probes) > 0) bump(probed, key, country);
    if (Number(r.sessions) === 0) continue;
    bump(exposed, key, country);
    let p = per.get(country);
    if (!p) per.set(country, (p = { services: new Set(), peers: new Set(), sessions: 0 }));
    p.services.add(key);
    p.peers.add(peer);
    p.sessions += Number(r.sessions);
  }
  const byCountry: Row[] = [...per.entries()]
    .map(([country, p]) => ({ country, services: p.services.size, peers: p.peers.size, sessions: p.sessions }))
    .sort((a, b) => b.peers - a.peers || b.sessions - a.sessions || (a.country < b.country ? -1 : a.country > b.country ? 1 : 0));
  return { exposed, probed, byCountry };
}

/** `["US (40)", "GB (3)"]`: a service's peer countries with their distinct peers, most first. */
export function countryList(counts: Counts | undefined): string[] {
  return [...(counts ?? new Map<string, number>()).entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([country, peers]) => `${country} (${peers})`);
}

/** The site's GeoIP database, opened, and the method note that says which one (or why there is none). */
export function siteGeoIp(site: Site): { geo: GeoIpDatabase | null; note: string } {
  const file = geoIpFile(site);
  if (!file) {
    return {
      geo: null,
      note: 'Peer countries are not reported: no GeoIP database was given (dhai report --geoip FILE, or geoip.database in the site file: a MaxMind GeoIP2 or GeoLite2 Country or City .mmdb; dhai never downloads one).',
    };
  }
  try {
    const geo = openGeoIp(file);
    return {
      geo,
      note: `Peer countries from ${geo.type} built ${geo.built} (${path.basename(geo.file)}, supplied by the user): a peer's country is where the database places its address, else where its network is registered, else "${UNKNOWN_COUNTRY}". peer_countries lists a service's countries with their distinct peers, most first; the peer_countries table sums the exposed services per country.`,
    };
  } catch (e) {
    return { geo: null, note: `Peer countries are not reported: ${(e as Error).message}.` };
  }
}
