// The rules of the shareable export without a store: the allow-list (deny by default), k-anonymity suppression,
// device counts turned into shares, the site's own words kept out of names, the leak guard, the schema check
// of a file and the command line's usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSite } from '../../src/config/site.ts';
import type { ReportSection } from '../../src/report/model.ts';
import { shareMethod, shareSection } from '../../src/share/export.ts';
import { leakProblems, publicName, siteWords } from '../../src/share/guard.ts';
import { parseShareExport, shareProblems } from '../../src/share/schema.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { dhai } from './run-cli.ts';

const site = parseSite(`
name: Example General
networks: {internal: [10.20.0.0/16, "fd12:3456::/32"]}
device_classes:
  - {class: medical-device, subnets: [10.20.16.0/20]}
  - {class: icu-north, subnets: [10.20.32.0/20]}
domains: [stmary-health.org]
`);
const words = siteWords(site);

function section(metrics: ReportSection['metrics']): ReportSection {
  return { title: 't', status: 'ok', needs: [], method: [], metrics, tables: { evidence: [{ host: '10.20.1.5' }] } };
}

void test('a figure resting on fewer than k devices is left out and listed, without its device count', () => {
  const s = section({
    inbound_devices: 3,
    inbound_sessions: 900,
    inbound_rate_tls12_plus: { count: 850, share: 850 / 900 },
    outbound_devices: 40,
    outbound_rate_tls12_plus: { count: 90, share: 0.9 },
    outbound_devices_obsolete_at_least_once: { count: 4, share: 0.1 },
    internal_rate_tls12_plus: { count: 5, share: 1 },
  });
  const pops = new Map([['all', 120], ['tls_internal', 4]]);
  const r = shareSection('tls-versions', s, pops, 5, words);
  assert.deepEqual(Object.keys(r.section.metrics).sort(), ['inbound_devices', 'outbound_devices', 'outbound_devices_obsolete_at_least_once', 'outbound_rate_tls12_plus']);
  assert.deepEqual(r.manifest.suppressed.map((x) => x.metric).sort(), ['inbound_rate_tls12_plus', 'inbound_sessions', 'internal_rate_tls12_plus']);
  for (const x of r.manifest.suppressed) {
    assert.equal(x.reason, 'fewer_than_k_devices');
    assert.equal(x.detail, 'rests on fewer than 5 hospital devices');
  }
  // counts of devices become shares: of all hospital devices for a plain count, the count itself withheld
  assert.deepEqual(r.section.metrics.outbound_devices, { share: 40 / 120 });
  assert.deepEqual(r.section.metrics.inbound_devices, { share: 3 / 120 });
  assert.deepEqual(r.section.metrics.outbound_devices_obsolete_at_least_once, { share: 0.1 });
  // counts of sessions stay beside their shares
  assert.deepEqual(r.section.metrics.outbound_rate_tls12_plus, { count: 90, share: 0.9 });
  assert.deepEqual(r.manifest.converted.map((c) => c.metric).sort(), ['inbound_devices', 'outbound_devices']);

  // k = 1: only a figure resting on no device at all is suppressed
  const k1 = shareSection('tls-versions', s, pops, 1, words);
  assert.ok('inbound_rate_tls12_plus' in k1.section.metrics);
  assert.equal(k1.manifest.suppressed.length, 0);
});

void test('deny by default: a metric no rule names is left out and listed; tables are never read', () => {
  const r = shareSection('exposure', section({
    connections: 5000,
    'exposed_services.dicom': 1,
    brand_new_metric: 7,
    exposed_hosts: 2,
  }), new Map([['conn', 80], ['all', 100]]), 5, words);
  assert.deepEqual(Object.keys(r.section.metrics).sort(), ['connections', 'exposed_hosts']);
  assert.deepEqual(r.manifest.left_out.map((l) => [l.metric, l.reason]).sort(), [['brand_new_metric', 'not_on_allow_list'], ['exposed_services.dicom', 'not_on_allow_list']]);
  assert.ok(!JSON.stringify(r).includes('10.20.1.5'), 'a table value reached the export');
  // a section with a device count the rule needs but does not report: suppressed, not guessed
  const noBase = shareSection('exposure', section({ exposed_medical_hosts: { count: 1, share: 0.5 } }), new Map(), 5, words);
  assert.equal(noBase.manifest.suppressed[0]?.reason, 'no_device_base');
});

void test("the site's own class names and words stay out of the export, its manifest included", () => {
  const r = shareSection('dns-categories', section({
    class_medical_device_requests: 400,
    class_icu_north_requests: 50,
    class_icu_north_botnet: { count: 0, share: 0 },
    botnet_family_stmary_health: { count: 2, share: 1 },
    botnet_family_zeus: { count: 2, share: 1 },
    botnet_clients: 1,
  }), new Map([['dns', 50], ['dns_class:medical_device', 12]]), 1, words);
  assert.deepEqual(Object.keys(r.section.metrics).sort(), ['botnet_clients', 'botnet_family_zeus', 'class_medical_device_requests']);
  assert.deepEqual(r.manifest.left_out.map((l) => [l.metric, l.reason, l.count]), [
    ['class_<site class>_requests', 'site_defined_class', 1],
    ['class_<site class>_botnet', 'site_defined_class', 1],
    ['botnet_family_<site name>', 'names_the_site', 1],
  ]);
  assert.ok(!/icu|stmary/.test(JSON.stringify(r)));
  assert.deepEqual(publicName('class_icu_north_whitelisted', words), { name: 'class_<site class>_whitelisted', site: 'class' });
  // a class name that is an ordinary word elsewhere in a metric name is not mistaken for the site's
  assert.equal(publicName('icu_north_sessions', words).site, null);
  // a name that could hold an address is not repeated
  assert.equal(publicName('exposed_10.20.1.5_rdp', words).name, '<withheld>');
  assert.equal(publicName('host_fd12::1', words).name, '<withheld>');
  assert.equal(publicName('day_2018_01_01_requests', words).name, 'day_2018_01_01_requests');
});

void test('the leak guard finds a hospital address in any spelling and the site domain', () => {
  const devices = new Set(['10.20.1.5', 'fd12:3456::1']);
  assert.deepEqual(leakProblems('{"a": 0.5, "t": "2018-01-01T00:00:00.000Z", "x": "8.8.8.8", "d": "day_2018_01_01_requests"}', site, devices), []);
  for (const leak of ['10.20.1.5', '010.020.001.005', '10.20.200.200', 'host-10-20-1-5', 'x_10_20_1_5_y', 'fd12:3456::1', 'FD12:3456:0:0:0:0:0:1', 'fd12:3456:0000:0000:0000:0000:0000:0001', 'portal.stmary-health.org', 'x_stmary_health_org']) {
    assert.ok(leakProblems(`{"name": "${leak}"}`, site, devices).length > 0, leak);
  }
});

void test('the method notes are fixed text naming k', () => {
  assert.ok(shareMethod(7).some((m) => m.includes('fewer than 7 hospital devices')));
  assert.ok(shareMethod(7).every((m) => !/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/.test(m)));
});

void test('a file that is not a valid export is refused with one line naming it', () => {
  const ok = {
    format: 'dhai-share-export', schema_version: 1, dhai_version: '0.1.0', generated_at: '2026-01-01T00:00:00.000Z',
    window: { from: null, to: null }, k: 5, feeds: [], method: [], sections: { 'tls-versions': { status: 'ok', metrics: { outbound_sessions: 3 } } },
    manifest: { suppressed: [], left_out: [], converted: [], renamed_feeds: 0 },
  };
  assert.deepEqual(shareProblems(ok), []);
  for (const [text, pattern] of [
    ['{', /not valid JSON/],
    ['[]', /not a dhai shareable export/],
    [JSON.stringify({ ...ok, format: 'x' }), /not a dhai shareable export/],
    [JSON.stringify({ ...ok, k: 0 }), /\/k must be >= 1/],
    [JSON.stringify({ ...ok, sections: { 'tls-versions': { status: 'ok', metrics: { a: { share: 2 } } } } }), /\/sections\/tls-versions\/metrics\/a/],
    [JSON.stringify({ ...ok, tables: {} }), /additional properties \(tables\)/],
  ] as const) {
    assert.throws(() => parseShareExport(text, 'h<1>.json'), (e: Error) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes('\n') && e.message.startsWith('h<1>.json: '), text);
  }
});

void test('dhai export: usage errors exit 2 with one line', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'none.duckdb');
  const out = path.join(dir, 'x.json');
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'networks: {internal: [not-a-net]}\n');
  for (const args of [
    ['--db', db, '--out', out],
    ['--share', '--db', db, '--out', out, '--k', '0'],
    ['--share', '--db', db, '--out', out, '--k', 'five'],
    ['--share', '--db', db, '--out', out, '--from', '2018-02-30'],
    ['--share', '--db', db, '--out', out, '--site', bad],
    ['--share', '--db', db, '--out', out],
    ['--share', '--out', out],
  ]) {
    const r = await dhai('export', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /^(dhai: |error: ).+\n$/, args.join(' '));
  }
});
