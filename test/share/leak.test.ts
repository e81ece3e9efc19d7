// Issue #8, requirement 4: stores built from the simulator and from real Zeek logs are exported (k = 1, so that
// as much as possible is exported), and no internal address in any spelling, internal host or DNS name, or
// fingerprint or subject of a hospital certificate appears anywhere in the export's text. The secrets are
// collected independently of the export code (secrets.ts). Also: suppression at the default k on the same store.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSite, type Site } from '../../src/config/site.ts';
import type { ShareExport } from '../../src/share/model.ts';
import { shareMethod } from '../../src/share/export.ts';
import { shareProblems } from '../../src/share/schema.ts';
import { openStore } from '../../src/store/store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { dhai } from './run-cli.ts';
import { collectSecrets, findSecrets, type Secrets } from './secrets.ts';

function readExport(file: string): { x: ShareExport; text: string } {
  const text = readFileSync(file, 'utf8');
  const x = JSON.parse(text) as ShareExport;
  assert.deepEqual(shareProblems(x), []);
  // the method notes are fixed prose from the code (checked here), so the search below leaves them out: a
  // single-label host name such as "site" must not match the prose
  assert.deepEqual(x.method, shareMethod(x.k));
  return { x, text: JSON.stringify({ ...x, method: [] }) };
}

function figures(x: ShareExport): number {
  return Object.values(x.sections).reduce((n, s) => n + Object.keys(s?.metrics ?? {}).length, 0);
}

async function exportOf(db: string, site: string | null, k: number, out: string): Promise<{ x: ShareExport; text: string }> {
  const r = await dhai('export', '--share', '--db', db, '--out', out, '--k', String(k), ...(site ? ['--site', site] : []));
  assert.equal(r.code, 0, r.err);
  return readExport(out);
}

function assertNoLeak(text: string, secrets: Secrets): void {
  assert.deepEqual(findSecrets(text, secrets), [], 'the export names a hospital host');
}

void describe('shareable export of a simulated hospital', () => {
  let dir = '';
  let db = '';
  let siteFile = '';
  let site: Site;
  let k1: { x: ShareExport; text: string };
  before(async () => {
    dir = tmpDir('dhai-share-leak-');
    const sim = path.join(dir, 'sim');
    db = path.join(dir, 'h.duckdb');
    siteFile = path.join(sim, 'site.yaml');
    for (const args of [
      ['simulate', '--out', sim, '--days', '1', '--devices', '40', '--seed', '11'],
      ['ingest', path.join(sim, 'logs'), '--db', db, '--site', siteFile],
      ['feeds', 'import', path.join(sim, 'feeds'), '--db', db],
    ]) {
      const r = await dhai(...args);
      assert.equal(r.code, 0, `${args[0]}: ${r.err}`);
    }
    site = loadSite(siteFile);
    k1 = await exportOf(db, siteFile, 1, path.join(dir, 'k1.json'));
  });

  void test('no internal address, internal name, hospital certificate fingerprint or subject appears in the export', async () => {
    const { x, text } = k1;
    const secrets = await collectSecrets(db, site);
    // the search has something to find: the simulated hospital's devices, names and certificates
    assert.ok(secrets.addresses.size > 40, `${secrets.addresses.size} address spellings`);
    assert.ok(secrets.names.size > 10, `${secrets.names.size} names`);
    assert.ok(secrets.fingerprints.size > 0 && secrets.subjects.size > 0);
    assert.ok(figures(x) > 100, `only ${figures(x)} figures exported`);
    assert.deepEqual(Object.entries(x.sections).filter(([, s]) => s?.status !== 'ok').map(([id]) => id), [], 'every section is exported, so the search covers them all');
    assertNoLeak(text, secrets);
    // nor the site's own name or domains
    for (const word of [site.name!, ...site.domains]) assert.ok(!text.toLowerCase().includes(word.toLowerCase()), word);
    // the search finds a secret when there is one (a planted address, fingerprint in capitals and name)
    const fp = [...secrets.fingerprints][0]!;
    const name = [...secrets.names].find((n) => n.includes('.'))!;
    const planted = findSecrets(`${text} 010.010.000.053 ${fp.toUpperCase()} ${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`, secrets);
    assert.ok(planted.some((h) => h.startsWith('address')) && planted.some((h) => h.startsWith('fingerprint')) && planted.some((h) => h.startsWith('name')), planted.join('; '));
  });

  void test('at the default k, figures resting on fewer than 5 devices are absent and listed in the manifest', async () => {
    // independently of the export: the simulated hospital's servers reached from outside over TLS
    const store = await openStore(db, { readOnly: true });
    const r = await store.conn.runAndReadAll(`SELECT count(DISTINCT id_resp_h) FROM ssl WHERE established AND starts_with(id_resp_h, '10.') AND NOT starts_with(id_orig_h, '10.')`);
    await store.close();
    const inboundServers = Number(r.getRows()[0]![0]);
    assert.ok(inboundServers > 0 && inboundServers < 5, `the small simulation has ${inboundServers} inbound TLS servers`);

    const k5 = await exportOf(db, siteFile, 5, path.join(dir, 'k5.json'));
    for (const m of ['inbound_rate_tls12_plus', 'inbound_tlsv12', 'inbound_devices_obsolete_at_least_once']) {
      assert.ok(m in (k1.x.sections['tls-versions']?.metrics ?? {}), `${m} is exported at k = 1`);
      assert.ok(!(m in (k5.x.sections['tls-versions']?.metrics ?? {})), `${m} is suppressed at k = 5`);
      assert.deepEqual(k5.x.manifest.suppressed.find((s) => s.section === 'tls-versions' && s.metric === m),
        { section: 'tls-versions', metric: m, reason: 'fewer_than_k_devices', detail: 'rests on fewer than 5 hospital devices' });
    }
    // figures resting on many devices stay
    assert.ok('outbound_rate_tls12_plus' in (k5.x.sections['tls-versions']?.metrics ?? {}));
    // the manifest never states a device count
    assert.ok(k5.x.manifest.suppressed.every((s) => !/\d/.test(s.detail.replace('fewer than 5', ''))));
  });
});

void describe('shareable export of real Zeek logs', { skip: needsShared }, () => {
  let dir = '';
  let db = '';
  before(async () => {
    dir = tmpDir('dhai-share-leak-fx-');
    db = path.join(dir, 'fx.duckdb');
    const logs = [fixture('zeek-tsv', 'rita-proxy'), fixture('zeek-tsv', 'slips-test10'), fixture('zeek-json', 'maccdc2012-00016'), fixture('zeek-json', 'rita-json-all-fields')];
    for (const args of [
      ['ingest', ...logs, '--db', db],
      ['feeds', 'import', fixture('lists', 'tranco-top10k-2025-06-18.csv.gz'), '--kind', 'toplist', '--db', db, '--name', 'tranco'],
      ['feeds', 'import', fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv'), '--kind', 'botnet', '--db', db],
    ]) {
      const r = await dhai(...args);
      assert.equal(r.code, 0, `${args[0]}: ${r.err}`);
    }
  });

  void test('with a site (IPv4 and IPv6 networks, own domains, a site-defined class): nothing internal is exported', async () => {
    const siteFile = path.join(dir, 'site.yaml');
    writeFileSync(siteFile, `name: Fixture Hospital
networks:
  internal: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, "2601:19e:8200:91e0::/64", "2001:718:2::/48"]
device_classes:
  - {class: medical-device, subnets: [192.168.21.0/24]}
  - {class: server, subnets: [192.168.26.0/24, 10.0.0.238/32]}
  - {class: radiology-north, subnets: [10.0.0.0/24]}
domains: [localdomain, home]
`);
    const site = loadSite(siteFile);
    const { x, text } = await exportOf(db, siteFile, 1, path.join(dir, 'site.json'));
    const secrets = await collectSecrets(db, site);
    assert.ok([...secrets.addresses].some((a) => a.includes(':')), 'IPv6 hospital addresses are searched for');
    assert.ok(secrets.fingerprints.size > 0 && secrets.subjects.size > 0 && secrets.names.size > 5);
    assert.ok(figures(x) > 50, `only ${figures(x)} figures exported`);
    assertNoLeak(text, secrets);
    assert.ok(!/radiology/i.test(text), "the site's own class name is not exported");
    const v6 = [...secrets.addresses].find((a) => /^2601:019e:/.test(a))!;
    assert.ok(findSecrets(`${text} ${v6.toUpperCase()}`, secrets).length > 0, 'a planted expanded IPv6 address is found');
  });

  void test("without a site (Zeek's local_orig/local_resp decide): nothing internal is exported", async () => {
    const { x, text } = await exportOf(db, null, 1, path.join(dir, 'nosite.json'));
    const secrets = await collectSecrets(db, null);
    assert.ok(secrets.addresses.size > 10);
    assert.ok(figures(x) > 30, `only ${figures(x)} figures exported`);
    assertNoLeak(text, secrets);
  });
});
