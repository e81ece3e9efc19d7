// Analysis A on small logs written here (dns-scenario.ts): exact counts per category, rule, family, class and
// day; the evidence handed to the hospital; resolver bypass, encrypted DNS, tunnelling; two sensors; the
// window; what happens without feeds; and the hash-collision check of the two passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CountShare, Row, SectionResult } from '../../src/analyses/types.ts';
import { dnsCategories } from '../../src/analyses/dns-categories.ts';
import { renderChart } from '../../src/report/charts.ts';
import { openStore } from '../../src/store/store.ts';
import { DAY, dns, dnsStore, runDns, siteOf, T0 } from './dns-logs.ts';
import { EXPECTED, FEEDS, SENSORS, SITE_YAML } from './dns-scenario.ts';

let cached: Promise<string> | undefined;
const db = () => (cached ??= dnsStore(SENSORS, FEEDS));
let result: Promise<SectionResult> | undefined;
const main = async () => (result ??= runDns(await db(), siteOf(SITE_YAML)));

const cs = (count: number, of: number): CountShare => ({ count, share: of > 0 ? count / of : null });
const iso = (t: number) => new Date((T0 + t) * 1000).toISOString().replace('.000Z', '.000000Z');

test('every request falls into exactly one category, in the spec\'s order of priority', async () => {
  const r = await main();
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.needs, []);
  const m = r.metrics;
  assert.equal(m.requests_total, EXPECTED.total, 'the connection both sensors saw counts once, with both its requests');
  for (const [cat, n] of Object.entries(EXPECTED.requests)) assert.deepEqual(m[`requests_${cat}`], cs(n, EXPECTED.total), cat);
  assert.equal(m.names_total, EXPECTED.namesTotal);
  for (const [cat, n] of Object.entries(EXPECTED.names)) assert.deepEqual(m[`names_${cat}`], cs(n, EXPECTED.namesTotal), `names ${cat}`);
  const self = EXPECTED.requests.self_associated;
  assert.deepEqual(m.self_associated_rule_a_site_domain, cs(EXPECTED.rules.a, self));
  assert.deepEqual(m.self_associated_rule_b_internal_answer, cs(EXPECTED.rules.b, self));
  assert.deepEqual(m.self_associated_rule_c_internal_name, cs(EXPECTED.rules.c, self));
  assert.deepEqual(m.self_associated_rule_d_hospital_certificate, cs(EXPECTED.rules.d, self));
  assert.equal(m.botnet_clients, 2);
  assert.equal(m.blacklisted_clients, 2);
  assert.deepEqual(m.botnet_family_dridex, cs(2, 5));
  assert.deepEqual(m.botnet_family_emotet, cs(1, 5), 'R40: the first listed answer decides the family');
  assert.deepEqual(m.botnet_family_zeus, cs(2, 5));
  assert.equal(m.whitelist_top_n, 3);
});

test('per device class and per day', async () => {
  const m = (await main()).metrics;
  assert.equal(m.class_medical_device_requests, 2);
  assert.deepEqual(m.class_medical_device_botnet, cs(2, 2));
  assert.equal(m.class_medical_supporting_requests, 340);
  const ms = { botnet: 3, blacklisted: 3, self_associated: 12, whitelisted: 27, uncategorised: 295 };
  for (const [cat, n] of Object.entries(ms)) assert.deepEqual(m[`class_medical_supporting_${cat}`], cs(n, 340), cat);
  assert.deepEqual(m.class_server_uncategorised, cs(1, 1), 'the resolver forwarding');
  assert.deepEqual(m.class_guest_whitelisted, cs(1, 1));
  const days = (await main()).tables.by_day!;
  assert.deepEqual(days.map((d) => [d.day, d.requests]), [['2018-01-01', 95], ['2018-01-02', 199], ['2018-01-03', 50]]);
  assert.deepEqual([days[0]!.whitelisted, days[0]!.botnet, days[0]!.blacklisted, days[0]!.self_associated, days[0]!.uncategorised], [28, 5, 3, 12, 47]);
  // the tunnelling sweeps of days 2 and 3 are names of their own (199 and 50): the rest of the window's names are day 1's
  assert.deepEqual(days.map((d) => d.names), [EXPECTED.namesTotal - 249, 199, 50]);
  assert.deepEqual([days[0]!.botnet_names, days[0]!.blacklisted_names, days[0]!.self_associated_names, days[0]!.whitelisted_names, days[0]!.uncategorised_names],
    [5, 3, 10, 5, 292 - 249]);
  assert.deepEqual(m.day_2018_01_03_uncategorised_names, cs(50, 50));
  assert.deepEqual([m.class_medical_device_names_total, m.class_medical_device_botnet_names], [2, cs(2, 2)]);
  assert.deepEqual([m.class_server_names_total, m.class_server_uncategorised_names], [1, cs(1, 1)]);
});

test('distinct names per class and per day: once per slice, in the category of the slice\'s own requests', async () => {
  const db = await dnsStore({
    a: {
      dns: [
        dns({ client: '10.10.0.7', query: 'cdn.unknown-site.com', answers: ['198.51.100.66'], t: 5 }), // botnet by its answer
        dns({ client: '10.20.0.9', query: 'cdn.unknown-site.com', answers: ['192.0.2.50'], t: DAY + 5 }), // the same name, uncategorised
        dns({ client: '10.20.0.9', query: 'www.google.com', answers: ['142.250.0.1'], t: 6 }),
        dns({ client: '10.20.0.5', query: 'WWW.Google.com.', answers: ['142.250.0.1'], t: DAY + 6 }), // the same name normalised
        dns({ client: '10.20.0.9', query: 'nas.local', t: 7 }),
      ],
    },
  }, FEEDS);
  const r = await runDns(db, siteOf(SITE_YAML));
  const m = r.metrics;
  assert.deepEqual([m.names_total, m.names_botnet], [3, cs(1, 3)], 'the window: cdn.unknown-site.com is botnet');
  assert.deepEqual([m.class_medical_device_names_total, m.class_medical_device_botnet_names], [1, cs(1, 1)]);
  assert.equal(m.class_medical_supporting_names_total, 3);
  const ms = { botnet: 0, blacklisted: 0, self_associated: 1, whitelisted: 1, uncategorised: 1 };
  for (const [cat, n] of Object.entries(ms)) assert.deepEqual(m[`class_medical_supporting_${cat}_names`], cs(n, 3), `medical-supporting ${cat}`);
  assert.deepEqual([m.class_guest_names_total, m.class_guest_whitelisted_names], [0, cs(0, 0)], 'a class without requests is reported');
  assert.deepEqual([m.day_2018_01_01_requests, m.day_2018_01_01_names_total, m.day_2018_01_01_botnet_names, m.day_2018_01_01_whitelisted], [3, 3, cs(1, 3), cs(1, 3)]);
  assert.deepEqual([m.day_2018_01_02_requests, m.day_2018_01_02_names_total, m.day_2018_01_02_botnet_names, m.day_2018_01_02_uncategorised_names], [2, 2, cs(0, 2), cs(1, 2)]);
  const row = r.tables.by_class!.find((c) => c.class === 'medical-supporting')!;
  assert.deepEqual([row.requests, row.names, row.uncategorised_names, row.uncategorised_names_share], [4, 3, 1, 1 / 3]);
  assert.deepEqual(r.tables.by_day!.map((d) => [d.day, d.requests, d.names, d.botnet_names, d.whitelisted_names]), [['2018-01-01', 3, 3, 1, 1], ['2018-01-02', 2, 2, 0, 1]]);
});

test('the evidence for botnet and blacklisted requests: client, name, answers, first and last seen, listing, feed and its date', async () => {
  const ev = (await main()).tables.evidence!;
  const pick = (r: Row) => [r.category, r.client, r.class, r.name, r.rule, r.matched, r.family, r.feed, r.feed_date];
  assert.deepEqual(ev.map(pick), [
    ['botnet', '10.10.0.7', 'medical-device', 'api.evil-c2.net', 'name', 'evil-c2.net', 'ZeuS', 'threatfox-test', '2017-12-30T08:00:00Z'],
    ['botnet', '10.10.0.7', 'medical-device', 'cdn.unknown-site.com', 'answer', '198.51.100.66', 'Dridex', 'feodo-test', '2017-12-31T12:00:00Z'],
    ['botnet', '10.20.0.9', 'medical-supporting', 'evil-c2.net', 'name', 'evil-c2.net', 'ZeuS', 'threatfox-test', '2017-12-30T08:00:00Z'],
    ['botnet', '10.20.0.9', 'medical-supporting', 'multi.unknown-site.com', 'answer', '198.51.100.67', 'Emotet', 'feodo-test', '2017-12-31T12:00:00Z'],
    ['botnet', '10.20.0.9', 'medical-supporting', 'y.bad.example.com', 'answer', '198.51.100.66', 'Dridex', 'feodo-test', '2017-12-31T12:00:00Z'],
    ['blacklisted', '10.20.0.8', 'medical-supporting', 'shared-host.example', 'url-host', 'shared-host.example', null, 'urlhaus-test', '2017-12-28T00:00:00Z'],
    ['blacklisted', '10.20.0.8', 'medical-supporting', 'x.bad.example.com', 'name', 'bad.example.com', null, 'blocklist-test', ev[6]!.feed_date],
    ['blacklisted', '10.20.0.9', 'medical-supporting', 'compromised.hospital-example.org', 'name', 'compromised.hospital-example.org', null, 'blocklist-test', ev[6]!.feed_date],
  ]);
  const first = ev[0]!;
  assert.deepEqual([first.answers, first.requests, first.first_seen, first.last_seen], [['203.0.113.9'], 1, iso(5), iso(5)]);
  // the botnet name's later request with a harmless answer is not botnet evidence
  assert.equal(ev[1]!.requests, 1);
});

test('findings: botnet and blacklisted clients, resolver bypass (not guests), tunnelling (not popular domains), with DREAD', async () => {
  const r = await main();
  assert.deepEqual(r.findings.map((f) => f.id).sort(), [
    'dns-categories/blacklisted-dns-lookup/10.20.0.8',
    'dns-categories/blacklisted-dns-lookup/10.20.0.9',
    'dns-categories/botnet-dns-lookup/10.10.0.7',
    'dns-categories/botnet-dns-lookup/10.20.0.9',
    'dns-categories/dns-tunnelling/cdn-sweep.net',
    'dns-categories/dns-tunnelling/exfil.org',
    'dns-categories/dns-tunnelling/tunnel-example.net',
    'dns-categories/resolver-bypass/10.20.0.12',
  ]);
  const botnet = r.findings.find((f) => f.id === 'dns-categories/botnet-dns-lookup/10.10.0.7')!;
  assert.equal(botnet.evidence.length, 2);
  assert.deepEqual(botnet.dread, { damage: 9, reproducibility: 8, exploitability: 8, affected_users: 6, discoverability: 6, score: 7.4 });
  assert.equal(botnet.severity, 'high');
  const bypass = r.tables.resolver_bypass!.map((x) => [x.client, x.class, x.resolver, x.resolver_inside, x.requests]);
  assert.deepEqual(bypass, [['10.20.0.12', 'medical-supporting', '8.8.8.8', false, 2], ['10.20.0.13', 'medical-supporting', '10.30.0.99', true, 1], ['10.99.0.5', 'guest', '1.1.1.1', false, 1]]);
  assert.equal(r.metrics.resolver_bypass_clients, 2);
  assert.deepEqual(r.metrics.resolver_bypass_requests, cs(3, EXPECTED.total));
});

test('tunnelling indicators: per-day subdomains, long labels, heavy TXT; popular and site domains raise no finding', async () => {
  const r = await main();
  const rows = r.tables.tunnelling!.map((t) => [t.domain, t.many_subdomains, t.long_labels, t.heavy_txt, t.whitelisted, t.subdomains, t.max_subdomains_per_day, t.requests, t.txt_requests]);
  assert.deepEqual(rows, [
    ['cdn-sweep.net', true, false, false, false, 100, 100, 100, 0],
    ['google.com', false, false, true, true, 2, 2, 26, 20],
    ['tunnel-example.net', false, false, true, false, 25, 25, 25, 25],
    ['exfil.org', false, true, false, false, 10, 10, 10, 0],
  ], 'near-miss.net has 149 names in the window but at most 99 a day');
  assert.equal(r.tables.tunnelling!.find((t) => t.domain === 'exfil.org')!.longest_label, 52);
  assert.deepEqual(r.tables.tunnelling_clients!.filter((c) => c.domain === 'cdn-sweep.net').map((c) => [c.client, c.requests]), [['10.20.0.21', 100]]);
  assert.equal(r.metrics.tunnelling_suspicious_domains, 3);
});

test('encrypted DNS: DoT on 853, DoH by server name, DoH resolvers looked up; a proxy\'s certificates stay out of rule (d)', async () => {
  const r = await main();
  const enc = r.tables.encrypted_dns!.map((e) => [e.client, e.method, e.server, e.operator, e.count]);
  assert.deepEqual(enc, [
    ['10.20.0.15', 'DoT (TCP 853)', '9.9.9.9', null, 1],
    ['10.20.0.16', 'DoH (TLS server name)', 'dns.google', 'Google', 1],
    ['10.20.0.16', 'DoH (TLS server name)', 'mozilla.cloudflare-dns.com', 'Cloudflare', 1],
    ['10.20.0.16', 'DoH resolver name looked up', 'dns.google', 'Google', 1],
  ]);
  assert.deepEqual([r.metrics.dot_clients, r.metrics.doh_clients, r.metrics.doh_lookup_clients], [1, 1, 1]);
  assert.deepEqual(r.tables.rule_d_proxies!.map((p) => [p.responder, p.registrable_domains]), [['10.30.0.80', 11]]);
  assert.ok(r.method.some((m) => m.includes('intranet.hospital-two.org is not a registrable domain')));
});

test('charts render: categories, per class, per day', async () => {
  const r = await main();
  assert.deepEqual(r.charts.map((c) => c.id), ['dns-categories', 'dns-categories-by-class', 'dns-categories-by-day']);
  for (const c of r.charts) assert.ok(renderChart(c).svg, `${c.id} renders`);
  const series = r.charts[0]!.option.series as { data: number[] }[];
  assert.deepEqual(series[0]!.data, [1.4535, 0.8721, 3.4884, 8.1395, 86.0465], 'percent of requests, botnet first');
});

test('the report window cuts by request time', async () => {
  const r = await runDns(await db(), siteOf(SITE_YAML), { from: new Date((T0 + 86400) * 1000) });
  assert.equal(r.metrics.requests_total, 249);
  assert.deepEqual(r.metrics.requests_uncategorised, cs(249, 249));
});

test('without a top list there is no whitelisted share, and the section says what it needs', async () => {
  const bare = await dnsStore({ a: { dns: [dns({ client: '10.20.0.1', query: 'www.google.com', answers: ['142.250.0.1'] }), dns({ client: '10.20.0.1', query: 'nas.local' })] } });
  const r = await runDns(bare, siteOf(SITE_YAML));
  assert.equal(r.status, 'ok');
  assert.equal(r.metrics.requests_total, 2);
  for (const k of ['requests_whitelisted', 'names_whitelisted', 'class_medical_supporting_whitelisted', 'requests_botnet', 'requests_blacklisted', 'botnet_clients']) {
    assert.equal(r.metrics[k], undefined, k);
  }
  assert.deepEqual(r.metrics.requests_uncategorised, cs(1, 2));
  assert.ok(r.needs.some((n) => n.includes('top list')));
  assert.ok(r.method.some((m) => m.startsWith('No top list is loaded')));
  assert.deepEqual((r.charts[0]!.option.xAxis as { data: string[] }).data, ['self-associated', 'uncategorised']);
  // a top list the site names but the store lacks
  const named = await runDns(await db(), siteOf(`${SITE_YAML.replace('dns: {top_n: 3}', 'dns: {top_n: 3, top_list: tranco-missing}')}`));
  assert.equal(named.metrics.requests_whitelisted, undefined);
  assert.ok(named.needs.some((n) => n.includes('tranco-missing')));
  assert.deepEqual(named.metrics.requests_botnet, cs(EXPECTED.requests.botnet, EXPECTED.total));
});

test('DuckDB\'s insertion-order setting, turned off during the section, is put back', async () => {
  const store = await openStore(await db(), { readOnly: true });
  try {
    const setting = async () => (await store.conn.runAndReadAll(`SELECT current_setting('preserve_insertion_order')`)).getRows()[0]![0];
    assert.equal(await setting(), true);
    const r = await dnsCategories.run({ conn: store.conn, site: siteOf(SITE_YAML), window: {} });
    assert.equal(r.metrics.requests_total, EXPECTED.total);
    assert.equal(await setting(), true);
  } finally {
    await store.close();
  }
});

test('a store without dns rows in the window is not available', async () => {
  const r = await runDns(await db(), siteOf(SITE_YAML), { from: new Date('2019-01-01T00:00:00Z') });
  assert.equal(r.status, 'not_available');
  assert.deepEqual(r.needs, ['dns.log rows inside the report window']);
});
