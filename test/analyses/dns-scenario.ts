// The hand-made hospital of the DNS-categorisation tests: every category, every self-association rule, the
// priorities between them, two sensors sharing a connection, resolver bypass, encrypted DNS and tunnelling,
// with the feeds that decide them. The expected numbers in dns-categories.test.ts are counted from the
// comments here, by hand.
import { conn, DAY, dns, ssl, x509, type DnsSpec, type FeedFile, type SensorLogs } from './dns-logs.ts';

export const SITE_YAML = `
networks: {internal: [10.0.0.0/8]}
device_classes:
  - {class: medical-device, subnets: [10.10.0.0/16]}
  - {class: medical-supporting, subnets: [10.20.0.0/16]}
  - {class: server, subnets: [10.30.0.0/16]}
  - {class: guest, subnets: [10.99.0.0/16]}
domains: [hospital-example.org, intranet.hospital-two.org]
resolvers: [10.30.0.53/32]
dns: {top_n: 3}
`;

export const FEEDS: FeedFile[] = [
  // rank 4 lies beyond top_n = 3
  { name: 'top-test', kind: 'toplist', text: '1,google.com\n2,example.co.uk\n3,microsoft.com\n4,beyond-n.com\n' },
  {
    name: 'feodo-test', kind: 'botnet',
    text: '# Last updated: 2017-12-31 12:00:00 UTC\n"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n' +
      '"2017-12-01 10:00:00","198.51.100.66","443","online","2017-12-31","Dridex"\n' +
      '"2017-12-02 10:00:00","198.51.100.67","447","online","2017-12-31","Emotet"\n',
  },
  {
    name: 'threatfox-test', kind: 'botnet',
    text: '# Last updated: 2017-12-30 08:00:00 UTC\n' +
      '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"\n' +
      '"2017-12-01 00:00:00", "100001", "evil-c2.net", "domain", "botnet_cc", "win.zeus", "None", "ZeuS", "", "100", "None", "None", "0", "test"\n',
  },
  { name: 'blocklist-test', kind: 'blocklist', text: '# updated 2017-12-29\nbad.example.com\ncompromised.hospital-example.org\n' },
  {
    name: 'urlhaus-test', kind: 'blocklist',
    text: '# Last updated: 2017-12-28 00:00:00 (UTC)\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n' +
      '"1","2017-12-27 00:00:00","http://shared-host.example/x.exe","online","","malware_download","","",""\n' +
      '"2","2017-12-27 00:00:00","http://203.0.113.77/y","online","","malware_download","","",""\n',
  },
];

const S = '10.20.0.9'; // the client of most single cases
const rows: DnsSpec[] = [
  { client: '10.20.0.5', query: 'www.google.com', answers: ['142.250.0.1'], t: 1 }, // R1 whitelisted
  { client: '10.20.0.5', query: 'WWW.Google.com.', answers: ['142.250.0.1'], t: 2 }, // R2 whitelisted, same name
  { client: '10.20.0.6', query: 'news.example.co.uk', answers: ['192.0.2.10'], t: 3 }, // R3 whitelisted (PSL: not co.uk)
  { client: '10.20.0.6', query: 'beyond-n.com', answers: ['192.0.2.11'], t: 4 }, // R4 uncategorised (rank 4 > N)
  { client: '10.10.0.7', query: 'api.evil-c2.net', answers: ['203.0.113.9'], t: 5 }, // R5 botnet: parent listed (ZeuS)
  { client: '10.10.0.7', query: 'cdn.unknown-site.com', answers: ['198.51.100.66'], t: 6 }, // R6 botnet: answer (Dridex)
  { client: '10.20.0.8', query: 'x.bad.example.com', answers: ['192.0.2.12'], t: 7 }, // R7 blacklisted: parent listed
  { client: '10.20.0.8', query: 'shared-host.example', answers: ['203.0.113.77'], t: 8 }, // R8 blacklisted: URL host itself
  { client: '10.20.0.8', query: 'sub.shared-host.example', answers: ['203.0.113.77'], t: 9 }, // R9 uncategorised: URL hosts exact only
  { client: S, query: 'portal.hospital-example.org', answers: ['192.0.2.20'], t: 10 }, // R10 self (a)
  { client: S, query: 'printer.vendor-cloud.com', answers: ['10.30.0.44'], t: 11 }, // R11 self (b)
  { client: S, query: 'FILESERVER', t: 12 }, // R12 self (c): single label
  { client: S, query: 'nas.local', t: 13 }, // R13 self (c)
  { client: S, query: '5.0.30.10.in-addr.arpa', qtype: 'PTR', answers: ['fs.hospital-example.org'], t: 14 }, // R14 self (c): reverse
  { client: S, query: '8.8.8.8.in-addr.arpa', qtype: 'PTR', answers: ['dns.google'], t: 15 }, // R15 uncategorised
  { client: S, query: 'mail.hospital-services.net', answers: ['192.0.2.30'], t: 16 }, // R16 self (d): SAN
  { client: S, query: 'x.wild-hosp.net', t: 17 }, // R17 self (d): *.wild-hosp.net
  { client: S, query: 'a.b.wild-hosp.net', t: 18 }, // R18 uncategorised: a wildcard covers one label
  { client: S, query: 'app.intranet.hospital-two.org', t: 19 }, // R19 uncategorised: site domain below registrable
  { client: S, query: 'google.com.hospital-example.org', t: 20 }, // R20 self (a), not whitelisted
  { client: S, query: 'intranet.microsoft.com', answers: ['10.30.0.60'], t: 21 }, // R21 self (b) beats whitelisted
  { client: S, query: 'evil-c2.net', answers: ['10.30.0.1'], t: 22 }, // R22 botnet beats self (b)
  { client: S, query: 'compromised.hospital-example.org', t: 23 }, // R23 blacklisted beats self (a)
  { client: S, query: 'y.bad.example.com', answers: ['198.51.100.66'], t: 24 }, // R24 botnet (answer) beats blacklisted
  { client: S, query: null, answers: ['10.30.0.1'], t: 25 }, // R25 no query: self (b)
  { client: S, query: null, t: 26 }, // R26 no query: uncategorised
  { client: S, query: 'www.proxied-1.com', t: 27 }, // R27 uncategorised: the proxy's certificates do not count
  { client: '10.20.0.12', server: '8.8.8.8', query: 'www.google.com', answers: ['142.250.0.1'], t: 31 }, // R31 whitelisted; bypass
  { client: '10.20.0.12', server: '8.8.8.8', query: 'beyond-n.com', t: 32 }, // R32 uncategorised; bypass
  { client: '10.99.0.5', server: '1.1.1.1', query: 'www.google.com', answers: ['142.250.0.1'], t: 33 }, // R33 guest; bypass, no finding
  { client: '10.20.0.13', server: '10.30.0.99', query: 'nas.local', t: 34 }, // R34 self (c); internal unlisted resolver
  { client: '10.30.0.53', server: '198.41.0.4', query: 'beyond-n.com', t: 35 }, // R35 the resolver forwarding: not bypass
  { client: '10.20.0.14', server: '224.0.0.251', serverPort: 5353, query: '_services._dns-sd._udp.local', qtype: 'PTR', t: 36 }, // R36 mDNS, self (c)
  { client: '10.20.0.16', query: 'dns.google', answers: ['8.8.8.8'], t: 37 }, // R37 uncategorised; DoH resolver looked up
  { client: S, query: 'cdn.unknown-site.com', answers: ['192.0.2.50'], t: 38 }, // R38 uncategorised request of a botnet name
  { client: S, query: 'outside.example.net', t: 39 }, // R39 uncategorised: certificate of an outside server
  { client: S, query: 'multi.unknown-site.com', answers: ['198.51.100.67', '198.51.100.66'], t: 40 }, // R40 botnet: the first listed answer's family (Emotet)
];
const hex = (i: number) => (0x1000 + i).toString(16);
// tunnelling: 25 TXT names (day 0), 100 names on day 1, 99 + 50 on days 1 and 2, 10 long labels, 20 TXT to google.com
for (let i = 0; i < 25; i++) rows.push({ client: '10.20.0.20', query: `${hex(i)}.t.tunnel-example.net`, qtype: 'TXT', answers: [`TXT 8 ${hex(i)}beef`], t: 1000 + i });
for (let i = 0; i < 100; i++) rows.push({ client: '10.20.0.21', query: `h${i}.cdn-sweep.net`, t: DAY + 10 + i });
for (let i = 0; i < 99; i++) rows.push({ client: '10.20.0.21', query: `k${i}.near-miss.net`, t: DAY + 5000 + i });
for (let i = 0; i < 50; i++) rows.push({ client: '10.20.0.21', query: `m${i}.near-miss.net`, t: 2 * DAY + i });
for (let i = 0; i < 10; i++) rows.push({ client: '10.20.0.22', query: `${'a'.repeat(40)}${String(i).padStart(12, '0')}.exfil.org`, t: 2000 + i });
for (let i = 0; i < 20; i++) rows.push({ client: '10.20.0.23', query: 'google.com', qtype: 'TXT', answers: ['TXT 10 v=spf1 -all'], t: 3000 + i });

// two requests in one connection, seen by both sensors: each counts once
const shared = [
  { client: '10.20.0.10', query: 'www.google.com', answers: ['142.250.0.1'], t: 100, uid: 'CDUP' },
  { client: '10.20.0.10', query: 'mail.google.com', answers: ['142.250.0.2'], t: 101, uid: 'CDUP' },
];

const proxied = Array.from({ length: 11 }, (_, i) => i + 1);

export const SENSORS: Record<string, SensorLogs> = {
  a: {
    dns: [...rows, ...shared].map(dns),
    conn: [conn('10.20.0.15', '9.9.9.9', 853, 50)],
    ssl: [
      ssl('198.51.100.200', '10.30.0.25', 443, 'mail.hospital-services.net', ['fpa'], 40),
      ...proxied.map((i) => ssl('10.20.0.30', '10.30.0.80', 3128, `www.proxied-${i}.com`, [`fpp${i}`], 41)),
      ssl('10.20.0.31', '93.184.216.34', 443, 'outside.example.net', ['fpo'], 42),
      ssl('10.20.0.16', '8.8.4.4', 443, 'dns.google', [], 43),
      ssl('10.20.0.16', '104.16.0.1', 443, 'mozilla.cloudflare-dns.com', [], 44),
      ssl('10.20.0.17', '93.184.216.34', 443, 'www.example.com', [], 45),
    ],
    x509: [
      x509('fpa', 'CN=mail.hospital-services.net,O=Hospital', ['mail.hospital-services.net', '*.wild-hosp.net']),
      ...proxied.map((i) => x509(`fpp${i}`, `CN=www.proxied-${i}.com`, [`www.proxied-${i}.com`])),
      x509('fpo', 'CN=outside.example.net', ['outside.example.net']),
    ],
  },
  b: {
    dns: [...shared, { client: '10.20.0.11', query: 'microsoft.com', answers: ['192.0.2.40'], t: 102, uid: 'CDB1' }].map(dns), // R30 whitelisted
  },
};

export const EXPECTED = {
  total: 344,
  requests: { botnet: 5, blacklisted: 3, self_associated: 12, whitelisted: 28, uncategorised: 296 },
  names: { botnet: 5, blacklisted: 3, self_associated: 10, whitelisted: 5, uncategorised: 292 },
  namesTotal: 315,
  rules: { a: 2, b: 3, c: 5, d: 2 },
};
