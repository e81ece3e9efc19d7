import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allCipherSuites, assessCipher, cipherSuiteByCode, lookupCipherSuite } from '../../src/tls/cipher-suites.ts';
import { CIPHER_SUITES } from '../../src/tls/generated/cipher-suites.ts';
import { MOZILLA_CONFIGURATIONS } from '../../src/tls/generated/mozilla-tiers.ts';
import { loosestTier, mozillaSuiteTier, mozillaVersionTier } from '../../src/tls/mozilla-tier.ts';
import { parseSuiteName, type SuiteDecomposition } from '../../src/tls/suite-name.ts';
import { describeVersion } from '../../src/tls/versions.ts';

function decomposition(name: string): SuiteDecomposition {
  const info = lookupCipherSuite(name);
  assert.ok(info?.suite, `no suite ${name}`);
  return info.suite;
}

void describe('cipher-suite decomposition', () => {
  void test('ECDHE-RSA AES-128-GCM', () => {
    assert.deepEqual(decomposition('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'), {
      protocol: 'TLS', keyExchange: 'ECDHE', authentication: 'RSA', cipher: 'AES', cipherBits: 128, mode: 'GCM', blockBits: 128,
      hash: 'SHA256', aead: true, forwardSecrecy: true, export: false,
    });
  });

  void test('static RSA with RC4 and an MD5 MAC', () => {
    assert.deepEqual(decomposition('TLS_RSA_WITH_RC4_128_MD5'), {
      protocol: 'TLS', keyExchange: 'RSA', authentication: 'RSA', cipher: 'RC4', cipherBits: 128, mode: 'STREAM', blockBits: null,
      hash: 'MD5', aead: false, forwardSecrecy: false, export: false,
    });
  });

  void test('SSLv2 kinds as Zeek names them', () => {
    assert.deepEqual(decomposition('SSLv20_CK_RC4_128_EXPORT40_WITH_MD5'), {
      protocol: 'SSLv2', keyExchange: 'RSA', authentication: 'RSA', cipher: 'RC4', cipherBits: 40, mode: 'STREAM', blockBits: null,
      hash: 'MD5', aead: false, forwardSecrecy: false, export: true,
    });
    const des3 = decomposition('SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5');
    assert.equal(des3.cipher, '3DES');
    assert.equal(lookupCipherSuite('SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5')?.code, 0x0700c0);
    for (const n of ['SSLv20_CK_RC4_128_WITH_MD5', 'SSLv20_CK_RC2_128_CBC_WITH_MD5', 'SSLv20_CK_RC2_128_CBC_EXPORT40_WITH_MD5', 'SSLv20_CK_IDEA_128_CBC_WITH_MD5', 'SSLv20_CK_DES_64_CBC_WITH_MD5']) {
      assert.equal(lookupCipherSuite(n)?.suite?.protocol, 'SSLv2', n);
    }
  });

  void test('TLS 1.3, CCM without a hash, anon, Kerberos export, PSK, GOST', () => {
    assert.deepEqual(
      { ...decomposition('TLS_CHACHA20_POLY1305_SHA256') },
      { protocol: 'TLS13', keyExchange: 'TLS13', authentication: 'TLS13', cipher: 'CHACHA20', cipherBits: 256, mode: 'CHACHA20_POLY1305', blockBits: null, hash: 'SHA256', aead: true, forwardSecrecy: true, export: false },
    );
    const ccm8 = decomposition('TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8');
    assert.equal(ccm8.mode, 'CCM_8');
    assert.equal(ccm8.hash, 'SHA256'); // RFC 7251: SHA-256 PRF
    const anon = decomposition('TLS_DH_anon_WITH_AES_128_CBC_SHA');
    assert.equal(anon.keyExchange, 'DH_anon');
    assert.equal(anon.authentication, 'anon');
    const krb = decomposition('TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5');
    assert.deepEqual([krb.keyExchange, krb.cipher, krb.cipherBits, krb.export], ['KRB5', 'RC2', 40, true]);
    const psk = decomposition('TLS_PSK_DHE_WITH_AES_128_CCM_8');
    assert.deepEqual([psk.keyExchange, psk.authentication, psk.forwardSecrecy], ['DHE_PSK', 'PSK', true]);
    const gost = decomposition('TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L');
    assert.deepEqual([gost.protocol, gost.mode, gost.aead], ['TLS13', 'MGM', true]);
    assert.equal(decomposition('TLS_RSA_WITH_3DES_EDE_CBC_SHA').hash, 'SHA1');
  });

  void test('every row was decomposed by the current parser (IANA name first, else Zeek name)', () => {
    for (const f of CIPHER_SUITES) {
      const name = f.iana ?? f.zeek;
      assert.ok(name, `code ${f.code} has no name`);
      if (f.kind !== 'suite') continue;
      const parsed = parseSuiteName(name);
      assert.equal(parsed?.kind, 'suite', name);
      assert.deepEqual(f.suite, parsed.kind === 'suite' ? parsed.decomposition : null, name);
    }
  });

  void test('code points are unique and 16-bit except the SSLv2 kinds', () => {
    const codes = CIPHER_SUITES.map((s) => s.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const s of CIPHER_SUITES) {
      if (s.code > 0xffff) assert.equal(s.suite?.protocol, 'SSLv2', s.zeek ?? '');
    }
  });
});

void describe('cipher-suite lookup', () => {
  void test("Zeek's spellings and IANA's resolve to the same code point", () => {
    const zeek = lookupCipherSuite('TLS_DH_ANON_WITH_AES_128_CBC_SHA');
    const iana = lookupCipherSuite('TLS_DH_anon_WITH_AES_128_CBC_SHA');
    assert.ok(zeek && iana);
    assert.equal(zeek.code, 0x0034);
    assert.equal(zeek, iana);
    assert.equal(zeek.name, 'TLS_DH_ANON_WITH_AES_128_CBC_SHA');
    // 0x1306: Zeek keeps the draft's name, IANA renamed it
    assert.equal(lookupCipherSuite('TLS_AEGIS_256_SHA384')?.code, 0x1306);
    assert.equal(lookupCipherSuite('TLS_AEGIS_256_SHA512')?.code, 0x1306);
    assert.equal(lookupCipherSuite('TLS_AEGIS_256_SHA384')?.suite?.hash, 'SHA512');
  });

  void test('Zeek-only code points are present (draft ChaCha20, FIPS, FORTEZZA, CECPQ1)', () => {
    for (const [name, code] of [
      ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD', 0xcc13], ['SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA', 0xfeff],
      ['SSL_FORTEZZA_KEA_WITH_NULL_SHA', 0x001c], ['TLS_CECPQ1_RSA_WITH_AES_256_GCM_SHA384', 0x16b9],
    ] as const) {
      const s = lookupCipherSuite(name);
      assert.equal(s?.code, code, name);
      assert.equal(s?.iana, null, name);
    }
  });

  void test('case-insensitive names and unknown-<code>', () => {
    assert.equal(lookupCipherSuite('tls_ecdhe_rsa_with_aes_128_gcm_sha256')?.code, 0xc02f);
    assert.equal(lookupCipherSuite('unknown-49199')?.name, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    // a suite IANA assigned after Zeek's table (Ascon, 2025): an older Zeek logs unknown-110
    assert.equal(lookupCipherSuite('unknown-110')?.iana, 'TLS_ASCONAEAD128_ASCONHASH256');
    assert.equal(lookupCipherSuite('unknown-4660'), null);
    assert.equal(lookupCipherSuite('TLS_NOT_A_SUITE'), null);
    assert.equal(cipherSuiteByCode(0x009c)?.iana, 'TLS_RSA_WITH_AES_128_GCM_SHA256');
  });

  void test('assessCipher falls back to reading a well-formed name, else says unknown', () => {
    assert.equal(assessCipher('TLS_ECDHE_RSA_WITH_RC4_128_SHA').source, 'table');
    const made = assessCipher('TLS_DHE_RSA_WITH_AES_128_GCM_SHA384');
    assert.deepEqual([made.source, made.class], ['parsed', 'recommended']);
    const junk = assessCipher("'); DROP TABLE ssl; --");
    assert.deepEqual([junk.source, junk.class], ['unknown', 'unknown']);
    assert.deepEqual(assessCipher('TLS_EMPTY_RENEGOTIATION_INFO_SCSV').class, 'unknown');
  });
});

void describe('Mozilla server-side TLS tiers (guidelines 5.8)', () => {
  void test('suite tiers', () => {
    const tier = (n: string): string => mozillaSuiteTier(lookupCipherSuite(n)?.code ?? -1);
    assert.equal(tier('TLS_AES_128_GCM_SHA256'), 'modern');
    assert.equal(tier('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'), 'intermediate');
    assert.equal(tier('TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'), 'intermediate');
    assert.equal(tier('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'), 'old');
    assert.equal(tier('TLS_RSA_WITH_AES_128_CBC_SHA'), 'old');
    assert.equal(tier('TLS_RSA_WITH_3DES_EDE_CBC_SHA'), 'old');
    assert.equal(tier('TLS_ECDHE_RSA_WITH_RC4_128_SHA'), 'none');
    assert.equal(tier('TLS_AES_128_CCM_SHA256'), 'none');
  });

  void test('every suite a configuration lists is in the table, and tiers nest', () => {
    const modern = new Set(MOZILLA_CONFIGURATIONS.modern.suites.map((s) => s.code));
    const intermediate = new Set(MOZILLA_CONFIGURATIONS.intermediate.suites.map((s) => s.code));
    const old = new Set(MOZILLA_CONFIGURATIONS.old.suites.map((s) => s.code));
    for (const c of modern) assert.ok(intermediate.has(c));
    for (const c of intermediate) assert.ok(old.has(c));
    for (const c of old) assert.ok(cipherSuiteByCode(c), `Mozilla suite ${c} not in the table`);
    assert.equal(allCipherSuites().filter((s) => s.mozillaTier !== 'none').length, old.size);
  });

  void test('the graders agree where they overlap: intermediate suites are all "recommended"', () => {
    for (const s of allCipherSuites().filter((x) => x.mozillaTier === 'modern' || x.mozillaTier === 'intermediate')) {
      assert.equal(s.class, 'recommended', s.name);
    }
  });

  void test('version tiers and a session tier', () => {
    const tier = (v: string): string | null => mozillaVersionTier(describeVersion(v)?.mozillaName ?? null);
    assert.equal(tier('TLSv13'), 'modern');
    assert.equal(tier('TLSv12'), 'intermediate');
    assert.equal(tier('TLSv10'), 'old');
    assert.equal(tier('TLSv11'), 'old');
    assert.equal(tier('SSLv3'), 'none');
    assert.equal(tier('DTLSv12'), null);
    assert.equal(tier('TLSv13-draft23'), null);
    assert.equal(loosestTier('old', 'modern'), 'old');
    assert.equal(loosestTier('intermediate', 'none', 'modern'), 'none');
  });
});
