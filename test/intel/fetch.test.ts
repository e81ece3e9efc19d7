// The download path against a real HTTP server on 127.0.0.1 (node:http, random port) serving the fixture
// files: 200, 304 with ETag / Last-Modified, 404, timeout, truncated body, oversized answers, integrity.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { zipSync } from 'fflate';
import { downloadFeed, FeedDownloadError } from '../../src/intel/download.ts';
import { latestSnapshot, listFeeds } from '../../src/intel/feed-store.ts';
import { selectSources, updateFeeds, type UpdateResult } from '../../src/intel/fetch.ts';
import { BUILTIN_SOURCES, saveUserSource, userSource, type FeedSource } from '../../src/intel/sources.ts';
import { fixture, needsShared } from '../helpers/shared.ts';

const ETAG = '"feodo-v1"';
const LAST_MODIFIED = 'Thu, 04 Apr 2024 07:05:00 GMT';
const HOUR = 3_600_000;

interface Seen {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

function startServer(): Promise<{ server: http.Server; base: string; seen: Seen[]; state: { garbage: boolean } }> {
  const seen: Seen[] = [];
  const state = { garbage: false };
  const feodo = readFileSync(fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv'));
  const tranco = readFileSync(fixture('lists', 'tranco-top10k-2025-06-18.csv.gz'));
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push({ path: url, ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'] });
    switch (url) {
      case '/feodo.csv':
        if (req.headers['if-none-match'] === ETAG) {
          res.writeHead(304, { etag: ETAG });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/csv', 'content-length': feodo.length, etag: ETAG, 'last-modified': LAST_MODIFIED });
        res.end(feodo);
        return;
      case '/feodo-gzip-encoded.csv': {
        // Content-Length counts the gzip bytes; fetch hands over the decoded body
        const z = gzipSync(feodo);
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': z.length });
        res.end(z);
        return;
      }
      case '/tranco.csv.gz':
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': tranco.length });
        res.end(tranco);
        return;
      case '/top-1m.csv.zip': {
        const zip = zipSync({ 'top-1m.csv': new TextEncoder().encode('1,com\n2,google.com\n3,www.example.co.uk\n') });
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
        res.end(zip);
        return;
      }
      case '/flaky.csv':
        // a good list first, then a broken one under the same name
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(state.garbage ? 'ok.example\n<html>\n<body>oops</body>\n' : 'one.example\ntwo.example\n');
        return;
      case '/slow':
        // headers never come: the client's timeout must end the wait
        return;
      case '/truncated':
        // promises more than it sends, then drops the connection
        res.writeHead(200, { 'content-length': feodo.length + 1000 });
        res.write(feodo.subarray(0, 1000), () => res.socket?.destroy());
        return;
      case '/huge-declared':
        res.writeHead(200, { 'content-length': 10_000_000 });
        res.end();
        return;
      case '/huge-chunked': {
        // no Content-Length: only counting while reading can stop it
        res.writeHead(200, { 'content-type': 'text/plain' });
        const line = Buffer.from('x.example\n'.repeat(1000));
        let open = true;
        res.on('close', () => (open = false));
        const pump = () => {
          while (open && res.write(line));
          if (open) res.once('drain', pump);
        };
        pump();
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}`, seen, state });
    });
  });
}

function source(base: string, name: string, path: string, over: Partial<FeedSource> = {}): FeedSource {
  return { name, kind: 'blocklist', url: `${base}${path}`, minIntervalMs: HOUR, maxBytes: 1_000_000, byDefault: false, note: 'test', timeoutMs: 5_000, ...over };
}

void describe('updateFeeds against a local HTTP server', { skip: needsShared }, () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let conn: DuckDBConnection;
  let catalogue: FeedSource[];
  const t0 = new Date(Date.UTC(2025, 5, 1, 12, 0, 0));
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const one = async (name: string, now: Date, force = false): Promise<UpdateResult> => {
    const r = await updateFeeds(conn, { source: name, now, force, catalogue });
    assert.equal(r.length, 1);
    return r[0]!;
  };

  before(async () => {
    srv = await startServer();
    conn = await (await DuckDBInstance.create(':memory:')).connect();
    const b = srv.base;
    catalogue = [
      source(b, 'feodo', '/feodo.csv', { kind: 'botnet', format: 'feodo-csv' }),
      source(b, 'feodo-gz', '/feodo-gzip-encoded.csv', { kind: 'botnet' }),
      source(b, 'tranco', '/tranco.csv.gz', { kind: 'toplist', maxBytes: 200_000 }),
      source(b, 'umbrella', '/top-1m.csv.zip', { kind: 'toplist', format: 'rank-csv' }),
      source(b, 'flaky', '/flaky.csv'),
      source(b, 'gone', '/missing.csv'),
      source(b, 'slow', '/slow', { timeoutMs: 300 }),
      source(b, 'cut', '/truncated', { kind: 'botnet' }),
      source(b, 'big', '/huge-declared'),
      source(b, 'endless', '/huge-chunked'),
    ];
  });
  after(() => {
    srv.server.closeAllConnections();
    srv.server.close();
  });

  void test('200: imported with ETag, Last-Modified, hash and date', async () => {
    const r = await one('feodo', t0);
    assert.equal(r.outcome, 'imported');
    assert.equal(r.httpStatus, 200);
    const s = r.snapshot!;
    assert.deepEqual([s.entries, s.etag, s.lastModified, s.source], [28, ETAG, LAST_MODIFIED, `${srv.base}/feodo.csv`]);
    assert.ok(s.sha256.startsWith('a692a570df25a369'));
    // the content's own "Last updated" wins over the HTTP date
    assert.deepEqual([s.feedDate, s.feedDateFrom], ['2024-04-04T07:03:03Z', 'content']);
  });

  void test('minimum interval: no request before it has passed, unless forced', async () => {
    const before = srv.seen.length;
    const r = await one('feodo', at(HOUR / 2));
    assert.equal(r.outcome, 'skipped');
    assert.equal(r.nextAllowedAt, at(HOUR).toISOString());
    assert.equal(srv.seen.length, before);
    const forced = await one('feodo', at(HOUR / 2 + 1), true);
    assert.equal(forced.outcome, 'not-modified');
    assert.equal(srv.seen.length, before + 1);
  });

  void test('304: conditional request with the stored validators; the snapshot is marked seen', async () => {
    const r = await one('feodo', at(2 * HOUR));
    assert.deepEqual([r.outcome, r.httpStatus], ['not-modified', 304]);
    const last = srv.seen.at(-1)!;
    assert.deepEqual([last.ifNoneMatch, last.ifModifiedSince], [ETAG, LAST_MODIFIED]);
    const s = (await latestSnapshot(conn, 'feodo'))!;
    assert.equal(s.lastSeenAt, at(2 * HOUR).toISOString());
    assert.equal((await listFeeds(conn)).filter((x) => x.name === 'feodo').length, 1);
  });

  void test('gzip content-encoding is decoded; Content-Length of the encoded body is not misread as truncation', async () => {
    const r = await one('feodo-gz', t0);
    assert.equal(r.outcome, 'imported');
    assert.equal(r.snapshot!.entries, 28);
  });

  void test('gzip file and zip archive bodies are unpacked', async () => {
    const tranco = await one('tranco', t0);
    assert.deepEqual([tranco.outcome, tranco.snapshot!.entries], ['imported', 10_000]);
    const umbrella = await one('umbrella', t0);
    assert.deepEqual([umbrella.outcome, umbrella.snapshot!.entries, umbrella.snapshot!.ignored], ['imported', 2, 1]);
  });

  void test('404: failed, no snapshot', async () => {
    const r = await one('gone', t0);
    assert.deepEqual([r.outcome, r.httpStatus, r.snapshot], ['failed', 404, null]);
    assert.match(r.message, /^http: HTTP 404/);
    assert.equal(await latestSnapshot(conn, 'gone'), null);
  });

  void test('timeout: failed after the source timeout', async () => {
    const started = Date.now();
    const r = await one('slow', t0);
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /^timeout: no answer within 300 ms/);
    assert.ok(Date.now() - started < 4_000);
  });

  void test('truncated: Content-Length larger than what was sent before the connection closed', async () => {
    const r = await one('cut', t0);
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /^truncated: /);
    assert.equal(await latestSnapshot(conn, 'cut'), null);
  });

  void test('oversized: refused on the declared length, and while reading when no length is declared', async () => {
    const declared = await one('big', t0);
    assert.match(declared.message, /^too-large: Content-Length 10000000 exceeds the 1000000-byte limit/);
    const endless = await one('endless', t0);
    assert.match(endless.message, /^too-large: body exceeds the 1000000-byte limit/);
  });

  void test('integrity: a download that parses badly is refused and the previous snapshot stays latest', async () => {
    const good = await one('flaky', t0);
    assert.equal(good.outcome, 'imported');
    srv.state.garbage = true;
    const bad = await one('flaky', at(2 * HOUR));
    assert.equal(bad.outcome, 'failed');
    assert.match(bad.message, /2 of 3 lines rejected/);
    assert.equal((await latestSnapshot(conn, 'flaky'))!.id, good.snapshot!.id);
  });

  void test('every request is logged; skips are not', async () => {
    const log = (await conn.runAndReadAll(`SELECT outcome, count(*) AS n FROM feed_fetch_log WHERE name = 'feodo' GROUP BY outcome ORDER BY outcome`)).getRowObjectsJS();
    assert.deepEqual(log.map((r) => [r.outcome, Number(r.n)]), [['imported', 1], ['not-modified', 2]]);
  });

  void test('user sources by URL are kept in the store and fetched by default', async () => {
    await saveUserSource(conn, userSource({ name: 'my-hosts', kind: 'blocklist', url: `${srv.base}/flaky.csv` }), t0);
    const names = (await selectSources(conn, { catalogue })).map((s) => s.name);
    assert.deepEqual(names, ['my-hosts']);
  });
});

void describe('downloadFeed on its own', () => {
  void test('a refused connection is a network failure', async () => {
    // port 1 on loopback: nothing listens there
    await assert.rejects(downloadFeed('http://127.0.0.1:1/x', { timeoutMs: 2_000, maxBytes: 10 }), (e: unknown) => e instanceof FeedDownloadError && e.reason === 'network');
  });
});

void describe('catalogue', () => {
  void test('plain `feeds update` fetches the threat feeds and Tranco, not the large daily lists', async () => {
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const names = (await selectSources(conn, {})).map((s) => s.name);
    assert.ok(names.includes('tranco') && names.includes('feodo') && names.includes('spamhaus-drop-v4'));
    assert.ok(!names.includes('umbrella') && !names.includes('majestic'));
    assert.match(BUILTIN_SOURCES.find((s) => s.name === 'tranco')!.url, /^https:\/\/tranco-list\.eu\/download\/[A-Z0-9]+\/1000000$/);
    await assert.rejects(selectSources(conn, { source: 'nope' }), /unknown feed source "nope"; known: tranco, umbrella/);
  });

  void test('user sources are validated', () => {
    assert.throws(() => userSource({ name: 'x', kind: 'blocklist', url: 'file:///etc/passwd' }), /only http\(s\) URLs/);
    assert.throws(() => userSource({ name: 'x', kind: 'blocklist', url: 'https://u:p@h.example/' }), /credentials/);
    assert.throws(() => userSource({ name: 'feodo', kind: 'blocklist', url: 'https://h.example/' }), /taken by a built-in source/);
    assert.throws(() => userSource({ name: 'x', kind: 'nope', url: 'https://h.example/' }), /unknown feed kind/);
  });
});
