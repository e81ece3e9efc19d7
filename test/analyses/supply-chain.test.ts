// Supply chain on small logs written here: vendor networks in both directions, vendor domains through DNS
// answers and SNI, long-lived sessions, remote-access tools in DNS (resolvers, outside clients and look-alike
// names excluded; a look-up two sensors logged counts once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { supplyChain } from '../../src/analyses/supply-chain.ts';
import type { SectionResult } from '../../src/analyses/types.ts';
import { renderChart } from '../../src/report/charts.ts';
import { conn, dns, site, ssl, storeOf, withStore } from './g-logs.ts';

const sf = (uid: string, orig: string, resp: string, port: number, duration: number) =>
  conn({ uid, orig, resp, port, state: 'SF', history: 'ShADadFf', duration, ob: 1000, rb: 9000 });

const CONN = [
  sf('CV1', '203.0.113.7', '10.20.0.5', 3389, 1800),
  conn({ uid: 'CV2', orig: '203.0.113.7', resp: '10.30.0.50', port: 22, state: 'S0', history: 'S', ob: 0, rb: 0 }),
  sf('CV3', '10.20.0.5', '203.0.113.20', 443, 7200),
  sf('CV4', '10.20.0.12', '198.18.0.10', 443, 4000),
  sf('CV5', '10.40.0.50', '198.18.0.10', 443, 100), // this host never looked the vendor's name up
  sf('CV6', '10.40.0.51', '198.18.0.11', 443, 10),
  sf('CT1', '10.40.0.60', '198.18.1.1', 5938, 3700),
  conn({ uid: 'CT2', orig: '10.40.0.60', resp: '198.18.1.2', port: 443, state: 'S0', history: 'S', ob: 0, rb: 0 }),
];

const DNS = [
  dns('CD1', '10.20.0.12', 'updates.imaging-co.example', ['198.18.0.10']),
  dns('CD2', '10.40.0.60', 'client.teamviewer.com', ['198.18.1.1', '198.18.1.2'], 1, 2),
  dns('CD3', '10.40.0.60', 'Router1.TeamViewer.com.', ['198.18.1.3'], 2, 3),
  dns('CD4', '10.40.0.61', 'boot.net.anydesk.com', ['198.18.2.1'], 3, 4),
  dns('CD5', '10.30.0.53', 'client.teamviewer.com', ['198.18.1.1'], 4, 5, '8.8.8.8'), // the site's resolver forwarding
  dns('CD6', '198.51.100.99', 'x.anydesk.com', [], 5, 6), // an outside client
  dns('CD7', '10.40.0.62', 'notteamviewer.com', [], 6, 7),
  dns('CD8', '10.40.0.62', 'teamviewer.com.evil.example', [], 7, 8),
];

const SSL = [ssl('CV6', '10.40.0.51', '198.18.0.11', 443, 'TLSv12', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'portal.imaging-co.example')];

const VENDORS = `vendors:
  - {name: imaging-co, networks: [203.0.113.0/24], domains: [imaging-co.example]}
`;

let cached: Promise<SectionResult> | undefined;
const result = () =>
  (cached ??= (async () => {
    const db = await storeOf({ a: { conn: CONN, dns: DNS, ssl: SSL }, b: { dns: [DNS[1]!] } });
    return withStore(db, site(VENDORS), (ctx) => supplyChain.run(ctx));
  })());

void test('per vendor, the hospital hosts it reaches and how', async () => {
  const r = await result();
  assert.equal(r.status, 'ok');
  assert.deepEqual(
    r.tables.vendor_reach!.map((x) => [x.vendor, x.host, x.class, x.direction, x.sessions, x.unanswered, x.long_sessions, x.via]),
    [
      ['imaging-co', '10.20.0.12', 'medical-supporting', 'to-owner', 1, 0, 1, ['dns']],
      ['imaging-co', '10.20.0.5', 'medical-supporting', 'from-vendor', 1, 0, 0, ['network']],
      ['imaging-co', '10.20.0.5', 'medical-supporting', 'to-owner', 1, 0, 1, ['network']],
      ['imaging-co', '10.30.0.50', 'server', 'from-vendor', 0, 1, 0, ['network']],
      ['imaging-co', '10.40.0.51', 'workstation', 'to-owner', 1, 0, 0, ['sni']],
    ],
  );
  const from = r.tables.vendor_reach!.find((x) => x.direction === 'from-vendor' && x.host === '10.20.0.5')!;
  assert.deepEqual([from.bytes, from.duration_s, from.max_duration_s, from.ports], [10000, 1800, 1800, ['3389/tcp']]);
  assert.equal(r.metrics.vendors_configured, 1);
  assert.equal(r.metrics.vendors_seen, 1);
  assert.equal(r.metrics.vendor_hosts_reached, 3);
  assert.deepEqual(r.metrics.vendor_medical_hosts_reached, { count: 2, share: 2 / 3 });
  assert.equal(r.metrics.vendor_sessions_from_vendor, 1);
  assert.equal(r.metrics.vendor_sessions_to_vendor, 3);
  assert.equal(r.metrics.vendor_long_sessions, 2);
  assert.equal(r.metrics.vendor_long_sessions_to_vendor, 2, 'CV3 and CV4, to the vendor');
  assert.equal(r.metrics.vendor_long_sessions_from_vendor, 0);
  const chart = r.charts.find((c) => c.id === 'vendor-reach')!;
  assert.deepEqual((chart.option.series as { name: string; data: number[] }[]).map((s) => [s.name, s.data]), [
    ['medical-supporting', [2]],
    ['workstation', [1]],
  ]);
  assert.ok(renderChart(chart).svg);
});

void test('remote-access tools in DNS, with the sessions to the addresses they resolved to', async () => {
  const r = await result();
  assert.deepEqual(
    r.tables.remote_access!.map((x) => [x.tool, x.host, x.class, x.lookups, x.names, x.sample_names, x.sessions, x.long_sessions]),
    [
      ['anydesk', '10.40.0.61', 'workstation', 1, 1, ['boot.net.anydesk.com'], 0, 0],
      ['teamviewer', '10.40.0.60', 'workstation', 2, 2, ['client.teamviewer.com', 'router1.teamviewer.com'], 1, 1],
    ],
  );
  assert.equal(r.metrics.remote_access_lookups, 3);
  assert.equal(r.metrics.remote_access_tools_seen, 2);
  assert.equal(r.metrics.remote_access_hosts, 2);
  assert.equal(r.metrics.remote_access_sessions, 1);
});

void test('findings: vendor access, long sessions to the vendor cloud, remote-access tools', async () => {
  const r = await result();
  assert.deepEqual(r.findings.map((f) => [f.id, f.severity, f.dread.score]), [
    ['supply-chain/vendor-long-session/imaging-co/10.20.0.12', 'medium', 4.6],
    ['supply-chain/vendor-access/imaging-co/10.20.0.5', 'medium', 5.4],
    ['supply-chain/vendor-long-session/imaging-co/10.20.0.5', 'medium', 4.6],
    ['supply-chain/remote-access-tool/anydesk/10.40.0.61', 'high', 6],
    ['supply-chain/remote-access-tool/teamviewer/10.40.0.60', 'high', 6],
  ]);
  assert.ok(r.findings.every((f) => f.section === 'supply-chain' && f.remediation.length > 0));
});

void test('the long-session threshold is a site setting', async () => {
  const db = await storeOf({ a: { conn: CONN, dns: DNS, ssl: SSL } });
  const r = await withStore(db, site(`${VENDORS}supply_chain: {long_session_minutes: 20}\n`), (ctx) => supplyChain.run(ctx));
  assert.equal(r.metrics.vendor_long_sessions, 3, 'the 30-minute vendor RDP session is now long too');
  assert.equal(r.metrics.vendor_long_sessions_from_vendor, 1);
});

void test('not available without vendors and without dns.log', async () => {
  const db = await storeOf({ a: { conn: CONN } });
  const r = await withStore(db, site(), (ctx) => supplyChain.run(ctx));
  assert.equal(r.status, 'not_available');
  assert.deepEqual(r.needs, ['vendors in the site configuration (vendors: name, networks, domains)', 'dns.log']);
  const withVendors = await withStore(db, site(VENDORS), (ctx) => supplyChain.run(ctx));
  assert.equal(withVendors.status, 'ok');
  assert.equal(withVendors.metrics.remote_access_lookups, undefined, 'not measured, so not reported as zero');
  assert.equal(withVendors.metrics.vendor_sessions_from_vendor, 1);
});
