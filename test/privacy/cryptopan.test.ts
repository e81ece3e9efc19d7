// Crypto-PAn properties (prefix preservation, bijection, determinism, key dependence) for both families,
// and key-file loading. The published vectors are in cryptopan-vectors.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { NetworkSet, formatAddress, parseAddress } from '../../src/privacy/addresses.ts';
import { CryptoPAn, keyFingerprint, loadKey, parseKey } from '../../src/privacy/cryptopan.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tmpDir } from '../helpers/tmp.ts';

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length * 8; i++) {
    const m = 0x80 >> (i & 7);
    if ((a[i >> 3]! & m) !== (b[i >> 3]! & m)) return i;
  }
  return a.length * 8;
}

/** A second address sharing exactly `k` leading bits with `a` (bit k flipped, the rest from `rest`). */
function sharing(a: Uint8Array, k: number, rest: Uint8Array): Uint8Array {
  const b = Uint8Array.from(a);
  if (k === a.length * 8) return b;
  for (let i = k; i < a.length * 8; i++) {
    const m = 0x80 >> (i & 7);
    const bit = i === k ? (a[i >> 3]! & m) === 0 : (rest[i >> 3]! & m) !== 0;
    b[i >> 3] = bit ? b[i >> 3]! | m : b[i >> 3]! & ~m;
  }
  return b;
}

void describe('Crypto-PAn properties', () => {
  for (const [family, addr, bits] of [['IPv4', v4, 32], ['IPv6', v6, 128]] as const) {
    void test(`${family}: the common prefix length of outputs equals that of inputs`, () => {
      fc.assert(
        fc.property(key, addr, addr, fc.integer({ min: 0, max: bits }), (k, a, rest, n) => {
          const pan = new CryptoPAn(k);
          const b = sharing(a, n, rest);
          assert.equal(commonPrefix(a, b), n);
          assert.equal(commonPrefix(pan.mapBytes(a), pan.mapBytes(b)), n);
        }),
        { numRuns: family === 'IPv4' ? 400 : 150 },
      );
    });

    void test(`${family}: one-to-one (distinct samples stay distinct; unmap inverts map)`, () => {
      fc.assert(
        fc.property(key, fc.uniqueArray(addr, { minLength: 2, maxLength: 64, selector: (x) => Buffer.from(x).toString('hex') }), (k, xs) => {
          const pan = new CryptoPAn(k);
          const flat = Buffer.concat(xs);
          const out = pan.mapFlat(flat, bits / 8 as 4 | 16);
          const seen = new Set<string>();
          for (let i = 0; i < xs.length; i++) {
            const o = out.subarray(i * (bits / 8), (i + 1) * (bits / 8));
            seen.add(Buffer.from(o).toString('hex'));
            assert.deepEqual(pan.unmapBytes(o), xs[i]);
          }
          assert.equal(seen.size, xs.length);
        }),
        { numRuns: family === 'IPv4' ? 60 : 20 },
      );
    });

    void test(`${family}: deterministic under a key, whatever the call path and order`, () => {
      fc.assert(
        fc.property(key, fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 20 }), (k, xs) => {
          const a = new CryptoPAn(k);
          const b = new CryptoPAn(Uint8Array.from(k));
          // b sees the addresses in reverse order and interleaved families; a one at a time, b in one batch
          const one = xs.map((x) => formatAddress(a.mapBytes(x)));
          const many = b.mapMany(xs.map((x) => formatAddress(x)).reverse()).reverse();
          assert.deepEqual(one.map((s) => formatAddress(parseAddress(s)!.bytes)), many);
        }),
        { numRuns: 40 },
      );
    });

    void test(`${family}: different keys give different mappings`, () => {
      fc.assert(
        fc.property(key, key, fc.uniqueArray(addr, { minLength: 8, maxLength: 8, selector: (x) => Buffer.from(x).toString('hex') }), (k1, k2, xs) => {
          fc.pre(!Buffer.from(k1).equals(Buffer.from(k2)));
          const p1 = new CryptoPAn(k1);
          const p2 = new CryptoPAn(k2);
          // each output is ~uniform under a fresh key: 8 equal images out of 8 has probability ~2^-(8*bits)
          const equal = xs.filter((x) => Buffer.from(p1.mapBytes(x)).equals(Buffer.from(p2.mapBytes(x)))).length;
          assert.ok(equal < xs.length, `keys ${Buffer.from(k1).toString('hex')} / ${Buffer.from(k2).toString('hex')}`);
        }),
        { numRuns: 30 },
      );
    });
  }

  void test('a whole /16 maps one-to-one onto the image network', () => {
    const pan = new CryptoPAn(randomBytes(32));
    const count = 1 << 16;
    const flat = new Uint8Array(count * 4);
    for (let i = 0; i < count; i++) flat.set([10, 77, i >> 8, i & 0xff], i * 4);
    const out = pan.mapFlat(flat, 4);
    const image = new NetworkSet([pan.mapNetwork('10.77.0.0/16')]);
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) {
      const o = out.subarray(i * 4, i * 4 + 4);
      seen.add(Buffer.from(o).readUInt32BE());
      if (i % 257 === 0) assert.ok(image.has(formatAddress(o)));
    }
    assert.equal(seen.size, count);
  });

  void test('mapNetwork: every address of a network maps into the mapped network', () => {
    fc.assert(
      fc.property(key, fc.oneof(v4, v6), fc.nat(), fc.oneof(v4, v6), (k, net, p, host) => {
        const pan = new CryptoPAn(k);
        const prefix = p % (net.length * 8 + 1);
        const cidr = `${formatAddress(net)}/${prefix}`;
        // an address sharing the network's first `prefix` bits, its other bits from `host`
        const inside = Uint8Array.from(net);
        for (let i = prefix; i < net.length * 8; i++) {
          const m = 0x80 >> (i & 7);
          inside[i >> 3] = (host[(i >> 3) % host.length]! & m) !== 0 ? inside[i >> 3]! | m : inside[i >> 3]! & ~m;
        }
        assert.ok(new NetworkSet([pan.mapNetwork(cidr)]).has(formatAddress(pan.mapBytes(inside))));
      }),
      { numRuns: 150 },
    );
  });

  void test('text API: families, canonical output, junk refused', () => {
    const pan = new CryptoPAn(randomBytes(32));
    assert.match(pan.map('10.1.2.3'), /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(pan.map('2001:DB8::1'), pan.map('2001:0db8:0:0:0:0:0:1'));
    assert.equal(pan.map('fe80::1%eth0'), pan.map('fe80::1'));
    assert.equal(pan.unmap(pan.map('fe80::1')), 'fe80::1');
    for (const junk of ['', '10.1', '010.1.2.3', '1.2.3.4 ', 'host.example', '1:2:3:4:5:6:7:8:9']) {
      assert.throws(() => pan.map(junk), TypeError, junk);
    }
    assert.throws(() => new CryptoPAn(new Uint8Array(31)), RangeError);
  });
});

void describe('key files', () => {
  const dir = tmpDir();
  const raw = randomBytes(32);
  const write = (name: string, data: string | Buffer) => {
    const f = path.join(dir, name);
    writeFileSync(f, data);
    return f;
  };

  void test('32 raw bytes, or 64 hex characters with an optional newline', () => {
    assert.deepEqual(loadKey(write('raw', raw)), raw);
    assert.deepEqual(loadKey(write('hex', raw.toString('hex'))), raw);
    assert.deepEqual(loadKey(write('hex-lf', raw.toString('hex') + '\n')), raw);
    assert.deepEqual(loadKey(write('hex-crlf', raw.toString('hex').toUpperCase() + '\r\n')), raw);
    // 32 bytes that happen to be text are still 32 raw bytes
    assert.deepEqual(loadKey(write('ascii', 'x'.repeat(32))), Buffer.from('x'.repeat(32)));
  });

  void test('anything else is a UsageError naming the file and never showing key material', () => {
    const cases: [string, string | Buffer][] = [
      ['empty', ''],
      ['short', raw.subarray(0, 31)],
      ['raw-lf', Buffer.concat([raw, Buffer.from('\n')])],
      ['hex-63', raw.toString('hex').slice(0, 63)],
      ['hex-bad', raw.toString('hex').slice(0, 63) + 'g'],
      ['hex-2lf', raw.toString('hex') + '\n\n'],
      ['hex-space', ' ' + raw.toString('hex')],
    ];
    for (const [name, data] of cases) {
      const f = write(name, data);
      assert.throws(
        () => loadKey(f),
        (e: unknown) => e instanceof UsageError && e.message.includes(f) && !e.message.includes(raw.toString('hex').slice(0, 8)),
        name,
      );
    }
    assert.throws(() => loadKey(dir), (e: unknown) => e instanceof UsageError && e.message.includes(dir));
    assert.throws(() => loadKey('/dev/zero'), (e: unknown) => e instanceof UsageError && e.message.includes('/dev/zero'));
    const missing = path.join(dir, 'missing');
    assert.throws(() => loadKey(missing), (e: unknown) => e instanceof UsageError && e.message.includes(missing));
    assert.throws(() => parseKey(Buffer.alloc(64)), UsageError);
  });

  void test('fingerprint: stable, key-dependent, not the key', () => {
    const fp = keyFingerprint(raw);
    assert.match(fp, /^[0-9a-f]{16}$/);
    assert.equal(keyFingerprint(Buffer.from(raw)), fp);
    assert.notEqual(keyFingerprint(randomBytes(32)), fp);
    assert.ok(!raw.toString('hex').includes(fp));
  });
});
