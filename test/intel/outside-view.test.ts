// Shodan and Censys exports parsed and stored as snapshots. The sample records, and the documentation they were
// written from (Shodan's Datapedia and client library, Censys Search 2.0 docs and client tests), are in
// outside-view-samples.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { detectSource, parseOutsideView, utcInstant } from '../../src/intel/outside-view.ts';
import { importOutsideView, LATEST_OUTSIDE_VIEW } from '../../src/intel/outside-view-store.ts';
import { openStore } from '../../src/store/store.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CENSYS_VIEW, SHODAN_LINES } from './outside-view-samples.ts';

const enc = (s: string) => new TextEncoder().encode(s);

void test('Shodan: banner lines (gzip, as shodan download writes them), host objects, search results', () => {
  const p = parseOutsideView(gzipSync(enc(SHODAN_LINES.join('\n') + '\n')));
  assert.equal(p.source, 'shodan');
  assert.equal(p.rejectedCount, 0);
  assert.deepEqual(p.records[0], {
    source: 'shodan', ip: '203.0.113.10', port: 104, transport: 'tcp', observed_at: '2018-01-15T10:20:30.123Z', product: 'DICOM', country: 'US',
  });
  assert.equal(p.records[2]!.transport, 'udp');
  assert.equal(p.records[4]!.ip, '2001:db8::10', 'ipv6 wins over ip_str, as the client library does');
  const host = { ip_str: '203.0.113.10', ports: [104, 443], data: [JSON.parse(SHODAN_LINES[0]!), { port: 443, transport: 'tcp', timestamp: '2018-01-16T00:00:00.000000' }] };
  const h = parseOutsideView(enc(JSON.stringify(host)));
  assert.deepEqual(h.records.map((r) => [r.ip, r.port]), [['203.0.113.10', 104], ['203.0.113.10', 443]]);
  const search = { matches: SHODAN_LINES.slice(0, 2).map((l) => JSON.parse(l) as unknown), total: 2 };
  assert.equal(parseOutsideView(enc(JSON.stringify(search))).records.length, 2);
});

void test('Censys: a host view in the API envelope, search hits, a JSON array, one host a line', () => {
  const v = parseOutsideView(enc(JSON.stringify(CENSYS_VIEW)));
  assert.equal(v.source, 'censys');
  assert.deepEqual(v.records, [
    { source: 'censys', ip: '203.0.113.11', port: 104, transport: 'tcp', observed_at: '2018-01-14T13:40:03.755Z', product: 'DICOM', country: 'US' },
    { source: 'censys', ip: '203.0.113.11', port: 3389, transport: 'tcp', observed_at: '2018-01-14T13:41:00.000Z', product: 'RDP', country: 'US' },
  ]);
  const search = { code: 200, status: 'OK', result: { query: 'services.service_name: HTTP', hits: [
    { services: [{ service_name: 'HTTP', port: 443 }, { service_name: 'HTTP', port: 80 }], ip: '203.0.113.20' },
    { services: [{ service_name: 'HTTP', port: 8443 }], ip: '203.0.113.21' },
  ], total: 2, links: { prev: '', next: '' } } };
  const s = parseOutsideView(enc(JSON.stringify(search)));
  assert.deepEqual(s.records.map((r) => [r.ip, r.port, r.transport, r.product]), [
    ['203.0.113.20', 443, 'tcp', 'HTTP'], ['203.0.113.20', 80, 'tcp', 'HTTP'], ['203.0.113.21', 8443, 'tcp', 'HTTP'],
  ]);
  const arr = parseOutsideView(enc(JSON.stringify(search.result.hits)));
  assert.equal(arr.records.length, 3);
  const lines = parseOutsideView(enc(search.result.hits.map((h) => JSON.stringify(h)).join('\n')));
  assert.equal(lines.records.length, 3);
});

void test('malformed records are rejected with a reason; unknown formats are refused', () => {
  const bad = [SHODAN_LINES[0], '{"ip_str": "203.0.113.300", "port": 80}', '{"ip_str": "203.0.113.5", "port": 70000}', 'not json'].join('\n');
  const p = parseOutsideView(enc(bad));
  assert.equal(p.records.length, 1);
  assert.deepEqual(p.rejected.map((r) => [r.line, r.reason]), [
    [2, 'banner without a valid ip_str/ipv6'], [3, 'banner without a valid port'], [4, 'not JSON'],
  ]);
  assert.throws(() => parseOutsideView(enc('{"hello": 1}')), /neither a Shodan nor a Censys export/);
  assert.equal(detectSource([{ ip: '1.2.3.4', services: [] }]), 'censys');
  assert.equal(utcInstant('2018-01-15T10:20:30+0100'), '2018-01-15T09:20:30.000Z');
  assert.equal(utcInstant('yesterday'), null);
});

void test('snapshots: imported once by content hash; the newest of each scanner is the one read', async () => {
  const db = path.join(tmpDir(), 's.duckdb');
  const s = await openStore(db);
  try {
    const first = await importOutsideView(s.conn, enc(SHODAN_LINES.join('\n')), { origin: 'a.json', now: new Date('2018-02-01T00:00:00Z') });
    assert.deepEqual([first.status, first.source, first.records], ['imported', 'shodan', 5]);
    const again = await importOutsideView(s.conn, enc(SHODAN_LINES.join('\n')), { origin: 'copy.json' });
    assert.equal(again.status, 'unchanged');
    await importOutsideView(s.conn, enc(SHODAN_LINES[0]!), { origin: 'b.json', now: new Date('2018-03-01T00:00:00Z') });
    await importOutsideView(s.conn, enc(JSON.stringify(CENSYS_VIEW)), { origin: 'c.json', now: new Date('2018-01-01T00:00:00Z') });
    const r = await s.conn.runAndReadAll(`SELECT source, ip, port, strftime(observed_at, '%Y-%m-%dT%H:%M:%S') FROM ${LATEST_OUTSIDE_VIEW} ORDER BY source, port`);
    assert.deepEqual(r.getRows().map((x) => x.map(String)), [
      ['censys', '203.0.113.11', '104', '2018-01-14T13:40:03'],
      ['censys', '203.0.113.11', '3389', '2018-01-14T13:41:00'],
      ['shodan', '203.0.113.10', '104', '2018-01-15T10:20:30'],
    ]);
  } finally {
    await s.close();
  }
});
