// Analysis F takes its CT log list from the store: without one it uses the shipped table (which does not know
// the scenario's test log, so its SCTs count as "log unknown"); once a list naming the log is imported, the
// same SCTs verify, and the method notes name the list, its version and its hash.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ctTransparency } from '../../src/analyses/ct-transparency.ts';
import type { Metric, SectionResult } from '../../src/analyses/types.ts';
import { importFeedBytes } from '../../src/intel/feed-store.ts';
import { scenario, type Scenario } from './cert-scenario.ts';

const pair = (m: Metric | undefined): [number, number | null] => (typeof m === 'object' ? [m.count, m.share] : [NaN, null]);
const logNote = (r: SectionResult): string => r.method.find((m) => m.startsWith('CT log list for SCTs: ')) ?? '';

/** The scenario's test log written as a Chrome v3 list, as `dhai feeds import --kind ct-log-list` reads it. */
function listJson(s: Scenario): string {
  const log = s.logs.logs[0]!;
  return JSON.stringify({
    version: '7.1', log_list_timestamp: '2018-01-01T00:00:00Z',
    operators: [{ name: log.operator, logs: [{ description: log.description, log_id: log.logId, key: log.key.toString('base64'), url: 'https://ct.invalid/' }], tiled_logs: [] }],
  });
}

void describe('ct-transparency reads the stored CT log list', () => {
  let s: Scenario;
  const run = (): Promise<SectionResult> => ctTransparency.run({ conn: s.store.conn, site: s.site, window: {}, certs: { roots: s.roots } });
  before(async () => {
    s = await scenario({ feeds: false });
  });
  after(async () => s.store.close());

  void test('no list stored: the shipped table, named; the test log is unknown', async () => {
    const r = await run();
    assert.equal(r.status, 'ok');
    assert.deepEqual(pair(r.metrics.certs_logged_by_sct), [0, 0]);
    assert.deepEqual(pair(r.metrics.certs_with_embedded_scts), [2, 2 / 8]);
    const portal = r.tables.hospital_not_logged!.find((x) => String(x.names) === 'portal.hospital.example')!;
    assert.deepEqual([portal.scts, portal.sct_unknown_log, portal.sct_unverified], [1, 1, 0]);
    assert.match(logNote(r), /^CT log list for SCTs: the table shipped with dhai \(src\/intel\/generated\/ct-logs\.ts\), generated from Chrome chrome-all_logs_list-\S+\.json \(list version /);
  });

  void test('a list imported into the store: its log\'s SCTs verify, the tampered one fails, the note names the list', async () => {
    const imp = await importFeedBytes(s.store.conn, Buffer.from(listJson(s)), { name: 'hospital-ct-list', kind: 'ct-log-list', source: 'https://lists.example/log_list.json' });
    assert.equal(imp.status, 'imported');
    const r = await run();
    assert.deepEqual(pair(r.metrics.certs_logged_by_sct), [1, 1 / 8], 'the expired certificate\'s valid SCT');
    const portal = r.tables.hospital_not_logged!.find((x) => String(x.names) === 'portal.hospital.example')!;
    assert.deepEqual([portal.scts, portal.sct_unknown_log, portal.sct_unverified], [1, 0, 1]);
    assert.equal(
      logNote(r),
      `CT log list for SCTs: the newest stored list: Chrome list version 7.1, dated 2018-01-01T00:00:00Z (list timestamp), 1 log ` +
        `(feed hospital-ct-list, downloaded ${imp.snapshot.lastSeenAt.slice(0, 10)} from https://lists.example/log_list.json, sha256 ${imp.snapshot.sha256.slice(0, 16)}…, signature not checked).`,
    );
  });

  void test('a list given by the caller still wins over the store', async () => {
    const r = await ctTransparency.run({ conn: s.store.conn, site: s.site, window: {}, certs: { roots: s.roots, ctLogList: s.logs } });
    assert.deepEqual(pair(r.metrics.certs_logged_by_sct), [1, 1 / 8]);
    assert.match(logNote(r), /^CT log list for SCTs: a chrome list given to the analysis, version 1\.0/);
  });
});
