// Test helper: one small hospital's TLS traffic with real certificates, ingested into a store, for the exact
// tests of analyses E and F. Every number the tests expect is counted by hand from the sessions below.
//
//   certificate        chain                       Zeek status (fresh sessions)       server              extra
//   ok                 public CA → test root       ok ×5                              203.0.113.10        in the CT fingerprint set (SHA-256)
//   internal           hospital internal root      unable to get local issuer ×4      10.1.1.10 (inside)  expires 20 days after the window
//   printer            self-signed RSA-1024        self signed certificate ×3         10.1.1.20 (inside)  + 1 session not established
//   expired            public CA, SHA-1 signed     certificate has expired ×2         198.51.100.7        embedded SCT (valid), top-list name
//   noissuer           empty issuer                unable to get local issuer ×2      198.51.100.20       vendor's name
//   apple              Apple CA (not in roots)     unable to get local issuer ×3      17.0.0.5            Zeek valid_ct_logs 2
//   badsct (portal)    public CA                   ok ×1                              10.1.1.30 (inside)  embedded SCT (tampered), hospital name
//   sha1feed           public CA                   ok ×1 (not established) …          203.0.113.40        in the CT set by SHA-1, seen only in an
//                                                                                                         aborted handshake
//   (none)             TLS 1.3                     unset ×2                           203.0.113.50
//   ok                 resumed                     unset ×1                           203.0.113.10        not fresh
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseSite, type Site } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { importFeedBytes } from '../../src/intel/feed-store.ts';
import type { CtLogList } from '../../src/intel/ct-log-list.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { TrustStore } from '../../src/x509/trust-store.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { make, makeWithSct, pem, sslLog, testLog, x509Log, type Made, type Session } from './cert-pki.ts';

export const DAY2 = Date.parse('2018-01-02T00:00:00Z');
export const WINDOW_END = Date.parse('2018-01-03T00:00:00Z');

export interface Scenario {
  store: Store;
  site: Site;
  roots: TrustStore;
  logs: CtLogList;
  certs: Record<'root' | 'publicCa' | 'internalRoot' | 'ok' | 'internal' | 'printer' | 'expired' | 'noissuer' | 'appleCa' | 'apple' | 'badsct' | 'sha1feed', Made>;
}

export async function scenario(opts: { der?: boolean; withCt?: boolean; feeds?: boolean } = {}): Promise<Scenario> {
  const log = testLog();
  const root = await make('CN=Test Public Root,O=Test Trust', null, { ca: true });
  const publicCa = await make('CN=Test Public CA,O=Test Trust', root, { ca: true });
  const internalRoot = await make('CN=Hospital Root CA,O=Test Hospital', null, { ca: true });
  const appleRoot = await make('CN=Apple Root CA,O=Apple Inc.', null, { ca: true });
  const appleCa = await make('CN=Apple IST CA 2 - G1,O=Apple Inc.', appleRoot, { ca: true });
  const c = {
    root, publicCa, internalRoot, appleCa,
    ok: await make('CN=www.popular.example', publicCa, { dns: ['www.popular.example'] }),
    internal: await make('CN=ehr.hospital.example,O=Test Hospital', internalRoot, { dns: ['ehr.hospital.example'], notAfter: new Date(WINDOW_END + 20 * 86_400_000) }),
    printer: await make('CN=printer.hospital.example,O=Printer Maker', null, { key: 'rsa1024', hash: 'SHA-1' }),
    expired: await makeWithSct('CN=ads.tracker.example', publicCa, log, { dns: ['ads.tracker.example'], hash: 'SHA-1', notBefore: new Date('2017-01-01T00:00:00Z'), notAfter: new Date('2017-12-31T00:00:00Z') }),
    noissuer: await make('CN=cloud.medvendor.example,O=MedVendor\\, Inc.', publicCa, { issuerName: '', dns: ['cloud.medvendor.example'] }),
    apple: await make('CN=push.apple-test.example,O=Apple Inc.', appleCa, { dns: ['push.apple-test.example'] }),
    badsct: await makeWithSct('CN=portal.hospital.example', publicCa, log, { dns: ['portal.hospital.example'], tamper: true }),
    sha1feed: await make('CN=www.feedonly.example', publicCa, { dns: ['www.feedonly.example'] }),
  };
  const t = (h: number, i = 0): number => DAY2 + h * 3_600_000 + i * 1000;
  const sessions: Session[] = [];
  const add = (n: number, s: Omit<Session, 'ts'>, hour: number): void => {
    for (let i = 0; i < n; i++) sessions.push({ ...s, ts: t(hour, i) });
  };
  add(5, { orig: '10.1.0.5', resp: '203.0.113.10', chain: [c.ok, publicCa], status: 'ok' }, 1);
  add(4, { orig: '10.1.0.6', resp: '10.1.1.10', chain: [c.internal], status: 'unable to get local issuer certificate' }, 2);
  add(3, { orig: '10.1.0.7', resp: '10.1.1.20', chain: [c.printer], status: 'self signed certificate' }, 3);
  add(1, { orig: '10.1.0.7', resp: '10.1.1.20', chain: [c.printer], status: 'self signed certificate', established: false }, 3);
  add(2, { orig: '10.1.0.8', resp: '198.51.100.7', chain: [c.expired, publicCa], status: 'certificate has expired' }, 4);
  add(2, { orig: '10.1.0.9', resp: '198.51.100.20', chain: [c.noissuer], status: 'unable to get local issuer certificate' }, 5);
  add(3, { orig: '10.1.0.10', resp: '17.0.0.5', chain: [c.apple, appleCa], status: 'unable to get local issuer certificate', validCtLogs: 2 }, 6);
  add(1, { orig: '10.1.0.11', resp: '10.1.1.30', chain: [c.badsct, publicCa], status: 'ok', validCtLogs: 0 }, 7);
  add(1, { orig: '10.1.0.12', resp: '203.0.113.40', chain: [c.sha1feed, publicCa], status: null, established: false }, 8);
  add(2, { orig: '10.1.0.13', resp: '203.0.113.50', chain: [], status: null, version: 'TLSv13' }, 9);
  add(1, { orig: '10.1.0.5', resp: '203.0.113.10', chain: [], status: null, resumed: true }, 10);

  const dir = tmpDir('dhai-cert-');
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  writeFileSync(path.join(logs, 'ssl.log'), sslLog(sessions, { withCt: opts.withCt }));
  // Zeek logs each certificate once a day: some were logged the day before the window (day 1)
  const day1 = DAY2 - 86_400_000 + 3_600_000;
  const rows = [
    { m: c.ok, ts: day1 }, { m: publicCa, ts: day1 }, { m: c.internal, ts: t(2) }, { m: c.printer, ts: t(3) }, { m: c.expired, ts: t(4) },
    { m: c.noissuer, ts: t(5) }, { m: c.apple, ts: day1 }, { m: appleCa, ts: day1 }, { m: c.badsct, ts: t(7) }, { m: c.sha1feed, ts: t(8) },
  ];
  writeFileSync(path.join(logs, 'x509.log'), x509Log(rows, { der: opts.der }));
  writeFileSync(path.join(dir, 'internal-ca.pem'), pem(internalRoot));
  const site = parseSite(
    [
      'networks:', '  internal: [10.1.0.0/16]', 'domains: [hospital.example]', 'internal_cas: [internal-ca.pem]',
      'vendors:', '  - name: MedVendor', '    domains: [medvendor.example]',
    ].join('\n'),
    path.join(dir, 'site.yaml'),
  );
  const db = path.join(dir, 's.duckdb');
  await runIngest({ paths: [logs], db });
  const store = await openStore(db);
  if (opts.feeds !== false) {
    const top = '1,popular.example\n2,tracker.example\n3,apple-test.example\n4,ab.example\n';
    await importFeedBytes(store.conn, Buffer.from(top), { name: 'test-top', kind: 'toplist', source: 'test' });
    const ct = `${c.ok.cert.sha256}\n${c.sha1feed.cert.sha1}\n`;
    await importFeedBytes(store.conn, Buffer.from(ct), { name: 'test-ct', kind: 'ct-fingerprints', source: 'test' });
  }
  return { store, site, roots: new TrustStore([root.cert], 'test roots'), logs: log.list, certs: c };
}
