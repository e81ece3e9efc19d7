// Analyses E and F against the simulator's ground truth (src/simulate/METRICS.md), key by key: every metric of
// ground-truth.json's cert-issues and ct-transparency sections must be in the analyses' results with the same
// count and share. Two independent computations: the simulator counts its own events, the analyses read the
// logs, the site file and the feeds. Both Zeek layouts: 6.0 (fingerprints, TSV) and 3.0 (file ids, JSON).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { certIssues } from '../../src/analyses/cert-issues.ts';
import { ctTransparency } from '../../src/analyses/ct-transparency.ts';
import type { Metric, SectionResult } from '../../src/analyses/types.ts';
import { loadSite } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { importFeedDir } from '../../src/intel/feed-store.ts';
import { DEFAULTS, simulate } from '../../src/simulate/simulate.ts';
import { openStore } from '../../src/store/store.ts';
import { tmpDir } from '../helpers/tmp.ts';

type TruthMetric = number | { count: number; share: number };

/** The truth writes share 0 for an empty denominator; report.json writes null (types.ts): the same fact. */
function same(truth: TruthMetric, got: Metric | undefined): boolean {
  if (typeof truth === 'number') return got === truth;
  if (typeof got !== 'object') return false;
  return got.count === truth.count && (got.share ?? 0) === truth.share;
}

async function compare(zeekVersion: string, format: 'tsv' | 'json', days: number, devices: number): Promise<void> {
  const dir = tmpDir('dhai-certgt-');
  await simulate({ ...DEFAULTS, out: dir, days, devices, zeekVersion, format });
  const truth = JSON.parse(readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as { sections: Record<string, { metrics: Record<string, TruthMetric> }> };
  const db = path.join(dir, 'store.duckdb');
  await runIngest({ paths: [path.join(dir, 'logs')], db });
  const store = await openStore(db);
  try {
    const items = await importFeedDir(store.conn, path.join(dir, 'feeds'));
    assert.deepEqual(items.filter((i) => i.error), []);
    const site = loadSite(path.join(dir, 'site.yaml'));
    const results: Record<string, SectionResult> = {
      'cert-issues': await certIssues.run({ conn: store.conn, site, window: {} }),
      'ct-transparency': await ctTransparency.run({ conn: store.conn, site, window: {} }),
    };
    for (const [id, r] of Object.entries(results)) {
      const want = truth.sections[id]!.metrics;
      assert.ok(Object.keys(want).length > 10, `${id}: the truth has metrics`);
      const wrong = Object.entries(want)
        .filter(([k, v]) => !same(v, r.metrics[k]))
        .map(([k, v]) => `${k}: truth ${JSON.stringify(v)}, analysis ${JSON.stringify(r.metrics[k])}`);
      assert.deepEqual(wrong, [], `${id} (Zeek ${zeekVersion}, ${format})`);
    }
    // the data is not trivial: every category the paper reports occurs
    const m = results['cert-issues']!.metrics;
    for (const k of ['status_unknown_issuer', 'status_self_signed', 'status_expired', 'unknown_issuer_no_issuer', 'unknown_issuer_reputable']) {
      assert.ok(typeof m[k] === 'object' && m[k].count > 0, k);
    }
  } finally {
    await store.close();
  }
}

void describe('cert-issues and ct-transparency equal the simulator\'s ground truth', () => {
  void test('Zeek 6.0 TSV, 3 days, 100 devices', async () => compare('6.0', 'tsv', 3, 100));
  void test('Zeek 3.0 JSON (file ids, files.log SHA-1), 1 day, 60 devices', async () => compare('3.0', 'json', 1, 60));
});
