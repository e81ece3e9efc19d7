// Peer countries from a MaxMind DB (src/geoip): look-ups of known addresses, the one-line errors for a missing,
// damaged or country-less file, the exposure tables and method note with and without a database, the site's
// relative path, and `dhai report --geoip` through the CLI's code, in-process (exit 2 on a bad file).
//
// The test database is written by g-mmdb.ts. Its records are MaxMind's own test data: networks and country
// records from `source-data/GeoLite2-Country-Test.json` of github.com/maxmind/MaxMind-DB (the source of
// MaxMind's published GeoLite2-Country-Test.mmdb), names kept in English only. One record is ours and says so:
// 203.0.113.0/24 (TEST-NET-3) with only a registered country, for the fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Reader } from 'mmdb-lib';
import { exposure } from '../../src/analyses/exposure.ts';
import type { Row } from '../../src/analyses/types.ts';
import { main } from '../../src/cli/main.ts';
import { loadSite } from '../../src/config/site.ts';
import { geoIpFile, openGeoIp, withGeoIp } from '../../src/geoip/geoip.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { SITE_YAML, conn, site, storeOf, withStore } from './g-logs.ts';
import { writeMmdb, type Value } from './g-mmdb.ts';

const country = (iso: string, geonameId: number, en: string) => ({ geoname_id: geonameId, iso_code: iso, names: { en } });
const EU = { code: 'EU', geoname_id: 6255148, names: { en: 'Europe' } };
const GB = country('GB', 2635167, 'United Kingdom');
const US = country('US', 6252001, 'United States');

// from MaxMind's GeoLite2-Country-Test.json
const RECORDS: [string, Value][] = [
  ['2.125.160.216/29', { continent: EU, country: GB, registered_country: country('FR', 3017382, 'France') }],
  ['67.43.156.0/24', { continent: { code: 'AS', geoname_id: 6255147, names: { en: 'Asia' } }, country: country('BT', 1252634, 'Bhutan'), registered_country: country('RO', 798549, 'Romania'), traits: { is_anonymous_proxy: true } }],
  ['81.2.69.160/27', { continent: EU, country: GB, registered_country: US }],
  ['89.160.20.112/28', { continent: EU, country: country('SE', 2661886, 'Sweden'), registered_country: country('DE', 2921044, 'Germany') }],
  ['216.160.83.56/29', { continent: { code: 'NA', geoname_id: 6255149, names: { en: 'North America' } }, country: US, registered_country: US }],
  ['2001:218::/32', { continent: { code: 'AS', geoname_id: 6255147, names: { en: 'Asia' } }, country: country('JP', 1861060, 'Japan'), registered_country: country('JP', 1861060, 'Japan') }],
  // ours: no located country, only the registered one
  ['203.0.113.0/24', { registered_country: country('AU', 2077456, 'Australia') }],
];
const BUILT = Date.UTC(2024, 4, 14, 12) / 1000;

let dbFile: string | undefined;
/** The test database, written once. */
function countryDb(): string {
  if (!dbFile) {
    dbFile = path.join(tmpDir('dhai-geoip-'), 'GeoLite2-Country-Test.mmdb');
    writeFileSync(dbFile, writeMmdb(RECORDS, { databaseType: 'GeoLite2-Country', buildEpoch: BUILT }));
  }
  return dbFile;
}

void test('the written database reads back with mmdb-lib: metadata and MaxMind\'s records', () => {
  const r = new Reader<Record<string, { iso_code?: string }>>(readFileSync(countryDb()));
  assert.equal(r.metadata.databaseType, 'GeoLite2-Country');
  assert.equal(r.metadata.ipVersion, 6);
  assert.equal(r.metadata.binaryFormatMajorVersion, 2);
  assert.equal(r.metadata.buildEpoch.getTime(), BUILT * 1000);
  assert.equal(r.get('89.160.20.120')?.registered_country?.iso_code, 'DE');
  const [, prefix] = r.getWithPrefixLength('81.2.69.170');
  assert.equal(prefix, 27, 'the network as written');
});

void test('countries of known addresses; uncovered and private ones have none', () => {
  const g = openGeoIp(countryDb());
  assert.equal(g.type, 'GeoLite2-Country');
  assert.equal(g.built, '2024-05-14');
  const expected: Record<string, string | null> = {
    '81.2.69.160': 'GB', '81.2.69.191': 'GB', '2.125.160.217': 'GB', '89.160.20.112': 'SE', '216.160.83.56': 'US', '216.160.83.63': 'US',
    '67.43.156.7': 'BT', '2001:218::1': 'JP', '2001:218:ffff::9': 'JP',
    // the registered country when the database does not locate the address
    '203.0.113.9': 'AU',
    '81.2.69.159': null, '216.160.83.64': null, '8.8.8.8': null, '10.20.0.5': null, '2001:219::1': null, '::1': null, 'not an address': null,
  };
  assert.deepEqual(Object.fromEntries(Object.keys(expected).map((ip) => [ip, g.country(ip)])), expected);
  assert.equal(openGeoIp(countryDb()), g, 'opened once per file version');
});

void test('a missing, foreign, damaged or country-less file is a one-line usage error naming it', () => {
  const dir = tmpDir('dhai-geoip-bad-');
  const text = path.join(dir, 'notes.mmdb');
  writeFileSync(text, 'GeoLite2-Country\n');
  const asn = path.join(dir, 'GeoLite2-ASN-Test.mmdb');
  writeFileSync(asn, writeMmdb([['1.128.0.0/11', { autonomous_system_number: 1221, autonomous_system_organization: 'Telstra Pty Ltd' }]], { databaseType: 'GeoLite2-ASN', buildEpoch: BUILT }));
  const damaged = path.join(dir, 'damaged.mmdb');
  const good = readFileSync(countryDb());
  // the search tree's first node now points far outside the file
  writeFileSync(damaged, Buffer.concat([Buffer.from([0xff, 0xff, 0xf0, 0xff, 0xff, 0xf0]), good.subarray(6)]));
  const cases: [string, RegExp][] = [
    [path.join(dir, 'absent.mmdb'), /absent\.mmdb: no such file$/],
    [dir, /: not a file$/],
    [text, /notes\.mmdb: not a MaxMind DB \(\.mmdb\) file/],
    [asn, /a GeoLite2-ASN database holds no countries/],
    [damaged, /damaged\.mmdb: the database is damaged/],
  ];
  for (const [file, re] of cases) {
    assert.throws(() => openGeoIp(file), (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'), file);
  }
});

void test('the site names the database relative to its own file; --geoip overrides it', () => {
  const dir = tmpDir('dhai-geoip-site-');
  mkdirSync(path.join(dir, 'geo'));
  writeFileSync(path.join(dir, 'geo', 'c.mmdb'), readFileSync(countryDb()));
  writeFileSync(path.join(dir, 'site.yaml'), `${SITE_YAML}geoip: {database: geo/c.mmdb}\n`);
  const s = loadSite(path.join(dir, 'site.yaml'));
  assert.equal(geoIpFile(s), path.join(dir, 'geo', 'c.mmdb'));
  assert.equal(withGeoIp(s, undefined), s);
  assert.equal(geoIpFile(withGeoIp(s, countryDb())!), countryDb());
  assert.equal(geoIpFile(withGeoIp(undefined, countryDb())!), countryDb());
  assert.equal(withGeoIp(undefined, undefined), undefined);
  assert.throws(() => withGeoIp(s, path.join(dir, 'nope.mmdb')), UsageError);
  // the site's own setting is checked as well
  writeFileSync(path.join(dir, 'bad.yaml'), `${SITE_YAML}geoip: {database: geo/missing.mmdb}\n`);
  assert.throws(() => withGeoIp(loadSite(path.join(dir, 'bad.yaml')), undefined), /GeoIP database .*geo\/missing\.mmdb: no such file/);
});

const ok = (uid: string, orig: string, resp: string, port: number) => conn({ uid, orig, resp, port, state: 'SF', history: 'ShADadFf' });
const probe = (uid: string, orig: string, resp: string, port: number) => conn({ uid, orig, resp, port, state: 'S0', history: 'S' });

const CONN = [
  ok('CG1', '81.2.69.161', '10.20.0.5', 104),
  ok('CG2', '81.2.69.162', '10.20.0.5', 104),
  ok('CG3', '216.160.83.57', '10.20.0.5', 104),
  ok('CG4', '2001:218::5', '10.20.0.5', 104),
  ok('CG5', '8.8.8.8', '10.20.0.5', 104),
  probe('CG6', '89.160.20.113', '10.20.0.5', 104),
  ok('CG7', '216.160.83.58', '10.30.0.12', 3389),
  ok('CG8', '216.160.83.58', '10.30.0.12', 3389),
  ok('CG9', '67.43.156.7', '10.30.0.12', 3389),
  probe('CG10', '89.160.20.114', '10.30.0.13', 445),
  probe('CG11', '203.0.113.9', '10.30.0.13', 445),
];

let store: Promise<string> | undefined;
const db = () => (store ??= storeOf({ a: { conn: CONN } }));
const byService = (rows: Row[]) => Object.fromEntries(rows.map((r) => [`${String(r.host)}:${String(r.port)}`, r.peer_countries]));

void test('exposed and probed services list their peers\' countries; the countries table and note', async () => {
  const r = await withStore(await db(), site(`geoip: {database: ${JSON.stringify(countryDb())}}\n`), (ctx) => exposure.run(ctx));
  assert.deepEqual(byService(r.tables.exposed_services!), {
    '10.20.0.5:104': ['GB (2)', 'JP (1)', 'US (1)', 'unknown (1)'],
    '10.30.0.12:3389': ['BT (1)', 'US (1)'],
  });
  assert.deepEqual(byService(r.tables.probed_services!), { '10.20.0.5:104': ['SE (1)'], '10.30.0.13:445': ['AU (1)', 'SE (1)'] });
  assert.deepEqual(r.tables.peer_countries, [
    { country: 'US', services: 2, peers: 2, sessions: 3 },
    { country: 'GB', services: 1, peers: 2, sessions: 2 },
    { country: 'BT', services: 1, peers: 1, sessions: 1 },
    { country: 'JP', services: 1, peers: 1, sessions: 1 },
    { country: 'unknown', services: 1, peers: 1, sessions: 1 },
  ]);
  assert.equal(r.metrics.exposed_peer_countries, 4);
  assert.ok(r.method.some((m) => m.startsWith('Peer countries from GeoLite2-Country built 2024-05-14 (GeoLite2-Country-Test.mmdb')), r.method.join('\n'));
});

void test('without a database: no country column, and the note says how to give one', async () => {
  const r = await withStore(await db(), site(), (ctx) => exposure.run(ctx));
  assert.ok(r.tables.exposed_services!.every((x) => !('peer_countries' in x)));
  assert.equal(r.tables.peer_countries, undefined);
  assert.equal(r.metrics.exposed_peer_countries, undefined);
  assert.ok(r.method.some((m) => m.startsWith('Peer countries are not reported: no GeoIP database was given (dhai report --geoip FILE')));
});

/** `dhai ...` in-process: the exit code and what went to stderr (stdout is dropped). */
async function dhai(...args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const [o, e] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  // only text is the command's: the test runner reports through the same streams in binary chunks
  process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => (typeof s === 'string' ? true : o(s, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array, ...rest: never[]) => (typeof s === 'string' ? ((err += s), true) : e(s, ...rest))) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'dhai', ...args]), err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

void test('dhai report --geoip: countries in report.json; a bad file exits 2 with one line', async () => {
  const dir = tmpDir('dhai-geoip-cli-');
  const siteFile = path.join(dir, 'site.yaml');
  writeFileSync(siteFile, SITE_YAML);
  const base = ['report', '--db', await db(), '--site', siteFile];
  const bad = await dhai(...base, '--out', path.join(dir, 'bad'), '--geoip', path.join(dir, 'missing.mmdb'));
  assert.equal(bad.code, 2, bad.err);
  assert.match(bad.err, /^dhai: GeoIP database .*missing\.mmdb: no such file\n$/);
  const good = await dhai(...base, '--out', path.join(dir, 'good'), '--geoip', countryDb());
  assert.equal(good.code, 0, good.err);
  const report = JSON.parse(readFileSync(path.join(dir, 'good', 'report.json'), 'utf8')) as { sections: Record<string, { tables: Record<string, Row[]> }> };
  assert.deepEqual(byService(report.sections.exposure!.tables.exposed_services!)['10.30.0.12:3389'], ['BT (1)', 'US (1)']);
});
