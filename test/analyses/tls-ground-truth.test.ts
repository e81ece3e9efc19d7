// Sections B, C and D against the simulator's ground truth: a small hospital is simulated, its ssl and x509
// logs go through the real ingest, the analyses run with the simulator's site.yaml, and every metric of
// ground-truth.json's tls-versions, cipher-quality and obsolete-devices is compared key by key (counts exact,
// shares to 1e-9). The ground truth is tallied from the simulator's own events (src/simulate/truth/tls.ts),
// never by calling the analyses. Two layouts: Zeek 6.0 TSV (fingerprints) and Zeek 4.0 JSON (file ids).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cipherQuality } from '../../src/analyses/cipher-quality.ts';
import { obsoleteDevices } from '../../src/analyses/obsolete-devices.ts';
import { tlsVersions } from '../../src/analyses/tls-versions.ts';
import type { Analysis } from '../../src/analyses/types.ts';
import { loadSite } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { openStore } from '../../src/store/store.ts';
import { compareTruth, type TruthMetric } from '../helpers/ground-truth.ts';
import { tmpDir } from '../helpers/tmp.ts';


async function check(opts: { days: number; devices: number; zeekVersion: string; format: 'tsv' | 'json'; seed: string }): Promise<void> {
  const out = path.join(tmpDir(), 'sim');
  const sim = await simulate({ ...DEFAULTS, ...opts, out });
  // the TLS sections read ssl and x509 only (the simulated site lists its networks)
  const files = readdirSync(sim.logs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)(ssl|x509)\./.test(f)).map((f) => path.join(sim.logs, f));
  assert.ok(files.length > 0);
  const db = path.join(out, 'store.duckdb');
  await runIngest({ paths: files, db });
  const truth = JSON.parse(readFileSync(sim.groundTruth, 'utf8')) as { sections: Record<string, { metrics: Record<string, TruthMetric> }> };
  const s = await openStore(db, { readOnly: true });
  try {
    const ctx = { conn: s.conn, site: loadSite(sim.site), window: {} };
    const problems: string[] = [];
    let compared = 0;
    for (const a of [tlsVersions, cipherQuality, obsoleteDevices] as Analysis[]) {
      const t = truth.sections[a.id]?.metrics;
      assert.ok(t && Object.keys(t).length > 10, `ground truth has ${a.id}`);
      const r = await a.run(ctx);
      assert.equal(r.status, 'ok', `${a.id}: ${r.needs.join(', ')}`);
      problems.push(...compareTruth(a.id, t, r.metrics));
      compared += Object.keys(t).length;
    }
    assert.deepEqual(problems, [], `${problems.length} of ${compared} metrics differ`);
    // the simulation must exercise what is compared
    const v = truth.sections['tls-versions']!.metrics;
    assert.ok((v.inbound_sessions as number) > 0 && (v.outbound_sessions as number) > 0);
    assert.ok((v.inbound_devices_obsolete_at_least_once as { count: number }).count > 0);
  } finally {
    await s.close();
  }
}

test('ground truth: Zeek 6.0 TSV, 3 days, 100 devices', async () => {
  await check({ days: 3, devices: 100, zeekVersion: '6.0', format: 'tsv', seed: '1' });
});

test('ground truth: Zeek 4.0 JSON (certificates by file id), 2 days, 60 devices', async () => {
  await check({ days: 2, devices: 60, zeekVersion: '4.0', format: 'json', seed: '7' });
});
