// Analysis E on a small hospital with real certificates (test/analyses/cert-scenario.ts): exact counts, with and
// without DER certificates in x509.log, the internal CA recognised, the expiry calendar, and the findings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { certIssues } from '../../src/analyses/cert-issues.ts';
import type { Metric, SectionResult } from '../../src/analyses/types.ts';
import { DAY2, WINDOW_END, scenario, type Scenario } from './cert-scenario.ts';

const count = (m: Metric | undefined): number => (typeof m === 'number' ? m : (m?.count ?? NaN));
const pair = (m: Metric | undefined): [number, number | null] => (typeof m === 'object' ? [m.count, m.share] : [NaN, null]);
const window = { from: new Date(DAY2), to: new Date(WINDOW_END) };

void describe('cert-issues with DER certificates', () => {
  let s: Scenario;
  let r: SectionResult;
  before(async () => {
    s = await scenario();
    r = await certIssues.run({ conn: s.store.conn, site: s.site, window, certs: { roots: s.roots } });
  });
  after(async () => s.store.close());

  void test('Zeek categories over fresh sessions (established, not resumed; TLS 1.3 unavailable)', () => {
    assert.equal(r.status, 'ok');
    assert.equal(r.metrics.fresh_sessions, 22);
    const want = { ok: 6, unknown_issuer: 9, self_signed: 3, expired: 2, not_yet_valid: 0, other_failure: 0, unavailable: 2 };
    for (const [c, n] of Object.entries(want)) assert.deepEqual(pair(r.metrics[`status_${c}`]), [n, n / 22], c);
    assert.deepEqual(pair(r.metrics.sessions_with_issue), [14, 14 / 22]);
    assert.deepEqual(pair(r.metrics.issue_unknown_issuer), [9, 9 / 14]);
    assert.deepEqual(pair(r.metrics.issue_self_signed), [3, 3 / 14]);
    assert.deepEqual(pair(r.metrics.issue_expired), [2, 2 / 14]);
  });

  void test('x509 facts: no issuer, reputable issuers, expiry at the session time, owners, weak crypto', () => {
    assert.deepEqual(pair(r.metrics.unknown_issuer_no_issuer), [2, 2 / 9]);
    assert.deepEqual(pair(r.metrics.unknown_issuer_reputable), [3, 3 / 9], 'Apple');
    assert.deepEqual(pair(r.metrics.sessions_expired_cert), [2, 2 / 22]);
    assert.equal(count(r.metrics.certs_unknown_issuer), 3);
    assert.equal(count(r.metrics.certs_self_signed), 1);
    assert.equal(count(r.metrics.certs_no_issuer), 1);
    assert.equal(count(r.metrics.certs_expired), 1);
    assert.deepEqual(pair(r.metrics.certs_expired_medical), [0, 0]);
    assert.deepEqual(pair(r.metrics.certs_expired_popular), [1, 1], 'tracker.example is on the top list');
    assert.deepEqual(pair(r.metrics.sessions_weak_key), [3, 3 / 22], 'the RSA-1024 printer');
    assert.deepEqual(pair(r.metrics.sessions_sig_sha1), [2, 2 / 22], 'the SHA-1-signed leaf; the printer signs only itself');
    assert.equal(count(r.metrics.certs_weak_key), 1);
    assert.equal(count(r.metrics.certs_sig_sha1), 1);
    assert.equal(count(r.metrics.certs_sig_md5), 0);
    const orgs = r.tables.unknown_issuer_orgs!;
    assert.deepEqual(orgs.map((o) => [o.issuer_org, o.vendor, o.sessions]), [
      ['Test Hospital', null, 4], ['Apple Inc.', 'Apple', 3], ['(no issuer)', null, 2],
    ]);
    assert.equal(r.tables.no_issuer_certs![0]!.names, 'cloud.medvendor.example');
  });

  void test('the reputable vendors come from the site when it lists them', async () => {
    const site = { ...s.site, reputable_vendors: [{ name: 'Hospital IT', organisations: ['Test Hospital'] }] };
    const own = await certIssues.run({ conn: s.store.conn, site, window, certs: { roots: s.roots } });
    assert.deepEqual(pair(own.metrics.unknown_issuer_reputable), [4, 4 / 9], 'Test Hospital now, Apple no longer');
    assert.deepEqual(own.tables.unknown_issuer_orgs!.map((o) => o.vendor), ['Hospital IT', null, null]);
    assert.match(own.method.join('\n'), /Hospital IT \(Test Hospital\)/);
  });

  void test('our own verification: internal CA expected, expiry judged per session, each certificate once', () => {
    assert.deepEqual(pair(r.metrics.verified_sessions), [20, 20 / 22]);
    assert.equal(r.metrics.verified_certs, 7);
    const want = { ok: 6, internal_ca: 4, unknown_issuer: 5, self_signed: 3, expired: 2, not_yet_valid: 0, other_failure: 0 };
    for (const [c, n] of Object.entries(want)) assert.deepEqual(pair(r.metrics[`verified_${c}`]), [n, n / 20], c);
    for (const [c, n] of Object.entries({ ...want, unavailable: 2 })) assert.equal(count(r.metrics[`effective_${c}`]), n, c);
    const cross = r.tables.verification!.map((x) => `${x.zeek_category}>${x.dhai_category}:${x.sessions}`).sort();
    assert.deepEqual(cross, ['expired>expired:2', 'ok>ok:6', 'self_signed>self_signed:3', 'unknown_issuer>internal_ca:4', 'unknown_issuer>unknown_issuer:5']);
  });

  void test('expiry calendar of the hospital\'s own certificates', () => {
    const cal = r.tables.hospital_expiry!;
    assert.deepEqual(cal.map((c) => [String(c.subject).split(',').find((p) => p.startsWith('CN=')), c.band, c.days_left]).sort(), [
      ['CN=ehr.hospital.example', 'within 30 days', 20],
      ['CN=portal.hospital.example', 'later', 4381],
      ['CN=printer.hospital.example', 'later', 4381],
    ]);
    assert.equal(r.metrics.hospital_certs_seen, 3);
    assert.equal(r.metrics.hospital_certs_expired, 0);
    assert.equal(r.metrics.hospital_certs_expiring_30d, 1);
    assert.equal(r.metrics.hospital_certs_expiring_90d, 1);
  });

  void test('findings: per hospital server, and one per problem for outside servers', () => {
    assert.deepEqual(r.findings.map((f) => f.id), [
      'cert-issues/self-signed-certificate/10.1.1.20:443',
      'cert-issues/weak-certificate-key/10.1.1.20:443',
      'cert-issues/expired-certificate/outside-servers',
      'cert-issues/unknown-issuer-certificate/outside-servers',
      'cert-issues/weak-certificate-signature/outside-servers',
    ]);
    const ui = r.findings.find((f) => f.id.includes('unknown-issuer'))!;
    assert.deepEqual(ui.evidence.map((e) => [e.server, e.problem_sessions]).sort(), [['17.0.0.5:443', 3], ['198.51.100.20:443', 2]]);
    for (const f of r.findings) assert.ok(f.dread.score > 0 && f.evidence.length > 0);
  });

  void test('charts are specified', () => {
    assert.deepEqual(r.charts.map((c) => c.id), ['cert-issues-categories', 'cert-issues-unknown-issuer-orgs', 'cert-issues-expiry-calendar']);
  });
});

void describe('cert-issues without DER certificates', () => {
  let s: Scenario;
  let r: SectionResult;
  before(async () => {
    s = await scenario({ der: false, feeds: false });
    r = await certIssues.run({ conn: s.store.conn, site: s.site, window, certs: { roots: s.roots } });
  });
  after(async () => s.store.close());

  void test('the same Zeek counts; the internal CA recognised by name; no verification metrics', () => {
    assert.equal(count(r.metrics.status_unknown_issuer), 9);
    assert.equal(r.metrics.verified_sessions, undefined);
    const want = { ok: 6, internal_ca: 4, unknown_issuer: 5, self_signed: 3, expired: 2, unavailable: 2 };
    for (const [c, n] of Object.entries(want)) assert.equal(count(r.metrics[`effective_${c}`]), n, c);
    assert.deepEqual(pair(r.metrics.certs_expired_other), [1, 1], 'no top list: the tracker is not a popular service');
    assert.equal(r.findings.filter((f) => f.id.includes('10.1.1.10')).length, 0, 'the internal CA\'s server is expected');
  });

  void test('a window with no sessions is "not available"', async () => {
    const empty = await certIssues.run({ conn: s.store.conn, site: s.site, window: { from: new Date('2019-01-01T00:00:00Z') } });
    assert.equal(empty.status, 'not_available');
    assert.match(empty.needs[0]!, /ssl\.log/);
  });
});
