// The table generator (scripts/gen-tls-tables.ts → src/tls/generate/*): deterministic output from small inputs
// written here, loud failures on upstream shapes it does not know, and headers that name source and version.
// With DHAI_TLS_UPSTREAM=<dir holding the four upstream copies and provenance.json> it also regenerates the
// shipped tables and requires them byte-identical.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseCsv } from '../../src/tls/generate/csv.ts';
import { renderTlsTables, type UpstreamTexts } from '../../src/tls/generate/render.ts';
import { CIPHER_SUITES_SOURCES } from '../../src/tls/generated/cipher-suites.ts';
import { MOZILLA_GUIDELINES_VERSION, MOZILLA_SOURCES } from '../../src/tls/generated/mozilla-tiers.ts';
import { ZEEK_VERSIONS_SOURCES } from '../../src/tls/generated/zeek-versions.ts';
import { repoRoot } from '../helpers/shared.ts';

const SUITES_CSV = [
  'Value,Description,DTLS-OK,Recommended,Reference,Comment',
  '"0x00,0x1C-1D",Reserved to avoid conflicts with SSLv3,,,[RFC5246],',
  '"0x00,0x2F",TLS_RSA_WITH_AES_128_CBC_SHA,Y,N,[RFC5246],',
  '"0x00,0x34",TLS_DH_anon_WITH_AES_128_CBC_SHA,Y,N,[RFC5246],',
  '"0x00,0x47-4F","Reserved to avoid conflicts with\ndeployed implementations",,,[Pasi_Eronen],',
  '"0x0A,0x0A",Reserved,Y,N,[RFC8701],',
  '"0x13,0x01",TLS_AES_128_GCM_SHA256,Y,Y,[RFC8446],',
  '"0xC0,0x2F",TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,Y,Y,[RFC5289],"a comment, with a comma"',
  '',
].join('\r\n');

const GROUPS_CSV = [
  'Value,Description,DTLS-OK,Recommended,Reference,Comment',
  '0,Reserved,,,[RFC8447],',
  '29,x25519,Y,Y,[RFC8446],',
  '42-255,Unassigned,,,,',
  '25497,X25519Kyber768Draft00 (OBSOLETE),Y,N,[draft-tls-westerbaan-xyber768d00-02],Pre-standards',
  '',
].join('\r\n');

const ZEEK = `module SSL;
export {
\tconst TLSv12 = 0x0303;
\tconst version_strings: table[count] of string = {
\t\t[TLSv12] = "TLSv12",
\t} &default=function(i: count):string
\t\t{
\t\tif ( i/0xFF == 0x7F ) # TLS 1.3 draft
\t\t  return fmt("TLSv13-draft%d", i % 0x7F );
\t\treturn fmt("unknown-%d", i);
\t\t};
\tconst ec_curves: table[count] of string = {
\t\t[29] = "x25519",
\t\t[16696] = "CECPQ2",
\t} &default=function(i: count):string { return fmt("unknown-%d", i); };
\tconst SSLv20_CK_RC4_128_WITH_MD5 = 0x010080;
\tconst TLS_RSA_WITH_AES_128_CBC_SHA = 0x002F;
\tconst TLS_DH_ANON_WITH_AES_128_CBC_SHA = 0x0034;
\tconst cipher_desc: table[count] of string = {
\t\t[SSLv20_CK_RC4_128_WITH_MD5] = "SSLv20_CK_RC4_128_WITH_MD5",
\t\t[TLS_RSA_WITH_AES_128_CBC_SHA] = "TLS_RSA_WITH_AES_128_CBC_SHA",
\t\t[TLS_DH_ANON_WITH_AES_128_CBC_SHA] = "TLS_DH_ANON_WITH_AES_128_CBC_SHA",
\t\t[2570] = "grease_0x0A0A",
\t} &default=function(i: count):string { return fmt("unknown-%d", i); };
}
`;

const config = (suites: string[], iana: string[], versions: string[]): unknown => ({
  ciphersuites: suites, ciphers: { iana }, tls_versions: versions, tls_curves: ['X25519'],
});
const MOZILLA = JSON.stringify({
  version: 5.8,
  href: 'https://ssl-config.mozilla.org/guidelines/5.8.json',
  configurations: {
    modern: config(['TLS_AES_128_GCM_SHA256'], [], ['TLSv1.3']),
    intermediate: config(['TLS_AES_128_GCM_SHA256'], ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], ['TLSv1.2', 'TLSv1.3']),
    old: config(['TLS_AES_128_GCM_SHA256'], ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA'], ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']),
  },
});

const INPUTS: UpstreamTexts = { ianaSuitesCsv: SUITES_CSV, ianaGroupsCsv: GROUPS_CSV, zeekConsts: ZEEK, mozillaJson: MOZILLA };

void describe('TLS table generator', () => {
  void test('same inputs, same output', () => {
    const a = renderTlsTables(INPUTS, { zeekConsts: { version: 'test' } });
    const b = renderTlsTables(INPUTS, { zeekConsts: { version: 'test' } });
    assert.deepEqual(a.files, b.files);
    assert.notEqual(renderTlsTables({ ...INPUTS, ianaSuitesCsv: SUITES_CSV.replace('Y,Y,[RFC5289]', 'Y,N,[RFC5289]') }).files['cipher-suites.ts'], a.files['cipher-suites.ts']);
  });

  void test('merges the registry and Zeek by code point', () => {
    const { tables } = renderTlsTables(INPUTS);
    assert.deepEqual(tables.suites.map((s) => [s.code, s.iana, s.zeek, s.kind]), [
      [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'suite'],
      [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'TLS_DH_ANON_WITH_AES_128_CBC_SHA', 'suite'],
      [0x0a0a, null, 'grease_0x0A0A', 'grease'],
      [0x1301, 'TLS_AES_128_GCM_SHA256', null, 'suite'],
      [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', null, 'suite'],
      [0x010080, null, 'SSLv20_CK_RC4_128_WITH_MD5', 'suite'],
    ]);
    assert.deepEqual(tables.curves.map((c) => [c.code, c.iana, c.zeek, c.obsolete]), [
      [29, 'x25519', 'x25519', false], [16696, null, 'CECPQ2', false], [25497, 'X25519Kyber768Draft00', null, true],
    ]);
    assert.deepEqual(tables.mozilla.configurations.old.suites.map((s) => s.code), [0x1301, 0xc02f, 0x002f]);
    assert.deepEqual(tables.versions, [{ code: 0x0303, name: 'TLSv12' }]);
  });

  void test('rendered modules carry a header naming source, version and the sha256 of the copy read', () => {
    const { files } = renderTlsTables(INPUTS, { ianaSuites: { copy: 'example@abc:tls-parameters-4.csv', note: 'test copy' } });
    const text = files['cipher-suites.ts'];
    assert.match(text, /^\/\/ Generated by scripts\/gen-tls-tables\.ts/);
    assert.match(text, /IANA TLS Cipher Suites registry \(tls-parameters-4\) <https:\/\/www\.iana\.org\/assignments\/tls-parameters\/tls-parameters-4\.csv>/);
    assert.match(text, /version: the CSV carries no Last-Updated date; newest RFC it cites: RFC 8701; test copy/);
    assert.match(text, /copy read: example@abc:tls-parameters-4\.csv; sha256 [0-9a-f]{64}/);
    assert.match(files['mozilla-tiers.ts'], /guidelines version 5\.8/);
    assert.match(text, /\{ code: 0xC02F, iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"/);
  });

  void test('fails loudly on what it cannot read', () => {
    const bad = (patch: Partial<UpstreamTexts>, msg: RegExp): void => assert.throws(() => renderTlsTables({ ...INPUTS, ...patch }), msg);
    bad({ ianaSuitesCsv: SUITES_CSV.replace('TLS_AES_128_GCM_SHA256,Y,Y', 'TLS_FROB_WITH_WIBBLE_SHA,Y,Y') }, /cannot decompose IANA suite 0x1301/);
    bad({ ianaSuitesCsv: SUITES_CSV.replace('Reserved to avoid conflicts with SSLv3', 'TLS_SOMETHING_NEW') }, /range 0x00,0x1C-1D/);
    bad({ ianaGroupsCsv: GROUPS_CSV.replace('29,x25519', '29,x25520') }, /cannot read group 29/);
    bad({ zeekConsts: ZEEK.replace('i/0xFF == 0x7F', 'i/0xFF == 0x7E') }, /draft naming/);
    bad({ zeekConsts: ZEEK.replace('[TLS_RSA_WITH_AES_128_CBC_SHA] =', '[TLS_NOT_DEFINED] =') }, /unknown constant TLS_NOT_DEFINED/);
    bad({ mozillaJson: MOZILLA.replace('"old"', '"legacy"') }, /lack the "old" configuration/);
    bad({ mozillaJson: MOZILLA.replace('TLS_RSA_WITH_AES_128_CBC_SHA"', 'TLS_NOWHERE"') }, /lists TLS_NOWHERE/);
    bad({ ianaSuitesCsv: SUITES_CSV.replace('Value,', 'Code,') }, /lacks the column "Value"/);
  });

  void test('CSV: CRLF records, quoted line breaks, commas and doubled quotes', () => {
    assert.deepEqual(parseCsv('a,b\r\n"x\ny","p,""q"""\r\n'), [['a', 'b'], ['x\ny', 'p,"q"']]);
    assert.deepEqual(parseCsv('a,b\n1,\n'), [['a', 'b'], ['1', '']]);
    assert.throws(() => parseCsv('a,"b\r\n'), /inside a quoted field/);
  });

  void test('the shipped tables name their sources and versions', () => {
    for (const s of [...CIPHER_SUITES_SOURCES, ...MOZILLA_SOURCES, ...ZEEK_VERSIONS_SOURCES]) {
      assert.match(s.url, /^https:\/\//);
      assert.match(s.sha256, /^[0-9a-f]{64}$/);
      assert.ok(s.copy, `${s.title}: copy not recorded`);
      assert.ok(s.version.length > 10, s.title);
    }
    assert.match(CIPHER_SUITES_SOURCES[0]?.url ?? '', /tls-parameters-4\.csv$/);
    assert.match(ZEEK_VERSIONS_SOURCES[0]?.version ?? '', /Zeek \d+\.\d+/);
    assert.equal(MOZILLA_GUIDELINES_VERSION, '5.8');
    for (const f of ['cipher-suites.ts', 'curves.ts', 'mozilla-tiers.ts', 'zeek-versions.ts']) {
      const head = readFileSync(path.join(repoRoot, 'src', 'tls', 'generated', f), 'utf8').slice(0, 2000);
      assert.match(head, /^\/\/ Generated by scripts\/gen-tls-tables\.ts/, f);
      assert.match(head, /\/\/ {5}version: .+\n\/\/ {5}copy read: .+; sha256 [0-9a-f]{64}/, f);
    }
  });

  const upstream = process.env.DHAI_TLS_UPSTREAM;
  const names = ['tls-parameters-4.csv', 'tls-parameters-8.csv', 'consts.zeek', 'mozilla-guidelines-5.8.json', 'provenance.json'];
  const haveUpstream = upstream !== undefined && names.every((n) => existsSync(path.join(upstream, n)));
  void test('regenerating from the upstream copies reproduces the shipped tables byte for byte', {
    skip: haveUpstream ? false : `set DHAI_TLS_UPSTREAM to a directory holding ${names.join(', ')} (not shipped in the repo)`,
  }, () => {
    const read = (n: string): string => readFileSync(path.join(upstream as string, n), 'utf8');
    const { files } = renderTlsTables(
      { ianaSuitesCsv: read(names[0] as string), ianaGroupsCsv: read(names[1] as string), zeekConsts: read(names[2] as string), mozillaJson: read(names[3] as string) },
      JSON.parse(read('provenance.json')) as Parameters<typeof renderTlsTables>[1],
    );
    for (const [name, text] of Object.entries(files)) {
      assert.equal(readFileSync(path.join(repoRoot, 'src', 'tls', 'generated', name), 'utf8'), text, name);
    }
  });
});
