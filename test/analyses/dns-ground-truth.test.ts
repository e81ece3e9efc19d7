// Analysis A against the simulator's ground truth, which the simulator computes from its own events without
// calling the analysis: simulate a small hospital, ingest its logs and import its feeds, run the
// analysis with its site.yaml, and compare every metric of ground-truth.json's dns-categories section.
// (The simulator runs through the CLI; ingest and feed import are called in-process, the code the CLI runs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Metric } from '../../src/analyses/types.ts';
import { loadSite } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { importFeedDir } from '../../src/intel/feed-store.ts';
import { openStore } from '../../src/store/store.ts';
import { repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { runDns } from './dns-logs.ts';

function dhai(...args: string[]): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'dhai.js'), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `dhai ${args[0]} failed: ${r.stderr}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

type Truth = number | { count: number; share: number };

/** One metric against the truth: exact counts, shares to 1e-9. The truth writes share 0 over an empty
 * denominator where report.json's contract writes null; both mean "no requests to share". */
function same(key: string, truth: Truth, mine: Metric | undefined): string | null {
  if (mine === undefined) return `${key}: missing (truth ${JSON.stringify(truth)})`;
  if (typeof truth === 'number') return mine === truth ? null : `${key}: ${JSON.stringify(mine)} != ${truth}`;
  if (typeof mine === 'number') return `${key}: a number, the truth has a count and share`;
  if (mine.count !== truth.count) return `${key}: count ${mine.count} != ${truth.count}`;
  if (mine.share === null) return truth.count === 0 && truth.share === 0 ? null : `${key}: share null != ${truth.share}`;
  return Math.abs(mine.share - truth.share) <= 1e-9 ? null : `${key}: share ${mine.share} != ${truth.share}`;
}

test('every dns-categories metric of the simulator\'s ground truth, key by key', async () => {
  const dir = tmpDir('dhai-dns-gt-');
  const out = path.join(dir, 'sim');
  const db = path.join(dir, 's.duckdb');
  dhai('simulate', '--out', out, '--days', '3', '--devices', '100');
  // the logs the analysis reads (dns; ssl and x509 for rule d), through the same ingest and feed import as the CLI
  const logs = walk(path.join(out, 'logs')).filter((f) => /^(dns|ssl|x509)\./.test(path.basename(f)));
  const ingested = await runIngest({ paths: logs, db });
  assert.equal(ingested.rowsRejected, 0);
  const store = await openStore(db);
  try {
    const feeds = await importFeedDir(store.conn, path.join(out, 'feeds'));
    assert.deepEqual(feeds.filter((f) => f.error), []);
  } finally {
    await store.close();
  }
  const truth = (JSON.parse(readFileSync(path.join(out, 'ground-truth.json'), 'utf8')) as { sections: Record<string, { metrics: Record<string, Truth> }> })
    .sections['dns-categories']!.metrics;
  const r = await runDns(db, loadSite(path.join(out, 'site.yaml')));
  assert.equal(r.status, 'ok');
  const keys = Object.keys(truth);
  assert.ok(keys.length >= 40, `the truth has ${keys.length} metrics`);
  // distinct names per device class and per day, and requests per day, are compared too
  assert.ok(keys.some((k) => /^class_[a-z_]+_names_total$/.test(k)) && keys.some((k) => /^class_[a-z_]+_whitelisted_names$/.test(k)), 'names per class');
  assert.equal(keys.filter((k) => /^day_\d{4}_\d{2}_\d{2}_names_total$/.test(k)).length, 3, 'names on each of the 3 days');
  assert.equal(keys.filter((k) => /^day_\d{4}_\d{2}_\d{2}_requests$/.test(k)).length, 3, 'requests on each of the 3 days');
  const num = (k: string) => { const t = truth[k]!; return typeof t === 'number' ? t : t.count; };
  const dayKeys = keys.filter((k) => /^day_\d{4}_\d{2}_\d{2}_requests$/.test(k));
  assert.equal(dayKeys.reduce((s, k) => s + num(k), 0), num('requests_total'), 'the days add up to the window');
  for (const k of keys.filter((k) => /_names_total$/.test(k))) assert.ok(num(k) > 0 && num(k) <= num('names_total'), k);
  const problems = keys.map((k) => same(k, truth[k]!, r.metrics[k])).filter((p) => p !== null);
  assert.deepEqual(problems, []);
  // the simulated hospital has every category the paper reports
  for (const c of ['botnet', 'blacklisted', 'self_associated', 'whitelisted', 'uncategorised']) {
    assert.ok((truth[`requests_${c}`] as { count: number }).count > 0, c);
  }
});
