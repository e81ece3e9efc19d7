// Formats without a fixture in ../shared, tested on lines written from each source's published format
// documentation or from stored copies of the real files; the document is named above each test.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { detectFormat, parseFeed, type FormatName } from '../../src/intel/formats.ts';
import { splitLines } from '../../src/intel/text.ts';
import type { DomainEntry, FeedKind, IpEntry, ParseResult } from '../../src/intel/types.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (text: string, kind: FeedKind, format?: FormatName): ParseResult => parseFeed(enc(text), { kind, format });
const domains = (r: ParseResult) => (r.entries as DomainEntry[]).map((e) => e.domain);

void describe('top lists', () => {
  // Majestic Million: header and rows as in a stored copy of majestic_million.csv
  // (github.com/drakelover911/Phishing-analyzer @78a824017aac, lines 1-3 and 115; line 115 really has
  // an empty label in the Domain column).
  const majestic = [
    'GlobalRank,TldRank,Domain,TLD,RefSubNets,RefIPs,IDN_Domain,IDN_TLD,PrevGlobalRank,PrevTldRank,PrevRefSubNets,PrevRefIPs',
    '1,1,google.com,com,501331,2221793,google.com,com,1,1,500101,2219952',
    '2,2,facebook.com,com,481419,2265182,facebook.com,com,2,2,480466,2263668',
    '114,75,.com,com,64067,147623,weebly.com,com,114,75,64166,147674',
  ].join('\n');

  void test('Majestic: rank from GlobalRank, domain from Domain, malformed line reported', () => {
    const r = parse(majestic, 'toplist');
    assert.equal(r.format, 'majestic-csv');
    assert.deepEqual((r.entries as DomainEntry[]).map((e) => [e.rank, e.domain]), [[1, 'google.com'], [2, 'facebook.com']]);
    assert.equal(r.rejectedCount, 1);
    assert.deepEqual(r.rejected[0], { line: 4, reason: 'empty label', text: '114,75,.com,com,64067,147623,weebly.com,com,114,75,64166,147674' });
  });

  // Cisco Umbrella top-1m.csv: `rank,domain`, no header; it ranks bare TLDs too
  // (head of top1m-2017-01-19-umbrella.csv in gist.github.com/sdstrowes/f75bc77581702bfad9467cb311c428a2).
  void test('Umbrella: bare TLD rows are ignored, not rejected', () => {
    const r = parse('1,com\r\n2,net\r\n3,google.com\r\n4,org\r\n5,microsoft.com\r\n7,www.google.com\r\n', 'toplist');
    assert.equal(r.format, 'rank-csv');
    assert.deepEqual(domains(r), ['google.com', 'microsoft.com', 'www.google.com']);
    assert.equal((r.entries[2] as DomainEntry).registrable, 'google.com');
    assert.equal(r.ignoredCount, 3);
    assert.equal(r.rejectedCount, 0);
  });

  void test('rank,domain with a header, BOM, CRLF, comments, blank lines; malformed rows with line numbers', () => {
    const text = '\uFEFFrank,domain\r\n# comment\r\n\r\n1,Example.COM.\r\nx,bad.example\r\n3,exa mple.com\r\n4\r\n5,bücher.example\r\n';
    const r = parse(text, 'toplist');
    assert.deepEqual(domains(r), ['example.com', 'xn--bcher-kva.example']);
    assert.deepEqual(
      r.rejected.map((x) => [x.line, x.reason]),
      [[5, 'rank is not a positive integer'], [6, 'invalid character in name'], [7, 'expected at least 2 fields, found 1']],
    );
  });

  void test('gzip and single-file zip are unpacked (Umbrella ships top-1m.csv.zip)', () => {
    const csv = '1,google.com\n2,example.org\n';
    assert.deepEqual(domains(parseFeed(gzipSync(csv), { kind: 'toplist' })), ['google.com', 'example.org']);
    assert.deepEqual(domains(parseFeed(zipSync({ 'top-1m.csv': enc(csv) }), { kind: 'toplist' })), ['google.com', 'example.org']);
    assert.throws(() => parseFeed(zipSync({ 'a.csv': enc(csv), 'b.csv': enc(csv) }), { kind: 'toplist' }), /2 data files/);
  });
});

void describe('Spamhaus DROP', () => {
  // drop.txt as quoted in certtools/intelmq-feeds-documentation, Spamhaus/Dont_Route_Or_Peer_Lists.md
  const dropTxt = [
    '; Spamhaus DROP List 2016/08/30 - (c) 2016 The Spamhaus Project',
    '; https://www.spamhaus.org/drop/drop.txt',
    '; Last-Modified: Tue, 30 Aug 2016 05:17:00 GMT',
    '; Expires: Tue, 30 Aug 2016 09:03:35 GMT',
    '1.4.0.0/17 ; SBL256893',
    '1.10.16.0/20 ; SBL256894',
    '1.32.128.0/18 ; SBL286275',
  ].join('\n');

  void test('text form: CIDR, SBL reference, Last-Modified as feed date', () => {
    const r = parse(dropTxt, 'blocklist');
    assert.equal(r.format, 'spamhaus-drop');
    const ips = r.entries as IpEntry[];
    assert.deepEqual(ips.map((e) => [e.network, e.detail]), [['1.4.0.0/17', 'SBL256893'], ['1.10.16.0/20', 'SBL256894'], ['1.32.128.0/18', 'SBL286275']]);
    // 1.4.0.0/17 spans 1.4.0.0 – 1.4.127.255
    assert.deepEqual([ips[0]!.lo, ips[0]!.hi], [0x01040000n, 0x01047fffn]);
    assert.equal(r.feedDate, '2016-08-30T05:17:00Z');
  });

  // drop_v4.json: first lines and metadata footer of a stored copy
  // (github.com/onezero1010101/spamhaus_drop @029981b31722, drop_v4.json).
  const jsonLines = [
    '{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}',
    '{"cidr":"1.19.0.0/16","sblid":"SBL434604","rir":"apnic"}',
    '{"cidr":"1.32.128.0/18","sblid":"SBL286275","rir":"apnic"}',
  ];
  const footer = (records: number) =>
    `{"type":"metadata","timestamp":1741743474,"size":82716,"records":${records},"copyright":"(c) 2025 The Spamhaus Project SLU","terms":"https://www.spamhaus.org/drop/terms/"}`;

  void test('JSON lines: records, metadata date', () => {
    // footer's record count changed from the real 1355 to the 3 lines kept here
    const r = parse([...jsonLines, footer(3), ''].join('\n'), 'blocklist');
    assert.equal(r.format, 'spamhaus-json');
    assert.deepEqual((r.entries as IpEntry[]).map((e) => [e.network, e.detail]), [
      ['1.10.16.0/20', 'SBL256894 apnic'], ['1.19.0.0/16', 'SBL434604 apnic'], ['1.32.128.0/18', 'SBL286275 apnic'],
    ]);
    assert.equal(r.rejectedCount, 0);
    // 1741743474 s = 2025-03-12T01:37:54Z
    assert.equal(r.feedDate, '2025-03-12T01:37:54Z');
  });

  void test('JSON lines: a file shorter than its footer declares is reported', () => {
    const r = parse([...jsonLines, footer(1355)].join('\n'), 'blocklist');
    assert.equal(r.entries.length, 3);
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[0, 'metadata declares 1355 records, file holds 3']]);
  });

  void test('JSON lines: broken lines are counted with their numbers', () => {
    const r = parse(['{"cidr":"1.10.16.0/20","sblid":"SBL256894"}', '{"cidr":"1.2.3.4/33"}', 'not json', '{"sblid":"SBL1"}'].join('\n'), 'blocklist', 'spamhaus-json');
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[2, 'not an address or CIDR network'], [3, 'not a JSON object'], [4, 'record without a "cidr" field']]);
  });
});

void describe('abuse.ch URLhaus CSV', () => {
  // Columns as listed for https://urlhaus.abuse.ch/downloads/csv_online/ by the maintained Cortex XSOAR
  // integration (github.com/demisto/content, Packs/FeedURLhaus/Integrations/FeedURLhaus/FeedURLhaus.py);
  // the export carries them as a `#` comment and quotes every field.
  const csv = [
    '################################################################',
    '# abuse.ch URLhaus Database Dump (CSV - online URLs only)       #',
    '# Last updated: 2024-05-01 10:00:00 (UTC)                      #',
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
    '"2836001","2024-05-01 09:58:01","http://bad.example.net/bins/x86","online","2024-05-01 09:58:01","malware_download","elf,mirai","https://urlhaus.abuse.ch/url/2836001/","anon"',
    '"2836002","2024-05-01 09:58:02","http://192.0.2.7:8080/i","online","2024-05-01 09:58:02","malware_download","None","https://urlhaus.abuse.ch/url/2836002/","anon"',
    '"2836003","2024-05-01 09:58:03","not a url","online","","malware_download","","",""',
  ].join('\r\n');

  void test('URL hosts become domain or address entries marked fromUrl', () => {
    const r = parse(csv, 'blocklist');
    assert.equal(r.format, 'urlhaus-csv');
    const [d, ip] = r.entries as [DomainEntry, IpEntry];
    assert.deepEqual([d.type, d.domain, d.registrable, d.fromUrl], ['domain', 'bad.example.net', 'example.net', true]);
    assert.equal(d.detail, 'malware_download online http://bad.example.net/bins/x86');
    assert.deepEqual([ip.type, ip.network, ip.fromUrl], ['ip', '192.0.2.7', true]);
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[7, 'invalid URL']]);
    assert.equal(r.feedDate, '2024-05-01T10:00:00Z');
  });
});

void describe('abuse.ch ThreatFox', () => {
  // JSON export (https://threatfox.abuse.ch/export/json/recent/): an object keyed by IOC id, each value an
  // array of records; field names and values as in the ThreatFox API documentation sample
  // (https://threatfox.abuse.ch/api/: ioc "gaga.com", ioc_type "domain", malware_printable "Dridex").
  const exportJson = `{
    "41": [
        {
            "ioc_value": "gaga.com",
            "ioc_type": "domain",
            "threat_type": "botnet_cc",
            "malware": "win.dridex",
            "malware_printable": "Dridex",
            "confidence_level": 50
        }
    ],
    "42": [
        {
            "ioc_value": "198.51.100.7:443",
            "ioc_type": "ip:port",
            "threat_type": "botnet_cc",
            "malware": "win.cobalt_strike",
            "malware_printable": "Cobalt Strike",
            "confidence_level": 75
        }
    ],
    "43": [
        {
            "ioc_value": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "ioc_type": "sha256_hash",
            "threat_type": "payload",
            "malware_printable": "Unknown malware"
        }
    ],
    "44": [
        {
            "ioc_value": "gaga..com",
            "ioc_type": "domain",
            "malware_printable": "Dridex"
        }
    ]
}`;

  void test('JSON export: family kept, file hashes ignored, bad record reported at its line', () => {
    const r = parse(exportJson, 'botnet');
    assert.equal(r.format, 'threatfox-json');
    const [d, ip] = r.entries as [DomainEntry, IpEntry];
    assert.deepEqual([d.domain, d.family, d.detail], ['gaga.com', 'Dridex', 'botnet_cc']);
    assert.deepEqual([ip.network, ip.port, ip.family], ['198.51.100.7', 443, 'Cobalt Strike']);
    assert.equal(r.ignoredCount, 1);
    // line 30 holds the key "44" of the bad record
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[30, 'empty label']]);
  });

  void test('API answer (query_status ok, data array) as documented', () => {
    const api = '{ "query_status": "ok", "data": [ { "id": "41", "ioc": "gaga.com", "threat_type": "botnet_cc", "ioc_type": "domain", "malware": "win.dridex", "malware_printable": "Dridex", "confidence_level": 50, "first_seen": "2020-12-08 13:36:27 UTC", "last_seen": null, "reporter": "abuse_ch", "reference": null, "tags": [ "exe", "test" ] } ] }';
    const r = parse(api, 'botnet', 'threatfox-json');
    assert.deepEqual((r.entries as DomainEntry[]).map((e) => [e.domain, e.family]), [['gaga.com', 'Dridex']]);
  });

  // CSV export: 15 columns in this order (first_seen_utc … reporter), header as a `#` comment, fields quoted
  // after ", " — the column order of the maintained OpenCTI connector's FeedRow
  // (github.com/OpenCTI-Platform/connectors, external-import/threatfox/tests/test_process_row_observable.py).
  const csv = [
    '################################################################',
    '# ThreatFox IOCs: recent additions - CSV format                #',
    '# Last updated: 2024-01-01 00:10:00 UTC                        #',
    '#',
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"',
    '"2024-01-01 00:00:00", "12345", "1.2.3.4:8080", "ip:port", "botnet_cc", "win.example_malware", "ExampleAlias", "Example Malware", "", "75", "false", "None", "None", "0", "abuse_ch"',
    '"2024-01-01 00:00:01", "12346", "http://bad.example.com/x", "url", "payload_delivery", "unknown", "None", "Unknown malware", "", "50", "false", "None", "None", "0", "abuse_ch"',
    '"2024-01-01 00:00:02", "12347", "whatever", "unknown_type", "botnet_cc", "win.x", "None", "X", "", "50", "false", "None", "None", "0", "abuse_ch"',
  ].join('\n');

  void test('CSV export: ip:port, URL host, unknown type reported', () => {
    const r = parse(csv, 'botnet');
    assert.equal(r.format, 'threatfox-csv');
    const [ip, d] = r.entries as [IpEntry, DomainEntry];
    assert.deepEqual([ip.network, ip.port, ip.family], ['1.2.3.4', 8080, 'Example Malware']);
    // "Unknown malware" is ThreatFox's placeholder, not a family
    assert.deepEqual([d.domain, d.family, d.fromUrl], ['bad.example.com', null, true]);
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[8, 'unknown ioc_type "unknown_type"']]);
    assert.equal(r.feedDate, '2024-01-01T00:10:00Z');
  });
});

void describe('plain lists, hosts files, ip:port lists', () => {
  // hosts(5): "IP_address canonical_hostname [aliases...]", text after '#' is a comment.
  void test('hosts file: sink address dropped, boilerplate ignored, every name kept', () => {
    const hosts = '# blocklist\n127.0.0.1 localhost\n::1 localhost ip6-localhost\n0.0.0.0 bad.example ads.bad.example # two names\n0.0.0.0\tTracker.Example.\n0.0.0.0 bad_name!.example\n';
    const r = parse(hosts, 'blocklist');
    assert.equal(detectFormat(splitLines(hosts)), 'plain-list');
    assert.deepEqual(domains(r), ['bad.example', 'ads.bad.example', 'tracker.example']);
    assert.equal(r.ignoredCount, 3);
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[6, 'invalid character in name']]);
  });

  // one indicator per line; `ip:port` as ThreatFox writes its ip:port IOCs, CIDR as in DROP
  void test('domains, addresses, networks and ip:port on separate lines', () => {
    const text = 'domain\nevil.example\n203.0.113.5\n198.51.100.0/24\n192.0.2.10:4444\n[2001:db8::1]:443\n2001:db8::/32\n999.1.1.1\n192.0.2.10:70000\n';
    const r = parse(text, 'botnet');
    const got = (r.entries as (DomainEntry | IpEntry)[]).map((e) => (e.type === 'domain' ? e.domain : `${e.network}${e.port ? ` port ${e.port}` : ''}`));
    assert.deepEqual(got, ['evil.example', '203.0.113.5', '198.51.100.0/24', '192.0.2.10 port 4444', '2001:db8::1 port 443', '2001:db8::/32']);
    // 999.1.1.1 is no address, and its last label is numeric: no name either
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[8, 'numeric top-level label'], [9, 'invalid character in name']]);
  });

  void test('untrusted text in rejects is escaped for terminals', () => {
    const r = parse('ok.example\nbad\u001b[31m.example\n', 'blocklist');
    assert.equal(r.rejected[0]!.text, 'bad\\x1b[31m.example');
  });

  void test('a top list cannot be read from a plain list', () => {
    assert.throws(() => parse('a.example\nb.example\n', 'toplist'), /toplist feed cannot be read from plain-list/);
  });
});

void describe('certificate fingerprint lists (ct-fingerprints, cert-blocklist)', () => {
  void test('SHA-256 and SHA-1, with colons, header and reasons', () => {
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const colons = 'DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09';
    const r = parse(`sha256\n${sha256}\n${colons},test cert\nnothex\n`, 'ct-fingerprints');
    assert.equal(r.format, 'fingerprints');
    assert.deepEqual(r.entries, [
      { type: 'cert', sha1: null, sha256, reason: null },
      { type: 'cert', sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', sha256: null, reason: 'test cert' },
    ]);
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[4, 'not a SHA-1 or SHA-256 fingerprint']]);
  });
});
