// `dhai feeds import|list|update` through commander, on a real store file; exit codes as cli.md says.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture, needsShared } from '../helpers/shared.ts';
import { feedsCli } from '../helpers/feeds-cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const cli = feedsCli;

void describe('dhai feeds', { skip: needsShared }, () => {
  const dir = tmpDir();
  const db = path.join(dir, 'store.duckdb');
  const feodo = () => fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv');
  let server: http.Server;
  let base = '';

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hosts.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('0.0.0.0 bad.example\n0.0.0.0 worse.example\n');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  void test('import a file, then the same file again, then list', async () => {
    const first = await cli('feeds', 'import', feodo(), '--kind', 'botnet', '--name', 'feodo', '--db', db);
    assert.equal(first.code, 0);
    assert.match(first.out, /^imported feodo \(botnet, feodo-csv\): 28 entries, 0 rejected, 0 duplicates, 0 ignored; feed date 2024-04-04 \(content\); sha256 a692a570df25a369…/);
    const again = await cli('feeds', 'import', feodo(), '--kind', 'botnet', '--name', 'feodo', '--db', db);
    assert.equal(again.code, 0);
    assert.match(again.out, /^unchanged feodo: same content as snapshot \d+/);
    const list = await cli('feeds', 'list', '--db', db);
    assert.equal(list.code, 0);
    assert.match(list.out, /^name\s+kind\s+format\s+feed date\s+entries\s+rejected\s+loaded \(UTC\)\s+sha256\s+source\n/);
    assert.match(list.out, /\nfeodo\s+botnet\s+feodo-csv\s+2024-04-04 content\s+28\s+0\s+/);
    const json = JSON.parse((await cli('feeds', 'list', '--db', db, '--json')).out) as { name: string; entries: number }[];
    assert.deepEqual(json.map((s) => [s.name, s.entries]), [['feodo', 28]]);
  });

  void test('usage errors exit 2', async () => {
    assert.equal((await cli('feeds', 'import', feodo(), '--db', db)).code, 2); // no --kind
    assert.equal((await cli('feeds', 'import', feodo(), '--kind', 'nope', '--db', db)).code, 2);
    assert.equal((await cli('feeds', 'import', feodo(), '--kind', 'toplist', '--db', db)).code, 2); // a CSV of C2 IPs is no top list
    assert.equal((await cli('feeds', 'import', path.join(dir, 'absent.csv'), '--kind', 'botnet', '--db', db)).code, 2);
    assert.equal((await cli('feeds', 'update', '--db', db, '--url', `${base}/hosts.txt`)).code, 2); // --url without --source/--kind
  });

  void test('rejects above --max-reject-rate: imported, exit 1, lines shown', async () => {
    const file = path.join(dir, 'mixed.txt');
    writeFileSync(file, 'good.example\nbad!name.example\n');
    const r = await cli('feeds', 'import', file, '--kind', 'blocklist', '--db', db, '--max-reject-rate', '0.1');
    assert.equal(r.code, 1);
    assert.match(r.out, /^imported mixed \(blocklist, plain-list\): 1 entries, 1 rejected/);
    assert.match(r.out, /\n {2}line 2: invalid character in name: bad!name\.example/);
  });

  void test('a directory with manifest.json; a bad entry gives exit 1', async () => {
    const feeds = tmpDir();
    writeFileSync(path.join(feeds, 'top.csv'), '1,google.com\n2,example.org\n');
    writeFileSync(path.join(feeds, 'manifest.json'), JSON.stringify([
      { name: 'top', kind: 'toplist', file: 'top.csv' },
      { name: 'broken', kind: 'toplist', file: 'missing.csv' },
    ]));
    const r = await cli('feeds', 'import', feeds, '--db', db);
    assert.equal(r.code, 1);
    assert.match(r.out, /^imported top \(toplist, rank-csv\): 2 entries/);
    assert.match(r.out, /\nfailed {3}broken: ENOENT/);
    assert.equal((await cli('feeds', 'import', feeds, '--kind', 'toplist', '--db', db)).code, 2);
  });

  void test('update: a user URL source is added and fetched; a second run respects the interval', async () => {
    const r = await cli('feeds', 'update', '--db', db, '--source', 'my-hosts', '--kind', 'blocklist', '--url', `${base}/hosts.txt`);
    assert.equal(r.code, 0);
    assert.match(r.out, /^imported +my-hosts: 2 entries, 0 rejected/);
    const again = await cli('feeds', 'update', '--db', db, '--source', 'my-hosts');
    assert.equal(again.code, 0);
    assert.match(again.out, /^skipped +my-hosts: fetched at .*; next allowed at .* \(--force to override\)/);
    const gone = await cli('feeds', 'update', '--db', db, '--source', 'gone', '--kind', 'blocklist', '--url', `${base}/gone.txt`);
    assert.equal(gone.code, 1);
    assert.match(gone.out, /^failed +gone: http: HTTP 404/);
  });
});

void test('feeds import --kind shodan loads a scanner export of the hospital ranges once', async () => {
  const { SHODAN_LINES } = await import('../intel/outside-view-samples.ts');
  const { tmpDir } = await import('../helpers/tmp.ts');
  const { writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const dir = tmpDir();
  const file = path.join(dir, 'shodan.json');
  writeFileSync(file, SHODAN_LINES.join('\n') + '\n');
  const db = path.join(dir, 's.duckdb');
  const first = await cli('feeds', 'import', file, '--kind', 'shodan', '--db', db);
  assert.equal(first.code, 0);
  assert.match(first.out, /^imported shodan export .*shodan\.json: \d+ services/);
  const again = await cli('feeds', 'import', file, '--kind', 'shodan', '--db', db);
  assert.match(again.out, /^unchanged shodan export/);
});
