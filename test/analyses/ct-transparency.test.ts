// Analysis F on the small hospital of cert-scenario.ts: every kind of CT evidence (a verified embedded SCT, a
// tampered one, Zeek's valid_ct_logs, a fingerprint set by SHA-256 and by SHA-1), the hospital's rate, the
// per-service rates with the paper's rules, and "not available" without any evidence.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ctTransparency } from '../../src/analyses/ct-transparency.ts';
import { serviceMetricName, servicesFromTopList } from '../../src/analyses/ct-services.ts';
import type { Metric, SectionResult } from '../../src/analyses/types.ts';
import { importFeedBytes } from '../../src/intel/feed-store.ts';
import { scenario, type Scenario } from './cert-scenario.ts';

const pair = (m: Metric | undefined): [number, number | null] => (typeof m === 'object' ? [m.count, m.share] : [NaN, null]);

void describe('ct-transparency with every kind of evidence', () => {
  let s: Scenario;
  let r: SectionResult;
  before(async () => {
    s = await scenario({ withCt: true });
    r = await ctTransparency.run({ conn: s.store.conn, site: s.site, window: {}, certs: { roots: s.roots, ctLogList: s.logs } });
  });
  after(async () => s.store.close());

  void test('overall, self-signed and hospital rates over distinct server certificates', () => {
    assert.equal(r.status, 'ok');
    // ok, internal, printer, expired, noissuer, apple, portal, sha1feed (the last only in an aborted handshake)
    assert.equal(r.metrics.certs_total, 8);
    assert.deepEqual(pair(r.metrics.certs_logged), [4, 4 / 8], 'ok (set, SHA-256), expired (SCT), apple (Zeek), sha1feed (set, SHA-1)');
    assert.equal(r.metrics.certs_self_signed, 1);
    assert.deepEqual(pair(r.metrics.certs_self_signed_logged), [0, 0]);
    assert.equal(r.metrics.hospital_certs, 3);
    assert.deepEqual(pair(r.metrics.hospital_certs_logged), [0, 0]);
    assert.deepEqual(pair(r.metrics.certs_logged_by_sct), [1, 1 / 8]);
    assert.deepEqual(pair(r.metrics.certs_logged_by_zeek), [1, 1 / 8]);
    assert.deepEqual(pair(r.metrics.certs_logged_by_feed), [2, 2 / 8]);
    assert.deepEqual(pair(r.metrics.certs_with_embedded_scts), [2, 2 / 8]);
    assert.deepEqual(pair(r.metrics.certs_not_looked_up), [8, 1]);
  });

  void test('the tampered SCT does not count; the hospital certificate a client validated is a finding', () => {
    const portal = r.tables.hospital_not_logged!.find((x) => String(x.names) === 'portal.hospital.example')!;
    assert.equal(portal.scts, 1);
    assert.equal(portal.sct_unverified, 1);
    assert.equal(portal.online_lookup, 'not looked up');
    assert.deepEqual(r.findings.map((f) => f.id), [`ct-transparency/certificate-not-in-ct/${s.certs.badsct.cert.sha256}`]);
    assert.equal(r.tables.hospital_not_logged!.length, 3);
  });

  void test('services: the default 10-certificate minimum keeps none here', () => {
    assert.equal(r.metrics.services_considered, 3, 'popular, tracker, apple-test; "ab" is shorter than 5');
    assert.equal(r.metrics.services_kept, 0);
  });

  void test('services with a 1-certificate minimum: matched in subjects, rates per service, the Fig. 9 chart', async () => {
    const one = await ctTransparency.run({ conn: s.store.conn, site: s.site, window: {}, certs: { roots: s.roots, ctLogList: s.logs, serviceMinCerts: 1 } });
    assert.equal(one.metrics.services_kept, 3);
    assert.equal(one.metrics.services_kept_below_90pct, 0);
    assert.deepEqual(pair(one.metrics.service_popular_logged), [1, 1]);
    assert.deepEqual(pair(one.metrics.service_tracker_logged), [1, 1]);
    assert.deepEqual(pair(one.metrics.service_apple_test_logged), [1, 1]);
    const chart = one.charts.find((c) => c.id === 'ct-transparency-services')!;
    assert.ok(chart, 'Fig. 9 chart');
    assert.match(JSON.stringify(chart.option), /"yAxis":0\b/, 'the hospital level line at its rate (0)');
  });
});

void describe('ct-transparency evidence sources', () => {
  void test('without DER, valid_ct_logs or a fingerprint set: not available, saying what is needed', async () => {
    const s = await scenario({ der: false, feeds: false });
    try {
      const r = await ctTransparency.run({ conn: s.store.conn, site: s.site, window: {} });
      assert.equal(r.status, 'not_available');
      assert.match(r.needs[0]!, /ct-fingerprints/);
    } finally {
      await s.store.close();
    }
  });

  void test('without DER the SHA-1 entry cannot be matched (Zeek ≥ 4.1 logs SHA-256 only)', async () => {
    const s = await scenario({ der: false });
    try {
      const r = await ctTransparency.run({ conn: s.store.conn, site: s.site, window: {} });
      assert.deepEqual(pair(r.metrics.certs_logged), [1, 1 / 8]);
      assert.deepEqual(pair(r.metrics.certs_with_der), [0, 0]);
    } finally {
      await s.store.close();
    }
  });
});

void test('the reverse: CT results for the site\'s domains that no sensor saw (names after the fingerprint)', async () => {
  const s = await scenario({ feeds: false });
  try {
    const lines = [
      `${'cd'.repeat(32)} vpn.hospital.example,VPN.Hospital.Example`,
      `${'ef'.repeat(32)} www.other.example`,
      `${'01'.repeat(32)}`,
      `${s.certs.printer.cert.sha256} printer.hospital.example`,
      `${'23'.repeat(20)} mail.hospital.example`,
    ].join('\n');
    await importFeedBytes(s.store.conn, Buffer.from(lines), { name: 'own-ct', kind: 'ct-fingerprints', source: 'test' });
    const r = await ctTransparency.run({ conn: s.store.conn, site: s.site, window: {}, certs: { roots: s.roots, ctLogList: s.logs } });
    assert.equal(r.metrics.hospital_ct_certs_not_seen, 2);
    assert.deepEqual(r.tables.hospital_logged_not_seen!.map((x) => [x.sha256 ?? x.sha1, x.names]), [
      ['cd'.repeat(32), 'vpn.hospital.example'], ['23'.repeat(20), 'mail.hospital.example'],
    ]);
    assert.match(r.method.join('\n'), /The reverse: 2 certificates/);
  } finally {
    await s.store.close();
  }
});

void test('services from a top list: label without suffix, once, 5-character minimum, metric names', () => {
  const top = { name: 't', date: '2018-01-01', domains: ['google.com', 'google.fr', 'bbc.co.uk', 'netflix.com', 'github.io', 'x.example'].map((domain, i) => ({ domain, registrable: null, rank: i + 1 })) };
  assert.deepEqual(servicesFromTopList(top, 500, 5), ['google', 'netflix', 'github']);
  assert.deepEqual(servicesFromTopList(top, 2, 5), ['google']);
  assert.equal(serviceMetricName('apple-test'), 'service_apple_test_logged');
});
