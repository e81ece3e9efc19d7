// ground-truth.json against the written logs: the test recomputes the metrics of METRICS.md from the logs,
// site.yaml and the feeds with its own small reader and rules, and expects the simulator's counts exactly.
// It also checks the shares that must add up to one, and that the site file and feeds load with the
// project's own readers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import ipaddr from 'ipaddr.js';
import { getDomain } from 'tldts';
import { loadSite, type Site } from '../../src/config/site.ts';
import { toolOf } from '../../src/analyses/remote-access-tools.ts';
import { parseFeed } from '../../src/intel/formats.ts';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { list, readRows, unescape } from './zeek-reader.ts';

type Metric = number | { count: number; share: number };
type Sections = Record<string, { metrics: Record<string, Metric> }>;
type Row = Record<string, string>;

const count = (m: Metric | undefined): number => (typeof m === 'number' ? m : (m?.count ?? NaN));

interface World {
  dir: string;
  truth: Sections;
  site: Site;
  inside: (ip: string) => boolean;
  classOf: (ip: string) => string;
  feeds: { kind: string; file: string }[];
  conn: Row[];
  dns: Row[];
  ssl: Row[];
  x509: Row[];
  files: Row[];
}

async function load(zeekVersion: string, days: number, devices: number, seed: string): Promise<World> {
  const dir = tmpDir();
  await simulate({ ...DEFAULTS, out: dir, days, devices, seed, zeekVersion });
  const site = loadSite(path.join(dir, 'site.yaml'));
  const nets = site.networks.internal.map((c) => ipaddr.parseCIDR(c));
  const memo = <T>(f: (ip: string) => T) => {
    const m = new Map<string, T>();
    return (ip: string) => (m.has(ip) ? m.get(ip)! : (m.set(ip, f(ip)), m.get(ip)!));
  };
  const inside = memo((ip) => nets.some(([n, bits]) => ipaddr.parse(ip).kind() === n.kind() && ipaddr.parse(ip).match(n, bits)));
  const classOf = memo((ip) => site.device_classes.find((c) => c.subnets.some((s) => ipaddr.parse(ip).match(ipaddr.parseCIDR(s))))?.class ?? 'unclassified');
  const logs = path.join(dir, 'logs');
  return {
    dir,
    truth: (JSON.parse(readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as { sections: Sections }).sections,
    site,
    inside,
    classOf,
    feeds: JSON.parse(readFileSync(path.join(dir, 'feeds', 'manifest.json'), 'utf8')) as { kind: string; file: string }[],
    conn: readRows(logs, 'conn'),
    dns: readRows(logs, 'dns'),
    ssl: readRows(logs, 'ssl'),
    x509: readRows(logs, 'x509'),
    files: zeekVersion.startsWith('3') ? readRows(logs, 'files') : [],
  };
}

function feedText(w: World, kind: string): string[] {
  return w.feeds.filter((f) => f.kind === kind).map((f) => readFileSync(path.join(w.dir, 'feeds', f.file), 'utf8'));
}

/** Shares of a group of {count, share} metrics add up to one (when their denominator is not zero). */
function sumsToOne(m: Record<string, Metric>, keys: string[]): void {
  const ms = keys.map((k) => m[k]);
  assert.ok(ms.every((x) => typeof x === 'object'), `${keys.join(', ')} present`);
  const total = ms.reduce((a, x) => a + (x as { share: number }).share, 0);
  if (ms.some((x) => (x as { count: number }).count > 0)) assert.ok(Math.abs(total - 1) < 1e-9, `${keys.join(' + ')} = ${total}`);
}

/** A TCP connection whose handshake completed (METRICS.md, exposure). */
const completed = (r: Row) => r.proto === 'tcp' && ['SF', 'S1', 'S2', 'S3', 'RSTO', 'RSTR'].includes(r.conn_state!) && r.history!.includes('h');

const direction = (w: World, r: Row) => {
  const o = w.inside(r['id.orig_h']!);
  const s = w.inside(r['id.resp_h']!);
  return o && s ? 'internal' : s ? 'inbound' : o ? 'outbound' : null;
};

let w: World;
let old: World;

before(async () => {
  w = await load('6.0', 2, 100, 'truth');
  old = await load('3.0', 1, 50, 'truth-old');
});

describe('ground truth against the logs (Zeek 6.0 layout)', () => {
  test('site.yaml and the feeds load with the project’s readers', () => {
    assert.ok(w.site.device_classes.length >= 4);
    assert.ok(w.site.domains.length > 0);
    for (const f of w.feeds) {
      const r = parseFeed(readFileSync(path.join(w.dir, 'feeds', f.file)), { kind: f.kind as 'toplist' });
      assert.ok(r.entries.length > 0, f.file);
      assert.equal(r.rejectedCount, 0, f.file);
    }
  });

  test('dns-categories: every request counted once, categories by METRICS.md’s rules', () => {
    const m = w.truth['dns-categories']!.metrics;
    const top = new Map(feedText(w, 'toplist')[0]!.trim().split('\n').map((l) => [l.split(',')[1]!, Number(l.split(',')[0])]));
    const botNames = new Set<string>();
    const botIps = new Set<string>();
    for (const text of feedText(w, 'botnet')) {
      for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
        const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
        if (cells[3] === 'domain') botNames.add(cells[2]!);
        else if (/^\d+\.\d+\.\d+\.\d+$/.test(cells[1] ?? '')) botIps.add(cells[1]!);
      }
    }
    const blocked = new Set(feedText(w, 'blocklist').flatMap((t) => t.split('\n').filter((l) => l && !l.startsWith('#'))));
    const hospitalNames = new Set<string>();
    const certByFp = new Map(w.x509.map((r) => [r.fingerprint!, r]));
    for (const r of w.ssl) {
      if (!w.inside(r['id.resp_h']!) || r.cert_chain_fps === '-') continue;
      const leaf = certByFp.get(r.cert_chain_fps!.split(',')[0]!)!;
      const cn = /^CN=([^,]*)/.exec(unescape(leaf['certificate.subject']!))?.[1];
      if (cn?.includes('.')) hospitalNames.add(cn.toLowerCase());
      for (const n of list(leaf['san.dns']!) ?? []) hospitalNames.add(n.toLowerCase());
    }
    const wildcards = [...hospitalNames].filter((p) => p.startsWith('*.')).map((p) => p.slice(2));
    const matchesHospital = (name: string) => hospitalNames.has(name) || (name.indexOf('.') > 0 && wildcards.includes(name.slice(name.indexOf('.') + 1)));
    const parents = (name: string) => name.split('.').map((_, i, a) => a.slice(i).join('.'));
    const reverseInside = (name: string) => {
      if (!name.endsWith('.in-addr.arpa')) return false;
      const octets = name.slice(0, -13).split('.').reverse();
      return octets.length === 4 && w.inside(octets.join('.'));
    };
    const cats: Record<string, number> = {};
    const rules: Record<string, number> = {};
    for (const r of w.dns) {
      const name = unescape(r.query!).toLowerCase().replace(/\.$/, '');
      const ips = (list(r.answers!) ?? []).filter((a) => ipaddr.isValid(a));
      const reg = getDomain(name, { allowPrivateDomains: false, extractHostname: false, validateHostname: false });
      let cat: string;
      if (parents(name).some((p) => botNames.has(p)) || ips.some((ip) => botIps.has(ip))) cat = 'botnet';
      else if (parents(name).some((p) => blocked.has(p))) cat = 'blacklisted';
      else {
        const rule =
          reg && w.site.domains.includes(reg) ? 'a'
          : ips.some((ip) => w.inside(ip)) ? 'b'
          : !name.includes('.') || /\.(local|lan|internal|corp)$/.test(name) || reverseInside(name) ? 'c'
          : matchesHospital(name) ? 'd'
          : null;
        if (rule) {
          cat = 'self_associated';
          rules[rule] = (rules[rule] ?? 0) + 1;
        } else cat = reg && (top.get(reg) ?? Infinity) <= 100000 ? 'whitelisted' : 'uncategorised';
      }
      cats[cat] = (cats[cat] ?? 0) + 1;
    }
    assert.equal(m.requests_total, w.dns.length);
    for (const cat of ['botnet', 'blacklisted', 'self_associated', 'whitelisted', 'uncategorised']) assert.equal(count(m[`requests_${cat}`]), cats[cat] ?? 0, cat);
    assert.ok(count(m.requests_botnet) > 0, 'the infected host beaconed');
    const ruleKeys = { a: 'site_domain', b: 'internal_answer', c: 'internal_name', d: 'hospital_certificate' } as const;
    for (const [k, v] of Object.entries(ruleKeys)) assert.equal(count(m[`self_associated_rule_${k}_${v}`]), rules[k] ?? 0, `rule ${k}`);
    assert.equal(m.names_total, new Set(w.dns.map((r) => unescape(r.query!).toLowerCase())).size);
    const cls = ['botnet', 'blacklisted', 'self_associated', 'whitelisted', 'uncategorised'];
    sumsToOne(m, cls.map((c) => `requests_${c}`));
    sumsToOne(m, cls.map((c) => `names_${c}`));
    sumsToOne(m, Object.entries(ruleKeys).map(([k, v]) => `self_associated_rule_${k}_${v}`));
    for (const c of w.site.device_classes) {
      const k = `class_${c.class.replace(/-/g, '_')}`;
      assert.equal(m[`${k}_requests`], w.dns.filter((r) => w.classOf(r['id.orig_h']!) === c.class).length, k);
      sumsToOne(m, cls.map((x) => `${k}_${x}`));
    }
  });

  test('tls-versions: sessions per direction and version, devices that ever used an obsolete version', () => {
    const m = w.truth['tls-versions']!.metrics;
    const est = w.ssl.filter((r) => r.established === 'T');
    for (const d of ['inbound', 'outbound', 'internal']) {
      const rows = est.filter((r) => direction(w, r) === d);
      assert.equal(m[`${d}_sessions`], rows.length, d);
      for (const v of ['SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13']) assert.equal(count(m[`${d}_${v.toLowerCase()}`]), rows.filter((r) => r.version === v).length, `${d} ${v}`);
      sumsToOne(m, ['sslv2', 'sslv3', 'tlsv10', 'tlsv11', 'tlsv12', 'tlsv13', 'other'].map((v) => `${d}_${v}`));
    }
    const obsolete = (r: Row) => ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11'].includes(r.version!);
    const inbound = est.filter((r) => direction(w, r) === 'inbound');
    const devs = new Set(inbound.map((r) => r['id.resp_h']));
    assert.equal(m.inbound_devices, devs.size);
    assert.ok(devs.size > 0);
    assert.equal(count(m.inbound_devices_obsolete_at_least_once), new Set(inbound.filter(obsolete).map((r) => r['id.resp_h'])).size);
    const outbound = est.filter((r) => direction(w, r) === 'outbound');
    assert.equal(count(m.outbound_devices_obsolete_at_least_once), new Set(outbound.filter(obsolete).map((r) => r['id.orig_h'])).size);
  });

  test('obsolete-devices: statuses over the window and its tail', () => {
    const m = w.truth['obsolete-devices']!.metrics;
    const est = w.ssl.filter((r) => r.established === 'T');
    const day = 86400;
    const ts = est.map((r) => Number(r.ts));
    const start = Math.floor(Math.min(...ts) / day) * day;
    const end = (Math.floor(Math.max(...ts) / day) + 1) * day;
    const tail = end - Math.max(day, (end - start) / 10);
    for (const [d, key] of [['inbound', 'id.resp_h'], ['outbound', 'id.orig_h']] as const) {
      const by = new Map<string, Row[]>();
      for (const r of est.filter((x) => direction(w, x) === d)) {
        const list = by.get(r[key]!);
        if (list) list.push(r);
        else by.set(r[key]!, [r]);
      }
      const st: Record<string, number> = {};
      for (const rows of by.values()) {
        const obs = rows.filter((r) => ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11'].includes(r.version!));
        const s =
          obs.length === 0 ? 'never'
          : obs.length === rows.length ? 'only_obsolete'
          : obs.some((r) => Number(r.ts) >= tail) ? 'persisting'
          : rows.some((r) => Number(r.ts) >= tail) ? 'stopped'
          : 'dormant';
        st[s] = (st[s] ?? 0) + 1;
      }
      const keys = ['never', 'only_obsolete', 'persisting', 'stopped', 'dormant'];
      for (const k of keys) assert.equal(count(m[`${d}_status_${k}`]), st[k] ?? 0, `${d} ${k}`);
      sumsToOne(m, keys.map((k) => `${d}_status_${k}`));
    }
    assert.equal(m.window_days, (end - start) / day);
  });

  test('cipher-quality: fresh sessions, suite hashes and leaf signature hashes', () => {
    const m = w.truth['cipher-quality']!.metrics;
    const fresh = w.ssl.filter((r) => r.established === 'T' && r.resumed === 'F');
    assert.equal(m.fresh_sessions, fresh.length);
    const hash = (c: string) => (c.endsWith('_MD5') ? 'md5' : c.endsWith('_SHA') ? 'sha1' : c.endsWith('_SHA256') ? 'sha256' : 'sha384');
    for (const h of ['md5', 'sha1', 'sha256', 'sha384']) assert.equal(count(m[`suite_hash_${h}`]), fresh.filter((r) => hash(r.cipher!) === h).length, h);
    const sig = new Map(w.x509.map((r) => [r.fingerprint!, r['certificate.sig_alg']!]));
    const withLeaf = fresh.filter((r) => r.cert_chain_fps !== '-');
    assert.equal(m.cert_sig_sessions, withLeaf.length);
    assert.equal(count(m.cert_sig_sha1), withLeaf.filter((r) => /sha1/i.test(sig.get(r.cert_chain_fps!.split(',')[0]!)!)).length);
    for (const g of [['class_insecure', 'class_weak', 'class_secure', 'class_recommended'], ['mozilla_modern', 'mozilla_intermediate', 'mozilla_old', 'mozilla_none'], ['suite_hash_md5', 'suite_hash_sha1', 'suite_hash_sha256', 'suite_hash_sha384']]) sumsToOne(m, g);
    // RC4 and MD5-MAC suites are insecure; any TLS 1.3 suite is recommended
    assert.ok(count(m.class_insecure) >= fresh.filter((r) => /RC4|_MD5$/.test(r.cipher!)).length);
    assert.ok(count(m.class_recommended) >= fresh.filter((r) => r.version === 'TLSv13').length);
  });

  test('cert-issues: validation outcomes and certificate facts of fresh sessions', () => {
    const m = w.truth['cert-issues']!.metrics;
    const fresh = w.ssl.filter((r) => r.established === 'T' && r.resumed === 'F');
    const cat = (s: string) =>
      s === '-' ? 'unavailable'
      : s === 'ok' ? 'ok'
      : s === 'unable to get local issuer certificate' ? 'unknown_issuer'
      : /^self[- ]signed certificate/.test(s) ? 'self_signed'
      : s === 'certificate has expired' ? 'expired'
      : 'other';
    const by: Record<string, Row[]> = {};
    for (const r of fresh) (by[cat(r.validation_status!)] ??= []).push(r);
    for (const c of ['ok', 'unknown_issuer', 'self_signed', 'expired', 'unavailable']) assert.equal(count(m[`status_${c}`]), by[c]?.length ?? 0, c);
    sumsToOne(m, ['ok', 'unknown_issuer', 'self_signed', 'expired', 'not_yet_valid', 'other_failure', 'unavailable'].map((c) => `status_${c}`));
    sumsToOne(m, ['issue_unknown_issuer', 'issue_self_signed', 'issue_expired']);
    const cert = new Map(w.x509.map((r) => [r.fingerprint!, r]));
    const leaf = (r: Row) => cert.get(r.cert_chain_fps!.split(',')[0]!)!;
    const unknown = by.unknown_issuer ?? [];
    assert.equal(count(m.unknown_issuer_no_issuer), unknown.filter((r) => leaf(r)['certificate.issuer'] === '(empty)').length);
    assert.equal(count(m.unknown_issuer_reputable), unknown.filter((r) => /,O=(Apple Inc\.|Microsoft Corporation|Samsung Electronics Co\.\\\\, Ltd\.|International Business Machines Corporation)(,|$)/.test(leaf(r)['certificate.issuer']!)).length);
    const expired = fresh.filter((r) => r.cert_chain_fps !== '-' && Number(leaf(r)['certificate.not_valid_after']) < Number(r.ts));
    assert.equal(count(m.sessions_expired_cert), expired.length);
    assert.equal(m.certs_expired, new Set(expired.map((r) => r.cert_chain_fps!.split(',')[0])).size);
    assert.equal(m.certs_no_issuer, new Set(unknown.filter((r) => leaf(r)['certificate.issuer'] === '(empty)').map((r) => leaf(r).fingerprint)).size);
    assert.ok(count(m.status_unknown_issuer) > 0 && count(m.status_self_signed) > 0);
  });

  test('ct-transparency: distinct leaves and the CT fingerprint feed', () => {
    const m = w.truth['ct-transparency']!.metrics;
    const logged = new Set(feedText(w, 'ct-fingerprints')[0]!.split('\n').filter((l) => l && !l.startsWith('#')));
    const leaves = new Set(w.ssl.filter((r) => r.cert_chain_fps !== '-').map((r) => r.cert_chain_fps!.split(',')[0]!));
    assert.equal(m.certs_total, leaves.size);
    assert.equal(count(m.certs_logged), [...leaves].filter((fp) => logged.has(fp)).length);
    const cert = new Map(w.x509.map((r) => [r.fingerprint!, r]));
    const self = [...leaves].filter((fp) => cert.get(fp)!['certificate.subject'] === cert.get(fp)!['certificate.issuer']);
    assert.equal(m.certs_self_signed, self.length);
    assert.equal(count(m.certs_self_signed_logged), 0);
  });

  test('exposure: directions, watched services, cleartext clinical protocols', () => {
    const e = w.truth.exposure!.metrics;
    const port = (r: Row) => Number(r['id.resp_p']);
    const inbound = w.conn.filter((r) => !w.inside(r['id.orig_h']!) && w.inside(r['id.resp_h']!));
    assert.equal(e.connections, w.conn.length);
    assert.equal(count(e['connections.inbound']), inbound.length);
    assert.equal(count(e['connections.outbound']), w.conn.filter((r) => w.inside(r['id.orig_h']!) && !w.inside(r['id.resp_h']!)).length);
    const medical = (ip: string) => ['medical-device', 'medical-supporting'].includes(w.classOf(ip));
    const watched = new Set([104, 11112, 2762, 2575, 12575, 3389, 5900, 23, 445, 21, 1433, 1521, 3306, 5432, 27017]);
    const consoles = new Set([80, 443, 8080, 8443]);
    const services = inbound.filter((r) => r.proto === 'tcp' && (watched.has(port(r)) || (consoles.has(port(r)) && medical(r['id.resp_h']!))));
    const sessions = services.filter(completed);
    assert.equal(e.exposed_services, new Set(sessions.map((r) => `${r['id.resp_h']}|${port(r)}`)).size);
    assert.equal(e.exposed_hosts, new Set(sessions.map((r) => r['id.resp_h'])).size);
    assert.equal(e.exposed_sessions, sessions.length);
    assert.equal(e.probe_attempts, services.filter((r) => !completed(r) && r.history!.includes('S')).length);
    const clinical = w.conn.filter((r) => r.proto === 'tcp' && [104, 11112, 2575, 12575].includes(port(r)) && completed(r) && !r.service!.includes('ssl'));
    assert.equal(e.cleartext_clinical_sessions, clinical.length);
    // the simulated hospital has each kind of thing the section counts
    assert.ok((e.exposed_services as number) > 0 && (e.probe_attempts as number) > 0 && clinical.length > 0);
  });

  test('supply-chain: vendors by network, DNS answers and server name; remote-access tools in DNS', () => {
    const s = w.truth['supply-chain']!.metrics;
    const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');
    const under = (n: string, d: string) => n === d || n.endsWith(`.${d}`);
    const vendorOf = (name: string) => w.site.vendors.filter((v) => v.domains.some((d) => under(norm(name), d))).map((v) => v.name);
    const nets = w.site.vendors.flatMap((v) => v.networks.map((c) => [v.name, ipaddr.parseCIDR(c)] as const));
    const netVendor = (ip: string) => nets.find(([, n]) => ipaddr.parse(ip).match(n))?.[0];
    const done = w.conn.filter(completed);
    assert.equal(s.vendor_sessions_from_vendor, done.filter((r) => netVendor(r['id.orig_h']!) && w.inside(r['id.resp_h']!)).length);
    const resolved = new Map<string, Set<string>>();
    for (const r of w.dns) {
      for (const a of list(r.answers!) ?? []) for (const v of vendorOf(r.query!)) resolved.set(`${r['id.orig_h']}|${a}`, (resolved.get(`${r['id.orig_h']}|${a}`) ?? new Set()).add(v));
    }
    const sni = new Map(w.ssl.filter((r) => r.server_name !== '-').map((r) => [r.uid!, unescape(r.server_name!)]));
    let toVendor = 0;
    for (const r of done.filter((x) => w.inside(x['id.orig_h']!) && !w.inside(x['id.resp_h']!))) {
      const owners = new Set([...(resolved.get(`${r['id.orig_h']}|${r['id.resp_h']}`) ?? []), ...vendorOf(sni.get(r.uid!) ?? '')]);
      toVendor += owners.size;
    }
    assert.equal(s.vendor_sessions_to_vendor, toVendor);
    const resolvers = new Set(w.site.resolvers);
    const lookups = w.dns.filter((r) => toolOf(r.query!) && w.inside(r['id.orig_h']!) && !resolvers.has(r['id.orig_h']!));
    assert.equal(s.remote_access_lookups, lookups.length);
    assert.equal(s.remote_access_hosts, new Set(lookups.map((r) => r['id.orig_h'])).size);
    assert.ok((s.vendor_sessions_from_vendor as number) > 0 && toVendor > 0 && lookups.length > 0);
  });
});

describe('ground truth against the logs (pre-4.1 layout)', () => {
  test('certificates are identified through files.log SHA-1 and the CT feed lists SHA-1 too', () => {
    const m = old.truth['ct-transparency']!.metrics;
    const sha1 = new Map(old.files.map((r) => [r.fuid!, r.sha1!]));
    const leaves = new Set(old.ssl.filter((r) => r.cert_chain_fuids !== '-').map((r) => sha1.get(r.cert_chain_fuids!.split(',')[0]!)!));
    const logged = new Set(feedText(old, 'ct-fingerprints')[0]!.split('\n'));
    assert.equal(m.certs_total, leaves.size);
    assert.equal(count(m.certs_logged), [...leaves].filter((h) => logged.has(h)).length);
    const fresh = old.ssl.filter((r) => r.established === 'T' && r.resumed === 'F');
    assert.equal(old.truth['cert-issues']!.metrics.fresh_sessions, fresh.length);
    assert.equal(count(old.truth['cert-issues']!.metrics.status_ok), fresh.filter((r) => r.validation_status === 'ok').length);
    assert.equal(old.truth['dns-categories']!.metrics.requests_total, old.dns.length);
  });
});
