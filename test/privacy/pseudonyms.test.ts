// Name pseudonyms: deterministic per key, structure kept (suffix, label count, shared parents, classes),
// no original internal label left, and names holding addresses agree with Crypto-PAn.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { getDomain } from 'tldts';
import { parseAddress } from '../../src/privacy/addresses.ts';
import { CryptoPAn } from '../../src/privacy/cryptopan.ts';
import { NamePseudonyms, keptSuffixLabels, parseReverseName } from '../../src/privacy/pseudonyms.ts';

const KEY = randomBytes(32);
const names = new NamePseudonyms(KEY);

// Names in the style of a hospital's internal DNS (invented for the test).
const HOSPITAL_NAMES = [
  'pharmacy-01.campus-a.hospital.local',
  'infusion-pump-0417.icu.campus-a.hospital.local',
  'pacs.radiology.hospital.local',
  'ris01.hospital.local',
  'emr-db-2.dc1.hospital.internal',
  'nurse-station-3w.ward3.stmarys-health.org',
  'dicom-router.imaging.stmarys-health.org',
  'lab-analyzer-cobas.lab.corp',
  'vpn.stmarys-health.org',
  'ctscanner7',
  'mri-siemens.rad.medcenter',
];

const labelArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,18}[a-z0-9]$|^[a-z0-9]$/);
const SUFFIXES = ['hospital.local', 'campus.stmarys-health.org', 'lan', 'clinic.co.uk', 'medcenter', ''];
const nameArb = fc
  .tuple(fc.array(labelArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(...SUFFIXES))
  .map(([labels, suffix]) => [...labels, ...(suffix ? [suffix] : [])].join('.'));

function suffixOf(name: string): string {
  const k = keptSuffixLabels(name);
  return k === 0 ? '' : name.split('.').slice(-k).join('.');
}

void describe('name pseudonyms', () => {
  void test('deterministic per key; another key gives other names', () => {
    const again = new NamePseudonyms(Buffer.from(KEY));
    const other = new NamePseudonyms(randomBytes(32));
    for (const n of HOSPITAL_NAMES) {
      assert.equal(again.name(n), names.name(n));
      assert.notEqual(other.name(n), names.name(n));
    }
    assert.equal(names.name('PACS.Radiology.Hospital.LOCAL'), names.name('pacs.radiology.hospital.local'));
  });

  void test('structure: label count, kept suffix, shared parents, registrable domain', () => {
    fc.assert(
      fc.property(nameArb, nameArb, (a, b) => {
        const pa = names.name(a);
        assert.equal(pa.split('.').length, a.split('.').length);
        assert.ok(pa.endsWith(suffixOf(a)), `${a} -> ${pa}`);
        // the longest common parent of the inputs is shared by the outputs, label for label
        const la = a.split('.').reverse();
        const lb = b.split('.').reverse();
        const pla = pa.split('.').reverse();
        const plb = names.name(b).split('.').reverse();
        for (let i = 0; i < Math.min(la.length, lb.length) && la[i] === lb[i]; i++) assert.equal(pla[i], plb[i]);
        // the first label that differs in the input differs in the output (no merging of siblings)
        const d = la.findIndex((l, i) => l !== lb[i]);
        if (d >= 0 && d < lb.length) assert.notEqual(pla[d], plb[d], `${a} / ${b}`);
        // mapping the registrable domain alone gives the output's registrable domain (site domains at report time)
        const reg = getDomain(a);
        if (reg && suffixOf(a)) assert.equal(getDomain(pa), names.name(reg));
      }),
      { numRuns: 300 },
    );
    assert.equal(names.name('a.b.hospital.local').split('.').slice(1).join('.'), names.name('c.b.hospital.local').split('.').slice(1).join('.'));
    // the same label under different parents is not linkable
    assert.notEqual(names.name('www.campus-a.hospital.local').split('.')[0], names.name('www.campus-b.hospital.local').split('.')[0]);
  });

  void test('what is kept: ICANN suffixes and internal TLDs only, "*", "_", empty labels, trailing dot', () => {
    assert.match(names.name('x.hospital.org'), /^[a-z]{12}\.[a-z]{12}\.org$/);
    assert.match(names.name('x.trust.nhs.uk'), /^[a-z]{12}\.[a-z]{12}\.nhs\.uk$/);
    assert.match(names.name('x.hospital.local.'), /^[a-z]{12}\.[a-z]{12}\.local\.$/);
    assert.match(names.name('x.home.arpa'), /^[a-z]{12}\.home\.arpa$/);
    // a single label or an unknown TLD is private naming: nothing kept
    assert.match(names.name('ctscanner'), /^[a-z]{12}$/);
    assert.match(names.name('mri.medcenter'), /^[a-z]{12}\.[a-z]{12}$/);
    assert.match(names.name('*.hospital.org'), /^\*\.[a-z]{12}\.org$/);
    assert.match(names.name('_ldap._tcp.dc._msdcs.hospital.local'), /^(_[a-z][a-z0-9]{11}\.){2}[a-z]{12}\._[a-z][a-z0-9]{11}\.[a-z]{12}\.local$/);
    assert.match(names.name('a..b.local'), /^[a-z]{12}\.\.[a-z]{12}\.local$/);
    assert.equal(names.name('local'), 'local');
  });

  void test('character classes, fixed lengths, no collisions among short labels', () => {
    assert.match(names.name('0417.hospital.local').split('.')[0]!, /^\d{16}$/);
    assert.match(names.name('icu.hospital.local').split('.')[0]!, /^[a-z]{12}$/);
    assert.match(names.name('pump-0417.hospital.local').split('.')[0]!, /^[a-z][a-z0-9]{11}$/);
    assert.match(names.name('ÄRZTE büro\\x20.hospital.local').split('.')[0]!, /^[a-z][a-z0-9]{11}$/);
    const short = [...'abcdefghijklmnopqrstuvwxyz0123456789'].map((c) => names.name(`${c}.hospital.local`));
    assert.equal(new Set(short).size, short.length);
    const numbered = Array.from({ length: 1000 }, (_, i) => names.name(`${i}.ward.hospital.local`));
    assert.equal(new Set(numbered).size, numbered.length);
  });

  void test('no original internal label survives', () => {
    const outputs = HOSPITAL_NAMES.map((n) => names.name(n));
    const labels = new Set(HOSPITAL_NAMES.flatMap((n) => n.split('.').slice(0, n.split('.').length - keptSuffixLabels(n))));
    for (const out of outputs) {
      for (const l of labels) {
        assert.ok(!out.split('.').includes(l), `${l} in ${out}`);
        // a chance match of a random 12-character label is negligible from 5 characters up
        if (l.length >= 5) assert.ok(!out.includes(l), `${l} inside ${out}`);
      }
    }
    fc.assert(
      fc.property(nameArb, (n) => {
        // an IP literal goes through Crypto-PAn, where an octet may map to itself (tested in cryptopan tests)
        fc.pre(!/^\d+\.\d+\.\d+\.\d+$/.test(n));
        const out = names.name(n);
        const inputLabels = n.split('.');
        const keep = keptSuffixLabels(n);
        out.split('.').slice(0, inputLabels.length - keep).forEach((l, i) => assert.notEqual(l, inputLabels[i]));
      }),
      { numRuns: 300 },
    );
  });

  void test('attacker-controlled text never throws and never passes through', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const out = names.name(s);
        const keep = keptSuffixLabels(s.toLowerCase().replace(/\.$/, ''));
        if (keep === 0 && !parseReverseName(s) && !/^[\d.:a-f%]+$/i.test(s)) assert.match(out, /^[a-z0-9._*]*$/);
      }),
      { numRuns: 300 },
    );
  });

  void test('names holding addresses agree with Crypto-PAn', () => {
    const pan = new CryptoPAn(KEY);
    const rev4 = (a: string) => `${a.split('.').reverse().join('.')}.in-addr.arpa`;
    assert.equal(names.name('10.20.3.4'), pan.map('10.20.3.4'));
    assert.equal(names.name(rev4('10.20.3.4')), rev4(pan.map('10.20.3.4')));
    assert.equal(names.name(rev4('10.20.3.4') + '.'), rev4(pan.map('10.20.3.4')) + '.');
    // a partial reverse zone is a network: it maps to the image of that network
    const net = pan.mapNetwork('10.20.0.0/16').split('/')[0]!.split('.').slice(0, 2).join('.');
    assert.equal(names.name('20.10.in-addr.arpa'), rev4(net));
    const v6 = pan.map('2001:db8::1');
    const nibbles = (a: string) => Buffer.from(parseAddress(a)!.bytes).toString('hex').split('').reverse().join('.');
    assert.equal(names.name(`${nibbles('2001:db8::1')}.ip6.arpa`), `${nibbles(v6)}.ip6.arpa`);
    assert.equal(parseReverseName('8.b.d.0.1.0.0.2.ip6.arpa')?.text, '2001:db8::/32');
    assert.equal(parseReverseName('2.10.in-addr.arpa')?.text, '10.2.0.0/16');
    assert.equal(parseReverseName('0/25.2.0.192.in-addr.arpa'), undefined);
    assert.equal(parseReverseName('256.in-addr.arpa'), undefined);
  });
});
