// Encrypted DNS that the site's resolvers never see: DNS over TLS (TCP 853, RFC 7858) and over QUIC (UDP 853,
// RFC 9250) from conn.log; DNS over HTTPS (RFC 8484) recognised by the TLS server name of well-known public
// DoH resolvers (ssl.log), and look-ups of those resolvers' names in dns.log (a client about to use DoH).
// The resolver list is the major operators of curl's public list ("DNS-over-HTTPS", github.com/curl/curl/wiki,
// read 2026-11): a DoH service on a general-purpose name (any web server can answer /dns-query) is not
// recognisable from logs without payloads, so this is a floor, not a census.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { isoSql, readRows, windowWhere } from './connections.ts';
import type { Window } from './inputs.ts';
import { classifyAddresses } from './site-context.ts';
import type { Row } from './types.ts';

export interface DohResolver {
  operator: string;
  host: string;
  /** names below `host` belong to the same service (per-profile or per-filter endpoints) */
  subdomains: boolean;
}

const r = (operator: string, subdomains: boolean, ...hosts: string[]): DohResolver[] => hosts.map((host) => ({ operator, host, subdomains }));

export const DOH_RESOLVERS: readonly DohResolver[] = [
  ...r('Cloudflare', true, 'cloudflare-dns.com'),
  ...r('Google', true, 'dns.google'),
  ...r('Google', false, '8888.google'),
  ...r('Quad9', false, 'dns.quad9.net', 'dns9.quad9.net', 'dns10.quad9.net', 'dns11.quad9.net', 'dns12.quad9.net'),
  ...r('Cisco OpenDNS', false, 'doh.opendns.com', 'doh.familyshield.opendns.com', 'doh.umbrella.com'),
  ...r('AdGuard', true, 'adguard-dns.com'),
  ...r('AdGuard', false, 'dns.adguard.com'),
  ...r('CleanBrowsing', false, 'doh.cleanbrowsing.org'),
  ...r('Control D', true, 'controld.com'),
  ...r('NextDNS', true, 'dns.nextdns.io'),
  ...r('DNS.SB', false, 'doh.dns.sb', 'doh.sb'),
  ...r('AliDNS', false, 'dns.alidns.com'),
  ...r('DNSPod', false, 'dns.pub', 'doh.pub'),
  ...r('CZ.NIC', false, 'odvr.nic.cz'),
  ...r('CIRA Canadian Shield', false, 'private.canadianshield.cira.ca', 'protected.canadianshield.cira.ca', 'family.canadianshield.cira.ca'),
  ...r('dns0.eu', true, 'dns0.eu'),
  ...r('DNS4EU', true, 'joindns4.eu'),
  ...r('Mullvad', true, 'dns.mullvad.net'),
  ...r('Digitale Gesellschaft', false, 'dns.digitale-gesellschaft.ch'),
  ...r('Charter Spectrum', false, 'doh-01.spectrum.com', 'doh-02.spectrum.com'),
  ...r('IIJ', false, 'public.dns.iij.jp'),
  ...r('TWNIC', false, 'dns.twnic.tw'),
  ...r('Wikimedia', false, 'wikimedia-dns.org'),
  ...r('Bitdefender', false, 'dns.bitdefender.net'),
  ...r('Avast', false, 'secure.avastdns.com'),
  ...r('Surfshark', false, 'dns.surfsharkdns.com'),
  ...r('NordVPN', false, 'dns1.nordvpn.com', 'dns2.nordvpn.com'),
  ...r('RethinkDNS', true, 'sky.rethinkdns.com'),
  ...r('Telekom Deutschland', false, 'dns.telekom.de'),
  ...r('Switch', false, 'dns.switch.ch'),
];

export const DOT_PORT = 853;

/** TEMP TABLE dnsc_doh(host, operator, subdomains). */
export async function loadDohResolvers(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE dnsc_doh (host VARCHAR, operator VARCHAR, subdomains BOOLEAN)`);
  const app = await conn.createAppender('dnsc_doh', 'main', 'temp');
  for (const d of DOH_RESOLVERS) {
    app.appendVarchar(d.host);
    app.appendVarchar(d.operator);
    app.appendBoolean(d.subdomains);
    app.endRow();
  }
  app.closeSync();
}

/**
 * Sessions of hospital clients (outside clients are left out) over DoT/DoQ and to DoH resolvers by TLS server
 * name, one row per client, method and server. A uid two sensors both saw counts once.
 */
export async function encryptedDnsSessions(conn: DuckDBConnection, site: Site, w: Window): Promise<Row[]> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE dnsc_enc AS
    WITH dot AS (
      SELECT id_orig_h AS client, CASE WHEN proto = 'udp' THEN 'DoQ (UDP 853)' ELSE 'DoT (TCP 853)' END AS method,
        id_resp_h AS server, NULL::VARCHAR AS operator, uid, ts
      FROM conn WHERE ${windowWhere(w)} AND id_resp_p = ${DOT_PORT} AND proto IN ('tcp', 'udp')
    ), sni AS (
      SELECT id_orig_h AS client, lower(rtrim(server_name, '.')) AS server, uid, ts
      FROM ssl WHERE ${windowWhere(w)} AND server_name IS NOT NULL AND id_resp_p <> ${DOT_PORT}
    ), doh AS (
      SELECT s.client, 'DoH (TLS server name)' AS method, s.server, min(d.operator) AS operator, s.uid, s.ts
      FROM sni s JOIN dnsc_doh d ON s.server = d.host OR (d.subdomains AND ends_with(s.server, '.' || d.host))
      GROUP BY s.client, s.server, s.uid, s.ts
    )
    SELECT * FROM dot UNION ALL SELECT * FROM doh`);
  await classifyAddresses(conn, site, `SELECT client FROM dnsc_enc`);
  return readRows(conn, `
    SELECT e.client, CASE WHEN a.inside IS NOT false THEN coalesce(a.class, 'unclassified') END AS class, e.method, e.server,
      any_value(e.operator) AS operator, count(DISTINCT coalesce(e.uid, CAST(e.ts AS VARCHAR))) AS sessions,
      ${isoSql('min(e.ts)')} AS first_seen, ${isoSql('max(e.ts)')} AS last_seen
    FROM dnsc_enc e LEFT JOIN addr_class a ON a.addr = e.client
    WHERE a.inside IS NOT false
    GROUP BY e.client, a.inside, a.class, e.method, e.server ORDER BY e.client, e.method, e.server`);
}
