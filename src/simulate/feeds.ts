// The simulated world's threat-intelligence and popularity feeds, in the formats of the real ones so the
// project's feed readers load them unchanged: a Tranco-style `rank,domain` top list, an abuse.ch Feodo
// Tracker IP blocklist (CSV), a ThreatFox CSV export of botnet domains (it carries the malware family),
// plain domain blocklists, and the set of certificate fingerprints "found in CT". DIR/feeds/manifest.json
// lists them for `dhai feeds import DIR/feeds`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cert } from './model/certs.ts';
import type { ThreatFamily, Host } from './model/world.ts';
import type { Rng } from './rng.ts';

export interface FeedEntry {
  name: string;
  kind: 'toplist' | 'blocklist' | 'botnet' | 'ct-fingerprints';
  file: string;
}

function stamp(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function banner(title: string, updated: number): string {
  const line = (s: string) => `# ${s.padEnd(60)} #`;
  return [
    '#'.repeat(64),
    line(title),
    line(`Last updated: ${stamp(updated)} UTC`),
    line(''),
    line('Simulated by dhai: every entry is fictional (.example names,'),
    line('RFC 5737 documentation addresses).'),
    '#'.repeat(64),
    '#',
  ].join('\n');
}

export interface FeedInput {
  dir: string;
  rng: Rng;
  windowStart: number;
  windowEnd: number;
  topList: string[];
  families: ThreatFamily[];
  blacklisted: Host[];
  leaves: Cert[];
}

/** Writes the feeds and their manifest; returns the manifest entries. */
export function writeFeeds(f: FeedInput): FeedEntry[] {
  mkdirSync(f.dir, { recursive: true });
  const entries: FeedEntry[] = [];
  const put = (e: FeedEntry, text: string) => {
    writeFileSync(path.join(f.dir, e.file), text);
    entries.push(e);
  };
  put({ name: 'sim-toplist', kind: 'toplist', file: 'toplist.csv' }, f.topList.map((d, i) => `${i + 1},${d}\n`).join(''));

  const ipRows = f.families.flatMap((fam) =>
    fam.ips.map((ip) => {
      const first = f.windowStart - f.rng.int(5, 120) * 86400 - f.rng.int(0, 86399);
      return `"${stamp(first)}","${ip}","${f.rng.pick(['443', '447', '8080'])}","online","${stamp(f.windowEnd).slice(0, 10)}","${fam.family}"`;
    }),
  );
  put(
    { name: 'sim-feodo-ipblocklist', kind: 'botnet', file: 'feodo-ipblocklist.csv' },
    `${banner('abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)', f.windowEnd)}\n"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n${ipRows.join('\n')}\n# END ${ipRows.length} entries\n`,
  );

  let iocId = 100000;
  const domainRows = f.families.flatMap((fam) =>
    fam.names
      .filter((n) => fam.listedNames.has(n))
      .map((n) => {
        const first = f.windowStart - f.rng.int(2, 60) * 86400 - f.rng.int(0, 86399);
        const slug = `win.${fam.family.toLowerCase()}`;
        return `"${stamp(first)}", "${iocId++}", "${n}", "domain", "botnet_cc", "${slug}", "None", "${fam.family}", "", "100", "None", "None", "0", "dhai-simulate"`;
      }),
  );
  put(
    { name: 'sim-threatfox-botnet-domains', kind: 'botnet', file: 'threatfox-botnet-domains.csv' },
    `${banner('ThreatFox IOCs: CSV export', f.windowEnd)}\n# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"\n${domainRows.join('\n')}\n`,
  );

  // two blocklists, as a hospital would combine several sources; each lists some of the blacklisted names
  const half = Math.ceil(f.blacklisted.length / 2);
  const lists: [string, string, Host[]][] = [
    ['sim-malware-domains', 'malware-domains.txt', f.blacklisted.slice(0, half + 2)],
    ['sim-phishing-domains', 'phishing-domains.txt', f.blacklisted.slice(half - 2)],
  ];
  for (const [name, file, hosts] of lists) {
    put({ name, kind: 'blocklist', file }, `# ${name}: simulated by dhai (fictional .example names)\n# updated ${stamp(f.windowEnd)} UTC\n${hosts.map((h) => h.name).join('\n')}\n`);
  }

  const logged = f.leaves.filter((c) => c.inCt);
  put(
    { name: 'sim-ct-fingerprints', kind: 'ct-fingerprints', file: 'ct-fingerprints.txt' },
    `# certificates of the simulated world found in CT logs: SHA-256, then SHA-1, of each\n${logged.map((c) => `${c.sha256}\n${c.sha1}\n`).join('')}`,
  );
  writeFileSync(path.join(f.dir, 'manifest.json'), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}
