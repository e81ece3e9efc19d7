// Every version, cipher, curve and validation status in every real ssl.log under ../shared/fixtures (Zeek 9.1-dev
// btest baselines, Zeek 6.x, Zeek 3.x, pre-4.1 RITA logs, JSON) is known to the TLS knowledge module.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { cipherSuiteByCode, lookupCipherSuite } from '../../src/tls/cipher-suites.ts';
import { curveByCode, lookupCurve } from '../../src/tls/curves.ts';
import { isGrease } from '../../src/tls/generate/upstream.ts';
import { normalizeValidationStatus } from '../../src/tls/validation.ts';
import { describeVersion, zeekVersionName } from '../../src/tls/versions.ts';
import { fixturesDir, needsShared } from '../helpers/shared.ts';
import { collectSslValues, type SslValues } from './ssl-log-values.ts';

void describe('TLS values in the real Zeek fixtures', { skip: needsShared }, () => {
  let v: SslValues;
  const values = (field: Parameters<SslValues['values']['get']>[0]): string[] => [...(v.values.get(field)?.keys() ?? [])];

  before(() => {
    v = collectSslValues(fixturesDir);
  });

  void test('the reader finds the ssl logs and the values PROVENANCE.md lists', (t) => {
    t.diagnostic(`${v.files.length} ssl logs, ${v.records} records`);
    assert.ok(v.files.length >= 35, `only ${v.files.length} ssl logs found`);
    assert.ok(v.files.some((f) => f.endsWith('.gz')), 'rotated .gz logs were not read');
    assert.ok(v.files.some((f) => f.startsWith('zeek-json/')), 'JSON logs were not read');
    for (const version of ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13', 'DTLSv10', 'DTLSv12', 'TLSv13-draft23']) {
      assert.ok(values('version').includes(version), `version ${version} not found`);
    }
    for (const cipher of ['TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5', 'TLS_RSA_WITH_RC4_128_MD5']) {
      assert.ok(values('cipher').includes(cipher), `cipher ${cipher} not found`);
    }
    assert.ok(values('curve').includes('X25519Kyber768Draft00'));
    assert.ok(values('client_cipher_suites').includes('TLS_RSA_EXPORT_WITH_RC4_40_MD5'));
  });

  void test('every negotiated version string is a known version', (t) => {
    const seen = values('version');
    t.diagnostic(`versions: ${seen.join(', ')}`);
    for (const s of seen) {
      const info = describeVersion(s);
      assert.ok(info?.known, `unknown version ${s}`);
    }
  });

  void test("record versions are known, or Zeek's own unknown-N for a value it does not name", () => {
    for (const s of [...values('client_record_version'), ...values('server_record_version')]) {
      const info = describeVersion(s);
      assert.ok(info, s);
      if (!info.known) {
        assert.match(s, /^unknown-\d+$/);
        assert.equal(zeekVersionName(info.code as number), s, `${s} is not what Zeek's formula gives`);
      }
    }
  });

  void test('every cipher name (negotiated and client-offered) is in the generated table', (t) => {
    const names = [...values('cipher'), ...values('client_cipher_suites')];
    t.diagnostic(`${names.length} distinct cipher names`);
    for (const n of names) assert.ok(lookupCipherSuite(n), `unknown cipher ${n}`);
    for (const n of values('cipher')) assert.equal(lookupCipherSuite(n)?.kind, 'suite', `${n} negotiated but not a suite`);
  });

  void test('every cipher and curve code point in ssl-log-ext lists is in the tables', () => {
    const ciphers = values('client_ciphers').map(Number);
    const curves = values('client_curves').map(Number);
    assert.ok(ciphers.length > 50 && curves.length > 20, 'ssl-log-ext lists not found');
    for (const c of ciphers) assert.ok(cipherSuiteByCode(c), `unknown cipher code ${c}`);
    for (const c of curves) assert.ok(curveByCode(c), `unknown curve code ${c}`);
  });

  void test('supported_versions code points are named versions, drafts or GREASE', () => {
    for (const c of [...values('client_supported_versions'), ...values('server_supported_version')].map(Number)) {
      const info = describeVersion(zeekVersionName(c));
      assert.ok(info?.known || isGrease(c), `version code ${c} (${zeekVersionName(c)})`);
    }
  });

  void test('every curve is known, and the Kyber hybrid is post-quantum', () => {
    for (const n of values('curve')) assert.ok(lookupCurve(n), `unknown curve ${n}`);
    assert.equal(lookupCurve('X25519Kyber768Draft00')?.postQuantum, true);
    assert.equal(lookupCurve('x25519')?.postQuantum, false);
  });

  void test('validation statuses normalise as expected', (t) => {
    const seen = values('validation_status');
    t.diagnostic(`validation_status: ${seen.join(' | ')}`);
    const expected: Record<string, string> = {
      ok: 'ok',
      'self signed certificate': 'self_signed',
      'unable to get local issuer certificate': 'unknown_issuer',
    };
    assert.deepEqual(seen.sort(), Object.keys(expected).sort());
    for (const s of seen) {
      const n = normalizeValidationStatus(s);
      assert.equal(n.category, expected[s], s);
      assert.equal(n.known, true);
      assert.equal(n.raw, s);
    }
  });

  void test('the obsolete and weak things the fixtures hold are classed as such', () => {
    assert.equal(lookupCipherSuite('SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5')?.class, 'insecure');
    assert.equal(lookupCipherSuite('TLS_ECDHE_RSA_WITH_RC4_128_SHA')?.class, 'insecure');
    assert.equal(lookupCipherSuite('TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA')?.class, 'weak');
    for (const s of ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11']) assert.equal(describeVersion(s)?.obsolete, true, s);
    for (const s of ['DTLSv10', 'TLSv13-draft14', 'TLSv13-draft16', 'TLSv13-draft23']) {
      const info = describeVersion(s);
      assert.equal(info?.obsolete, false, s);
      assert.equal(info?.reportedApart, true, s);
    }
  });
});
