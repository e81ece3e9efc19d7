// Sections B, C and D (tls-versions, cipher-quality, obsolete-devices, tls-report-cards) on small logs written
// here, with every number worked out by hand below: every version and status, resumed vs fresh, TLS 1.3
// without certificates, DTLS and drafts apart, site networks vs the local_orig fallback, two sensors, one uid.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cipherQuality } from '../../src/analyses/cipher-quality.ts';
import { obsoleteDevices, obsoleteStatus, observationWindow } from '../../src/analyses/obsolete-devices.ts';
import { gradeFindings } from '../../src/analyses/tls-findings.ts';
import { gradeServer, type NegotiatedCombo } from '../../src/analyses/tls-grade.ts';
import { tlsReportCards } from '../../src/analyses/tls-report-cards.ts';
import { tlsVersions } from '../../src/analyses/tls-versions.ts';
import type { Analysis, CountShare, Row, SectionResult } from '../../src/analyses/types.ts';
import { parseSite, type Site } from '../../src/config/site.ts';
import { openStore } from '../../src/store/store.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { at, ingestSensor, type CertSpec, type SslSpec } from './tls-logs.ts';

const GCM = 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
const OUT: [boolean, boolean] = [false, true]; // inbound: outside client, inside server
const IN: [boolean, boolean] = [true, false]; // outbound
const INT: [boolean, boolean] = [true, true];
const EXT: [boolean, boolean] = [false, false];
const X = '203.0.113.7';

// Inbound servers 10.1.0.1–7 (S1–S7), outbound clients 10.2.0.1–3 (C1–C3); days 1–10 of January 2018.
const SESSIONS: SslSpec[] = [
  { uid: 'C01', orig: X, resp: '10.1.0.1', version: 'TLSv12', cipher: GCM, curve: 'secp256r1', chain: ['f1', 'ca'], ts: at(1), local: OUT },
  { uid: 'C02', orig: X, resp: '10.1.0.1', version: 'TLSv12', cipher: GCM, curve: 'secp256r1', resumed: true, ts: at(5), local: OUT },
  { uid: 'C03', orig: X, resp: '10.1.0.1', version: 'TLSv12', cipher: GCM, curve: 'secp256r1', chain: ['f1'], ts: at(10), local: OUT },
  { uid: 'C04', orig: X, resp: '10.1.0.2', version: 'TLSv10', cipher: 'TLS_RSA_WITH_RC4_128_SHA', chain: ['f2'], ts: at(2), local: OUT },
  { uid: 'C05', orig: X, resp: '10.1.0.2', version: 'TLSv10', cipher: 'TLS_RSA_WITH_RC4_128_MD5', chain: ['f2'], ts: at(3), local: OUT },
  { uid: 'C06', orig: X, resp: '10.1.0.3', version: 'TLSv11', cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA', chain: ['f3'], ts: at(1), local: OUT },
  { uid: 'C07', orig: X, resp: '10.1.0.3', version: 'TLSv12', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', curve: 'x25519', chain: ['f3'], ts: at(10), local: OUT },
  { uid: 'C08', orig: X, resp: '10.1.0.3', version: 'SSLv3', cipher: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', chain: ['f3'], ts: at(10, 13), local: OUT },
  { uid: 'C09', orig: X, resp: '10.1.0.4', version: 'SSLv2', cipher: 'SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5', chain: ['f4'], ts: at(1), local: OUT },
  { uid: 'C10', orig: X, resp: '10.1.0.4', version: 'TLSv12', cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', curve: 'x25519', chain: ['f4'], ts: at(10), local: OUT },
  { uid: 'C11', orig: X, resp: '10.1.0.5', version: 'TLSv10', cipher: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', chain: ['f5'], ts: at(2), local: OUT },
  { uid: 'C12', orig: X, resp: '10.1.0.5', version: 'TLSv12', cipher: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', chain: ['f5'], ts: at(3), local: OUT },
  { uid: 'C13', orig: X, resp: '10.1.0.6', port: 4433, version: 'DTLSv10', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', curve: 'secp256r1', chain: ['f1'], ts: at(4), local: OUT },
  { uid: 'C14', orig: X, resp: '10.1.0.6', version: 'TLSv13-draft23', cipher: 'TLS_AES_128_GCM_SHA256', curve: 'x25519', ts: at(4, 13), local: OUT },
  { uid: 'C15', orig: X, resp: '10.1.0.7', version: 'TLSv13', cipher: 'TLS_AES_128_GCM_SHA256', curve: 'x25519', ts: at(6), local: OUT },
  { uid: 'C16', orig: X, resp: '10.1.0.7', version: 'TLSv13', cipher: 'TLS_AES_256_GCM_SHA384', curve: 'X25519Kyber768Draft00', ts: at(6, 13), local: OUT },
  { uid: 'C17', orig: '10.2.0.1', resp: '198.51.100.1', version: 'TLSv12', cipher: GCM, curve: 'x25519', chain: ['f6'], ts: at(1), local: IN },
  { uid: 'C18', orig: '10.2.0.1', resp: '198.51.100.1', version: 'TLSv12', cipher: GCM, curve: 'x25519', resumed: true, ts: at(2), local: IN },
  { uid: 'C19', orig: '10.2.0.2', resp: '198.51.100.2', version: 'TLSv10', cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA', chain: ['f6'], ts: at(10), local: IN },
  { uid: 'C20', orig: '10.2.0.3', resp: '198.51.100.3', version: 'TLSv10', cipher: 'TLS_RSA_WITH_RC4_128_SHA', established: false, ts: at(1), local: IN },
  { uid: 'C21', orig: '10.2.0.3', resp: '198.51.100.3', version: 'TLSv12', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', curve: 'x25519', chain: ['f6'], ts: at(1, 13), local: IN },
  { uid: 'C22', orig: '10.2.0.4', resp: '10.1.0.1', version: 'TLSv12', cipher: GCM, curve: 'secp256r1', chain: ['f1'], ts: at(7), local: INT },
  { uid: 'C23', orig: X, resp: '198.51.100.9', version: 'TLSv10', cipher: 'TLS_RSA_WITH_RC4_128_SHA', chain: ['f6'], ts: at(5), local: EXT },
];
// f5 has no x509 row (its leaf is "unknown")
const CERTS: CertSpec[] = [
  { fp: 'f1', sigAlg: 'sha256WithRSAEncryption', keyType: 'rsa', keyBits: 2048 },
  { fp: 'f2', sigAlg: 'sha1WithRSAEncryption', keyType: 'rsa', keyBits: 1024 },
  { fp: 'f3', sigAlg: 'md5WithRSAEncryption', keyType: 'rsa', keyBits: 2048 },
  { fp: 'f4', sigAlg: 'ecdsa-with-SHA384', keyType: 'ecdsa', keyBits: 384 },
  { fp: 'f6', sigAlg: 'sha256WithRSAEncryption', keyType: 'rsa', keyBits: 4096 },
  { fp: 'ca', sigAlg: 'sha1WithRSAEncryption', keyType: 'rsa', keyBits: 2048 },
];

const SITE = parseSite(`networks: { internal: [10.0.0.0/8] }
device_classes:
  - { class: server, subnets: [10.1.0.0/16] }
  - { class: medical-supporting, subnets: [10.2.0.0/16] }
`);
const NO_NETWORKS = parseSite('name: local flags only\n');

let db = '';
before(async () => {
  const dir = tmpDir();
  db = path.join(dir, 'tls.duckdb');
  await ingestSensor(dir, db, 'campus-a', SESSIONS, CERTS);
  // a second sensor saw C17 too (same uid): it must count once
  await ingestSensor(dir, db, 'campus-b', SESSIONS.filter((s) => s.uid === 'C17').map((s) => ({ ...s, ts: s.ts + 0.000001 })), []);
});

async function runAll(site: Site): Promise<Record<string, SectionResult>> {
  const s = await openStore(db, { readOnly: true });
  try {
    const ctx = { conn: s.conn, site, window: {} };
    const out: Record<string, SectionResult> = {};
    for (const a of [tlsVersions, cipherQuality, obsoleteDevices, tlsReportCards] as Analysis[]) out[a.id] = await a.run(ctx);
    return out;
  } finally {
    await s.close();
  }
}

const cs = (count: number, total: number): CountShare => ({ count, share: total ? count / total : null });

/** Every number of tls-versions, worked out from SESSIONS by hand. */
const VERSIONS_EXPECTED = {
  inbound_sessions: 16,
  inbound_sslv2: cs(1, 16), inbound_sslv3: cs(1, 16), inbound_tlsv10: cs(3, 16), inbound_tlsv11: cs(1, 16),
  inbound_tlsv12: cs(6, 16), inbound_tlsv13: cs(2, 16), inbound_other: cs(2, 16),
  inbound_dtlsv10: cs(1, 16), inbound_tlsv13_drafts: cs(1, 16), inbound_version_unknown: cs(0, 16),
  inbound_rate_tls12_plus: cs(8, 16), inbound_obsolete: cs(6, 16),
  outbound_sessions: 4, outbound_tlsv10: cs(1, 4), outbound_tlsv12: cs(3, 4), outbound_rate_tls12_plus: cs(3, 4), outbound_other: cs(0, 4),
  internal_sessions: 1, internal_tlsv12: cs(1, 1),
  inbound_devices: 7, inbound_devices_obsolete_at_least_once: cs(4, 7),
  inbound_devices_dtlsv10_at_least_once: cs(1, 7), inbound_devices_tlsv13_draft_at_least_once: cs(1, 7),
  outbound_devices: 3, outbound_devices_obsolete_at_least_once: cs(1, 3),
};

const CIPHER_EXPECTED = {
  fresh_sessions: 19,
  class_recommended: cs(11, 19), class_secure: cs(0, 19), class_weak: cs(5, 19), class_insecure: cs(3, 19), class_unknown: cs(0, 19),
  mozilla_modern: cs(2, 19), mozilla_intermediate: cs(8, 19), mozilla_old: cs(2, 19), mozilla_none: cs(7, 19),
  suite_hash_md5: cs(2, 19), suite_hash_sha1: cs(6, 19), suite_hash_sha256: cs(8, 19), suite_hash_sha384: cs(3, 19), suite_hash_secure: cs(11, 19),
  forward_secrecy: cs(13, 19), aead: cs(11, 19), pq_kex: cs(1, 19),
  fresh_sessions_no_certificate_tls13: cs(2, 19), fresh_sessions_no_certificate_other: cs(1, 19),
  cert_sig_sessions: 16,
  cert_sig_sha256: cs(7, 16), cert_sig_sha1: cs(2, 16), cert_sig_md5: cs(3, 16), cert_sig_sha384: cs(2, 16), cert_sig_unknown: cs(2, 16), cert_sig_other: cs(0, 16),
};

const OBSOLETE_EXPECTED = {
  inbound_devices: 7, inbound_status_never: cs(3, 7), inbound_status_only_obsolete: cs(1, 7), inbound_status_persisting: cs(1, 7),
  inbound_status_stopped: cs(1, 7), inbound_status_dormant: cs(1, 7),
  outbound_devices: 3, outbound_status_never: cs(2, 3), outbound_status_only_obsolete: cs(1, 3), outbound_status_persisting: cs(0, 3),
  window_days: 10, tail_days: 1,
};

function assertMetrics(r: SectionResult, expected: Record<string, unknown>): void {
  assert.equal(r.status, 'ok', JSON.stringify(r.needs));
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(r.metrics[k], v, k);
}

const byKey = (rows: Row[], key: string) => new Map(rows.map((r) => [String(r[key]), r]));

describe('TLS sections on hand-made logs', () => {
  for (const [label, site] of [['site networks', SITE], ['local_orig fallback', NO_NETWORKS]] as const) {
    test(`tls-versions, cipher-quality and obsolete-devices (${label})`, async () => {
      const r = await runAll(site);
      assertMetrics(r['tls-versions']!, VERSIONS_EXPECTED);
      assertMetrics(r['cipher-quality']!, CIPHER_EXPECTED);
      assertMetrics(r['obsolete-devices']!, OBSOLETE_EXPECTED);
      assert.ok(r['tls-versions']!.method.some((m) => m.includes(label === 'site networks' ? "site's internal networks" : 'local_orig')));
    });
  }

  test('per-device rows, evidence and findings', async () => {
    const r = await runAll(SITE);
    const servers = byKey(r['obsolete-devices']!.tables.inbound_servers!, 'device');
    assert.deepEqual([...servers.values()].map((d) => [d.device, d.status]), [
      ['10.1.0.2', 'only_obsolete'], ['10.1.0.3', 'persisting'], ['10.1.0.4', 'stopped'], ['10.1.0.5', 'dormant'],
      ['10.1.0.1', 'never'], ['10.1.0.6', 'never'], ['10.1.0.7', 'never'],
    ], 'ranked by status');
    const s3 = servers.get('10.1.0.3')!;
    assert.deepEqual(s3.obsolete_day_list, ['2018-01-01', '2018-01-10']);
    assert.equal(s3.last_obsolete, '2018-01-10T13:00:00.000000Z');
    assert.equal(s3.worst_version, 'SSLv3');
    assert.equal(s3.class, 'server');
    assert.equal(servers.get('10.1.0.6')!.obsolete_days, 0, 'DTLS 1.0 and a TLS 1.3 draft are not obsolete');
    const evidence = r['obsolete-devices']!.tables.obsolete_evidence!;
    assert.equal(evidence.length, 7, 'S2×2 suites, S3×2 versions, S4, S5, C2');
    assert.ok(evidence.some((e) => e.device === '10.2.0.2' && e.peers === 1 && (e.example_peers as string[])[0] === '198.51.100.2' && e.version === 'TLSv10'));
    const ids = r['tls-versions']!.findings.map((f) => f.id).sort();
    assert.deepEqual(ids, ['10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5'].map((s) => `tls-versions/obsolete-tls-inbound/${s}`));
    assert.deepEqual(r['cipher-quality']!.findings.map((f) => f.id).sort(),
      ['10.1.0.2', '10.1.0.4'].map((s) => `cipher-quality/weak-cipher-suite/${s}`), 'RC4 and the SSLv2 MD5 suite');
    for (const f of [...r['tls-versions']!.findings, ...r['cipher-quality']!.findings]) assert.ok(f.evidence.length > 0);
  });

  test('report cards: grades from what was negotiated, each deduction with its reason', async () => {
    const r = await runAll(SITE);
    const cards = r['tls-report-cards']!;
    const byServer = byKey(cards.tables.report_cards!, 'server');
    assert.equal(cards.metrics.servers, 8, 'S1–S7, and S6 on two ports');
    // S1: TLS 1.2 only, AES-128-GCM (80), RSA 2048 and P-256 (90): 0.3·100 + 0.3·90 + 0.4·80 = 89 → A
    assert.equal(byServer.get('10.1.0.1')!.grade, 'A');
    assert.equal(byServer.get('10.1.0.1')!.score, 89);
    assert.deepEqual(byServer.get('10.1.0.1')!.directions, ['inbound', 'internal']);
    // S2: TLS 1.0 + RC4 + RSA 1024: 0.3·90 + 0.3·80 + 0.4·80 = 83, capped at C by RC4
    const s2 = byServer.get('10.1.0.2')!;
    assert.equal(s2.score, 83);
    assert.equal(s2.grade, 'C');
    assert.ok((s2.deductions as string[]).includes('capped at C: RC4 negotiated (2 sessions)'));
    assert.ok((s2.deductions as string[]).some((d) => d.startsWith('capped at B: TLS 1.0 or 1.1')));
    assert.equal(byServer.get('10.1.0.4')!.grade, 'F', 'SSL 2.0');
    assert.equal(byServer.get('10.1.0.3')!.grade, 'C', 'SSL 3.0');
    // S7: TLS 1.3 without certificates; x25519 scores 90, the hybrid group is not sized: 0.3·100 + 0.3·90 + 0.4·90 = 93
    assert.equal(byServer.get('10.1.0.7')!.grade, 'A');
    assert.equal(byServer.get('10.1.0.7')!.score, 93);
    for (const c of cards.tables.report_cards!) assert.equal(c.grade_is_upper_bound, true);
    assert.ok(cards.method.some((m) => m.includes('UPPER BOUND')));
  });

  test('findings: devices still on an obsolete version, servers graded C or worse, with evidence', async () => {
    const r = await runAll(SITE);
    const obs = r['obsolete-devices']!.findings;
    // S2 only obsolete, S3 persisting (ranked in that order); S4 stopped and S5 dormant raise none; C2 only obsolete
    assert.deepEqual(obs.map((f) => f.id), [
      'obsolete-devices/obsolete-tls-server-still/10.1.0.2', 'obsolete-devices/obsolete-tls-server-still/10.1.0.3',
      'obsolete-devices/obsolete-tls-client-still/10.2.0.2',
    ]);
    const s3 = obs[1]!;
    assert.equal(s3.title, 'Hospital server still on an obsolete TLS version: 10.1.0.3 (server; persisting; oldest SSL 3.0; obsolete on 2 days, last 2018-01-10)');
    assert.equal(s3.severity, 'high');
    assert.equal(s3.dread.score, 6);
    assert.deepEqual(s3.evidence.map((e) => [e.version, e.cipher, e.sessions, e.obsolete_days, e.clients, e.first_seen]), [
      ['SSLv3', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 1, 1, 1, '2018-01-10T13:00:00.000000Z'],
      ['TLSv11', 'TLS_RSA_WITH_AES_128_CBC_SHA', 1, 1, 1, '2018-01-01T12:00:00.000000Z'],
    ]);
    const c2 = obs[2]!;
    assert.equal(c2.severity, 'medium');
    assert.deepEqual(c2.evidence[0]!.example_servers, ['198.51.100.2'], 'a client\'s peers are its outside servers');
    assert.ok(c2.title.includes('medical-supporting; only obsolete versions; oldest TLS 1.0; obsolete on 1 day, last 2018-01-10'), c2.title);
    assert.ok(r['obsolete-devices']!.method.some((m) => m.startsWith('obsolete-tls-client-still = 4.6')));

    const cards = r['tls-report-cards']!.findings;
    // grades: S4 F (SSL 2.0); S2 C (RC4), S3 C (SSL 3.0); S5 B and the rest A/A- raise none
    assert.deepEqual(cards.map((f) => f.id), [
      'tls-report-cards/tls-grade-f/10.1.0.4:443', 'tls-report-cards/tls-grade-low/10.1.0.2:443', 'tls-report-cards/tls-grade-low/10.1.0.3:443',
    ]);
    const s4 = cards[0]!;
    assert.equal(s4.title, 'Hospital TLS server graded F from its negotiated sessions: 10.1.0.4:443 (F at best)');
    assert.equal(s4.severity, 'high');
    const reasons = s4.evidence.filter((e) => e.item === 'deduction').map((e) => e.detail);
    assert.ok(reasons.includes('capped at F: SSL 2.0 negotiated (1 session)'), JSON.stringify(reasons));
    assert.deepEqual(s4.evidence.filter((e) => e.item === 'negotiated').map((e) => [e.version, e.sessions, e.last_seen]), [
      ['SSLv2', 1, '2018-01-01T12:00:00.000000Z'], ['TLSv12', 1, '2018-01-10T12:00:00.000000Z'],
    ]);
    for (const f of [...obs, ...cards]) assert.ok(f.remediation.length > 20 && f.evidence.length > 0, f.id);
  });

  test('a server with nothing gradable raises no finding; B and better raise none', () => {
    const card = (grade: 'F' | 'B' | 'C', graded: boolean) => ({ server: '10.9.0.1', port: 443, grade, graded, deductions: ['x'] });
    const ctx = { conn: undefined as never, site: SITE, window: {} };
    assert.deepEqual(gradeFindings([card('F', false), card('B', true)], [], ctx), []);
    assert.equal(gradeFindings([card('C', true)], [], ctx)[0]!.id, 'tls-report-cards/tls-grade-low/10.9.0.1:443');
  });

  test('no established session with a hospital end: not available, saying why', async () => {
    const s = await openStore(db, { readOnly: true });
    try {
      const ctx = { conn: s.conn, site: SITE, window: { from: new Date('2019-01-01T00:00:00Z'), to: new Date('2019-02-01T00:00:00Z') } };
      for (const a of [tlsVersions, cipherQuality, obsoleteDevices, tlsReportCards]) {
        const r = await a.run(ctx);
        assert.equal(r.status, 'not_available', a.id);
        assert.ok(r.needs[0]!.includes('established'));
      }
    } finally {
      await s.close();
    }
  });

  test('the window narrows the sessions and sets the observation window', async () => {
    const s = await openStore(db, { readOnly: true });
    try {
      const ctx = { conn: s.conn, site: SITE, window: { from: new Date('2018-01-01T00:00:00Z'), to: new Date('2018-01-04T00:00:00Z') } };
      const v = await tlsVersions.run(ctx);
      // days 1–3: C01, C04, C05, C06, C09, C11, C12 inbound
      assert.equal(v.metrics.inbound_sessions, 7);
      const d = await obsoleteDevices.run(ctx);
      assert.equal(d.metrics.window_days, 3);
      assert.equal(d.metrics.tail_days, 1);
      // S5 (obsolete day 2, TLS 1.2 day 3, the tail) stopped; S2 only obsolete; S3 and S4 only obsolete within days 1–3
      assert.deepEqual(d.metrics.inbound_status_stopped, cs(1, 5));
      assert.deepEqual(d.metrics.inbound_status_only_obsolete, cs(3, 5));
    } finally {
      await s.close();
    }
  });
});

test('status rules, first match wins', () => {
  const day = 86_400_000_000;
  const w = observationWindow(0.5 * day, 29.5 * day);
  assert.deepEqual([w.startUs, w.endUs, w.tailStartUs], [0, 30 * day, 27 * day], 'a tenth of 30 days');
  assert.equal(observationWindow(0, 2 * day).tailStartUs, 2 * day, 'at least one day');
  const h = (sessions: number, obsolete: number, lastUs: number, lastObsoleteUs: number | null) => ({ sessions, obsolete, lastUs, lastObsoleteUs });
  assert.equal(obsoleteStatus(h(5, 0, 29 * day, null), w), 'never');
  assert.equal(obsoleteStatus(h(5, 5, 2 * day, 2 * day), w), 'only_obsolete', 'before persisting/dormant');
  assert.equal(obsoleteStatus(h(5, 2, 29 * day, 27 * day), w), 'persisting', 'the tail start is inside the tail');
  assert.equal(obsoleteStatus(h(5, 2, 27 * day, 27 * day - 1), w), 'stopped');
  assert.equal(obsoleteStatus(h(5, 2, 27 * day - 1, 3 * day), w), 'dormant');
});

test('grade: a zero category zeroes the score; nothing known, nothing graded', () => {
  const base: NegotiatedCombo = {
    version: 'TLSv12', ordinal: 5, cipher: 'TLS_DH_anon_WITH_AES_256_GCM_SHA384', cipherBits: 256, bulkCipher: 'AES', blockBits: 128,
    keyExchange: 'DH_anon', authentication: 'anon', exportSuite: false, forwardSecrecy: true, aead: true, curveFamily: null, curveBits: null,
    keyType: null, keyBits: null, sessions: 3,
  };
  const anon = gradeServer([base]);
  assert.equal(anon.keyExchangeScore, 0);
  assert.equal(anon.score, 0);
  assert.equal(anon.grade, 'F');
  assert.ok(anon.deductions.includes('capped at F: anonymous suite negotiated (3 sessions)'));
  const unknown = gradeServer([{ ...base, version: 'unknown-1', ordinal: null, cipher: 'unknown-65000', cipherBits: null, authentication: null, keyExchange: null }]);
  assert.equal(unknown.grade, 'F');
  assert.ok(unknown.deductions.includes('no known version or suite negotiated: nothing to grade'));
  // ECDSA P-256 ≈ RSA 3072 (90); P-384 ≈ 7680 (100); x25519 counts as 256 bits
  const ec = gradeServer([{ ...base, cipher: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', keyExchange: 'ECDHE', authentication: 'ECDSA', keyType: 'ecdsa', keyBits: 384, curveFamily: 'ec-prime', curveBits: 384 }]);
  assert.deepEqual([ec.protocolScore, ec.keyExchangeScore, ec.cipherScore, ec.score, ec.grade], [100, 100, 100, 100, 'A']);
  const x = gradeServer([{ ...base, cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', keyExchange: 'ECDHE', authentication: 'RSA', curveFamily: 'ec-montgomery', curveBits: 255 }]);
  assert.equal(x.keyExchangeScore, 90);
});

test('IPv6: sites with IPv6 prefixes decide those sessions on their addresses after the pass', async () => {
  const dir = tmpDir();
  const v6db = path.join(dir, 'v6.duckdb');
  await ingestSensor(dir, v6db, 'a', [
    { uid: 'V1', orig: '2001:db8:ff::1', resp: '2001:db8:1::5', version: 'TLSv10', cipher: GCM, ts: at(1), local: OUT },
    { uid: 'V2', orig: '2001:db8:1::9', resp: '2606:4700::1', version: 'TLSv13', cipher: 'TLS_AES_128_GCM_SHA256', ts: at(2), local: IN },
    { uid: 'V3', orig: '2001:db8:1::9', resp: '10.1.0.1', version: 'TLSv12', cipher: GCM, ts: at(2), local: INT },
    { uid: 'V4', orig: X, resp: '10.1.0.1', version: 'TLSv11', cipher: GCM, ts: at(3), local: OUT },
  ], []);
  const s = await openStore(v6db, { readOnly: true });
  try {
    const site = parseSite(`networks: { internal: [10.0.0.0/8, '2001:db8:1::/48'] }\n`);
    const ctx = { conn: s.conn, site, window: {} };
    const v = await tlsVersions.run(ctx);
    assertMetrics(v, {
      inbound_sessions: 2, inbound_tlsv10: cs(1, 2), inbound_tlsv11: cs(1, 2), outbound_sessions: 1, outbound_tlsv13: cs(1, 1),
      internal_sessions: 1, inbound_devices: 2, inbound_devices_obsolete_at_least_once: cs(2, 2), outbound_devices: 1,
    });
    const d = await obsoleteDevices.run(ctx);
    const ev = d.tables.obsolete_evidence!.find((e) => e.device === '2001:db8:1::5')!;
    assert.deepEqual(ev.example_peers, ['2001:db8:ff::1']);
    // without the IPv6 prefix, IPv6 addresses are outside
    const v4only = await tlsVersions.run({ ...ctx, site: parseSite('networks: { internal: [10.0.0.0/8] }\n') });
    assertMetrics(v4only, { inbound_sessions: 2, outbound_sessions: 0, internal_sessions: 0, inbound_devices: 1 });
  } finally {
    await s.close();
  }
});
