// Domain normalisation and registrable domains (Public Suffix List through tldts), address and network
// parsing into numeric ranges, and the CSV line splitter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { splitCsvLine } from '../../src/intel/csv.ts';
import { normaliseDomain, registrableDomain } from '../../src/intel/domain.ts';
import { parseAddress, parseEndpoint, parseNetwork } from '../../src/intel/ip.ts';

void test('normalisation: case, trailing dot, IDNA to punycode', () => {
  assert.deepEqual(normaliseDomain('WWW.Example.COM.'), { ok: true, domain: 'www.example.com', registrable: 'example.com' });
  // "bücher" → "xn--bcher-kva" (the RFC 3492 example domain)
  assert.deepEqual(normaliseDomain('Bücher.example'), { ok: true, domain: 'xn--bcher-kva.example', registrable: 'xn--bcher-kva.example' });
  // already-punycode labels are checked too: "xn--zz" decodes to nothing valid
  assert.deepEqual(normaliseDomain('xn--zz.com'), { ok: false, reason: 'invalid internationalised name' });
});

void test('validation reasons', () => {
  const reason = (s: string) => {
    const r = normaliseDomain(s);
    return r.ok ? 'ok' : r.reason;
  };
  assert.equal(reason(''), 'empty name');
  assert.equal(reason('localhost'), 'single-label name');
  assert.equal(reason('a..b'), 'empty label');
  assert.equal(reason('*.example.com'), 'wildcard name');
  assert.equal(reason('1.2.3.4'), 'IP address, not a domain name');
  assert.equal(reason('exa mple.com'), 'invalid character in name');
  assert.equal(reason(`${'a'.repeat(64)}.com`), 'label longer than 63 characters');
  assert.equal(reason(`${'a.'.repeat(127)}com`), 'name longer than 253 characters');
  assert.equal(reason('host.123'), 'numeric top-level label');
  // resolvable DNS names that are not strict host names stay matchable
  assert.equal(reason('_dmarc.example.com'), 'ok');
  assert.equal(reason('-x.blogspot.com'), 'ok');
});

void test('registrable domain: ICANN section by default, never the last two labels', () => {
  assert.equal(registrableDomain('a.b.example.co.uk'), 'example.co.uk');
  assert.equal(registrableDomain('co.uk'), null);
  assert.equal(registrableDomain('user.github.io'), 'github.io');
  assert.equal(registrableDomain('user.github.io', { allowPrivateDomains: true }), 'user.github.io');
  assert.equal(registrableDomain('www.city.kawasaki.jp'), 'city.kawasaki.jp'); // PSL exception rule !city.kawasaki.jp
});

void test('property: normalising twice changes nothing', () => {
  const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/);
  fc.assert(
    fc.property(fc.array(label, { minLength: 2, maxLength: 5 }), fc.boolean(), (labels, dot) => {
      const once = normaliseDomain(labels.join('.') + (dot ? '.' : ''));
      if (!once.ok) return;
      assert.deepEqual(normaliseDomain(once.domain), once);
    }),
    { numRuns: 300 },
  );
});

void test('addresses: strict IPv4 dotted quads, IPv6, no zones', () => {
  assert.deepEqual(parseAddress('192.0.2.1'), { network: '192.0.2.1', version: 4, lo: 0xc0000201n, hi: 0xc0000201n });
  assert.equal(parseAddress('0x7f.1'), null);
  assert.equal(parseAddress('010.0.0.1'), null);
  assert.equal(parseAddress('256.0.0.1'), null);
  assert.equal(parseAddress('fe80::1%eth0'), null);
  assert.deepEqual(parseAddress('2001:DB8::1'), { network: '2001:db8::1', version: 6, lo: 0x20010db8000000000000000000000001n, hi: 0x20010db8000000000000000000000001n });
});

void test('networks: range from the prefix, host bits cleared, /32 written as an address', () => {
  assert.deepEqual(parseNetwork('10.1.2.3/8'), { network: '10.0.0.0/8', version: 4, lo: 0x0a000000n, hi: 0x0affffffn });
  assert.deepEqual(parseNetwork('192.0.2.7/32'), { network: '192.0.2.7', version: 4, lo: 0xc0000207n, hi: 0xc0000207n });
  assert.deepEqual(parseNetwork('0.0.0.0/0'), { network: '0.0.0.0/0', version: 4, lo: 0n, hi: 0xffffffffn });
  const v6 = parseNetwork('2001:db8::/32')!;
  assert.equal(v6.hi - v6.lo, (1n << 96n) - 1n);
  assert.equal(parseNetwork('10.0.0.0/33'), null);
  assert.equal(parseNetwork('10.0.0.0/'), null);
});

void test('property: an address lies in every network built from it', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
      const a = parseAddress(ip);
      if (!a) return; // fast-check may produce forms such as leading zeros that dhai refuses
      const n = parseNetwork(`${ip}/${prefix}`)!;
      assert.ok(n.lo <= a.lo && a.lo <= n.hi);
      assert.equal(n.hi - n.lo + 1n, 1n << BigInt(32 - prefix));
    }),
    { numRuns: 300 },
  );
});

void test('endpoints: ip:port and [v6]:port', () => {
  assert.deepEqual(parseEndpoint('192.0.2.1:443'), { network: '192.0.2.1', version: 4, lo: 0xc0000201n, hi: 0xc0000201n, port: 443 });
  assert.equal(parseEndpoint('[2001:db8::1]:8443')?.port, 8443);
  assert.equal(parseEndpoint('2001:db8::1')?.port, null);
  assert.equal(parseEndpoint('192.0.2.1:0'), null);
  assert.equal(parseEndpoint('192.0.2.1:65536'), null);
});

void test('CSV lines: quotes, doubled quotes, abuse.ch spacing, open quote', () => {
  assert.deepEqual(splitCsvLine('a,b,,c'), ['a', 'b', '', 'c']);
  assert.deepEqual(splitCsvLine('"a,1", "b ""x""", c'), ['a,1', 'b "x"', ' c']);
  assert.deepEqual(splitCsvLine('"x",'), ['x', '']);
  assert.equal(splitCsvLine('"open,1'), null);
  assert.equal(splitCsvLine('"a"b'), null);
});
