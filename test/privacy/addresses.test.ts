// Address parsing, longest-prefix lookup against a brute force, and the SQL encoding checked in DuckDB.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import {
  NetworkMap,
  NetworkSet,
  addressHex,
  addressNumber,
  formatAddress,
  networkBounds,
  parseAddress,
  parseIPv4,
  parseNetwork,
} from '../../src/privacy/addresses.ts';
import { UsageError } from '../../src/util/errors.ts';

function bitsOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('');
}

const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const networkArb = fc.oneof(v4, v6).chain((bytes) =>
  fc.integer({ min: 0, max: bytes.length * 8 }).map((prefix) => `${formatAddress(bytes)}/${prefix}`),
);

void describe('addresses', () => {
  void test('IPv4 text is a strict dotted quad', () => {
    assert.equal(parseIPv4('192.168.1.20'), 0xc0a80114);
    assert.equal(parseIPv4('0.0.0.0'), 0);
    assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '1.2.3.4 ', '+1.2.3.4', '1.2.3.0x4', '1234.1.1.1']) {
      assert.equal(parseIPv4(bad), -1, bad);
    }
  });

  void test('IPv6 text; IPv4-mapped is IPv4; zones dropped; junk is undefined', () => {
    assert.deepEqual(parseAddress('::ffff:10.1.2.3'), parseAddress('10.1.2.3'));
    assert.equal(parseAddress('::ffff:a01:203')?.family, 4);
    assert.equal(parseAddress('fe80::1%eth0')?.family, 6);
    assert.equal(formatAddress(parseAddress('2001:0DB8:0:0:0:0:0:0001')!.bytes), '2001:db8::1');
    for (const bad of ['host.example', '1:2:3:4:5:6:7:8:9', ':::', '2001:db8::g', '10.1']) assert.equal(parseAddress(bad), undefined, bad);
  });

  void test('networks: host bits cleared, mapped IPv4 accepted, mistakes are UsageErrors', () => {
    assert.equal(parseNetwork('10.20.1.1/16').text, '10.20.0.0/16');
    assert.equal(parseNetwork('10.20.1.1').text, '10.20.1.1/32');
    assert.equal(parseNetwork('2001:db8:1::/48').text, '2001:db8:1::/48');
    assert.equal(parseNetwork('::ffff:10.0.0.0/104').text, '10.0.0.0/8');
    assert.equal(parseNetwork('0.0.0.0/0').text, '0.0.0.0/0');
    for (const bad of ['10.1/16', '010.0.0.0/8', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '2001:db8::/129', '::ffff:10.0.0.0/64', 'x/8']) {
      assert.throws(() => parseNetwork(bad), UsageError, bad);
    }
  });

  void test('NetworkMap finds the most specific network, like a brute force', () => {
    fc.assert(
      fc.property(fc.array(networkArb, { minLength: 1, maxLength: 60 }), fc.array(fc.oneof(v4, v6), { maxLength: 40 }), (nets, extra) => {
        const map = new NetworkMap(nets.map((n, i) => [n, i] as const));
        const parsed = nets.map((n) => parseNetwork(n));
        // probe addresses inside each network (its own address) and random ones
        const probes = [...parsed.map((n) => n.bytes), ...extra];
        for (const bytes of probes) {
          let best: number | undefined;
          let bestLen = -1;
          parsed.forEach((n, i) => {
            if (n.bytes.length !== bytes.length) return;
            if (bitsOf(n.bytes).slice(0, n.prefix) !== bitsOf(bytes).slice(0, n.prefix)) return;
            // a longer prefix wins; for the same network the last set() wins
            if (n.prefix > bestLen || (n.prefix === bestLen && parsed[best!]!.text === n.text)) {
              best = i;
              bestLen = n.prefix;
            }
          });
          assert.equal(map.lookup(formatAddress(bytes)), best, formatAddress(bytes));
        }
      }),
      { numRuns: 200 },
    );
    const set = new NetworkSet(['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8']);
    assert.ok(set.has('10.255.0.1') && set.has('::ffff:192.168.7.7') && set.has('fd12::1'));
    assert.ok(!set.has('11.0.0.1') && !set.has('fe80::1') && !set.has('not an address'));
  });

  void test('SQL encoding: fixed width, order-preserving, IPv4 inside ::ffff:0:0/96', () => {
    assert.equal(addressHex('10.1.2.3'), '00000000000000000000ffff0a010203');
    assert.equal(addressHex('::ffff:10.1.2.3'), addressHex('10.1.2.3'));
    assert.equal(addressHex('2001:db8::1'), '20010db8000000000000000000000001');
    assert.equal(addressNumber('junk'), undefined);
    const b = networkBounds('10.20.0.0/16');
    assert.equal(b.loHex, '00000000000000000000ffff0a140000');
    assert.equal(b.hiHex, '00000000000000000000ffff0a14ffff');
    assert.equal(networkBounds('::/0').hi, (1n << 128n) - 1n);
    fc.assert(
      fc.property(fc.oneof(v4, v6), fc.oneof(v4, v6), (x, y) => {
        const [a, c] = [formatAddress(x), formatAddress(y)];
        const [na, nc] = [addressNumber(a)!, addressNumber(c)!];
        assert.equal(addressHex(a)!.length, 32);
        // JS string comparison is by UTF-16 code unit, the same as byte order for hex digits
        assert.equal(na < nc, addressHex(a)! < addressHex(c)!);
        assert.equal(na === nc, addressHex(a) === addressHex(c));
      }),
      { numRuns: 300 },
    );
  });

  void test('SQL encoding: a DuckDB range join agrees with NetworkSet', async () => {
    const nets = fc.sample(networkArb, { numRuns: 40, seed: 8 }).concat(['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8']);
    const addrs = fc.sample(fc.oneof(v4, v6), { numRuns: 300, seed: 9 }).map(formatAddress).concat(['10.9.9.9', '172.31.255.255', 'fd00::1']);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run('CREATE TABLE nets (cidr VARCHAR, lo UHUGEINT, hi UHUGEINT, lo_hex VARCHAR, hi_hex VARCHAR)');
      await con.run('CREATE TABLE addrs (ip VARCHAR, num UHUGEINT, hex VARCHAR)');
      const na = await con.createAppender('nets');
      for (const n of nets) {
        const b = networkBounds(n);
        na.appendVarchar(n);
        na.appendUHugeInt(b.lo);
        na.appendUHugeInt(b.hi);
        na.appendVarchar(b.loHex);
        na.appendVarchar(b.hiHex);
        na.endRow();
      }
      na.closeSync();
      const aa = await con.createAppender('addrs');
      for (const a of addrs) {
        aa.appendVarchar(a);
        aa.appendUHugeInt(addressNumber(a)!);
        aa.appendVarchar(addressHex(a)!);
        aa.endRow();
      }
      aa.closeSync();
      const byNum = await con.runAndReadAll('SELECT DISTINCT a.ip FROM addrs a JOIN nets n ON a.num BETWEEN n.lo AND n.hi');
      const byHex = await con.runAndReadAll('SELECT DISTINCT a.ip FROM addrs a JOIN nets n ON a.hex BETWEEN n.lo_hex AND n.hi_hex');
      const set = new NetworkSet(nets);
      const expected = addrs.filter((a) => set.has(a)).sort();
      assert.ok(expected.length >= 3);
      assert.deepEqual(byNum.getRowsJS().map((r) => r[0] as string).sort(), [...new Set(expected)]);
      assert.deepEqual(byHex.getRowsJS().map((r) => r[0] as string).sort(), [...new Set(expected)]);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
