// Section G (exposure, supply-chain) against the simulator's ground truth: a small hospital is simulated, its
// conn, dns and ssl logs go through the real ingest, the report is built with the simulator's site.yaml, and
// every metric of ground-truth.json's two sections is compared with report.json's, key by key (counts exact,
// shares to 1e-9). The ground truth is tallied from the simulator's own events (src/simulate/truth/exposure.ts,
// supply-chain.ts), never by calling the analyses; the lists both sides need are written out twice on purpose,
// and the last test holds the two copies together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exposure } from '../../src/analyses/exposure.ts';
import { REMOTE_ACCESS_TOOLS } from '../../src/analyses/remote-access-tools.ts';
import { WATCHED_SERVICES } from '../../src/analyses/services.ts';
import { supplyChain } from '../../src/analyses/supply-chain.ts';
import { loadSite } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { buildReport } from '../../src/report/build.ts';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { SERVICE_PORTS } from '../../src/simulate/truth/exposure.ts';
import { TOOL_SUFFIXES } from '../../src/simulate/truth/supply-chain.ts';
import { openStore } from '../../src/store/store.ts';
import { compareTruth, type TruthMetric } from '../helpers/ground-truth.ts';
import { tmpDir } from '../helpers/tmp.ts';

const SECTIONS = ['exposure', 'supply-chain'] as const;

async function check(opts: { days: number; devices: number; zeekVersion: string; format: 'tsv' | 'json'; gzip: boolean; seed: string }): Promise<Record<string, Record<string, TruthMetric>>> {
  const out = path.join(tmpDir('dhai-g-gt-'), 'sim');
  const sim = await simulate({ ...DEFAULTS, ...opts, out });
  // section G reads conn (exposure), dns (vendor names, remote-access tools) and ssl (server names, DICOM-TLS)
  const files = readdirSync(sim.logs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)(conn|dns|ssl)\./.test(f)).map((f) => path.join(sim.logs, f));
  const db = path.join(out, 'store.duckdb');
  const ingested = await runIngest({ paths: files, db });
  assert.equal(ingested.rowsRejected, 0);
  const truth = (JSON.parse(readFileSync(sim.groundTruth, 'utf8')) as { sections: Record<string, { metrics: Record<string, TruthMetric> }> }).sections;
  const store = await openStore(db, { readOnly: true });
  try {
    const built = await buildReport({ conn: store.conn, site: loadSite(sim.site), analyses: [exposure, supplyChain] });
    const problems: string[] = [];
    let compared = 0;
    for (const id of SECTIONS) {
      const t = truth[id]?.metrics;
      assert.ok(t && Object.keys(t).length >= 10, `ground truth has ${id}`);
      const s = built.json.sections[id]!;
      assert.equal(s.status, 'ok', `${id}: ${s.needs.join(', ')}`);
      problems.push(...compareTruth(id, t, s.metrics));
      compared += Object.keys(t).length;
    }
    assert.deepEqual(problems, [], `${problems.length} of ${compared} metrics differ`);
    return Object.fromEntries(SECTIONS.map((id) => [id, truth[id]!.metrics]));
  } finally {
    await store.close();
  }
}

const count = (m: TruthMetric | undefined) => (typeof m === 'number' ? m : (m?.count ?? NaN));

test('ground truth: Zeek 6.0 TSV, 3 days, 100 devices', async () => {
  const t = await check({ days: 3, devices: 100, zeekVersion: '6.0', format: 'tsv', gzip: false, seed: '1' });
  // the simulation exercises what is compared
  const e = t.exposure!;
  const s = t['supply-chain']!;
  for (const k of ['exposed_services', 'exposed_sessions', 'probed_only_services', 'probe_attempts', 'inbound_probe_peers', 'cleartext_clinical_cross_class', 'connections.inbound']) {
    assert.ok(count(e[k]) > 0, `exposure.${k}`);
  }
  for (const k of ['vendors_seen', 'vendor_sessions_from_vendor', 'vendor_sessions_to_vendor', 'vendor_medical_hosts_reached', 'remote_access_lookups', 'remote_access_sessions']) {
    assert.ok(count(s[k]) > 0, `supply-chain.${k}`);
  }
});

test('ground truth: Zeek 4.0 JSON, gzip, 1 day, 60 devices', async () => {
  await check({ days: 1, devices: 60, zeekVersion: '4.0', format: 'json', gzip: true, seed: '7' });
});

test('the ground truth\'s copies of the watched services and remote-access tools are the analysis\'s lists', () => {
  assert.deepEqual(
    new Map(SERVICE_PORTS),
    new Map(WATCHED_SERVICES.map((s) => [s.port, s.key])),
  );
  // the truth counts web consoles only on medical hosts, as the analysis does with its medicalOnly ports
  assert.deepEqual(WATCHED_SERVICES.filter((s) => s.medicalOnly).map((s) => s.key), ['web-console', 'web-console', 'web-console', 'web-console']);
  assert.deepEqual(TOOL_SUFFIXES, Object.fromEntries(REMOTE_ACCESS_TOOLS.map((t) => [t.key, t.suffixes])));
});
