// Inputs the fuzzer mutates: real logs from ../shared/fixtures when present (read in place), else logs the
// project writes itself. Kept small so each case is quick.
import { existsSync, readFileSync } from 'node:fs';
import { fixture, haveShared } from '../helpers/shared.ts';
import { connLog } from '../helpers/zeek-text.ts';

const REAL = [
  ['zeek-tsv', 'slips-test10', 'ssl.log'],
  ['zeek-tsv', 'slips-ctu-sme-11', 'ssl.log.labeled'],
  ['zeek-tsv', 'slips-test10', 'x509.log'],
  ['pcap', 'zeek-dns-txt-multiple', 'dns.log'],
  ['pcap', 'zeek-ecdhe', 'ssl.log'],
  ['zeek-json', 'rita-json-all-fields', 'ssl.log'],
];

export function fuzzSeeds(): { name: string; data: Buffer }[] {
  const seeds = [{ name: 'generated-conn.log', data: Buffer.from(connLog(12)) }];
  if (haveShared) {
    for (const p of REAL) {
      const f = fixture(...p);
      if (existsSync(f)) seeds.push({ name: p.join('/'), data: readFileSync(f) });
    }
  }
  return seeds;
}
