import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allCurves, curveByCode, lookupCurve } from '../../src/tls/curves.ts';
import { CURVES_SOURCES } from '../../src/tls/generated/curves.ts';

void describe('named groups (curves)', () => {
  void test('classical curves as Zeek logs them', () => {
    const x = lookupCurve('x25519');
    assert.deepEqual([x?.code, x?.group?.family, x?.group?.bits, x?.postQuantum, x?.recommended], [29, 'ec-montgomery', 255, false, 'Y']);
    const p = lookupCurve('secp256r1');
    assert.deepEqual([p?.code, p?.group?.family, p?.group?.bits], [23, 'ec-prime', 256]);
    assert.equal(lookupCurve('sect163k1')?.recommended, 'D'); // discouraged by RFC 9847
    assert.equal(lookupCurve('ffdhe2048')?.group?.family, 'ffdhe');
  });

  void test('post-quantum hybrids and pure ML-KEM', () => {
    const h = lookupCurve('X25519MLKEM768');
    assert.deepEqual([h?.code, h?.postQuantum, h?.hybrid, h?.group?.classicalComponent, h?.group?.pqComponent], [0x11ec, true, true, 'x25519', 'ML-KEM-768']);
    assert.deepEqual([lookupCurve('SecP256r1MLKEM768')?.hybrid, lookupCurve('SecP384r1MLKEM1024')?.postQuantum], [true, true]);
    const k = lookupCurve('X25519Kyber768Draft00');
    assert.deepEqual([k?.code, k?.postQuantum, k?.hybrid, k?.obsolete], [25497, true, true, true]);
    const m = lookupCurve('MLKEM768');
    assert.deepEqual([m?.postQuantum, m?.hybrid, m?.group?.family], [true, false, 'ml-kem']);
  });

  void test('Zeek-only groups are present', () => {
    assert.deepEqual([lookupCurve('CECPQ2')?.code, lookupCurve('CECPQ2')?.iana, lookupCurve('CECPQ2')?.postQuantum], [16696, null, true]);
    assert.equal(lookupCurve('curveSM2MLKEM768')?.code, 4590);
  });

  void test('the post-quantum flag agrees with a name rule for every group', () => {
    const rows = allCurves().filter((c) => c.kind === 'group');
    assert.ok(rows.length >= 55);
    for (const c of rows) assert.equal(c.postQuantum, /MLKEM|Kyber|CECPQ2/.test(c.name), c.name);
  });

  void test('lookups by other spellings, codes and GREASE', () => {
    assert.equal(lookupCurve('X25519')?.name, 'x25519');
    assert.equal(lookupCurve('unknown-4588')?.name, 'X25519MLKEM768');
    assert.equal(lookupCurve('grease_0x2A2A')?.kind, 'grease');
    assert.equal(curveByCode(0x2a2a)?.postQuantum, false);
    assert.equal(lookupCurve('unknown-9999'), null);
    assert.equal(lookupCurve('prime256v1'), null); // OpenSSL's name; Zeek logs secp256r1
  });

  void test('the generated header names its sources', () => {
    assert.equal(CURVES_SOURCES.length, 2);
    for (const s of CURVES_SOURCES) {
      assert.match(s.url, /^https:\/\//);
      assert.match(s.sha256, /^[0-9a-f]{64}$/);
      assert.ok(s.version.length > 0);
    }
  });
});
