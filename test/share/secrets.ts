// What a shareable export must never contain, collected from a store and its site independently of the export
// code (ipaddr.js for the networks, plain SQL over the logs): every internal address in every spelling, the
// internal host and DNS names, and the fingerprints and subjects of the hospital's certificates. And a search of
// an export's text for any of them.
import ipaddr from 'ipaddr.js';
import type { Site } from '../../src/config/site.ts';
import { openStore } from '../../src/store/store.ts';

export interface Secrets {
  addresses: Set<string>;
  names: Set<string>;
  fingerprints: Set<string>;
  subjects: Set<string>;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const INTERNAL_TLDS = ['local', 'lan', 'internal', 'corp', 'home', 'localdomain', 'arpa'];

function ranges(site: Site | null): Range[] {
  if (!site) return [];
  return [...site.networks.internal, ...site.device_classes.flatMap((c) => c.subnets)].map((c) => ipaddr.parseCIDR(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`));
}

function parse(a: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const p = ipaddr.parse(a);
    return p.kind() === 'ipv6' && (p as ipaddr.IPv6).isIPv4MappedAddress() ? (p as ipaddr.IPv6).toIPv4Address() : p;
  } catch {
    return null;
  }
}

/** Every way an address is commonly written: dotted and zero-padded IPv4; compressed, uncompressed and fully expanded IPv6. */
export function spellings(a: ipaddr.IPv4 | ipaddr.IPv6): string[] {
  if (a.kind() === 'ipv4') {
    const o = (a as ipaddr.IPv4).octets;
    return [o.join('.'), o.map((x) => String(x).padStart(3, '0')).join('.')];
  }
  const v6 = a as ipaddr.IPv6;
  const full = v6.toNormalizedString().split(':').map((g) => g.padStart(4, '0')).join(':');
  return [v6.toRFC5952String(), v6.toNormalizedString(), full];
}

function internalName(name: string, domains: readonly string[]): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n.length === 0) return false;
  if (!n.includes('.')) return true;
  if (INTERNAL_TLDS.includes(n.split('.').pop()!)) return true;
  return domains.some((d) => n === d || n.endsWith(`.${d}`));
}

async function column(conn: { runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> }, sql: string): Promise<string[]> {
  const r = await conn.runAndReadAll(sql);
  return r.getRows().map((row) => row[0]).filter((v): v is NonNullable<unknown> => v !== null && v !== undefined).map(String);
}

/**
 * The secrets of a store. Inside = the site's networks and device-class subnets; with no site, Zeek's
 * local_orig/local_resp (as the export decides it then).
 */
export async function collectSecrets(db: string, site: Site | null): Promise<Secrets> {
  const store = await openStore(db, { readOnly: true });
  const conn = store.conn;
  try {
    const rs = ranges(site);
    const domains = (site?.domains ?? []).map((d) => d.toLowerCase().replace(/\.$/, ''));
    const local = site?.networks.internal.length
      ? new Set<string>()
      : new Set(await column(conn, `SELECT id_orig_h FROM conn WHERE local_orig UNION SELECT id_resp_h FROM conn WHERE local_resp`));
    const inside = (a: string): boolean => {
      const p = parse(a);
      if (!p) return false;
      return local.has(a) || rs.some(([net, bits]) => net.kind() === p.kind() && p.match(net, bits));
    };
    const out: Secrets = { addresses: new Set(), names: new Set(), fingerprints: new Set(), subjects: new Set() };
    const addAddress = (a: string) => {
      const p = parse(a);
      if (p) for (const s of spellings(p)) out.addresses.add(s);
    };
    // the site's own networks, as written and as addresses
    for (const [net, bits] of rs) {
      addAddress(net.toString());
      out.addresses.add(`${net.toString()}/${bits}`);
    }
    const all = await column(conn, `SELECT DISTINCT a FROM (
      SELECT id_orig_h AS a FROM conn UNION ALL SELECT id_resp_h FROM conn UNION ALL SELECT id_orig_h FROM dns UNION ALL SELECT id_resp_h FROM dns
      UNION ALL SELECT id_orig_h FROM ssl UNION ALL SELECT id_resp_h FROM ssl UNION ALL SELECT unnest(answers) FROM dns
      UNION ALL SELECT unnest(san_ip) FROM x509)`);
    const insideAddrs = all.filter(inside);
    for (const a of insideAddrs) addAddress(a);

    // DNS names (queries and name answers) that are internal; the server names of sessions to hospital servers
    for (const n of await column(conn, `SELECT DISTINCT a FROM (SELECT query AS a FROM dns UNION ALL SELECT unnest(answers) FROM dns)`)) {
      if (!parse(n) && internalName(n, domains)) out.names.add(n);
    }
    const insideSet = new Set(insideAddrs);
    const sessions = await conn.runAndReadAll(`SELECT id_resp_h, server_name, cert_chain_fps[1], cert_chain_fuids[1], subject FROM ssl`);
    const leaves = new Set<string>();
    for (const [resp, sni, fp, fuid, subject] of sessions.getRows()) {
      if (!insideSet.has(String(resp))) continue;
      if (sni) out.names.add(String(sni));
      if (fp) leaves.add(String(fp));
      if (fuid) leaves.add(String(fuid));
      if (subject) out.subjects.add(String(subject));
    }
    // hospital certificates: the leaves hospital servers presented, and any certificate with an internal name
    const certs = await conn.runAndReadAll(`SELECT x.fingerprint, x.id, x.certificate_subject, x.san_dns, f.sha1, f.sha256, f.md5
      FROM x509 x LEFT JOIN files f ON f.fuid = x.id`);
    for (const [fp, id, subject, san, sha1, sha256, md5] of certs.getRows()) {
      const sans = ((san as { items?: unknown[] } | null)?.items ?? []).map(String);
      const cn = /(?:^|,)CN=([^,]+)/.exec(String(subject ?? ''))?.[1];
      const names = [...sans, ...(cn ? [cn] : [])];
      const ours = (fp && leaves.has(String(fp))) || (id && leaves.has(String(id))) || names.some((n) => internalName(n, domains) || inside(n));
      if (!ours) continue;
      for (const h of [fp, sha1, sha256, md5]) if (h) out.fingerprints.add(String(h));
      if (subject) out.subjects.add(String(subject));
      for (const n of names) if (!parse(n)) out.names.add(n);
    }
    return out;
  } finally {
    await store.close();
  }
}

function snake(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/**
 * Every secret found in `text`, case-insensitively and as a substring; a name is also looked for in the snake
 * case metric names use. A single-label name (`print`, `backup`) is looked for as a whole word only (between
 * characters other than letters, digits and `_`): as a bare substring it is inside ordinary words (`fingerprints`).
 */
export function findSecrets(text: string, s: Secrets): string[] {
  const lower = text.toLowerCase();
  const hits: string[] = [];
  const has = (needle: string) => needle.length > 0 && lower.includes(needle.toLowerCase());
  for (const a of s.addresses) if (has(a)) hits.push(`address ${a}`);
  for (const f of s.fingerprints) if (has(f)) hits.push(`fingerprint ${f}`);
  for (const sub of s.subjects) if (has(sub)) hits.push(`subject ${sub}`);
  for (const n of s.names) {
    const clean = n.toLowerCase().replace(/\.$/, '');
    if (!clean.includes('.')) {
      const word = clean.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (word && new RegExp(`(?<![a-z0-9_])${word}(?![a-z0-9_])`).test(lower)) hits.push(`name ${n}`);
    } else if (has(clean) || (snake(clean).includes('_') && has(snake(clean)))) hits.push(`name ${n}`);
  }
  return hits;
}
