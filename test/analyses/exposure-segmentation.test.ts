// Segmentation, medical devices on the Internet and guest networks, cleartext DICOM/HL7, and DICOM-TLS graded
// against PS3.15, on small logs written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposure } from '../../src/analyses/exposure.ts';
import { gradeDicomTls } from '../../src/analyses/dicom-tls.ts';
import type { Row, SectionResult } from '../../src/analyses/types.ts';
import { renderChart } from '../../src/report/charts.ts';
import { parseSite } from '../../src/config/site.ts';
import { conn, site, SITE_YAML, ssl, storeOf, withStore } from './g-logs.ts';

const sf = (uid: string, orig: string, resp: string, port: number, extra: Partial<Parameters<typeof conn>[0]> = {}) =>
  conn({ uid, orig, resp, port, state: 'SF', history: 'ShADadFf', ...extra });

const CONN = [
  sf('CS1', '10.10.0.20', '93.184.216.34', 443, { ob: 300, rb: 5000 }),
  sf('CS2', '10.10.0.20', '93.184.216.34', 443, { ob: 200, rb: 1000, t: 60 }),
  conn({ uid: 'CS3', orig: '10.10.0.20', resp: '93.184.216.35', port: 443, state: 'S0', history: 'S', ob: 0, rb: 0 }),
  sf('CS4', '10.10.0.21', '10.99.0.5', 8080),
  conn({ uid: 'CS5', orig: '10.99.0.6', resp: '10.10.0.21', port: 22, state: 'S0', history: 'S', ob: 0, rb: 0 }),
  conn({ uid: 'CS6', orig: '10.10.0.22', resp: '8.8.8.8', port: 53, proto: 'udp', state: 'SF', history: 'Dd', ob: 40, rb: 80 }),
  conn({ uid: 'CS7', orig: '10.10.0.23', resp: '1.1.1.1', port: 123, proto: 'udp', state: 'S0', history: 'D', ob: 48, rb: 0 }),
  sf('CS8', '10.10.0.30', '10.20.0.5', 104, { ob: 1000, rb: 50 }),
  sf('CS9', '10.10.0.30', '10.20.0.5', 104, { ob: 2000, rb: 50, t: 30 }),
  sf('CS10', '10.20.0.5', '10.20.0.8', 104),
  sf('CS11', '10.20.0.7', '192.0.2.80', 2575),
  sf('CS12', '10.20.0.9', '10.30.0.40', 2575, { service: 'ssl' }),
  sf('CS13', '10.10.0.30', '10.20.0.6', 2762, { service: 'ssl' }),
  sf('CS14', '10.10.0.30', '10.20.0.6', 2762, { service: 'ssl' }),
  sf('CS15', '198.51.100.4', '10.20.0.6', 2762, { service: 'ssl' }),
  sf('CS16', '10.10.0.31', '10.20.0.10', 2762, { service: 'ssl' }),
  sf('CS17', '10.10.0.32', '10.20.0.11', 2762, { service: 'ssl' }),
  conn({ uid: 'CS18', orig: '10.10.0.33', resp: '10.20.0.11', port: 2762, state: 'RSTO', history: 'ShADr' }),
];

const GCM = 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
const SSL = [
  ssl('CS13', '10.10.0.30', '10.20.0.6', 2762, 'TLSv12', GCM),
  ssl('CS14', '10.10.0.30', '10.20.0.6', 2762, 'TLSv12', GCM),
  ssl('CS15', '198.51.100.4', '10.20.0.6', 2762, 'TLSv10', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'),
  ssl('CS16', '10.10.0.31', '10.20.0.10', 2762, 'TLSv12', 'TLS_RSA_WITH_AES_128_CBC_SHA'),
  ssl('CS17', '10.10.0.32', '10.20.0.11', 2762, 'TLSv12', 'TLS_RSA_WITH_RC4_128_SHA'),
  ssl('CS18', '10.10.0.33', '10.20.0.11', 2762, '-', '-', '-', 'F'),
];

let cached: Promise<SectionResult> | undefined;
const result = () =>
  (cached ??= (async () => {
    // a second sensor repeats one TLS session and one connection: each still counts once
    const db = await storeOf({ a: { conn: CONN, ssl: SSL }, b: { conn: [CONN[7]!], ssl: [SSL[0]!] } });
    return withStore(db, site(), (ctx) => exposure.run(ctx));
  })());

const cell = (m: Row[], src: string, dst: string) => m.find((r) => r.src === src && r.dst === dst);

void test('the segmentation matrix counts each connection by the class of each end', async () => {
  const r = await result();
  assert.equal(r.metrics.connections, 18);
  assert.deepEqual(r.metrics['connections.internal'], { count: 11, share: 11 / 18 });
  assert.deepEqual(r.metrics['connections.outbound'], { count: 6, share: 6 / 18 });
  assert.deepEqual(r.metrics['connections.inbound'], { count: 1, share: 1 / 18 });
  assert.deepEqual(r.metrics['connections.unknown'], { count: 0, share: 0 });
  const m = r.tables.segmentation!;
  assert.equal(m.length, 8);
  const expect: [string, string, number, number][] = [
    ['medical-device', 'internet', 5, 3],
    ['medical-device', 'guest', 1, 1],
    ['guest', 'medical-device', 1, 0],
    ['medical-device', 'medical-supporting', 7, 7],
    ['medical-supporting', 'medical-supporting', 1, 1],
    ['medical-supporting', 'internet', 1, 1],
    ['medical-supporting', 'server', 1, 1],
    ['internet', 'medical-supporting', 1, 1],
  ];
  for (const [src, dst, n, answered] of expect) {
    const c = cell(m, src, dst);
    assert.ok(c, `${src} -> ${dst}`);
    assert.deepEqual([c.connections, c.answered], [n, answered], `${src} -> ${dst}`);
  }
  assert.equal(cell(m, 'medical-device', 'internet')!.bytes, 300 + 5000 + 200 + 1000 + 0 + 40 + 80 + 48 + 0);
  const heat = r.charts.find((c) => c.id === 'segmentation-matrix')!;
  assert.deepEqual((heat.option.xAxis as { data: string[] }).data, ['medical-device', 'medical-supporting', 'guest', 'server', 'internet']);
  assert.ok(renderChart(heat).svg);
});

void test('medical devices that talk to the Internet or to guest networks are findings', async () => {
  const r = await result();
  assert.equal(r.metrics.medical_devices_seen, 8);
  assert.deepEqual(r.metrics.medical_devices_internet, { count: 2, share: 2 / 8 });
  assert.deepEqual(r.metrics.medical_devices_guest, { count: 1, share: 1 / 8 });
  const inet = new Map(r.tables.medical_device_internet!.map((x) => [x.host, x]));
  assert.deepEqual([...inet.keys()], ['10.10.0.20', '10.10.0.22'], '10.10.0.23 sent NTP but got no answer');
  const d20 = inet.get('10.10.0.20')!;
  assert.deepEqual([d20.outbound_sessions, d20.inbound_sessions, d20.unanswered, d20.peers, d20.bytes], [2, 0, 1, 1, 6500]);
  assert.deepEqual(d20.ports, ['443/tcp']);
  assert.deepEqual(inet.get('10.10.0.22')!.ports, ['53/udp']);
  const guest = r.tables.medical_device_guest!;
  assert.deepEqual(guest.map((g) => [g.host, g.outbound_sessions, g.inbound_sessions, g.unanswered]), [['10.10.0.21', 1, 0, 1]]);
  const ids = r.findings.map((f) => f.id);
  for (const id of ['exposure/medical-device-internet/10.10.0.20', 'exposure/medical-device-internet/10.10.0.22', 'exposure/medical-device-guest/10.10.0.21']) {
    assert.ok(ids.includes(id), id);
  }
  assert.equal(r.findings.find((f) => f.id === 'exposure/medical-device-guest/10.10.0.21')!.severity, 'high');
});

void test('cleartext DICOM/HL7 crossing classes or leaving the site; TLS on the HL7 port is not cleartext', async () => {
  const r = await result();
  assert.equal(r.metrics.cleartext_clinical_sessions, 4);
  assert.deepEqual(r.metrics.cleartext_clinical_cross_class, { count: 2, share: 0.5 });
  assert.deepEqual(r.metrics.cleartext_clinical_offsite, { count: 1, share: 0.25 });
  assert.deepEqual(
    r.tables.cleartext_clinical!.map((f) => [f.kind, f.orig, f.resp, f.port, f.orig_class, f.resp_class, f.sessions, f.bytes]),
    [
      ['cross-class', '10.10.0.30', '10.20.0.5', 104, 'medical-device', 'medical-supporting', 2, 3100],
      ['off-site', '10.20.0.7', '192.0.2.80', 2575, 'medical-supporting', 'internet', 1, 300],
    ],
  );
  const ids = r.findings.map((f) => f.id);
  assert.ok(ids.includes('exposure/cleartext-clinical-cross-class/10.10.0.30->10.20.0.5:104'));
  assert.ok(ids.includes('exposure/cleartext-clinical-offsite/10.20.0.7->192.0.2.80:2575'));
});

void test('DICOM-TLS sessions graded against the PS3.15 profiles', async () => {
  const r = await result();
  assert.equal(r.metrics.dicom_tls_sessions, 6);
  const share = (n: number) => ({ count: n, share: n / 6 });
  assert.deepEqual(r.metrics['dicom_tls_sessions.bcp195'], share(2));
  assert.deepEqual(r.metrics['dicom_tls_sessions.fallback'], share(1));
  assert.deepEqual(r.metrics['dicom_tls_sessions.legacy'], share(1));
  assert.deepEqual(r.metrics['dicom_tls_sessions.insecure'], share(1));
  assert.deepEqual(r.metrics['dicom_tls_sessions.unknown'], share(1));
  assert.equal(r.metrics.dicom_tls_obsolete_services, 2);
  const f6 = r.findings.find((f) => f.id === 'exposure/dicom-tls-obsolete/10.20.0.6:2762')!;
  assert.deepEqual(f6.evidence.map((e) => [e.version, e.grade, e.sessions]), [['TLSv10', 'legacy', 1]]);
  const f11 = r.findings.find((f) => f.id === 'exposure/dicom-tls-obsolete/10.20.0.11:2762')!;
  assert.deepEqual(f11.evidence.map((e) => [e.cipher, e.grade]), [['TLS_RSA_WITH_RC4_128_SHA', 'insecure']]);
  assert.equal(f11.severity, 'medium');
  assert.ok(r.findings.some((f) => f.id === 'exposure/exposed-dicom-tls/10.20.0.6:2762'));
});

void test('the PS3.15 grade of single negotiations', () => {
  const g = (v: string | null, c: string | null) => gradeDicomTls(v, c).grade;
  assert.equal(g('TLSv13', 'TLS_AES_128_GCM_SHA256'), 'bcp195');
  assert.equal(g('TLSv12', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'), 'bcp195');
  assert.equal(g('TLSv12', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'), 'bcp195');
  assert.equal(g('TLSv12', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'), 'fallback', 'CBC: not AEAD');
  assert.equal(g('TLSv12', 'TLS_RSA_WITH_AES_256_GCM_SHA384'), 'fallback', 'static RSA: no forward secrecy');
  assert.equal(g('TLSv12', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'), 'legacy', 'the Basic profile suite even at TLS 1.2');
  assert.equal(g('TLSv11', 'TLS_RSA_WITH_AES_128_CBC_SHA'), 'legacy', 'the AES profile at TLS 1.1');
  assert.equal(g('SSLv3', 'TLS_RSA_WITH_AES_128_CBC_SHA'), 'legacy');
  assert.equal(g('TLSv12', 'TLS_RSA_WITH_NULL_SHA'), 'insecure', 'the retired IHE ATNA unencrypted profile');
  assert.equal(g('TLSv10', 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'), 'insecure');
  assert.equal(g(null, null), 'unknown');
  assert.equal(g('TLSv12', null), 'unknown');
});

void test('TLS on the DICOM ports: graded as DICOM-TLS, not cleartext; an exposed TLS-only DICOM port is DICOM-TLS', async () => {
  const db = await storeOf({
    a: {
      conn: [
        sf('CT1', '10.10.0.40', '10.20.0.12', 11112, { service: 'ssl' }),
        sf('CT2', '198.51.100.20', '2001:db8::5', 104, { service: 'ssl' }),
        sf('CT3', '198.51.100.21', '10.20.0.13', 104, { service: 'ssl' }),
        sf('CT4', '198.51.100.22', '10.20.0.13', 104), // one cleartext session: the port is cleartext DICOM
      ],
      ssl: [
        ssl('CT1', '10.10.0.40', '10.20.0.12', 11112, 'TLSv12', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'),
        ssl('CT2', '198.51.100.20', '2001:db8::5', 104, 'TLSv13', 'TLS_AES_256_GCM_SHA384'),
      ],
    },
  });
  const v6 = parseSite(SITE_YAML.replace('networks: {internal: [10.0.0.0/8]}', 'networks: {internal: [10.0.0.0/8, 2001:db8::/32]}'));
  const r = await withStore(db, v6, (ctx) => exposure.run(ctx));
  assert.equal(r.metrics.cleartext_clinical_sessions, 1, 'only CT4');
  assert.deepEqual(r.tables.dicom_tls!.map((g) => [g.server, g.port, g.grade]), [['10.20.0.12', 11112, 'legacy'], ['2001:db8::5', 104, 'bcp195']]);
  assert.ok(r.findings.some((f) => f.id === 'exposure/dicom-tls-obsolete/10.20.0.12:11112'));
  assert.ok(r.findings.some((f) => f.id === 'exposure/exposed-dicom-tls/[2001:db8::5]:104'), 'IPv6 endpoints are bracketed');
  assert.ok(r.findings.some((f) => f.id === 'exposure/exposed-clinical-service/10.20.0.13:104'));
  const row = r.tables.exposed_services!.find((x) => x.host === '10.20.0.13')!;
  assert.deepEqual([row.sessions, row.tls_sessions], [2, 1]);
});

void test('the report window limits the connections; an empty window is not available', async () => {
  const db = await storeOf({ a: { conn: CONN } });
  const s = site();
  const later = await withStore(db, s, (ctx) => exposure.run({ ...ctx, window: { from: new Date(Date.UTC(2018, 0, 1, 0, 0, 30)) } }));
  assert.equal(later.metrics.connections, 2, 'CS2 (+60 s) and CS9 (+30 s)');
  const none = await withStore(db, s, (ctx) => exposure.run({ ...ctx, window: { from: new Date('2019-01-01T00:00:00Z') } }));
  assert.equal(none.status, 'not_available');
  assert.deepEqual(none.needs, ['conn.log rows inside the report window']);
});
