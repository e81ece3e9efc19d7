// The class of every suite in the generated table, checked against rules written here from the suite NAME alone
// (no use of the decomposition the module computes), plus known values and the brief's spot rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifySuite, hashQuality, type CipherClass } from '../../src/tls/cipher-class.ts';
import { allCipherSuites, lookupCipherSuite } from '../../src/tls/cipher-suites.ts';
import type { SuiteDecomposition } from '../../src/tls/suite-name.ts';

const suites = allCipherSuites().filter((s) => s.kind === 'suite');

/** analyses.md C, applied to the text of a name (IANA or Zeek spelling). */
function expectedClass(name: string): CipherClass {
  const n = name.toUpperCase().replace(/_OLD$/, '');
  const tls13 = (n.startsWith('TLS_') && !n.includes('_WITH_')) || /_MGM_[LS]$/.test(n);
  const insecure =
    /_WITH_NULL_|^TLS_NULL_/.test(n) || /^TLS_SHA(256|384)_SHA\1$/.test(n) || // NULL cipher (RFC 9150 integrity-only too)
    n.includes('ANON') || n.includes('EXPORT') ||
    /_DES(40)?_(?!192_EDE3)/.test(n) || // single DES, not SSLv2's DES_192_EDE3 (= 3DES)
    n.includes('RC4') || /_MD5$/.test(n) ||
    n.includes('FORTEZZA_CBC'); // Skipjack, 80-bit key (dhai's "key under 112 bits")
  if (insecure) return 'insecure';
  if (tls13) return 'recommended';
  const weak =
    /^(TLS|SSL)_RSA_/.test(n) || // static RSA (incl. RSA_PSK and SSL_RSA_FIPS)
    n.includes('3DES') || n.includes('EDE3') ||
    /IDEA|RC2|28147|MAGMA/.test(n) || // 64-bit block ciphers
    n.includes('_CBC') || /_SHA(_2)?$/.test(n);
  if (weak) return 'weak';
  const fs = /^TLS_(DHE|ECDHE|PSK_DHE|SRP|ECCPWD|CECPQ1)_/.test(n);
  const aead = /_GCM|_CCM|CHACHA20_POLY1305/.test(n);
  return fs && aead ? 'recommended' : 'secure';
}

void describe('suite classes', () => {
  void test('the table holds the registry and Zeek-only suites', () => {
    assert.ok(suites.length >= 390, `only ${suites.length} suites`);
  });

  void test('every suite in the table has the class the name-based rules give, under both spellings', () => {
    const mismatches: string[] = [];
    for (const s of suites) {
      for (const name of [s.zeek, s.iana]) {
        if (name && expectedClass(name) !== s.class) mismatches.push(`${name}: module ${s.class}, rules ${expectedClass(name)}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  void test('every class occurs (the rules are not vacuous)', () => {
    const counts = new Map<string, number>();
    for (const s of suites) counts.set(s.class as string, (counts.get(s.class as string) ?? 0) + 1);
    for (const c of ['insecure', 'weak', 'secure', 'recommended']) assert.ok((counts.get(c) ?? 0) > 10, `${c}: ${counts.get(c)}`);
  });

  void test('every RC4, DES, EXPORT, NULL-cipher, anonymous and MD5 suite is insecure', () => {
    const rx = /RC4|_DES_CBC|_DES40_|DES_64_CBC|EXPORT|_WITH_NULL_|^TLS_NULL_|_anon_|_ANON_|_MD5$/;
    const hits = suites.filter((s) => rx.test(s.name) || (s.iana !== null && rx.test(s.iana)));
    assert.ok(hits.length > 80, `only ${hits.length}`);
    for (const s of hits) assert.equal(s.class, 'insecure', s.name);
  });

  void test('every TLS 1.3 AEAD suite is recommended; the integrity-only ones are insecure', () => {
    const tls13 = suites.filter((s) => s.suite?.protocol === 'TLS13');
    assert.ok(tls13.length >= 15);
    for (const s of tls13) assert.equal(s.class, s.suite?.aead ? 'recommended' : 'insecure', s.name);
    assert.equal(lookupCipherSuite('TLS_SHA256_SHA256')?.class, 'insecure');
  });

  void test('every ECDHE + GCM suite is recommended', () => {
    const hits = suites.filter((s) => /^TLS_ECDHE_(RSA|ECDSA|PSK)_WITH_\w+_GCM_SHA\d+$/.test(s.name));
    assert.ok(hits.length >= 14);
    for (const s of hits) assert.equal(s.class, 'recommended', s.name);
  });

  void test('every suite IANA marks Recommended=Y is recommended here too', () => {
    const y = suites.filter((s) => s.recommended === 'Y');
    assert.ok(y.length >= 20);
    for (const s of y) assert.equal(s.class, 'recommended', s.name);
  });

  void test('known values', () => {
    const expected: Record<string, CipherClass> = {
      TLS_RSA_WITH_AES_128_CBC_SHA: 'weak',
      TLS_RSA_WITH_AES_256_GCM_SHA384: 'weak',
      TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'weak',
      TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'weak',
      TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA: 'weak',
      TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'recommended',
      TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'recommended',
      TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 'recommended',
      TLS_AES_128_GCM_SHA256: 'recommended',
      TLS_AES_128_CCM_8_SHA256: 'recommended',
      TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256: 'secure',
      TLS_PSK_WITH_AES_128_GCM_SHA256: 'secure',
      TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'insecure',
      TLS_RSA_WITH_RC4_128_MD5: 'insecure',
      TLS_DH_anon_WITH_AES_256_GCM_SHA384: 'insecure',
      TLS_DH_ANON_WITH_AES_256_GCM_SHA384: 'insecure',
      TLS_RSA_EXPORT_WITH_RC4_40_MD5: 'insecure',
      TLS_RSA_WITH_NULL_SHA256: 'insecure',
      SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5: 'insecure',
      SSLv20_CK_RC4_128_WITH_MD5: 'insecure',
      SSL_FORTEZZA_KEA_WITH_FORTEZZA_CBC_SHA: 'insecure',
    };
    for (const [name, cls] of Object.entries(expected)) assert.equal(lookupCipherSuite(name)?.class, cls, name);
    assert.deepEqual(lookupCipherSuite('TLS_RSA_WITH_AES_128_CBC_SHA')?.classReasons, ['static RSA key exchange', 'CBC', 'SHA-1 MAC']);
    assert.deepEqual(lookupCipherSuite('TLS_RSA_EXPORT_WITH_RC4_40_MD5')?.classReasons, ['EXPORT', 'RC4', 'MD5 MAC']);
  });

  void test('signalling values and GREASE have no class', () => {
    for (const s of allCipherSuites().filter((x) => x.kind !== 'suite')) assert.equal(s.class, null, s.name);
    assert.equal(lookupCipherSuite('TLS_FALLBACK_SCSV')?.kind, 'signalling');
    assert.equal(lookupCipherSuite('grease_0x0A0A')?.kind, 'grease');
  });
});

void describe('classifySuite', () => {
  const base: SuiteDecomposition = {
    protocol: 'TLS', keyExchange: 'ECDHE', authentication: 'RSA', cipher: 'AES', cipherBits: 128, mode: 'GCM',
    blockBits: 128, hash: 'SHA256', aead: true, forwardSecrecy: true, export: false,
  };

  void test('first match wins: insecure beats TLS 1.3 and weak', () => {
    assert.equal(classifySuite({ ...base, protocol: 'TLS13', cipher: 'NULL', mode: 'NULL', aead: false }).class, 'insecure');
    assert.equal(classifySuite({ ...base, keyExchange: 'RSA', cipher: 'RC4', mode: 'STREAM', aead: false }).class, 'insecure');
  });

  void test('recommended needs forward secrecy and AEAD; otherwise secure says what is missing', () => {
    assert.deepEqual(classifySuite(base), { class: 'recommended', reasons: ['forward secrecy', 'AEAD'] });
    assert.deepEqual(classifySuite({ ...base, keyExchange: 'ECDH', forwardSecrecy: false }), { class: 'secure', reasons: ['no forward secrecy'] });
    assert.deepEqual(classifySuite({ ...base, mode: 'CTR', aead: false, hash: 'SHA256' }), { class: 'secure', reasons: ['not AEAD'] });
  });

  void test('64-bit blocks are weak, keys under 112 bits insecure', () => {
    assert.deepEqual(classifySuite({ ...base, cipher: 'IDEA', blockBits: 64, mode: 'CTR', aead: false }).reasons, ['64-bit block cipher']);
    assert.deepEqual(classifySuite({ ...base, cipher: 'SKIPJACK', cipherBits: 80, blockBits: 64 }).reasons, ['key under 112 bits']);
  });

  void test('hash quality on the paper scale', () => {
    assert.equal(hashQuality('MD5'), 'insecure');
    assert.equal(hashQuality('SHA1'), 'weak');
    assert.equal(hashQuality('SHA384'), 'secure');
    assert.equal(hashQuality('RIPEMD160'), 'other');
    assert.equal(hashQuality(null), null);
  });
});
