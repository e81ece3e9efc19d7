// inside-sql.ts decides "inside" with string tests in SQL; it must agree with the JS classification
// (NetworkSet over networks and device-class subnets) on every address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { insideSql, outermost } from '../../src/analyses/inside-sql.ts';
import { parseSite } from '../../src/config/site.ts';
import { NetworkSet, parseNetwork } from '../../src/privacy/addresses.ts';

test('SQL inside agrees with the JS network set, whole and partial octets', async () => {
  const site = parseSite(`networks: { internal: [10.0.0.0/8, 172.16.0.0/12, 192.168.1.7/32, 100.64.0.0/10] }
device_classes:
  - { class: server, subnets: [10.1.0.0/16, 198.51.100.128/25, 203.0.113.16/28, 192.0.2.64/26] }
`);
  const all = new NetworkSet([...site.networks.internal, ...site.device_classes.flatMap((c) => c.subnets)]);
  const addrs = [
    '10.0.0.1', '10.255.255.255', '11.0.0.1', '172.15.255.255', '172.16.0.0', '172.31.9.9', '172.32.0.1', '192.168.1.7', '192.168.1.70',
    '192.168.1.8', '100.63.255.255', '100.64.0.1', '100.127.0.1', '100.128.0.1', '198.51.100.127', '198.51.100.128', '198.51.100.255',
    '203.0.113.15', '203.0.113.16', '203.0.113.31', '203.0.113.32', '192.0.2.63', '192.0.2.64', '192.0.2.127', '192.0.2.128',
    '1.10.0.1', '2001:db8::1', '::ffff:10.0.0.1',
  ];
  // and 3000 more around the prefixes' edges (a fixed linear congruential sequence: the test is repeatable)
  const firsts = [10, 11, 100, 172, 192, 198, 203, 9];
  const near = [0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 63, 64, 100, 113, 127, 128, 168, 191, 192, 255];
  let x = 12345;
  const pick = <T>(xs: T[]): T => xs[(x = (x * 1103515245 + 12345) % 2 ** 31) % xs.length]!;
  for (let i = 0; i < 3000; i++) addrs.push(`${pick(firsts)}.${pick(near)}.${pick(near)}.${pick(near)}`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const list = addrs.map((a) => `('${a}')`).join(', ');
    const r = await conn.runAndReadAll(`SELECT a, ${insideSql(site).inside('a')} FROM (VALUES ${list}) t(a)`);
    for (const [a, got] of r.getRows()) {
      const want = !String(a).includes(':') && all.has(String(a));
      assert.equal(got, want, String(a));
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});

test('covered prefixes are dropped; IPv6 prefixes defer IPv6 addresses', () => {
  const nets = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '192.168.0.0/16', '10.0.0.0/8'].map(parseNetwork);
  assert.deepEqual(outermost(nets).map((n) => n.text), ['10.0.0.0/8', '192.168.0.0/16']);
  const v6 = insideSql(parseSite(`networks: { internal: ['2001:db8::/32'] }\n`));
  assert.equal(v6.deferV6, true);
  assert.match(v6.inside('a'), /THEN NULL/);
  assert.equal(insideSql(parseSite('name: x\n')).hasNetworks, false);
});
