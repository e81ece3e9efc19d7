import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZEEK_VERSIONS } from '../../src/tls/generated/zeek-versions.ts';
import { describeVersion, isTls12OrAbove, knownVersionStrings, zeekVersionName } from '../../src/tls/versions.ts';

void describe('Zeek version strings', () => {
  void test("the named versions are consts.zeek's nine", () => {
    assert.deepEqual(ZEEK_VERSIONS.map((v) => v.name), ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13', 'DTLSv10', 'DTLSv12', 'DTLSv13']);
  });

  void test('family, ordinal, obsolete, reported apart and label of each', () => {
    const row = (s: string): unknown[] => {
      const v = describeVersion(s);
      assert.ok(v, s);
      return [v.family, v.ordinal, v.obsolete, v.reportedApart, v.label, v.code];
    };
    assert.deepEqual(row('SSLv2'), ['ssl', 1, true, false, 'SSL 2.0', 0x0002]);
    assert.deepEqual(row('SSLv3'), ['ssl', 2, true, false, 'SSL 3.0', 0x0300]);
    assert.deepEqual(row('TLSv10'), ['tls', 3, true, false, 'TLS 1.0', 0x0301]);
    assert.deepEqual(row('TLSv11'), ['tls', 4, true, false, 'TLS 1.1', 0x0302]);
    assert.deepEqual(row('TLSv12'), ['tls', 5, false, false, 'TLS 1.2', 0x0303]);
    assert.deepEqual(row('TLSv13'), ['tls', 7, false, false, 'TLS 1.3', 0x0304]);
    assert.deepEqual(row('DTLSv10'), ['dtls', 4, false, true, 'DTLS 1.0', 0xfeff]);
    assert.deepEqual(row('DTLSv12'), ['dtls', 5, false, false, 'DTLS 1.2', 0xfefd]);
    assert.deepEqual(row('DTLSv13'), ['dtls', 7, false, false, 'DTLS 1.3', 0xfefc]);
    assert.deepEqual(row('TLSv13-draft23'), ['tls', 6, false, true, 'TLS 1.3 draft 23', 0x7f17]);
  });

  void test('exactly SSLv2, SSLv3, TLS 1.0 and 1.1 are obsolete; DTLS 1.0 and drafts are reported apart', () => {
    const all = knownVersionStrings().map((s) => describeVersion(s));
    assert.equal(all.length, 9 + 127);
    assert.deepEqual(all.filter((v) => v?.obsolete).map((v) => v?.version), ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11']);
    const apart = all.filter((v) => v?.reportedApart);
    assert.equal(apart.length, 1 + 127);
    assert.ok(apart.every((v) => v?.version === 'DTLSv10' || v?.isDraft));
  });

  void test("Zeek's naming of wire values, including its &default", () => {
    assert.equal(zeekVersionName(0x0303), 'TLSv12');
    assert.equal(zeekVersionName(0xfefd), 'DTLSv12');
    assert.equal(zeekVersionName(0x7f17), 'TLSv13-draft23'); // 32535 in ssl-log-ext
    assert.equal(zeekVersionName(0x7f0e), 'TLSv13-draft14');
    assert.equal(zeekVersionName(0x7e02), 'unknown-32258'); // vendor draft numbering
    assert.equal(zeekVersionName(0), 'unknown-0');
    assert.equal(zeekVersionName(0xdada), 'unknown-56026'); // GREASE
  });

  void test('unknown-N and strings Zeek never writes', () => {
    const u = describeVersion('unknown-32258');
    assert.deepEqual([u?.family, u?.code, u?.known, u?.obsolete, u?.ordinal, u?.label], ['tls', 0x7e02, false, false, null, 'unknown (0x7E02)']);
    assert.equal(describeVersion('unknown-65278')?.family, 'dtls');
    assert.equal(describeVersion('unknown-0')?.family, 'unknown');
    const odd = describeVersion('TLS 1.2');
    assert.deepEqual([odd?.known, odd?.family], [false, 'unknown']);
    assert.equal(describeVersion('-'), null);
    assert.equal(describeVersion(''), null);
    assert.equal(describeVersion(null), null);
  });

  void test('TLS 1.2 or above', () => {
    const yes = ['TLSv12', 'TLSv13', 'TLSv13-draft18', 'DTLSv12', 'DTLSv13'];
    const no = ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'DTLSv10', 'unknown-1234'];
    for (const s of yes) assert.equal(isTls12OrAbove(describeVersion(s)!), true, s);
    for (const s of no) assert.equal(isTls12OrAbove(describeVersion(s)!), false, s);
  });
});
