// Exposure on small logs written here: every watched port class, completed vs probed vs mid-stream, the same
// uid from two sensors counted once, web consoles only on medical classes, DREAD override, accepted risks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAcceptedRisks } from '../../src/analyses/dread.ts';
import { exposure } from '../../src/analyses/exposure.ts';
import type { Finding, Row, SectionResult } from '../../src/analyses/types.ts';
import { renderChart } from '../../src/report/charts.ts';
import { conn, site, storeOf, withStore } from './g-logs.ts';

const ok = (uid: string, orig: string, resp: string, port: number, state = 'SF', history = 'ShADadFf') => conn({ uid, orig, resp, port, state, history });

const SENSOR_A = [
  ok('CE1', '198.51.100.1', '10.20.0.5', 104),
  conn({ uid: 'CE2', orig: '198.51.100.2', resp: '10.20.0.5', port: 104, state: 'S1', history: 'ShAD', ob: 50, rb: 0, t: 10 }),
  ok('CE3', '198.51.100.3', '10.20.0.5', 11112, 'RSTO', 'ShADadR'),
  ok('CE4', '198.51.100.4', '10.20.0.6', 2762),
  ok('CE5', '198.51.100.5', '10.20.0.7', 2575),
  ok('CE6', '198.51.100.5', '10.20.0.7', 12575, 'RSTR', 'ShADadr'),
  ok('CE7', '198.51.100.6', '10.40.0.10', 3389),
  ok('CE8', '198.51.100.7', '10.40.0.11', 5900, 'S2', 'ShADadF'),
  ok('CE9', '198.51.100.8', '10.30.0.12', 23, 'S3', 'ShADadf'),
  ok('CE10', '198.51.100.9', '10.30.0.13', 445),
  ok('CE11', '198.51.100.9', '10.30.0.14', 21),
  ...[1433, 1521, 3306, 5432, 27017].map((p, i) => ok(`CE${12 + i}`, '198.51.100.9', '10.30.0.15', p)),
  ok('CE17', '198.51.100.10', '10.10.0.20', 443),
  ok('CE18', '198.51.100.10', '10.10.0.20', 80),
  ok('CE19', '198.51.100.10', '10.20.0.21', 8080),
  ok('CE20', '198.51.100.10', '10.20.0.21', 8443),
  ok('CE21', '198.51.100.10', '10.30.0.22', 443), // a server's web site: not a console of a medical system
  conn({ uid: 'CP1', orig: '198.51.100.66', resp: '10.20.0.5', port: 104, state: 'S0', history: 'S', t: 100 }),
  conn({ uid: 'CP2', orig: '198.51.100.66', resp: '10.30.0.30', port: 3389, state: 'REJ', history: 'Sr', t: 101 }),
  conn({ uid: 'CP3', orig: '198.51.100.67', resp: '10.30.0.30', port: 3389, state: 'S0', history: 'S', t: 102 }),
  conn({ uid: 'CP4', orig: '198.51.100.66', resp: '10.30.0.31', port: 445, state: 'SH', history: 'SF', t: 103 }),
  // conn_state SF but only a SYN in the history (as in Slips' test10 capture): never completed
  conn({ uid: 'CP5', orig: '198.51.100.68', resp: '10.30.0.32', port: 23, state: 'SF', history: 'S', t: 104 }),
  // picked up mid-stream: neither completed nor probed
  conn({ uid: 'CM1', orig: '198.51.100.69', resp: '10.30.0.33', port: 3389, state: 'OTH', history: 'Dd', t: 105 }),
];

const SENSOR_B = [
  // the second sensor saw only the SYN of CE1: the completed observation wins
  conn({ uid: 'CE1', orig: '198.51.100.1', resp: '10.20.0.5', port: 104, state: 'S0', history: 'S' }),
  ok('CE7', '198.51.100.6', '10.40.0.10', 3389),
  ok('CB3', '198.51.100.11', '10.40.0.10', 3389),
  conn({ uid: 'CP2', orig: '198.51.100.66', resp: '10.30.0.30', port: 3389, state: 'REJ', history: 'Sr', t: 101 }),
];

let cached: Promise<string> | undefined;
const db = () => (cached ??= storeOf({ a: { conn: SENSOR_A }, b: { conn: SENSOR_B } }));

async function runExposure(extra = ''): Promise<SectionResult> {
  return withStore(await db(), site(extra), (ctx) => exposure.run(ctx));
}

const key = (r: Row) => `${String(r.host)}:${String(r.port)}`;

void test('every watched port class, completed sessions counted once across sensors', async () => {
  const r = await runExposure();
  assert.equal(r.status, 'ok');
  const rows = new Map(r.tables.exposed_services!.map((x) => [key(x), x]));
  assert.deepEqual([...rows.keys()].sort(), [
    '10.10.0.20:443', '10.10.0.20:80', '10.20.0.21:8080', '10.20.0.21:8443', '10.20.0.5:104', '10.20.0.5:11112', '10.20.0.6:2762',
    '10.20.0.7:12575', '10.20.0.7:2575', '10.30.0.12:23', '10.30.0.13:445', '10.30.0.14:21', '10.30.0.15:1433', '10.30.0.15:1521',
    '10.30.0.15:27017', '10.30.0.15:3306', '10.30.0.15:5432', '10.40.0.10:3389', '10.40.0.11:5900',
  ]);
  const dicom = rows.get('10.20.0.5:104')!;
  assert.equal(dicom.sessions, 2);
  assert.equal(dicom.peers, 2);
  assert.equal(dicom.bytes, 100 + 200 + 50 + 0);
  assert.equal(dicom.first_seen, '2018-01-01T00:00:00.000000Z');
  assert.equal(dicom.last_seen, '2018-01-01T00:00:11.500000Z', 'CE2 starts at +10 s and lasts 1.5 s');
  assert.equal(dicom.probes, 1);
  assert.deepEqual(dicom.sample_peers, ['198.51.100.1', '198.51.100.2']);
  assert.equal(rows.get('10.40.0.10:3389')!.sessions, 2, 'CE7 (both sensors) once, plus CB3');
  assert.equal(rows.get('10.20.0.5:104')!.class, 'medical-supporting');

  assert.equal(r.metrics.exposed_services, 19);
  assert.equal(r.metrics.exposed_hosts, 11);
  assert.deepEqual(r.metrics.exposed_medical_hosts, { count: 5, share: 5 / 11 });
  assert.equal(r.metrics.exposed_sessions, 21);
  const perKey = {
    dicom: 2, 'dicom-tls': 1, 'hl7-mllp': 2, rdp: 1, vnc: 1, telnet: 1, smb: 1, ftp: 1, mssql: 1, oracle: 1, mysql: 1, postgresql: 1,
    mongodb: 1, 'web-console': 4,
  };
  for (const [k, v] of Object.entries(perKey)) assert.equal(r.metrics[`exposed_services.${k}`], v, k);
  // 28 inbound connections after dedup: 21 exposed + CB3 + 5 probes + 1 mid-stream
  assert.equal(r.metrics.connections, 28);
  assert.deepEqual(r.metrics['connections.inbound'], { count: 28, share: 1 });
  assert.deepEqual(r.metrics.inbound_answered, { count: 22, share: 22 / 28 });
  assert.deepEqual(r.metrics.inbound_probed, { count: 5, share: 5 / 28 });
  assert.equal(r.metrics.inbound_probe_peers, 3);
});

void test('attempts that never completed are reported apart as probed', async () => {
  const r = await runExposure();
  const probed = new Map(r.tables.probed_services!.map((x) => [key(x), x]));
  assert.deepEqual([...probed.keys()].sort(), ['10.20.0.5:104', '10.30.0.30:3389', '10.30.0.31:445', '10.30.0.32:23']);
  assert.equal(probed.get('10.20.0.5:104')!.also_completed, true);
  assert.equal(probed.get('10.30.0.30:3389')!.attempts, 2, 'CP2 from both sensors once, plus CP3');
  assert.equal(probed.get('10.30.0.30:3389')!.peers, 2);
  assert.deepEqual(probed.get('10.30.0.30:3389')!.states, ['REJ', 'S0']);
  assert.deepEqual(probed.get('10.30.0.32:23')!.states, ['SF']);
  assert.equal(r.metrics.probed_only_services, 3);
  assert.equal(r.metrics.probe_attempts, 5);
  // the mid-stream RDP pick-up is in the port table as unanswered, in neither list above
  const rdp = r.tables.inbound_ports!.find((p) => p.port === 3389 && p.proto === 'tcp')!;
  assert.deepEqual([rdp.answered, rdp.unanswered, rdp.hosts_answering], [2, 3, 1]);
});

void test('findings: one per exposed service, typed by port, scored by DREAD; charts render', async () => {
  const r = await runExposure();
  // 19 exposed services, and the medical device whose consoles answered the Internet
  assert.equal(r.findings.length, 20);
  assert.deepEqual(r.findings.filter((f) => !f.id.includes('/exposed-')).map((f) => f.id), ['exposure/medical-device-internet/10.10.0.20']);
  const byId = new Map(r.findings.map((f) => [f.id, f]));
  const dicom = byId.get('exposure/exposed-clinical-service/10.20.0.5:104')!;
  assert.equal(dicom.severity, 'critical');
  assert.deepEqual(dicom.dread, { damage: 9, reproducibility: 9, exploitability: 8, affected_users: 8, discoverability: 9, score: 8.6 });
  assert.equal(dicom.section, 'exposure');
  assert.equal(dicom.evidence.length, 1);
  assert.equal(byId.get('exposure/exposed-dicom-tls/10.20.0.6:2762')!.severity, 'high');
  assert.equal(byId.get('exposure/exposed-web-console/10.10.0.20:443')!.dread.score, 6.8);
  assert.equal(byId.get('exposure/exposed-database/10.30.0.15:27017')!.dread.score, 8.2);
  assert.ok(!byId.has('exposure/exposed-web-console/10.30.0.22:443'));
  const types = new Set(r.findings.filter((f) => f.id.includes('/exposed-')).map((f) => f.id.split('/')[1]));
  assert.deepEqual([...types].sort(), ['exposed-clinical-service', 'exposed-database', 'exposed-dicom-tls', 'exposed-file-service', 'exposed-remote-access', 'exposed-web-console']);
  for (const c of r.charts) assert.ok(renderChart(c).svg, `${c.id} renders`);
  const bar = r.charts.find((c) => c.id === 'exposure-by-service')!;
  const series = (bar.option.series as { data: number[] }[]).map((s) => s.data);
  assert.deepEqual(series[0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], 'hosts per service; two hosts with web consoles');
  assert.deepEqual(series[1], [0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0], 'host:ports only probed: RDP, Telnet (the SF/S one), SMB');
});

void test('a site DREAD override changes the score and the severity', async () => {
  const r = await runExposure('dread:\n  exposed-remote-access: {damage: 2, exploitability: 2}\n');
  const rdp = r.findings.find((f) => f.id === 'exposure/exposed-remote-access/10.40.0.10:3389')!;
  assert.deepEqual(rdp.dread, { damage: 2, reproducibility: 9, exploitability: 2, affected_users: 7, discoverability: 10, score: 6 });
  assert.equal(rdp.severity, 'high');
  assert.ok(r.method.some((m) => m.startsWith('exposed-remote-access = 6 (site override)')));
});

void test('accepted risks stay out of the ranking until they expire', async () => {
  const s = site(`accepted_risks:
  - {id: exposure/exposed-web-console/10.10.0.20:443, reason: vendor console behind allow-list, expires: 2026-12-31}
  - {pattern: "exposure/exposed-database/10.30.0.15:*", reason: migration in progress, expires: 2020-01-01}
  - {pattern: "exposure/nothing/*", reason: stale, expires: 2030-01-01}
`);
  const r = await runExposure();
  const before = applyAcceptedRisks(r.findings, s, new Date('2026-12-31T23:59:59Z'));
  assert.deepEqual(before.accepted.map((a) => a.finding.id), ['exposure/exposed-web-console/10.10.0.20:443']);
  assert.equal(before.accepted[0]!.reason, 'vendor console behind allow-list');
  assert.equal(before.active.length, 19);
  assert.equal(before.expired.length, 5, 'the five database ports: acceptance ran out in 2020');
  assert.ok(before.expired.every((e) => e.rule === 'exposure/exposed-database/10.30.0.15:*' && e.expired === '2020-01-01'));
  assert.deepEqual(before.unused, ['exposure/nothing/*']);
  const after = applyAcceptedRisks(r.findings, s, new Date('2027-01-01T00:00:00Z'));
  assert.equal(after.accepted.length, 0);
  assert.equal(after.active.length, 20);
  assert.ok(after.expired.some((e: { finding_id: string }) => e.finding_id === 'exposure/exposed-web-console/10.10.0.20:443'));
  const ids = (fs: Finding[]) => fs.map((f) => f.id);
  assert.ok(ids(after.active).includes('exposure/exposed-web-console/10.10.0.20:443'));
});
