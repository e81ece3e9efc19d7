// Baselines for the TLS sections: `dhai baseline export` writes this store's metrics in the Baseline shape (and
// the file loads back as a baseline); the charts draw a baseline series only for figures the baseline publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { tlsVersions } from '../../src/analyses/tls-versions.ts';
import type { Baseline, ChartSpec } from '../../src/analyses/types.ts';
import { registerBaseline } from '../../src/cli/baseline.ts';
import type { Runner } from '../../src/cli/main.ts';
import { parseSite } from '../../src/config/site.ts';
import { loadBaseline } from '../../src/report/baseline.ts';
import { openStore } from '../../src/store/store.ts';
import { repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { at, ingestSensor } from './tls-logs.ts';

const SITE_YAML = 'networks: { internal: [10.0.0.0/8] }\n';

async function store(): Promise<{ dir: string; db: string }> {
  const dir = tmpDir();
  const db = path.join(dir, 'b.duckdb');
  await ingestSensor(dir, db, 'a', [
    { uid: 'B1', orig: '203.0.113.5', resp: '10.1.0.1', version: 'TLSv12', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ts: at(1), local: [false, true] },
    { uid: 'B2', orig: '203.0.113.5', resp: '10.1.0.2', version: 'TLSv10', cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA', ts: at(2), local: [false, true] },
    { uid: 'B3', orig: '10.2.0.1', resp: '198.51.100.1', version: 'TLSv13', cipher: 'TLS_AES_128_GCM_SHA256', ts: at(2), local: [true, false] },
  ], []);
  return { dir, db };
}

type Series = { name: string; data: (number | string)[] };
const seriesOf = (c: ChartSpec) => (c.option.series as Series[]).map((s) => [s.name, s.data]);

test('baseline export: the store\'s metrics, loadable as a baseline', async () => {
  const { dir, db } = await store();
  const siteFile = path.join(dir, 'site.yaml');
  writeFileSync(siteFile, SITE_YAML);
  const out = path.join(dir, 'baseline.json');
  const program = new Command('dhai').exitOverride();
  let code = -1;
  const run: Runner = (fn) => async (...a) => {
    code = await fn(...a);
  };
  registerBaseline(program, run);
  await program.parseAsync(['node', 'dhai', 'baseline', 'export', '--db', db, '--out', out, '--site', siteFile, '--name', 'Hospital B']);
  assert.equal(code, 0);
  const b = loadBaseline(out).baseline;
  assert.equal(b.name, 'Hospital B');
  const v = b.sections['tls-versions']!;
  assert.equal(v.inbound_sessions, 2);
  assert.deepEqual(v.inbound_devices_obsolete_at_least_once, { count: 1, share: 0.5 });
  assert.deepEqual(v.outbound_tlsv13, { count: 1, share: 1 });
  assert.ok(b.sections['cipher-quality']!.fresh_sessions === 3);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).name, 'Hospital B');
});

test('charts: a baseline series only where the baseline publishes, empty where it does not', async () => {
  const { db } = await store();
  const s = await openStore(db, { readOnly: true });
  try {
    const site = parseSite(SITE_YAML);
    const none = await tlsVersions.run({ conn: s.conn, site, window: {} });
    assert.deepEqual(seriesOf(none.charts.find((c) => c.id === 'tls-rate-by-direction')!).map(([n]) => n),
      ['TLS 1.2+ rate', 'Devices with TLS 1.1 or below at least once']);

    const paper = loadBaseline(path.join(repoRoot, 'baselines', 'paper.json')).baseline;
    const r = await tlsVersions.run({ conn: s.conn, site, window: {}, baseline: paper });
    const rate = seriesOf(r.charts.find((c) => c.id === 'tls-rate-by-direction')!);
    // the paper gives the TLS 1.2 rate only as a difference: no baseline series for it; it does give 47.56 %
    assert.deepEqual(rate, [
      ['TLS 1.2+ rate', [50, 100]],
      ['Devices with TLS 1.1 or below at least once', [50, 0]],
      ['Devices with TLS 1.1 or below at least once, baseline', [47.56, '-']],
    ]);

    const other: Baseline = { name: 'other', source: 'test', sections: { 'tls-versions': { outbound_tlsv13: { count: 3, share: 0.25 } } } };
    const v = await tlsVersions.run({ conn: s.conn, site, window: {}, baseline: other });
    const versions = seriesOf(v.charts.find((c) => c.id === 'tls-versions-by-direction')!);
    assert.deepEqual(versions.map(([n]) => n), ['Inbound', 'Outbound', 'Outbound, baseline']);
    assert.deepEqual(versions[2]![1], ['-', '-', '-', '-', '-', 25, '-']);
  } finally {
    await s.close();
  }
});
