// The findings model: the table of finding types, scores and severity bands, overrides, ids, accepted-risk
// patterns and expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceEnds, applyAcceptedRisks, dreadScore, findingId, globToRegExp, makeFinding, severityOf, vectorFor,
} from '../../src/analyses/dread.ts';
import { DREAD_DIMENSIONS, FINDING_TYPES, FINDING_TYPE_NAMES, isFindingType } from '../../src/analyses/finding-types.ts';
import { SECTION_IDS } from '../../src/analyses/types.ts';
import { EMPTY_SITE, parseSite } from '../../src/config/site.ts';
import { findingProblems } from '../../src/report/schema.ts';

void test('every finding type has a section, a documented vector in 0..10 and a remediation', () => {
  for (const name of FINDING_TYPE_NAMES) {
    const t = FINDING_TYPES[name];
    assert.ok((SECTION_IDS as readonly string[]).includes(t.section), name);
    assert.ok(t.remediation.length > 20, name);
    for (const d of DREAD_DIMENSIONS) {
      assert.ok(t.vector[d] >= 0 && t.vector[d] <= 10, `${name}.${d}`);
      assert.ok(t.why[d].length > 5, `${name}.${d} is explained`);
    }
  }
});

void test('the types other sections need are listed', () => {
  const need: [string, string][] = [
    ['obsolete-tls-inbound', 'tls-versions'], ['weak-cipher-suite', 'cipher-quality'], ['self-signed-certificate', 'cert-issues'],
    ['expired-certificate', 'cert-issues'], ['unknown-issuer-certificate', 'cert-issues'], ['certificate-not-in-ct', 'ct-transparency'],
    ['botnet-dns-lookup', 'dns-categories'], ['blacklisted-dns-lookup', 'dns-categories'], ['resolver-bypass', 'dns-categories'],
    ['dns-tunnelling', 'dns-categories'],
  ];
  for (const [name, section] of need) {
    assert.ok(isFindingType(name), name);
    assert.equal(FINDING_TYPES[name as keyof typeof FINDING_TYPES].section, section);
  }
  assert.equal(isFindingType('toString'), false);
});

void test('score is the mean of the five; severity bands are inclusive at their lower bound', () => {
  assert.equal(dreadScore({ damage: 6, reproducibility: 8, exploitability: 5, affected_users: 6, discoverability: 4 }).score, 5.8);
  assert.equal(dreadScore({ damage: 10, reproducibility: 10, exploitability: 10, affected_users: 10, discoverability: 10 }).score, 10);
  assert.equal(dreadScore({ damage: 1, reproducibility: 1, exploitability: 1, affected_users: 1, discoverability: 0 }).score, 0.8);
  const bands: [number, string][] = [[10, 'critical'], [8, 'critical'], [7.99, 'high'], [6, 'high'], [5.99, 'medium'], [4, 'medium'], [3.99, 'low'], [2, 'low'], [1.99, 'info'], [0, 'info']];
  for (const [s, sev] of bands) assert.equal(severityOf(s), sev, String(s));
});

void test('a site override replaces only the dimensions it names', () => {
  const site = parseSite('dread:\n  weak-cipher-suite: {exploitability: 9}\n');
  assert.deepEqual(vectorFor('weak-cipher-suite', site), { ...FINDING_TYPES['weak-cipher-suite'].vector, exploitability: 9 });
  assert.deepEqual(vectorFor('weak-cipher-suite', EMPTY_SITE), FINDING_TYPES['weak-cipher-suite'].vector);
  const f = makeFinding('weak-cipher-suite', '10.20.1.5:443', [{ cipher: 'TLS_RSA_WITH_RC4_128_SHA', sessions: 3 }], { site });
  assert.equal(f.id, 'cipher-quality/weak-cipher-suite/10.20.1.5:443');
  assert.equal(f.section, 'cipher-quality');
  assert.equal(f.dread.score, 6.4);
  assert.equal(f.severity, 'high');
  assert.equal(f.title, 'Weak or insecure cipher suite negotiated: 10.20.1.5:443');
  assert.deepEqual(findingProblems(JSON.parse(JSON.stringify(f))), [], 'matches the report schema');
  assert.equal(makeFinding('dns-tunnelling', 'h', [], { site }, { title: 'Tunnel via t.example' }).title, 'Tunnel via t.example');
  assert.equal(findingId('resolver-bypass', '10.1.1.1'), 'dns-categories/resolver-bypass/10.1.1.1');
});

void test('accepted-risk patterns: * any run (across /), ? one character, everything else literal', () => {
  assert.ok(globToRegExp('exposure/*').test('exposure/exposed-database/10.1.1.1:1433'));
  assert.ok(globToRegExp('exposure/exposed-database/10.1.1.?:1433').test('exposure/exposed-database/10.1.1.7:1433'));
  assert.ok(!globToRegExp('exposure/exposed-database/10.1.1.?:1433').test('exposure/exposed-database/10.1.1.17:1433'));
  assert.ok(!globToRegExp('a.b').test('axb'), 'a dot is a dot');
  assert.ok(globToRegExp('[x]+(y)|$^').test('[x]+(y)|$^'));
  assert.ok(!globToRegExp('exposure/*').test('supply-chain/exposure/x'), 'anchored at both ends');
});

void test('an acceptance holds through its expiry day (UTC)', () => {
  const rule = { id: 'x', reason: 'r', expires: '2026-12-31' };
  assert.equal(acceptanceEnds(rule).toISOString(), '2027-01-01T00:00:00.000Z');
  const f = makeFinding('resolver-bypass', '10.1.1.1', [], { site: EMPTY_SITE });
  const site = { accepted_risks: [{ id: f.id, reason: 'lab host', expires: '2026-12-31' }, { pattern: 'dns-categories/*', reason: 'later rule', expires: '2030-01-01' }] };
  const a = applyAcceptedRisks([f], site, new Date('2026-12-31T23:59:59.999Z'));
  assert.equal(a.accepted[0]!.reason, 'lab host', 'the first current rule in file order names the reason');
  const b = applyAcceptedRisks([f], site, new Date('2027-01-01T00:00:00Z'));
  assert.equal(b.accepted[0]!.reason, 'later rule', 'the first rule has expired; the pattern still holds');
  assert.deepEqual(b.expired, []);
  const c = applyAcceptedRisks([f], site, new Date('2030-01-02T00:00:00Z'));
  assert.deepEqual(c.active.map((x) => x.id), [f.id]);
  assert.deepEqual(c.expired, [{ finding_id: f.id, rule: f.id, reason: 'lab host', expired: '2026-12-31' }]);
});
