// The feed store on an in-memory DuckDB: snapshots, idempotent imports, manifest directories, listing.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  FeedIntegrityError,
  dateFromFileName,
  ensureFeedTables,
  feedNameFromFile,
  importFeedBytes,
  importFeedDir,
  importFeedFile,
  latestSnapshot,
  listFeeds,
} from '../../src/intel/feed-store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';

async function memory(): Promise<DuckDBConnection> {
  const inst = await DuckDBInstance.create(':memory:');
  return inst.connect();
}

async function rows(conn: DuckDBConnection, sql: string, params: (string | number)[] = []): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
}

const enc = (s: string) => new TextEncoder().encode(s);

void describe('real fixtures', { skip: needsShared }, () => {
  let conn: DuckDBConnection;
  before(async () => {
    conn = await memory();
  });

  void test('Tranco, Feodo and SSLBL import with counts, dates and hashes', async () => {
    const tranco = await importFeedFile(conn, fixture('lists', 'tranco-top10k-2025-06-18.csv.gz'), { kind: 'toplist' });
    const feodo = await importFeedFile(conn, fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv'), { kind: 'botnet', name: 'feodo' });
    const sslbl = await importFeedFile(conn, fixture('lists', 'sslbl-sslblacklist-2023-11-14.csv'), { kind: 'cert-blocklist', name: 'sslbl' });
    assert.deepEqual([tranco.status, tranco.snapshot.name, tranco.snapshot.entries], ['imported', 'tranco-top10k-2025-06-18', 10_000]);
    // sha256 prefixes as listed in ../shared/fixtures/PROVENANCE.md
    assert.ok(tranco.snapshot.sha256.startsWith('6fe0aed6b158d26f'));
    assert.ok(feodo.snapshot.sha256.startsWith('a692a570df25a369'));
    assert.ok(sslbl.snapshot.sha256.startsWith('86d462970262364c'));
    // Tranco states no date: the one in the file name is used and labelled as such
    assert.deepEqual([tranco.snapshot.feedDate, tranco.snapshot.feedDateFrom], ['2025-06-18T00:00:00Z', 'file-name']);
    assert.deepEqual([feodo.snapshot.feedDate, feodo.snapshot.feedDateFrom], ['2024-04-04T07:03:03Z', 'content']);

    const [d] = await rows(conn, `SELECT count(*) AS n, min(rank) AS lo, max(rank) AS hi FROM feed_domain WHERE snapshot_id = $1`, [tranco.snapshot.id]);
    assert.deepEqual([Number(d!.n), d!.lo, d!.hi], [10_000, 1, 10_000]);
    const [bbc] = await rows(conn, `SELECT registrable, rank FROM feed_domain WHERE domain = 'bbc.co.uk'`);
    assert.deepEqual(bbc, { registrable: 'bbc.co.uk', rank: 212 });

    // an address joins against the numeric ranges: 172.233.221.61 is Feodo's last entry (port 5938)
    const [hit] = await rows(
      conn,
      `SELECT network, port, family FROM feed_ip WHERE snapshot_id = $1 AND version = 4 AND CAST($2 AS UHUGEINT) BETWEEN lo AND hi`,
      [feodo.snapshot.id, String(172n * 16777216n + 233n * 65536n + 221n * 256n + 61n)],
    );
    assert.deepEqual(hit, { network: '172.233.221.61', port: 5938, family: 'Pikabot' });

    const [c] = await rows(conn, `SELECT count(*) AS n FROM feed_cert WHERE snapshot_id = $1 AND reason = 'AsyncRAT C&C'`, [sslbl.snapshot.id]);
    assert.equal(Number(c!.n), 963);
  });

  void test('the same content twice is a no-op', async () => {
    const again = await importFeedFile(conn, fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv'), { kind: 'botnet', name: 'feodo' });
    assert.equal(again.status, 'unchanged');
    assert.equal(again.parse, undefined);
    const [n] = await rows(conn, `SELECT count(*) AS snaps FROM feed_snapshot WHERE name = 'feodo'`);
    assert.equal(Number(n!.snaps), 1);
    const [e] = await rows(conn, `SELECT count(*) AS n FROM feed_ip`);
    assert.equal(Number(e!.n), 28);
  });
});

void describe('snapshots and idempotency', () => {
  void test('A, then B, then A again: two snapshots, latest is A', async () => {
    const conn = await memory();
    const a = enc('1,a.example\n2,b.example\n');
    const b = enc('1,b.example\n2,a.example\n');
    const t = (m: number) => new Date(Date.UTC(2025, 0, 1, 0, m));
    const r1 = await importFeedBytes(conn, a, { name: 'top', kind: 'toplist', source: 'x', fetchedAt: t(0) });
    const r2 = await importFeedBytes(conn, b, { name: 'top', kind: 'toplist', source: 'x', fetchedAt: t(1) });
    assert.equal((await latestSnapshot(conn, 'top'))!.id, r2.snapshot.id);
    const r3 = await importFeedBytes(conn, a, { name: 'top', kind: 'toplist', source: 'x', fetchedAt: t(2) });
    assert.deepEqual([r1.status, r2.status, r3.status], ['imported', 'imported', 'unchanged']);
    const latest = (await latestSnapshot(conn, 'top'))!;
    assert.equal(latest.id, r1.snapshot.id);
    assert.deepEqual([latest.fetchedAt, latest.lastSeenAt], ['2025-01-01T00:00:00.000Z', '2025-01-01T00:02:00.000Z']);
    const listed = await listFeeds(conn);
    assert.deepEqual(listed.map((s) => [s.id, s.latest]), [[r1.snapshot.id, true], [r2.snapshot.id, false]]);
    const [n] = await rows(conn, `SELECT count(*) AS n FROM feed_domain`);
    assert.equal(Number(n!.n), 4);
  });

  void test('same bytes under another name is another feed', async () => {
    const conn = await memory();
    const bytes = enc('bad.example\n');
    await importFeedBytes(conn, bytes, { name: 'one', kind: 'blocklist', source: 'x' });
    const r = await importFeedBytes(conn, bytes, { name: 'two', kind: 'blocklist', source: 'x' });
    assert.equal(r.status, 'imported');
  });

  void test('duplicates are stored once (first wins), rejects are kept with line numbers', async () => {
    const conn = await memory();
    const r = await importFeedBytes(conn, enc('1,a.example\n2,b.example\n3,A.example.\n4,bad name.example\n'), { name: 't', kind: 'toplist', source: 'x' });
    assert.deepEqual([r.snapshot.entries, r.snapshot.duplicates, r.snapshot.rejected], [2, 1, 1]);
    assert.deepEqual(await rows(conn, `SELECT domain, rank FROM feed_domain ORDER BY rank`), [{ domain: 'a.example', rank: 1 }, { domain: 'b.example', rank: 2 }]);
    assert.deepEqual(await rows(conn, `SELECT line, reason, text FROM feed_rejected`), [{ line: 4, reason: 'invalid character in name', text: '4,bad name.example' }]);
  });

  void test('integrity: empty content, reject rate, expected hash; nothing is stored', async () => {
    const conn = await memory();
    await assert.rejects(importFeedBytes(conn, enc('# nothing\n'), { name: 'e', kind: 'blocklist', source: 'x' }), FeedIntegrityError);
    await assert.rejects(
      importFeedBytes(conn, enc('ok.example\nbad name\nbad name 2\n'), { name: 'r', kind: 'blocklist', source: 'x', maxRejectRate: 0.5 }),
      /2 of 3 lines rejected \(66\.67 % > 50\.00 %\)/,
    );
    await assert.rejects(
      importFeedBytes(conn, enc('ok.example\n'), { name: 'h', kind: 'blocklist', source: 'x', expectedSha256: '00'.repeat(32) }),
      /differs from the expected/,
    );
    assert.deepEqual(await listFeeds(conn), []);
  });

  void test('a failure inside the transaction leaves no snapshot', async () => {
    const conn = await memory();
    await ensureFeedTables(conn);
    // a feed_domain the appender cannot fill: the failure comes after the snapshot row was inserted
    await conn.run('DROP TABLE feed_domain');
    await conn.run('CREATE TABLE feed_domain (snapshot_id INTEGER)');
    await assert.rejects(importFeedBytes(conn, enc('bad.example\n'), { name: 'x', kind: 'blocklist', source: 'x' }));
    const [n] = await rows(conn, 'SELECT count(*) AS n FROM feed_snapshot');
    assert.equal(Number(n!.n), 0);
  });

  void test('100,000-entry top list', async () => {
    const conn = await memory();
    const lines: string[] = [];
    for (let i = 1; i <= 100_000; i++) lines.push(`${i},site${i}.example${i % 997}.co.uk`);
    const r = await importFeedBytes(conn, enc(`${lines.join('\n')}\n`), { name: 'big', kind: 'toplist', source: 'generated' });
    assert.equal(r.snapshot.entries, 100_000);
    const [x] = await rows(conn, `SELECT count(DISTINCT registrable) AS n FROM feed_domain`);
    assert.equal(Number(x!.n), 997); // siteN.exampleM.co.uk → exampleM.co.uk, M = N mod 997
  });
});

void describe('files and manifest directories', () => {
  void test('names and dates from file names', () => {
    assert.equal(feedNameFromFile('/x/tranco-top10k-2025-06-18.csv.gz'), 'tranco-top10k-2025-06-18');
    assert.equal(feedNameFromFile('/x/top-1m.csv.zip'), 'top-1m');
    assert.equal(dateFromFileName('/x/list-2024-02-30.csv'), null);
    assert.equal(dateFromFileName('/x/list-2024-02-29.csv'), '2024-02-29T00:00:00Z');
  });

  void test('importFeedDir reads manifest.json; one bad entry does not stop the rest', async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'top.csv'), '1,google.com\n2,example.org\n');
    writeFileSync(path.join(dir, 'bad.txt'), 'evil.example\n203.0.113.9\n');
    mkdirSync(path.join(dir, 'ct'));
    writeFileSync(path.join(dir, 'ct', 'fps.txt'), `${'ab'.repeat(32)}\n`);
    const manifest = [
      { name: 'toplist', kind: 'toplist', file: 'top.csv' },
      { name: 'blocklist-1', kind: 'blocklist', file: 'bad.txt' },
      { name: 'ct', kind: 'ct-fingerprints', file: 'ct/fps.txt' },
      { name: 'ct-logs', kind: 'ct-log-list', file: 'top.csv' },
      { name: 'escape', kind: 'blocklist', file: '../outside.txt' },
      { name: 'missing', kind: 'blocklist', file: 'nope.txt' },
    ];
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const conn = await memory();
    const items = await importFeedDir(conn, dir);
    assert.deepEqual(items.map((i) => [i.name, i.result?.status ?? 'error']), [
      ['toplist', 'imported'], ['blocklist-1', 'imported'], ['ct', 'imported'], ['ct-logs', 'error'], ['escape', 'error'], ['missing', 'error'],
    ]);
    assert.match(items[3]!.error!, /a ct-log-list feed cannot be read from rank-csv content/);
    assert.match(items[4]!.error!, /lies outside/);
    assert.match(items[5]!.error!, /ENOENT/);
    assert.equal(items[1]!.result!.snapshot.entries, 2);
    // the whole directory again: every file unchanged
    const again = await importFeedDir(conn, dir);
    assert.deepEqual(again.filter((i) => i.result).map((i) => i.result!.status), ['unchanged', 'unchanged', 'unchanged']);
  });

  void test('a broken manifest is a usage error naming the problem', async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'manifest.json'), '[{"name": "x", "kind": "toplist"}]');
    await assert.rejects(importFeedDir(await memory(), dir), /\[0\.file\]/);
    await assert.rejects(importFeedDir(await memory(), tmpDir()), /manifest\.json: not found/);
  });
});
