// Re-running an ingest stores nothing twice; a live log that grew adds only its new rows; the same
// content under another name is recognised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CLOSE, connLog, connRow, header } from '../helpers/zeek-text.ts';

async function count(db: string, sql = 'SELECT count(*), count(DISTINCT uid) FROM conn'): Promise<number[]> {
  const s = await openStore(db, { readOnly: true });
  try {
    return (await s.conn.runAndReadAll(sql)).getRows()[0]!.map(Number);
  } finally {
    await s.close();
  }
}

test('ingesting the same files twice stores them once, also under another name or gzipped copy of itself', async () => {
  const dir = tmpDir();
  const logs = path.join(dir, 'logs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(logs, '2018-01-01'), { recursive: true });
  writeFileSync(path.join(logs, '2018-01-01', 'conn.00:00:00-01:00:00.log'), connLog(100, 0));
  writeFileSync(path.join(logs, '2018-01-01', 'conn.01:00:00-02:00:00.log.gz'), gzipSync(connLog(50, 100)));
  const db = path.join(dir, 's.duckdb');
  const first = await runIngest({ paths: [logs], db });
  assert.equal(first.rowsStored, 150);
  assert.deepEqual(first.byLogType.conn, { files: 2, rowsStored: 150, rowsRejected: 0 });
  const again = await runIngest({ paths: [logs], db });
  assert.equal(again.rowsStored, 0);
  assert.deepEqual(again.skippedFiles.map((f) => f.kind).sort(), ['duplicate', 'unchanged']);
  copyFileSync(path.join(logs, '2018-01-01', 'conn.00:00:00-01:00:00.log'), path.join(dir, 'renamed-conn.log'));
  const copy = await runIngest({ paths: [path.join(dir, 'renamed-conn.log')], db });
  assert.equal(copy.rowsStored, 0);
  assert.match(copy.skippedFiles[0]!.reason, /same content as .*conn\.00:00:00-01:00:00\.log/);
  assert.deepEqual(await count(db), [150, 150]);
});

test('a live current/conn.log that grows adds only its new rows, and waits for an unfinished last line', async () => {
  const dir = tmpDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(dir, 'current'));
  const file = path.join(dir, 'current', 'conn.log');
  const db = path.join(dir, 's.duckdb');
  writeFileSync(file, header('conn') + connRow(0) + connRow(1));
  assert.equal((await runIngest({ paths: [file], db })).rowsStored, 2);
  // Zeek is in the middle of writing row 3
  const row3 = connRow(3);
  appendFileSync(file, connRow(2) + row3.slice(0, 20));
  const grown = await runIngest({ paths: [file], db });
  assert.equal(grown.rowsStored, 1);
  assert.equal(grown.files.grown, 1);
  assert.deepEqual(grown.unclosed.map((p) => path.basename(p)), ['conn.log']);
  appendFileSync(file, row3.slice(20) + connRow(4) + CLOSE);
  const done = await runIngest({ paths: [file], db });
  assert.equal(done.rowsStored, 2);
  assert.equal(done.rowsRejected, 0);
  assert.deepEqual(done.unclosed, []);
  assert.deepEqual(await count(db), [5, 5]);
  assert.equal((await runIngest({ paths: [file], db })).rowsStored, 0);
});

test('a rotated file that replaced the live one under the same name is a new file', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'conn.log');
  const db = path.join(dir, 's.duckdb');
  writeFileSync(file, connLog(10, 0));
  await runIngest({ paths: [file], db });
  writeFileSync(file, connLog(7, 1000));
  const s = await runIngest({ paths: [file], db });
  assert.equal(s.rowsStored, 7);
  assert.deepEqual(await count(db), [17, 17]);
});
