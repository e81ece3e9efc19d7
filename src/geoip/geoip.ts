// Countries of IP addresses from a MaxMind DB file (.mmdb) the user supplies: GeoIP2 or GeoLite2 Country or City
// (and other databases in MaxMind's GeoIP2 Country record layout). dhai ships no database and never downloads
// one; the file is opt-in (`dhai report --geoip FILE` or the site's `geoip.database`). Read with mmdb-lib, the
// reader behind the `maxmind` npm package.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Reader, type CountryResponse } from 'mmdb-lib';
import { EMPTY_SITE, type Site } from '../config/site.ts';
import { UsageError } from '../util/errors.ts';

export interface GeoIpDatabase {
  file: string;
  /** metadata `database_type`, e.g. `GeoLite2-Country` */
  type: string;
  /** build day of the database (UTC, YYYY-MM-DD), from metadata `build_epoch` */
  built: string;
  /**
   * ISO 3166-1 alpha-2 code of the country the database places the address in, else of the country its
   * network is registered in; null when it has neither (private ranges, addresses it does not cover).
   */
  country(ip: string): string | null;
}

/** Database types whose records carry `country` (MaxMind's Country, City and Enterprise, DB-IP's lite files). */
const COUNTRY_TYPES = /country|city|enterprise/i;

const opened = new Map<string, { mtimeMs: number; size: number; db: GeoIpDatabase }>();

function fail(file: string, problem: string): never {
  throw new UsageError(`GeoIP database ${file}: ${problem.split('\n')[0]}`);
}

/**
 * Open (once per file version) and check a MaxMind DB: readable, the MaxMind DB format, a database type with
 * countries, a search tree that answers. Every problem is a one-line UsageError naming the file.
 */
export function openGeoIp(file: string): GeoIpDatabase {
  const abs = path.resolve(file);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    fail(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read it (${(e as Error).message})`);
  }
  if (!st.isFile()) fail(file, 'not a file');
  const hit = opened.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.db;

  let reader: Reader<CountryResponse>;
  try {
    reader = new Reader<CountryResponse>(readFileSync(abs));
  } catch (e) {
    fail(file, `not a MaxMind DB (.mmdb) file (${(e as Error).message})`);
  }
  const type = reader.metadata.databaseType;
  if (!COUNTRY_TYPES.test(type)) fail(file, `a ${type} database holds no countries; give a GeoIP2 or GeoLite2 Country or City database`);
  const lookup = (ip: string): string | null => {
    const r = reader.get(ip);
    return r?.country?.iso_code ?? r?.registered_country?.iso_code ?? null;
  };
  try {
    // a corrupt search tree or data section shows on the first look-ups, better now than mid-report
    lookup('1.1.1.1');
    if (reader.metadata.ipVersion === 6) lookup('2001:db8::1');
  } catch (e) {
    fail(file, `the database is damaged (${(e as Error).message})`);
  }
  const db: GeoIpDatabase = {
    file: abs,
    type,
    built: reader.metadata.buildEpoch.toISOString().slice(0, 10),
    country(ip: string): string | null {
      try {
        return lookup(ip);
      } catch {
        // an address the database cannot hold (IPv6 in an IPv4-only file) or text that is not an address
        return null;
      }
    },
  };
  opened.set(abs, { mtimeMs: st.mtimeMs, size: st.size, db });
  return db;
}

/** The GeoIP database the site names (a relative path is taken from the site file's folder), or null. */
export function geoIpFile(site: Site): string | null {
  const f = site.geoip?.database;
  if (!f) return null;
  return path.isAbsolute(f) || !site.source ? f : path.resolve(path.dirname(site.source), f);
}

/**
 * The site as `dhai report` uses it: `--geoip FILE` overrides the site's setting, and the database is checked
 * before the report starts, so that a bad or missing file is a usage error (exit 2).
 */
export function withGeoIp(site: Site | undefined, flag: string | undefined): Site | undefined {
  const s = flag ? { ...(site ?? EMPTY_SITE), geoip: { database: path.resolve(flag) } } : site;
  const file = s ? geoIpFile(s) : null;
  if (file) openGeoIp(file);
  return s;
}
