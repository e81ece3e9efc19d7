// Parsers on the real feed files in ../shared/fixtures/lists (see its PROVENANCE.md). Every expected number
// was counted independently with shell tools over the file; the command is beside each number.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { detectFormat, parseFeed } from '../../src/intel/formats.ts';
import { decodeText, splitLines, unpack } from '../../src/intel/text.ts';
import type { CertEntry, DomainEntry, IpEntry } from '../../src/intel/types.ts';
import { fixture, needsShared } from '../helpers/shared.ts';

const TRANCO = () => fixture('lists', 'tranco-top10k-2025-06-18.csv.gz');
const FEODO = () => fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv');
const SSLBL = () => fixture('lists', 'sslbl-sslblacklist-2023-11-14.csv');

void describe('Tranco top-10k (gzip, CRLF, 971,305 trailing blank lines)', { skip: needsShared }, () => {
  const bytes = () => readFileSync(TRANCO());

  void test('is gzip and is read transparently', () => {
    const lines = splitLines(decodeText(unpack(bytes())));
    // zcat tranco-top10k-2025-06-18.csv.gz | wc -l  → 981305
    assert.equal(lines.length, 981_305);
    assert.equal(detectFormat(lines), 'rank-csv');
  });

  void test('10,000 ranked domains, blank lines neither entries nor rejects', () => {
    const r = parseFeed(bytes(), { kind: 'toplist' });
    assert.equal(r.format, 'rank-csv');
    // zcat … | tr -d '\r' | grep -cE '^[0-9]+,[^,]+$'  → 10000 ; grep -c '^$' → 971305 (blank)
    assert.equal(r.entries.length, 10_000);
    assert.equal(r.rejectedCount, 0);
    assert.equal(r.ignoredCount, 0);
    const d = r.entries as DomainEntry[];
    // zcat … | head -1 → 1,google.com ; grep -v '^$' | tail -1 → 10000,upbhulekh.gov.in
    assert.deepEqual([d[0]!.rank, d[0]!.domain], [1, 'google.com']);
    assert.deepEqual([d[9999]!.rank, d[9999]!.domain], [10_000, 'upbhulekh.gov.in']);
    // cut -d, -f1 | awk '$1!=NR' → none: ranks are 1..10000 in order
    assert.ok(d.every((e, i) => e.rank === i + 1));
    // no CR survives into a name
    assert.ok(d.every((e) => !e.domain.includes('\r')));
    // the file carries no date of its own
    assert.equal(r.feedDate, null);
  });

  void test('registrable domains from the PSL ICANN section, not the last two labels', () => {
    const byName = new Map((parseFeed(bytes(), { kind: 'toplist' }).entries as DomainEntry[]).map((e) => [e.domain, e]));
    // lines as in the file (grep -E ',(bbc\.co\.uk|www\.gov\.uk|github\.io|…)$')
    assert.equal(byName.get('bbc.co.uk')?.rank, 212);
    assert.equal(byName.get('bbc.co.uk')?.registrable, 'bbc.co.uk'); // last two labels would give co.uk
    assert.equal(byName.get('www.gov.uk')?.registrable, 'www.gov.uk'); // gov.uk is an ICANN suffix
    assert.equal(byName.get('beian.gov.cn')?.registrable, 'beian.gov.cn');
    assert.equal(byName.get('google.com.br')?.registrable, 'google.com.br');
    // github.io and blogspot.com are PRIVATE-section suffixes: registrable under the ICANN-only default
    assert.equal(byName.get('github.io')?.rank, 129);
    assert.equal(byName.get('github.io')?.registrable, 'github.io');
    assert.equal(byName.get('blogspot.com')?.registrable, 'blogspot.com');
  });
});

void describe('Feodo Tracker IP blocklist CSV (2024-04-04)', { skip: needsShared }, () => {
  void test('28 C2 endpoints with port and malware family', () => {
    const r = parseFeed(readFileSync(FEODO()), { kind: 'botnet' });
    assert.equal(r.format, 'feodo-csv');
    // grep -v '^#' … | grep -c '^"2'  → 28 ; the file's own footer says "# END 28 entries"
    assert.equal(r.entries.length, 28);
    assert.equal(r.rejectedCount, 0);
    const ips = r.entries as IpEntry[];
    // grep -v '^#' … | grep -c 'Pikabot"$' → 28
    assert.equal(ips.filter((e) => e.family === 'Pikabot').length, 28);
    // grep -c '","online","' → 4
    assert.equal(ips.filter((e) => e.detail?.startsWith('c2 online')).length, 4);
    // line 37: "2024-04-04 07:03:03","172.233.221.61","5938","offline","2024-04-04","Pikabot"
    const last = ips[27]!;
    assert.deepEqual([last.network, last.version, last.port], ['172.233.221.61', 4, 5938]);
    // 172.233.221.61 = 172*2^24 + 233*2^16 + 221*2^8 + 61
    assert.equal(last.lo, 172n * 16777216n + 233n * 65536n + 221n * 256n + 61n);
    assert.equal(last.hi, last.lo);
    // "# Last updated: 2024-04-04 07:03:03 UTC"
    assert.equal(r.feedDate, '2024-04-04T07:03:03Z');
  });
});

void describe('SSLBL certificate SHA1 blacklist (2023-11-14, CRLF)', { skip: needsShared }, () => {
  void test('5,522 fingerprints with listing reasons', () => {
    const r = parseFeed(readFileSync(SSLBL()), { kind: 'cert-blocklist' });
    assert.equal(r.format, 'sslbl-csv');
    // tr -d '\r' < … | grep -v '^#' | grep -cE '^[0-9-]+ [0-9:]+,[0-9a-f]{40},.+$' → 5522 ; footer "# END (5522) entries"
    assert.equal(r.entries.length, 5522);
    assert.equal(r.rejectedCount, 0);
    const certs = r.entries as CertEntry[];
    assert.ok(certs.every((c) => c.sha1 !== null && /^[0-9a-f]{40}$/.test(c.sha1) && c.sha256 === null));
    // … | cut -d, -f3 | sort | uniq -c → 963 AsyncRAT C&C, 735 Dridex C&C ; sort -u | wc -l → 133 reasons
    assert.equal(certs.filter((c) => c.reason === 'AsyncRAT C&C').length, 963);
    assert.equal(certs.filter((c) => c.reason === 'Dridex C&C').length, 735);
    assert.equal(new Set(certs.map((c) => c.reason)).size, 133);
    // line 10 is the first entry
    assert.deepEqual(certs[0], { type: 'cert', sha1: '2e3519b7cb61a3cd6167f727df993f68311085ea', sha256: null, reason: 'DCRat C&C' });
    assert.equal(r.feedDate, '2023-11-14T06:52:51Z');
  });

  void test('a kind the format cannot serve is refused', () => {
    assert.throws(() => parseFeed(readFileSync(SSLBL()), { kind: 'toplist' }), /cannot be read from sslbl-csv/);
  });
});
