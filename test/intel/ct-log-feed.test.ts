// CT log lists as feeds: the real Chrome and Apple lists imported with `dhai feeds import --kind ct-log-list`,
// read back from the store as the list a report verifies SCTs against (newest Chrome + newest Apple, their
// union), real embedded SCTs verified against it, a list lacking a log, malformed entries, and `feeds update`
// against a real HTTP server on 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { verifyLeafScts } from '../../src/analyses/cert-verify.ts';
import { parseCtLogList, type CtLogList } from '../../src/intel/ct-log-list.ts';
import { ctLogListForReport, storedCtLogLists } from '../../src/intel/ct-log-store.ts';
import { parseFeed } from '../../src/intel/formats.ts';
import { updateFeeds } from '../../src/intel/fetch.ts';
import { BUILTIN_SOURCES, type FeedSource } from '../../src/intel/sources.ts';
import { openStore } from '../../src/store/store.ts';
import { parseCertificate, type Certificate } from '../../src/x509/certificate.ts';
import { certificatesFromPem } from '../../src/x509/pem.ts';
import { CertificatePool, nodeRootStore } from '../../src/x509/trust-store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { feedsCli } from '../helpers/feeds-cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const CHROME = (): string => fixture('ct', 'chrome-all_logs_list-2025-05-23.json');
const APPLE = (): string => fixture('ct', 'apple-current_log_list-2025.json');
const PILOT = "Google 'Pilot' log";

const cli = feedsCli;

async function withConn<T>(db: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const store = await openStore(db, { readOnly: true });
  try {
    return await fn(store.conn);
  } finally {
    await store.close();
  }
}

const pemCerts = (...p: string[]): Certificate[] => certificatesFromPem(readFileSync(fixture(...p), 'latin1')).map((d) => parseCertificate(d));

/** Verified / unknown-log / failed counts of a leaf's embedded SCTs against `logs`, with its real issuer. */
function sctCounts(leaf: Certificate, issuer: Certificate, logs: CtLogList): [number, number, number] {
  const v = verifyLeafScts(leaf, logs, { roots: nodeRootStore(), internalCas: undefined, pool: new CertificatePool([issuer]) });
  return [v.verified, v.unknownLog, v.failed];
}

/** A Chrome-format list naming only the CT project's test log (whose key signed test-embedded-cert.pem's SCT). */
function testLogList(): string {
  const key = createPublicKey(readFileSync(fixture('ct', 'certs', 'ct-server-key-public.pem'))).export({ type: 'spki', format: 'der' });
  return JSON.stringify({
    version: '1.0', log_list_timestamp: '2025-06-01T00:00:00Z',
    operators: [{ name: 'CT project', logs: [{ description: 'CT test log', log_id: createHash('sha256').update(key).digest('base64'), key: key.toString('base64'), mmd: 86400 }] }],
  }, null, 2);
}

type ChromeDoc = { operators: { name: string; logs: Record<string, unknown>[] }[] };
const chromeDoc = (): ChromeDoc => JSON.parse(readFileSync(CHROME(), 'utf8')) as ChromeDoc;

void describe('CT log lists imported with dhai feeds import', { skip: needsShared }, () => {
  const dir = tmpDir();
  const db = path.join(dir, 'store.duckdb');
  const github = (): Certificate[] => pemCerts('ct', 'certs', 'github-chain.pem');
  const testCert = (): [Certificate, Certificate] => [pemCerts('ct', 'certs', 'test-embedded-cert.pem')[0]!, pemCerts('ct', 'certs', 'ca-cert.pem')[0]!];

  void test('the real Chrome and Apple lists: every fact the shipped table holds, version, date, hash', async () => {
    const chrome = await cli('feeds', 'import', CHROME(), '--kind', 'ct-log-list', '--db', db);
    assert.equal(chrome.code, 0);
    assert.match(chrome.out, /^imported chrome-all_logs_list-2025-05-23 \(ct-log-list, chrome-ct-json\): version 54\.12, 184 entries, 0 rejected, 0 duplicates, 0 ignored; feed date 2025-05-23 \(content\); sha256 e6cbffc7ec03853b…/);
    const apple = await cli('feeds', 'import', APPLE(), '--kind', 'ct-log-list', '--name', 'apple', '--db', db);
    assert.equal(apple.code, 0);
    assert.match(apple.out, /^imported apple \(ct-log-list, apple-ct-json\): version 364, 127 entries, 0 rejected, .*feed date unknown; sha256 196769246a0d06e1…/);
    assert.equal((await cli('feeds', 'import', APPLE(), '--kind', 'ct-log-list', '--name', 'apple', '--db', db)).out.split(' ')[0], 'unchanged');

    await withConn(db, async (conn) => {
      const stored = await storedCtLogLists(conn);
      assert.deepEqual(stored.map((s) => [s.list.format, s.version, s.list.timestamp, s.snapshot.entries]), [
        ['chrome', '54.12', '2025-05-23T12:54:15Z', 184],
        ['apple', '364', null, 127],
      ]);
      // the stored facts are the parser's, log for log (the generator reads files with the same parser)
      for (const [s, file] of [[stored[0]!, CHROME()], [stored[1]!, APPLE()]] as const) {
        const direct = parseCtLogList(readFileSync(file));
        assert.deepEqual(s.list.logs, direct.logs, file);
      }
      const r = await ctLogListForReport(conn);
      assert.equal(r.list.logs.length, 184, 'Apple lists no log Chrome does not');
      assert.match(r.provenance, /^the newest stored lists: Chrome list version 54\.12, dated 2025-05-23T12:54:15Z \(list timestamp\), 184 logs \(feed chrome-all_logs_list-2025-05-23, imported \d{4}-\d\d-\d\d from chrome-all_logs_list-2025-05-23\.json, sha256 e6cbffc7ec03853b…, signature not checked\); Apple list version 364, undated, 127 logs .*; their union: 184 distinct logs$/);
      assert.doesNotMatch(r.provenance, /\/work\/|fixtures/, 'a file is named without its directory');
    });
  });

  void test('real embedded SCTs verify against the imported lists; the CT test log is unknown to them', async () => {
    const [leaf, issuer] = github();
    await withConn(db, async (conn) => {
      const { list } = await ctLogListForReport(conn);
      assert.deepEqual(sctCounts(leaf!, issuer!, list), [3, 0, 0]);
      const [t, ca] = testCert();
      assert.deepEqual(sctCounts(t, ca, list), [0, 1, 0]);
    });
  });

  void test('a newer Chrome list replaces the older one; the Apple list still adds its logs (the union)', async () => {
    const file = path.join(dir, 'test-log-list.json');
    writeFileSync(file, testLogList());
    const r = await cli('feeds', 'import', file, '--kind', 'ct-log-list', '--db', db);
    assert.equal(r.code, 0);
    assert.match(r.out, /^imported test-log-list \(ct-log-list, chrome-ct-json\): version 1\.0, 1 entries/);
    const [leaf, issuer] = github();
    const [t, ca] = testCert();
    await withConn(db, async (conn) => {
      const { list, provenance } = await ctLogListForReport(conn);
      assert.equal(list.logs.length, 128, 'the test log and Apple\'s 127');
      assert.match(provenance, /Chrome list version 1\.0, .*feed test-log-list.*; Apple list version 364.*their union: 128 distinct logs$/);
      assert.deepEqual(sctCounts(t, ca, list), [1, 0, 0]);
      assert.deepEqual(sctCounts(leaf!, issuer!, list), [3, 0, 0], 'Pilot, DigiCert Log Server and Skydiver are in Apple\'s list');
    });
    // importing the real Chrome list again makes it the newest Chrome list
    assert.match((await cli('feeds', 'import', CHROME(), '--kind', 'ct-log-list', '--db', db)).out, /^unchanged chrome-all_logs_list-2025-05-23/);
    await withConn(db, async (conn) => {
      const { list } = await ctLogListForReport(conn);
      assert.equal(list.logs.length, 184);
      assert.deepEqual(sctCounts(t, ca, list), [0, 1, 0]);
    });
  });

  void test('a list lacking a log leaves that SCT unverified (log unknown); the others still verify', async () => {
    const doc = chromeDoc();
    for (const op of doc.operators) op.logs = op.logs.filter((l) => l.description !== PILOT);
    const file = path.join(tmpDir(), 'no-pilot.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const lone = path.join(tmpDir(), 'store.duckdb');
    const r = await cli('feeds', 'import', file, '--kind', 'ct-log-list', '--db', lone);
    assert.match(r.out, /version 54\.12, 183 entries, 0 rejected/);
    const [leaf, issuer] = github();
    await withConn(lone, async (conn) => {
      const { list } = await ctLogListForReport(conn);
      assert.equal(list.get('pLkJkLQYWBSHuxOizGdwCjw1mAT5G9+443fNDsgN3BA='), undefined);
      assert.deepEqual(sctCounts(leaf!, issuer!, list), [2, 1, 0]);
    });
  });

  void test('malformed entries are rejected and counted, the rest imported; a broken file is not', async () => {
    const doc = chromeDoc();
    const logs = doc.operators[0]!.logs;
    const argon2020 = logs.find((l) => l.description === "Google 'Argon2020' log")!;
    const argon2021 = logs.find((l) => l.description === "Google 'Argon2021' log")!;
    const argon2022 = logs.find((l) => l.description === "Google 'Argon2022' log")!;
    const realId = String(argon2020.log_id);
    argon2020.log_id = `A${realId.slice(1)}`;
    delete argon2021.key;
    // an id that matches its "key", which is no key at all
    const junk = Buffer.from('not a public key');
    argon2022.key = junk.toString('base64');
    argon2022.log_id = createHash('sha256').update(junk).digest('base64');
    const text = JSON.stringify(doc, null, 2);
    const lineOf = (s: string): number => text.split('\n').findIndex((l) => l.includes(s)) + 1;
    const file = path.join(tmpDir(), 'damaged.json');
    writeFileSync(file, text);
    const lone = path.join(tmpDir(), 'store.duckdb');
    const r = await cli('feeds', 'import', file, '--kind', 'ct-log-list', '--db', lone);
    assert.equal(r.code, 0, '3 of 184 is under the 5 % reject threshold');
    assert.match(r.out, /^imported damaged \(ct-log-list, chrome-ct-json\): version 54\.12, 181 entries, 3 rejected/);
    const lines = r.out.split('\n');
    assert.ok(lines.includes(`  line ${lineOf(`"A${realId.slice(1)}"`)}: log "Google 'Argon2020' log" has log_id A${realId.slice(1)} but its key hashes to ${realId}: Google 'Argon2020' log`), r.out);
    assert.ok(lines.some((l) => l.startsWith(`  line ${lineOf(String(argon2021.log_id))}: not a CT log list: operators.0.logs.1.key: `) && l.endsWith(": Google 'Argon2021' log")), r.out);
    assert.ok(lines.includes(`  line ${lineOf(String(argon2022.log_id))}: log "Google 'Argon2022' log": its key is not a DER SubjectPublicKeyInfo: Google 'Argon2022' log`), r.out);
    await withConn(lone, async (conn) => {
      const { list } = await ctLogListForReport(conn);
      assert.equal(list.logs.length, 181);
      assert.equal(list.get(realId), undefined, 'a log whose id does not match its key is not used');
    });

    // strict readers (the table generator) still refuse the same file
    assert.throws(() => parseCtLogList(text, 'damaged.json'), /damaged\.json: log "Google 'Argon2020' log"/);
    // cut short (a broken download): nothing usable, the import fails (exit 1) and the store is unchanged
    const cut = path.join(tmpDir(), 'cut.json');
    writeFileSync(cut, text.slice(0, 5000));
    const c = await cli('feeds', 'import', cut, '--kind', 'ct-log-list', '--db', lone);
    assert.equal(c.code, 1);
    assert.match(c.out, /^failed +\S+cut\.json: cut: no usable entries \(1 rejected, 0 ignored\); first rejected line 0: CT log list: not JSON/);
    // not a log list at all: a usage error (exit 2)
    assert.equal((await cli('feeds', 'import', fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv'), '--kind', 'ct-log-list', '--db', lone)).code, 2);
    await withConn(lone, async (conn) => assert.equal((await ctLogListForReport(conn)).list.logs.length, 181));
  });

  void test('without a stored list the shipped table is used and named', async () => {
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const r = await ctLogListForReport(conn);
    assert.equal(r.stored.length, 0);
    assert.match(r.provenance, /^the table shipped with dhai \(src\/intel\/generated\/ct-logs\.ts\), generated from Chrome chrome-all_logs_list-2025-05-23\.json \(list version 54\.12, timestamp 2025-05-23T12:54:15Z, sha256 e6cbffc7ec03853b…, signature verified\), 184 logs; no CT log list is loaded/);
  });
});

void describe('damaged log entries, at random', { skip: needsShared }, () => {
  void test('every log is kept or rejected, never both, never lost; a kept log\'s id is the hash of its key', () => {
    const original = chromeDoc();
    const total = original.operators.reduce((n, op) => n + op.logs.length + ((op as { tiled_logs?: unknown[] }).tiled_logs?.length ?? 0), 0);
    const field = fc.constantFrom('log_id', 'key', 'description', 'url', 'state', 'temporal_interval', 'log_type');
    const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.base64String({ maxLength: 120 }), fc.dictionary(fc.string(), fc.string()));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), field, value), { maxLength: 8 }), (edits) => {
        const doc = chromeDoc();
        const all = doc.operators.flatMap((op) => op.logs);
        for (const [i, f, v] of edits) {
          const log = all[i % all.length]!;
          if (v === undefined) delete log[f];
          else log[f] = v;
        }
        const r = parseFeed(Buffer.from(JSON.stringify(doc)), { kind: 'ct-log-list' });
        assert.equal(r.entries.length + r.rejectedCount, total);
        for (const e of r.entries) {
          assert.ok(e.type === 'ct-log');
          assert.equal(createHash('sha256').update(Buffer.from(e.key, 'base64')).digest('base64'), e.logId);
        }
        assert.ok(r.rejectedCount <= edits.length);
      }),
      { numRuns: 60 },
    );
  });
});

void describe('dhai feeds update for CT log lists, against 127.0.0.1', { skip: needsShared }, () => {
  const LAST_MODIFIED = 'Mon, 02 Jun 2025 08:00:00 GMT';
  const ETAG = '"chrome-54.12"';
  const seen: string[] = [];
  const state = { cut: false };
  let server: http.Server;
  let base = '';
  let conn: DuckDBConnection;
  let catalogue: FeedSource[];
  const t0 = new Date(Date.UTC(2025, 5, 2, 12, 0, 0));

  before(async () => {
    const chrome = readFileSync(CHROME());
    const apple = readFileSync(APPLE());
    server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers['if-none-match'] ?? '-'} ${req.headers['if-modified-since'] ?? '-'}`);
      if (req.url === '/ct/log_list/v3/all_logs_list.json') {
        // cut short: a broken answer whatever the validators (a misbehaving proxy)
        if (!state.cut && req.headers['if-none-match'] === ETAG) {
          res.writeHead(304, { etag: ETAG });
          res.end();
          return;
        }
        const body = state.cut ? chrome.subarray(0, 4000) : chrome;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, ...(state.cut ? {} : { etag: ETAG }) });
        res.end(body);
      } else if (req.url === '/ct/log_list/current_log_list.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': apple.length, 'last-modified': LAST_MODIFIED });
        res.end(apple);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    conn = await (await DuckDBInstance.create(':memory:')).connect();
    // the built-in sources, pointed at the local server (same names, formats, intervals and limits)
    catalogue = BUILTIN_SOURCES.filter((s) => s.kind === 'ct-log-list').map((s) => ({ ...s, url: `${base}${new URL(s.url).pathname}`, timeoutMs: 5_000 }));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  void test('the catalogue has Chrome\'s v3 all-logs list and Apple\'s current list, fetched by a plain update', () => {
    const ct = BUILTIN_SOURCES.filter((s) => s.kind === 'ct-log-list');
    assert.deepEqual(ct.map((s) => [s.name, s.url, s.byDefault]), [
      ['chrome-ct', 'https://www.gstatic.com/ct/log_list/v3/all_logs_list.json', true],
      ['apple-ct', 'https://valid.apple.com/ct/log_list/current_log_list.json', true],
    ]);
  });

  void test('download both, then the interval holds, then a conditional request', async () => {
    const first = await updateFeeds(conn, { now: t0, catalogue });
    assert.deepEqual(first.map((r) => [r.name, r.outcome]), [['chrome-ct', 'imported'], ['apple-ct', 'imported']]);
    assert.equal(first[0]!.message.startsWith('184 entries, 0 rejected'), true);
    assert.deepEqual([first[1]!.snapshot!.feedDate, first[1]!.snapshot!.feedDateFrom], ['2025-06-02T08:00:00Z', 'http']);
    const r = await ctLogListForReport(conn);
    assert.equal(r.list.logs.length, 184);
    assert.match(r.provenance, new RegExp(`feed chrome-ct, downloaded 2025-06-02 from ${base}/ct/log_list/v3/all_logs_list\\.json`));
    assert.match(r.provenance, /Apple list version 364, dated 2025-06-02T08:00:00Z \(HTTP Last-Modified\)/);

    const soon = await updateFeeds(conn, { now: new Date(t0.getTime() + 3_600_000), catalogue });
    assert.deepEqual(soon.map((x) => x.outcome), ['skipped', 'skipped'], 'a day between requests');
    const n = seen.length;
    const forced = await updateFeeds(conn, { source: 'chrome-ct', force: true, now: new Date(t0.getTime() + 7_200_000), catalogue });
    assert.equal(forced[0]!.outcome, 'not-modified');
    assert.equal(seen[n], `/ct/log_list/v3/all_logs_list.json ${ETAG} -`);
  });

  void test('a download cut short fails and the previous list stays in use', async () => {
    state.cut = true;
    const next = await updateFeeds(conn, { source: 'chrome-ct', force: true, now: new Date(t0.getTime() + 2 * 86_400_000), catalogue });
    assert.equal(next[0]!.outcome, 'failed');
    assert.match(next[0]!.message, /no usable entries/);
    state.cut = false;
    const stored = await storedCtLogLists(conn);
    assert.deepEqual(stored.map((s) => [s.snapshot.name, s.list.logs.length]), [['chrome-ct', 184], ['apple-ct', 127]]);
  });

  void test('through the CLI: a ct-log-list source added by URL is fetched and used', async () => {
    const db = path.join(tmpDir(), 'store.duckdb');
    const r = await cli('feeds', 'update', '--db', db, '--source', 'apple-mirror', '--kind', 'ct-log-list', '--url', `${base}/ct/log_list/current_log_list.json`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^imported +apple-mirror: 127 entries, 0 rejected/);
    await withConn(db, async (c) => {
      const { list, provenance } = await ctLogListForReport(c);
      assert.equal(list.logs.length, 127);
      assert.match(provenance, /^the newest stored list: Apple list version 364, .*feed apple-mirror, downloaded/);
    });
  });
});
