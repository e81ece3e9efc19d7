// The outside view (Shodan/Censys snapshots in the store) joined with the inside view: exposed and used,
// exposed and unused, used but not listed; the exposure table says which scanners list each service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposure } from '../../src/analyses/exposure.ts';
import { parseSite } from '../../src/config/site.ts';
import { importOutsideView } from '../../src/intel/outside-view-store.ts';
import { openStore } from '../../src/store/store.ts';
import { CENSYS_VIEW, SHODAN_LINES } from '../intel/outside-view-samples.ts';
import { conn, storeOf, withStore } from './g-logs.ts';

// a sensor in the DMZ sees the public addresses the scanners see
const SITE = parseSite(`
networks: {internal: [203.0.113.0/24]}
device_classes:
  - {class: medical-supporting, subnets: [203.0.113.0/28]}
`);

const CONN = [
  conn({ uid: 'CO1', orig: '198.51.100.1', resp: '203.0.113.10', port: 104, state: 'SF', history: 'ShADadFf' }),
  conn({ uid: 'CO2', orig: '198.51.100.2', resp: '203.0.113.10', port: 8443, state: 'SF', history: 'ShADadFf' }),
  conn({ uid: 'CO3', orig: '198.51.100.3', resp: '203.0.113.12', port: 161, proto: 'udp', state: 'SF', history: 'Dd' }),
  conn({ uid: 'CO4', orig: '198.51.100.4', resp: '203.0.113.11', port: 3389, state: 'S0', history: 'S' }),
];

void test('exposed and used, exposed and unused, used but not listed', async () => {
  const db = await storeOf({ a: { conn: CONN } });
  const w = await openStore(db);
  try {
    const enc = (s: string) => new TextEncoder().encode(s);
    await importOutsideView(w.conn, enc(SHODAN_LINES.join('\n')), { origin: 'shodan.json.gz' });
    await importOutsideView(w.conn, enc(JSON.stringify(CENSYS_VIEW)), { origin: 'censys.json' });
  } finally {
    await w.close();
  }
  const r = await withStore(db, SITE, (ctx) => exposure.run(ctx));
  assert.deepEqual(
    r.tables.outside_view!.map((x) => [x.status, x.ip, x.port, x.transport, x.listed_by, x.inbound_sessions]),
    [
      ['exposed-unused', '203.0.113.10', 443, 'tcp', ['shodan'], 0],
      ['exposed-unused', '203.0.113.11', 104, 'tcp', ['censys'], 0],
      ['exposed-unused', '203.0.113.11', 3389, 'tcp', ['censys'], 0],
      ['exposed-used', '203.0.113.10', 104, 'tcp', ['shodan'], 1],
      ['exposed-used', '203.0.113.12', 161, 'udp', ['shodan'], 1],
      ['used-not-listed', '203.0.113.10', 8443, 'tcp', [], 1],
    ],
  );
  assert.equal(r.metrics.outside_listed_services, 5);
  assert.equal(r.metrics.outside_exposed_used, 2);
  assert.equal(r.metrics.outside_exposed_unused, 3);
  assert.equal(r.metrics.inside_used_not_listed, 1);
  assert.equal(r.metrics.outside_records_off_site, 2, '192.0.2.1 and 2001:db8::10 are not the site\'s');
  const listed = r.tables.exposed_services!.map((x) => [x.host, x.port, x.listed_by]);
  assert.deepEqual(listed, [['203.0.113.10', 104, ['shodan']], ['203.0.113.10', 8443, []]]);
  const scanner = r.findings.filter((f) => f.id.includes('/scanner-listed-service/')).map((f) => f.id);
  assert.deepEqual(scanner, [
    'exposure/scanner-listed-service/203.0.113.10:443/tcp',
    'exposure/scanner-listed-service/203.0.113.11:104/tcp',
    'exposure/scanner-listed-service/203.0.113.11:3389/tcp',
  ]);
  assert.equal(r.tables.probed_services!.length, 1, 'the RDP port Censys lists was only probed from outside');
});
