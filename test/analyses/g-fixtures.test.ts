// Analysis G on the real third-party logs in ../shared/fixtures, checked against independent counting of the
// same files (g-fixture-count.ts): JSON with a uid logged twice (RITA), TSV through an HTTP proxy (RITA),
// Zeek 3.x with local_orig/local_resp unset (Slips test10), hourly-rotated gzip logs with an extra column
// (RITA rolling). The device classes and vendors below are labels chosen for the test; the counts are the logs'.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { exposure } from '../../src/analyses/exposure.ts';
import { REMOTE_ACCESS_TOOLS, matchesSuffix, normaliseName } from '../../src/analyses/remote-access-tools.ts';
import { supplyChain } from '../../src/analyses/supply-chain.ts';
import type { Row } from '../../src/analyses/types.ts';
import { parseSite } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { withStore } from './g-logs.ts';
import { answered, conns, directions, matrix, medicalInternet, probed, readLog, type Conn, type Places } from './g-fixture-count.ts';

async function ingest(paths: string[]): Promise<string> {
  const db = path.join(tmpDir('dhai-gfx-'), 's.duckdb');
  await runIngest({ paths, db });
  return db;
}

function matrixOf(rows: Row[]): Map<string, [number, number]> {
  return new Map(rows.map((r) => [`${String(r.src)}|${String(r.dst)}`, [Number(r.connections), Number(r.answered)]]));
}

function assertDirections(metrics: Record<string, unknown>, expected: Record<string, number>, total: number): void {
  assert.equal(metrics.connections, total);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(metrics[`connections.${k}`], { count: v, share: v / total }, k);
}

void describe('analysis G on real logs', { skip: needsShared }, () => {
  void test('RITA JSON: one uid logged twice counts once; medical devices on the Internet; vendor reach by network and SNI', async () => {
    const dir = fixture('zeek-json', 'rita-json-all-fields');
    const db = await ingest([dir]);
    const site = parseSite(`
networks: {internal: [10.55.0.0/16, 192.168.88.0/24, 172.16.200.0/24]}
device_classes:
  - {class: medical-device, subnets: [10.55.100.96/28]}
  - {class: workstation, subnets: [10.55.200.0/24]}
vendors:
  - {name: liveperson, networks: [208.89.12.0/24], domains: [liveperson.net, lpsnmedia.net]}
  - {name: microsoft, domains: [microsoft.com]}
`);
    const last = (a: string) => Number(a.split('.')[3]);
    const places: Places = {
      inside: (a) => a.startsWith('10.55.') || a.startsWith('192.168.88.') || a.startsWith('172.16.200.'),
      cls: (a) => (a.startsWith('10.55.100.') && last(a) >= 96 && last(a) <= 111 ? 'medical-device' : a.startsWith('10.55.200.') ? 'workstation' : 'unclassified'),
    };
    const cs = conns([path.join(dir, 'conn.log')]);
    assert.equal(readLog(path.join(dir, 'conn.log')).length, cs.length + 1, 'the file repeats one line');

    const r = await withStore(db, site, (ctx) => exposure.run(ctx));
    assertDirections(r.metrics, directions(cs, places), cs.length);
    assert.deepEqual(matrixOf(r.tables.segmentation!), matrix(cs, places));
    const inet = medicalInternet(cs, places);
    assert.ok(inet.size >= 5, 'most of the capture is these hosts browsing');
    assert.deepEqual(
      new Map(r.tables.medical_device_internet!.map((x) => [x.host, [x.outbound_sessions, x.inbound_sessions, x.unanswered, x.peers, x.bytes]])),
      inet,
    );
    assert.deepEqual(r.findings.filter((f) => f.id.startsWith('exposure/medical-device-internet/')).map((f) => f.id.split('/')[2]).sort(), [...inet.keys()].sort());
    assert.equal(r.metrics.exposed_services, 0, 'nothing reached the capture from outside');

    // vendors: by network, by SNI in ssl.log, by the vendor's names resolving for the same client in dns.log
    const sni = new Map(readLog(path.join(dir, 'ssl.log')).map((s) => [s.uid!, normaliseName(s.server_name ?? '')]));
    const vendorOf = (c: Conn): [string, string][] => {
      const out: [string, string][] = [];
      if (c.resp.startsWith('208.89.12.')) out.push(['liveperson', 'network']);
      const n = sni.get(c.uid);
      if (n && (matchesSuffix(n, 'liveperson.net') || matchesSuffix(n, 'lpsnmedia.net'))) out.push(['liveperson', 'sni']);
      if (n && matchesSuffix(n, 'microsoft.com')) out.push(['microsoft', 'sni']);
      return out;
    };
    const expected = new Map<string, { s: number; u: number; via: Set<string> }>();
    for (const c of cs) {
      if (!places.inside(c.orig, c, 'orig') || places.inside(c.resp, c, 'resp')) continue;
      for (const [v, via] of vendorOf(c)) {
        const k = `${v}|${c.orig}`;
        const e = expected.get(k) ?? { s: 0, u: 0, via: new Set<string>() };
        e.via.add(via);
        expected.set(k, e);
      }
    }
    // sessions per (vendor, host) count each uid once, whichever way it matched
    for (const [k, e] of expected) {
      const [v, host] = k.split('|') as [string, string];
      const mine = cs.filter((c) => c.orig === host && vendorOf(c).some(([v2]) => v2 === v) && !places.inside(c.resp, c, 'resp'));
      e.s = mine.filter(answered).length;
      e.u = mine.length - e.s;
    }
    const s = await withStore(db, site, (ctx) => supplyChain.run(ctx));
    assert.deepEqual(
      new Map(s.tables.vendor_reach!.map((x) => [`${String(x.vendor)}|${String(x.host)}`, [x.direction, x.sessions, x.unanswered, x.via]])),
      new Map([...expected].map(([k, e]) => [k, ['to-owner', e.s, e.u, [...e.via].sort()]])),
    );
    assert.ok(expected.get('liveperson|10.55.100.111')!.s >= 7);
    assert.equal(s.metrics.vendor_long_sessions, cs.filter((c) => answered(c) && vendorOf(c).length > 0 && c.duration >= 3600).length);
  });

  void test('RITA TSV through a proxy: segmentation; the LogMeIn look-up in its DNS capture is a remote-access finding', async () => {
    const dir = fixture('zeek-tsv', 'rita-proxy');
    const db = await ingest([path.join(dir, 'conn.log'), path.join(dir, 'dns.log'), path.join(dir, 'ssl.log')]);
    const site = parseSite(`
networks: {internal: [10.136.0.0/24, 192.168.0.0/16]}
device_classes:
  - {class: medical-device, subnets: [10.136.0.18/32]}
  - {class: server, subnets: [10.136.0.16/32]}
`);
    const places: Places = {
      inside: (a) => a.startsWith('10.136.0.') || a.startsWith('192.168.'),
      cls: (a) => (a === '10.136.0.18' ? 'medical-device' : a === '10.136.0.16' ? 'server' : 'unclassified'),
    };
    const cs = conns([path.join(dir, 'conn.log')]);
    const r = await withStore(db, site, (ctx) => exposure.run(ctx));
    assertDirections(r.metrics, directions(cs, places), cs.length);
    const m = matrix(cs, places);
    assert.deepEqual(matrixOf(r.tables.segmentation!), m);
    assert.equal(m.get('medical-device|server')![0], 407);

    const seen = new Set<string>();
    const lookups = new Map<string, number>();
    for (const d of readLog(path.join(dir, 'dns.log'))) {
      const key = `${d.uid}|${d.trans_id}|${normaliseName(d.query ?? '')}`;
      if (!d.query || seen.has(key)) continue;
      seen.add(key);
      const tool = REMOTE_ACCESS_TOOLS.find((t) => t.suffixes.some((x) => matchesSuffix(d.query!, x)));
      if (tool && places.inside(d['id.orig_h']!, cs[0]!, 'orig')) lookups.set(`${tool.key}|${d['id.orig_h']}`, (lookups.get(`${tool.key}|${d['id.orig_h']}`) ?? 0) + 1);
    }
    assert.deepEqual([...lookups], [['logmein|192.168.0.15', 1]]);
    const s = await withStore(db, site, (ctx) => supplyChain.run(ctx));
    assert.deepEqual(s.tables.remote_access!.map((x) => [`${String(x.tool)}|${String(x.host)}`, x.lookups]), [...lookups]);
    assert.deepEqual(s.tables.remote_access![0]!.sample_names, ['authentication.logmeininc.com']);
    assert.deepEqual(s.findings.map((f) => f.id), ['supply-chain/remote-access-tool/logmein/192.168.0.15']);
  });

  void test('Slips test10: without site networks Zeek gives no direction; with them, the 1337 probes are inbound', async () => {
    const file = fixture('zeek-tsv', 'slips-test10', 'conn.log');
    const db = await ingest([file]);
    const cs = conns([file]);
    const none = await withStore(db, parseSite('{}'), (ctx) => exposure.run(ctx));
    assertDirections(none.metrics, { unknown: cs.length, internal: 0, inbound: 0, outbound: 0, external: 0 }, cs.length);
    assert.deepEqual(none.tables.segmentation, []);

    const site = parseSite('networks: {internal: [147.32.83.0/24, 2001:718:2:1663::/64, 10.0.0.0/8]}');
    const places: Places = {
      inside: (a) => a.startsWith('147.32.83.') || a.startsWith('2001:718:2:1663:') || a.startsWith('10.'),
      cls: () => 'unclassified',
    };
    const r = await withStore(db, site, (ctx) => exposure.run(ctx));
    assertDirections(r.metrics, directions(cs, places), cs.length);
    // the capture has SF connections whose history shows no SYN-ACK (`S`, `^aAdfF`): not answered
    assert.ok(cs.some((c) => c.state === 'SF' && c.proto === 'tcp' && !answered(c)));
    assert.deepEqual(matrixOf(r.tables.segmentation!), matrix(cs, places));
    const inbound = cs.filter((c) => !places.inside(c.orig, c, 'orig') && places.inside(c.resp, c, 'resp'));
    assert.deepEqual(r.metrics.inbound_probed, { count: inbound.filter(probed).length, share: inbound.filter(probed).length / inbound.length });
    assert.equal(inbound.filter(probed).length, 10);
    const ports = new Map<string, number[]>();
    for (const c of inbound) {
      const k = `${c.proto}/${c.port}`;
      const v = ports.get(k) ?? [0, 0];
      v[answered(c) ? 0 : 1]!++;
      ports.set(k, v);
    }
    assert.deepEqual(new Map(r.tables.inbound_ports!.map((p) => [`${String(p.proto)}/${String(p.port)}`, [p.answered, p.unanswered]])), ports);
  });

  void test('RITA rolling (hourly gzip, extra _node_name column): inside from Zeek local_orig/local_resp', async () => {
    const dir = fixture('zeek-tsv', 'rita-proxy-rolling');
    const files = ['conn.15:00:00-16:00:00.log.gz', 'conn.16:00:00-17:00:00.log.gz'].map((f) => path.join(dir, f));
    const db = await ingest(files);
    const cs = conns(files);
    const places: Places = { inside: (_a, c, end) => (end === 'orig' ? c.local_orig : c.local_resp), cls: () => 'unclassified' };
    const r = await withStore(db, parseSite('{}'), (ctx) => exposure.run(ctx));
    assertDirections(r.metrics, directions(cs, places), cs.length);
    assert.equal(cs.length, 7550);
    assert.deepEqual(matrixOf(r.tables.segmentation!), matrix(cs, places));
    const inbound = cs.filter((c) => c.local_orig === false && c.local_resp === true);
    assert.deepEqual(r.metrics.inbound_answered, { count: inbound.filter(answered).length, share: inbound.filter(answered).length / inbound.length });
  });
});
