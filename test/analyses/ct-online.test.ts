// The opt-in online CT look-up against a real HTTP server on 127.0.0.1 that answers like crt.sh's `?d=` (the
// certificate's PEM, or 404) and records every request: found / not found / 500 / timeout / oversized / wrong
// certificate / 429, private names never sent, nothing sent without the flag, answers cached in the store with
// a TTL, the rate limit and the per-run limit, and the `dhai report --ct-lookup` wiring.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Command } from 'commander';
import type { Runner } from '../../src/cli/main.ts';
import { registerReport } from '../../src/cli/report.ts';
import { touchesPrivate } from '../../src/analyses/ct-online.ts';
import { ctTransparency } from '../../src/analyses/ct-transparency.ts';
import type { Metric, Row, SectionResult } from '../../src/analyses/types.ts';
import { CT_LOOKUP_TABLE } from '../../src/intel/ct-online-cache.ts';
import { ctLookupSettings, type CtLookupSettings } from '../../src/intel/ct-online.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { make, pem, sslLog, x509Log } from './cert-pki.ts';
import { scenario, type Scenario } from './cert-scenario.ts';

type Behaviour = 'found' | 'wrong' | '500' | '429' | 'timeout' | 'oversized';
const pair = (m: Metric | undefined): [number, number | null] => (typeof m === 'object' ? [m.count, m.share] : [NaN, null]);

let s: Scenario;
let server: http.Server;
let base = '';
/** Every request the server received: path and query, and when (ms). */
let seen: { url: string; at: number }[] = [];
let behaviour = new Map<string, Behaviour>();
const hanging: http.ServerResponse[] = [];

function sha(name: keyof Scenario['certs']): string {
  return s.certs[name].cert.sha256;
}

function settings(over: { max_requests?: number; requests_per_minute?: number; timeout_seconds?: number; private_domains?: string[] } = {}, now?: Date): CtLookupSettings {
  const c = { private_domains: ['ehr.hospital.example', 'medvendor.example'], ttl_days: 30, max_requests: 100, requests_per_minute: 60_000, timeout_seconds: 2, ...over };
  return { ...ctLookupSettings({ ct_lookup: c }, base), ...(now ? { now: () => now } : {}) };
}

async function run(ctLookup?: CtLookupSettings): Promise<SectionResult> {
  return ctTransparency.run({ conn: s.store.conn, site: s.site, window: {}, certs: { roots: s.roots, ctLogList: s.logs, ctLookup } });
}

const row = (r: SectionResult, names: string): Row | undefined => r.tables.hospital_not_logged!.find((x) => String(x.names) === names);
const asked = (): string[] => seen.map((x) => new URL(x.url, base).searchParams.get('d') ?? x.url);

before(async () => {
  s = await scenario();
  const byHash = new Map(Object.values(s.certs).map((m) => [m.cert.sha256, m]));
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', at: performance.now() });
    const d = new URL(req.url ?? '/', 'http://x').searchParams.get('d') ?? '';
    const b = behaviour.get(d);
    if (b === 'timeout') return void hanging.push(res);
    if (b === '500' || b === '429') return void res.writeHead(Number(b)).end('busy');
    if (b === 'oversized') return void res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end('A'.repeat(300 * 1024));
    if (b === 'wrong') return void res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(pem(s.certs.ok));
    if (b === 'found') return void res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(pem(byHash.get(d)!));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await s.store.close();
});

beforeEach(async () => {
  seen = [];
  behaviour = new Map();
  await s.store.conn.run(`DROP TABLE IF EXISTS ${CT_LOOKUP_TABLE}`);
});

// Without DER-less tricks: in this scenario ok (set), expired (SCT) and sha1feed (set) have CT evidence; internal,
// printer, noissuer, apple and badsct (portal.hospital.example) have none.
void describe('online CT look-up (crt.sh-shaped server on 127.0.0.1)', () => {
  void test('off by default: no request, every certificate "not looked up"', async () => {
    const r = await run();
    assert.deepEqual(seen, []);
    assert.deepEqual(pair(r.metrics.certs_not_looked_up), [8, 1]);
    assert.deepEqual(pair(r.metrics.certs_logged_by_online), [0, 0]);
    assert.match(r.method.join('\n'), /Online look-up: not performed/);
    assert.equal(r.tables.online_lookup, undefined);
  });

  void test('found, not found and 500; private names never sent; only certificates without other evidence', async () => {
    behaviour = new Map([[sha('badsct'), 'found'], [sha('printer'), '500']]);
    const r = await run(settings());
    // hospital certificates first, then by sessions: printer (4, hospital), portal (1, hospital), apple (3)
    assert.deepEqual(asked(), [sha('printer'), sha('badsct'), sha('apple')]);
    for (const x of seen) assert.match(x.url, /^\/\?d=[0-9a-f]{64}$/, 'only a fingerprint goes out');
    for (const p of ['internal', 'noissuer', 'ok', 'expired', 'sha1feed'] as const) assert.ok(!seen.some((x) => x.url.includes(sha(p))), p);
    assert.deepEqual(pair(r.metrics.certs_logged), [4, 4 / 8], 'ok, expired, sha1feed and now portal');
    assert.deepEqual(pair(r.metrics.certs_logged_by_online), [1, 1 / 8]);
    assert.deepEqual(pair(r.metrics.hospital_certs_logged), [1, 1 / 3]);
    assert.deepEqual(pair(r.metrics.certs_not_looked_up), [6, 6 / 8], 'answers stored for portal and apple');
    assert.equal(row(r, 'portal.hospital.example'), undefined, 'found: no longer "not logged"');
    assert.deepEqual(r.findings, [], 'and no longer a finding');
    assert.equal(row(r, 'printer.hospital.example')!.online_lookup, 'look-up failed: HTTP 500');
    assert.equal(row(r, 'ehr.hospital.example')!.online_lookup, 'private domain: never looked up');
    const o = r.tables.online_lookup![0]!;
    assert.deepEqual(
      [o.candidates, o.private_skipped, o.cached, o.asked, o.found, o.not_found, o.failed, o.left_for_later, o.provider],
      [5, 2, 0, 3, 1, 1, 1, 0, `crt.sh-compatible 127.0.0.1:${new URL(base).port}`],
    );
    assert.match(r.method.join('\n'), /3 were asked \(1 found, 1 not found, 1 failed\)/);
    const cached = (await s.store.conn.runAndReadAll(`SELECT sha256, found, provider FROM ${CT_LOOKUP_TABLE} ORDER BY found DESC`)).getRows();
    assert.deepEqual(cached.map((c) => [c[0], c[1]]), [[sha('badsct'), true], [sha('apple'), false]], 'failures are not cached');
  });

  void test('cache: within the TTL only the failure is asked again; after it "not found" is, "found" never', async () => {
    behaviour = new Map([[sha('badsct'), 'found'], [sha('printer'), '500']]);
    const t0 = new Date('2026-01-01T00:00:00Z');
    await run(settings({}, t0));
    seen = [];
    const again = await run(settings({}, new Date(t0.getTime() + 29 * 86_400_000)));
    assert.deepEqual(asked(), [sha('printer')]);
    assert.equal(again.tables.online_lookup![0]!.cached, 2);
    assert.equal(row(again, 'push.apple-test.example'), undefined, 'apple is no hospital certificate');
    seen = [];
    await run(settings({}, new Date(t0.getTime() + 31 * 86_400_000)));
    assert.deepEqual(asked(), [sha('printer'), sha('apple')]);
  });

  void test('timeout, oversized answer and a certificate with another fingerprint are failures; three in a row stop the run', async () => {
    behaviour = new Map([[sha('badsct'), 'timeout'], [sha('printer'), 'oversized'], [sha('apple'), 'wrong']]);
    const started = performance.now();
    const r = await run(settings({ timeout_seconds: 0.3 }));
    assert.ok(performance.now() - started < 5000);
    assert.match(String(row(r, 'portal.hospital.example')!.online_lookup), /^look-up failed: timeout: /);
    assert.match(String(row(r, 'printer.hospital.example')!.online_lookup), /^look-up failed: too-large: /);
    assert.deepEqual(pair(r.metrics.certs_logged_by_online), [0, 0]);
    const o = r.tables.online_lookup![0]!;
    assert.deepEqual([o.asked, o.failed, o.found], [3, 3, 0]);
    assert.match(String(o.stopped), /^3 failures in a row \(last: the certificate returned has another fingerprint\)/);
    assert.equal(Number((await s.store.conn.runAndReadAll(`SELECT count(*) FROM ${CT_LOOKUP_TABLE}`)).getRows()[0]![0]), 0);
  });

  void test('HTTP 429 stops the run at once; the rest waits for a later run', async () => {
    behaviour = new Map([[sha('printer'), '429']]);
    const r = await run(settings());
    assert.deepEqual(asked(), [sha('printer')]);
    const o = r.tables.online_lookup![0]!;
    assert.deepEqual([o.asked, o.left_for_later, o.stopped], [1, 2, 'the service asked us to slow down (HTTP 429)']);
    assert.equal(row(r, 'portal.hospital.example')!.online_lookup, 'not looked up: left for a later run');
  });

  void test('rate limit spaces the requests; the per-run limit leaves the rest for later', async () => {
    await run(settings({ requests_per_minute: 600 }));
    assert.equal(seen.length, 3);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.at - seen[i - 1]!.at >= 90, `gap ${seen[i]!.at - seen[i - 1]!.at} ms`);
    seen = [];
    await s.store.conn.run(`DROP TABLE ${CT_LOOKUP_TABLE}`);
    const r = await run(settings({ max_requests: 1 }));
    assert.equal(seen.length, 1);
    assert.equal(r.tables.online_lookup![0]!.left_for_later, 2);
  });

  void test('a private domain covers every name of a certificate, its CN and its subject text', () => {
    assert.equal(touchesPrivate('CN=www.example.org', ['x.example.org', 'portal.private.example'], ['private.example']), true);
    assert.equal(touchesPrivate('CN=*.private.example', [], ['private.example']), true);
    assert.equal(touchesPrivate('CN=Device 7,O=private.example', [], ['private.example']), true);
    assert.equal(touchesPrivate('CN=www.example.org', ['example.org'], ['private.example']), false);
    assert.equal(touchesPrivate('CN=private.example', [], []), false);
  });
});

void test('a private name only in a SAN keeps a certificate from being looked up', async () => {
  const dir = tmpDir('dhai-ctsan-');
  const ca = await make('CN=San Test CA', null, { ca: true });
  const hidden = await make('CN=www.public-name.example', ca, { dns: ['www.public-name.example', 'intranet.secret.example'] });
  const open = await make('CN=www.other-name.example', ca, { dns: ['www.other-name.example'] });
  const t = Date.parse('2018-01-02T01:00:00Z');
  mkdirSync(path.join(dir, 'logs'));
  writeFileSync(path.join(dir, 'logs', 'ssl.log'), sslLog([hidden, open].map((m, i) => ({ ts: t + i * 1000, orig: '10.1.0.5', resp: '203.0.113.9', chain: [m, ca], status: 'ok' }))));
  writeFileSync(path.join(dir, 'logs', 'x509.log'), x509Log([hidden, open, ca].map((m) => ({ m, ts: t }))));
  const db = path.join(dir, 's.duckdb');
  await runIngest({ paths: [path.join(dir, 'logs')], db });
  const store = await openStore(db);
  try {
    seen = [];
    const r = await ctTransparency.run({ conn: store.conn, site: s.site, window: {}, certs: { ctLookup: settings({ private_domains: ['secret.example'] }) } });
    assert.deepEqual(asked(), [open.cert.sha256]);
    assert.equal(r.tables.online_lookup![0]!.private_skipped, 1);
  } finally {
    await store.close();
  }
});

void describe('dhai report --ct-lookup', () => {
  async function cli(...args: string[]): Promise<number> {
    let code = -1;
    const program = new Command('dhai').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    const runner: Runner = (fn) => async (...a) => {
      code = await fn(...a);
    };
    registerReport(program, runner, { out: () => undefined, err: () => undefined });
    await program.parseAsync(['node', 'dhai', ...args]);
    return code;
  }

  void test('asks only with the flag (store opened for writing), later reports use the stored answers without asking', async () => {
    behaviour = new Map([[sha('badsct'), 'found']]);
    const db = s.store.dbPath;
    await s.store.close();
    const dir = tmpDir('dhai-ctcli-');
    const site = path.join(dir, 'site.yaml');
    writeFileSync(site, [
      'networks:', '  internal: [10.1.0.0/16]', 'domains: [hospital.example]',
      'ct_lookup:', '  private_domains: [ehr.hospital.example, medvendor.example]', '  requests_per_minute: 60000', '  timeout_seconds: 2',
    ].join('\n'));
    try {
      assert.equal(await cli('report', '--db', db, '--out', path.join(dir, 'r0'), '--site', site), 0);
      assert.deepEqual(seen, [], 'no flag, no request');
      assert.equal(await cli('report', '--db', db, '--out', path.join(dir, 'r1'), '--site', site, '--ct-lookup', base), 0);
      // the shipped log list does not know the test log: the expired certificate's SCT is no evidence here
      assert.deepEqual(asked(), [sha('printer'), sha('badsct'), sha('apple'), sha('expired')]);
      const ct = (JSON.parse(readFileSync(path.join(dir, 'r1', 'report.json'), 'utf8')) as { sections: Record<string, SectionResult> }).sections['ct-transparency']!;
      assert.equal(ct.tables.online_lookup![0]!.asked, 4);
      assert.match(ct.method.join('\n'), /Online look-up \(asked for with --ct-lookup\): crt\.sh-compatible 127\.0\.0\.1/);
      seen = [];
      assert.equal(await cli('report', '--db', db, '--out', path.join(dir, 'r2'), '--site', site), 0);
      assert.deepEqual(seen, []);
      const later = (JSON.parse(readFileSync(path.join(dir, 'r2', 'report.json'), 'utf8')) as { sections: Record<string, SectionResult> }).sections['ct-transparency']!;
      assert.deepEqual(pair(later.metrics.certs_logged_by_online), [1, 1 / 8]);
      assert.match(later.method.join('\n'), /not performed in this run.*Stored answers used: 4 certificates \(1 found\)/);
    } finally {
      s.store = await openStore(db);
    }
  });

  void test('a provider that is no URL is a usage error', async () => {
    await assert.rejects(cli('report', '--db', s.store.dbPath, '--out', tmpDir(), '--ct-lookup', 'ftp://x/'), /only http and https/);
    await assert.rejects(cli('report', '--db', s.store.dbPath, '--out', tmpDir(), '--ct-lookup', 'not a provider'), /neither "crtsh" nor an http\(s\) URL/);
    assert.deepEqual(seen, []);
  });
});
