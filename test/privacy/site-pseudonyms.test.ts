// The site as a report on a pseudonymised store sees it: every value ingest replaced is found again through the
// mapped site (networks hold the mapped addresses, domains match the mapped names), and nothing else moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSite } from '../../src/config/site.ts';
import { NetworkMap, NetworkSet } from '../../src/privacy/addresses.ts';
import { SitePseudonyms, pseudonymisedSite } from '../../src/privacy/site-pseudonyms.ts';
import { UsageError } from '../../src/util/errors.ts';

const KEY = Buffer.alloc(32, 9);
const SITE = parseSite(`networks:
  internal: [10.20.0.0/16, "fd12:3456::/32"]
device_classes:
  - class: medical-device
    subnets: [10.20.16.0/20]
domains: [hospital.org, intranet.example]
resolvers: [10.20.0.53, 9.9.9.9]
vendors:
  - name: Acme
    networks: [10.20.200.0/24, 84.48.250.0/24]
    domains: [acme.example, acme.local]
accepted_risks:
  - id: exposure/exposed-web-console/10.20.1.5:443
    reason: vendor-managed
    expires: 2099-01-01
`);

test('addresses ingest mapped lie in the mapped networks, with their device class; external ones are left', () => {
  const p = new SitePseudonyms(KEY, SITE, false);
  const mapped = pseudonymisedSite(SITE, KEY, 'internal');
  const inside = new NetworkSet(mapped.networks.internal);
  const classes = new NetworkMap(mapped.device_classes.flatMap((c) => c.subnets.map((s) => [s, c.class] as const)));
  for (const a of ['10.20.0.1', '10.20.17.33', '10.20.255.254', 'fd12:3456::1', 'fd12:3456:ffff::9']) {
    assert.notEqual(p.address(a), a);
    assert.ok(inside.has(p.address(a)), `${a} → ${p.address(a)} inside`);
  }
  assert.equal(classes.lookup(p.address('10.20.17.33')), 'medical-device');
  assert.equal(classes.lookup(p.address('10.20.1.1')), undefined);
  assert.equal(p.address('8.8.8.8'), '8.8.8.8');
  assert.deepEqual(mapped.resolvers, [p.network('10.20.0.53/32'), '9.9.9.9']);
  assert.equal(new NetworkSet([mapped.resolvers[0]!]).has(p.address('10.20.0.53')), true);
  assert.deepEqual(mapped.vendors[0]!.networks, [p.network('10.20.200.0/24'), '84.48.250.0/24']);
  assert.equal(mapped.accepted_risks[0]!.id, `exposure/exposed-web-console/${p.address('10.20.1.5')}:443`);
});

test('site domains are listed as written (certificates keep them) and as the pseudonyms traffic names got', () => {
  const p = new SitePseudonyms(KEY, SITE, false);
  const mapped = pseudonymisedSite(SITE, KEY, 'internal');
  assert.deepEqual(mapped.domains, ['hospital.org', p.name('hospital.org'), 'intranet.example', p.name('intranet.example')]);
  assert.match(p.name('hospital.org'), /^[a-z]{12}\.org$/);
  // a name below a site domain ends with the domain's pseudonym, so rule (a) still matches it
  assert.ok(p.name('pacs.hospital.org').endsWith(`.${p.name('hospital.org')}`));
  assert.equal(p.name('www.google.com'), 'www.google.com');
  // an external vendor domain stays; an internal-looking one is also listed as its pseudonym
  assert.deepEqual(mapped.vendors[0]!.domains, ['acme.example', 'acme.local', p.name('acme.local')]);
});

test('with scope all, external networks are mapped too; a partly internal network is refused', () => {
  const all = pseudonymisedSite(SITE, KEY, 'all');
  const p = new SitePseudonyms(KEY, SITE, true);
  assert.deepEqual(all.resolvers, [p.network('10.20.0.53/32'), p.network('9.9.9.9/32')]);
  assert.equal(new NetworkSet([all.vendors[0]!.networks[1]!]).has(p.address('84.48.250.7')), true);
  const wide = { ...SITE, resolvers: ['10.0.0.0/8'] };
  assert.throws(() => pseudonymisedSite(wide, KEY, 'internal'), (e: unknown) => e instanceof UsageError && /partly internal/.test(e.message));
});
