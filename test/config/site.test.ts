// The site configuration: valid files load; every mistake names the file, the key and the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSite } from '../../src/config/site.ts';
import { UsageError } from '../../src/util/errors.ts';

test('the example written by dhai init is valid', () => {
  const text = readFileSync(new URL('../../src/config/example-site.yaml', import.meta.url), 'utf8');
  const site = parseSite(text, 'site.yaml');
  assert.ok(site.networks.internal.includes('10.0.0.0/8'));
  assert.deepEqual(site.device_classes.map((d) => d.class).slice(0, 2), ['medical-device', 'medical-supporting']);
  assert.deepEqual(site.domains, ['example-hospital.org', 'example-hospital.local']);
});

test('JSON works as well as YAML', () => {
  const site = parseSite(JSON.stringify({ networks: { internal: ['192.168.0.0/16'] }, domains: ['h.example'] }), 'site.json');
  assert.deepEqual(site.networks.internal, ['192.168.0.0/16']);
});

const bad: [string, RegExp][] = [
  ['networks:\n  internal:\n    - 10.0.0.0/8\n    - 10.300.0.0/16\n', /^s\.yaml:4: networks\.internal\[1\]: not an IP network in CIDR form/],
  ['device_classes:\n  - class: Medical Device\n    subnets: [10.1.0.0/16]\n', /^s\.yaml:2: device_classes\[0\]\.class: class names are lowercase/],
  ['networks: {internal: [010.0.0.0/8]}\n', /^s\.yaml:1: networks\.internal\[0\]: not an IP network/],
  ['domains: [ok.example, "not a domain"]\n', /^s\.yaml:1: domains\[1\]: not a domain name/],
  ['netwerks:\n  internal: []\n', /^s\.yaml:1: \(top level\): unknown key\(s\) netwerks/],
  ['networks: [unclosed\n', /^s\.yaml:\d+: not valid YAML\/JSON/],
];
for (const [text, expected] of bad) {
  test(`rejects with file, line and key: ${expected.source.slice(0, 60)}`, () => {
    assert.throws(() => parseSite(text, 's.yaml'), (e: unknown) => e instanceof UsageError && expected.test(e.message));
  });
}
