// Analysis A on the real dns.log fixtures (Zeek TSV and JSON, IPv6, escapes, extra columns, rotated .gz) with
// the real Tranco top-10k and Feodo Tracker files, checked against a categorisation written here from the
// spec alone: its own log reader, tldts for registrable domains, ipaddr.js for networks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { getDomain } from 'tldts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { importFeedFile } from '../../src/intel/feed-store.ts';
import { openStore } from '../../src/store/store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { runDns, siteOf } from './dns-logs.ts';

const rolling = () => readdirSync(fixture('zeek-tsv', 'rita-proxy-rolling')).filter((f) => f.startsWith('dns.')).map((f) => fixture('zeek-tsv', 'rita-proxy-rolling', f));
const FILES = () => [
  fixture('zeek-tsv', 'rita-proxy', 'dns.log'),
  fixture('zeek-tsv', 'slips-test10', 'dns.log'),
  fixture('zeek-tsv', 'slips-ctu-sme-11', 'dns.log.labeled'),
  fixture('zeek-json', 'rita-json-all-fields', 'dns.log'),
  ...rolling(),
];
const INTERNAL = ['192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12', 'fe80::/10'];
const SITE = `networks: {internal: [${INTERNAL.join(', ')}]}\ndomains: [slack.com]\n`;

interface Req { query: string | null; answers: string[] }

/** Zeek's TSV escapes: `\xHH` bytes and `\\`; text that is not UTF-8 once decoded stays escaped. */
function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const hex = /^\\x([0-9a-fA-F]{2})/.exec(s.slice(i, i + 4));
    if (hex) {
      bytes.push(parseInt(hex[1]!, 16));
      i += 4;
    } else if (s.startsWith('\\\\', i)) {
      bytes.push(92);
      i += 2;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes));
  } catch {
    return s;
  }
}

/** The requests of one dns.log, TSV (header-driven) or JSON lines. */
function readLog(file: string): Req[] {
  const text = (file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file)).toString('utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]!.startsWith('{')) {
    return lines.map((l) => JSON.parse(l) as { query?: string; answers?: string[] }).map((o) => ({ query: o.query ?? null, answers: o.answers ?? [] }));
  }
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  const q = fields.indexOf('query');
  const a = fields.indexOf('answers');
  return lines.filter((l) => !l.startsWith('#')).map((l) => {
    const f = l.split('\t');
    const ans = f[a]!;
    return { query: f[q] === '-' ? null : unescape(f[q]!), answers: ans === '-' || ans === '(empty)' ? [] : ans.split(',').map(unescape) };
  });
}

const nets = INTERNAL.map((c) => ipaddr.parseCIDR(c));
function inside(addr: ipaddr.IPv4 | ipaddr.IPv6, bits?: number): boolean {
  return nets.some(([net, len]) => net.kind() === addr.kind() && (bits === undefined || bits >= len) && addr.match(net, len));
}
function answerInside(a: string): boolean {
  return ipaddr.isValid(a) && inside(ipaddr.parse(a));
}
function reverseInside(name: string): boolean {
  if (name.endsWith('.in-addr.arpa')) {
    const o = name.slice(0, -13).split('.').reverse();
    if (o.length > 4 || o.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return false;
    return inside(ipaddr.parse([...o, '0', '0', '0'].slice(0, 4).join('.')), o.length * 8);
  }
  if (name.endsWith('.ip6.arpa')) {
    const n = name.slice(0, -9).split('.').reverse();
    if (n.length > 32 || n.some((x) => !/^[0-9a-f]$/.test(x))) return false;
    const hex = n.join('').padEnd(32, '0');
    return inside(ipaddr.parse(hex.match(/.{4}/g)!.join(':')), n.length * 4);
  }
  return false;
}

test('real dns.log fixtures with the real Tranco top-10k and Feodo lists, against an independent categorisation', { skip: needsShared }, async () => {
  const files = FILES();
  const db = `${tmpDir('dhai-dns-fx-')}/s.duckdb`;
  const ingested = await runIngest({ paths: files, db });
  assert.equal(ingested.rowsRejected, 0);
  const store = await openStore(db);
  const tranco = fixture('lists', 'tranco-top10k-2025-06-18.csv.gz');
  const feodo = fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv');
  await importFeedFile(store.conn, tranco, { kind: 'toplist' });
  await importFeedFile(store.conn, feodo, { kind: 'botnet' });
  await store.close();
  const r = await runDns(db, siteOf(SITE));

  // the independent categorisation
  const reg = (n: string) => getDomain(n, { allowPrivateDomains: false, extractHostname: false, validateHostname: false });
  const top = new Set<string>();
  for (const line of gunzipSync(readFileSync(tranco)).toString('utf8').split(/\r?\n/)) {
    const m = /^(\d+),(.+)$/.exec(line.trim());
    const d = m && reg(m[2]!.toLowerCase());
    if (d) top.add(d);
  }
  const feodoIps = new Set(readFileSync(feodo, 'utf8').split('\n').filter((l) => l.startsWith('"2')).map((l) => l.split(',')[1]!.replace(/"/g, '')));
  const counts = { botnet: 0, self_associated: 0, whitelisted: 0, uncategorised: 0 };
  const rules = { a: 0, b: 0, c: 0, d: 0 };
  const nameCat = new Map<string, number>();
  const order = ['botnet', 'self_associated', 'whitelisted', 'uncategorised'] as const;
  let total = 0;
  for (const req of files.flatMap(readLog)) {
    total++;
    const name = req.query === null ? null : req.query.toLowerCase().replace(/\.$/, '') || null;
    let cat: (typeof order)[number];
    let rule: keyof typeof rules | null = null;
    if (req.answers.some((a) => feodoIps.has(a))) cat = 'botnet';
    else if (name !== null && reg(name) === 'slack.com') [cat, rule] = ['self_associated', 'a'];
    else if (req.answers.some(answerInside)) [cat, rule] = ['self_associated', 'b'];
    else if (name !== null && (!name.includes('.') || /\.(local|lan|internal|corp)$/.test(name) || reverseInside(name))) [cat, rule] = ['self_associated', 'c'];
    else if (name !== null && top.has(reg(name) ?? '')) cat = 'whitelisted';
    else cat = 'uncategorised';
    counts[cat]++;
    if (rule) rules[rule]++;
    if (name !== null) nameCat.set(name, Math.min(nameCat.get(name) ?? 9, order.indexOf(cat)));
  }
  assert.equal(total, ingested.rowsStored);
  assert.equal(r.metrics.requests_total, total);
  for (const c of order) assert.deepEqual(r.metrics[`requests_${c}`], { count: counts[c], share: counts[c] / total }, c);
  for (const [k, n] of Object.entries(rules)) assert.equal((r.metrics[`self_associated_rule_${k}_${{ a: 'site_domain', b: 'internal_answer', c: 'internal_name', d: 'hospital_certificate' }[k]}`] as { count: number }).count, n, `rule ${k}`);
  assert.equal(r.metrics.names_total, nameCat.size);
  for (const c of order) assert.equal((r.metrics[`names_${c}`] as { count: number }).count, [...nameCat.values()].filter((v) => v === order.indexOf(c)).length, `names ${c}`);
  assert.equal(r.metrics.requests_blacklisted, undefined, 'no blocklist loaded: no blacklisted share');
  assert.ok(counts.whitelisted > 0 && counts.self_associated > 0 && counts.uncategorised > 0, JSON.stringify(counts));
  // dnscat2-style TXT tunnel in RITA's JSON sample
  assert.deepEqual(r.tables.tunnelling!.filter((t) => t.heavy_txt).map((t) => t.domain), ['r-1x.com']);
  assert.ok(r.findings.some((f) => f.id === 'dns-categories/dns-tunnelling/r-1x.com'));
  // Chrome's DoH resolver looked up in the RITA capture
  const doh = r.tables.encrypted_dns!.filter((e) => e.server === 'chrome.cloudflare-dns.com');
  const chromeLookups = readLog(files[0]!).filter((q) => q.query === 'chrome.cloudflare-dns.com').length + rolling().flatMap(readLog).filter((q) => q.query === 'chrome.cloudflare-dns.com').length;
  assert.equal(doh.reduce((n, e) => n + Number(e.count), 0), chromeLookups);
  assert.ok(chromeLookups > 0);
});
