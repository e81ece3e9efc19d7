// The site keys of the findings model: DREAD overrides per finding type, accepted risks, the supply-chain
// long-session threshold. Valid files load; every mistake names the file, the key and the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSite } from '../../src/config/site.ts';
import { UsageError } from '../../src/util/errors.ts';

void test('defaults: no overrides, no accepted risks, long sessions from 60 minutes', () => {
  const site = parseSite('{}', 'site.json');
  assert.deepEqual(site.dread, {});
  assert.deepEqual(site.accepted_risks, []);
  assert.deepEqual(site.supply_chain, { long_session_minutes: 60 });
});

void test('overrides, accepted risks (id or pattern) and the threshold load as written', () => {
  const site = parseSite(`
dread:
  exposed-remote-access: {damage: 10, discoverability: 9.5}
  certificate-not-in-ct: {affected_users: 0}
accepted_risks:
  - id: exposure/exposed-web-console/10.20.1.5:443
    reason: vendor console, allow-listed
    expires: 2026-12-31
  - pattern: "supply-chain/remote-access-tool/teamviewer/*"
    reason: sanctioned helpdesk tool
    expires: "2027-06-30"
supply_chain: {long_session_minutes: 240}
`, 'site.yaml');
  assert.deepEqual(site.dread['exposed-remote-access'], { damage: 10, discoverability: 9.5 });
  assert.deepEqual(site.dread['certificate-not-in-ct'], { affected_users: 0 });
  assert.deepEqual(site.accepted_risks, [
    { id: 'exposure/exposed-web-console/10.20.1.5:443', reason: 'vendor console, allow-listed', expires: '2026-12-31' },
    { pattern: 'supply-chain/remote-access-tool/teamviewer/*', reason: 'sanctioned helpdesk tool', expires: '2027-06-30' },
  ]);
  assert.equal(site.supply_chain.long_session_minutes, 240);
});

void test('the example written by dhai init still loads', () => {
  const text = readFileSync(new URL('../../src/config/example-site.yaml', import.meta.url), 'utf8');
  const site = parseSite(text, 'site.yaml');
  assert.deepEqual(site.accepted_risks, []);
});

const bad: [string, RegExp][] = [
  ['dread:\n  exposed-rdp: {damage: 3}\n', /^s\.yaml:1: dread: unknown key\(s\) exposed-rdp/],
  ['dread:\n  exposed-database:\n    damage: 11\n', /^s\.yaml:3: dread\.exposed-database\.damage: Too big/],
  ['dread:\n  exposed-database: {damag: 3}\n', /^s\.yaml:2: dread\.exposed-database: unknown key\(s\) damag/],
  ['accepted_risks:\n  - {reason: r, expires: 2026-01-01}\n', /^s\.yaml:2: accepted_risks\[0\]: give either id or pattern/],
  ['accepted_risks:\n  - {id: a, pattern: "b*", reason: r, expires: 2026-01-01}\n', /^s\.yaml:2: accepted_risks\[0\]: give either id or pattern/],
  ['accepted_risks:\n  - {id: a, reason: r, expires: 2026-02-30}\n', /^s\.yaml:2: accepted_risks\[0\]\.expires: not a calendar date/],
  ['accepted_risks:\n  - {id: a, reason: r, expires: 31/12/2026}\n', /^s\.yaml:2: accepted_risks\[0\]\.expires: not a date in the form YYYY-MM-DD/],
  ['accepted_risks:\n  - {id: a, expires: 2026-01-01}\n', /^s\.yaml:2: accepted_risks\[0\]\.reason: /],
  ['supply_chain: {long_session_minutes: 0}\n', /^s\.yaml:1: supply_chain\.long_session_minutes: Too small/],
];
for (const [text, expected] of bad) {
  void test(`rejects with file, line and key: ${expected.source.slice(0, 70)}`, () => {
    assert.throws(() => parseSite(text, 's.yaml'), (e: unknown) => e instanceof UsageError && expected.test(e.message));
  });
}
