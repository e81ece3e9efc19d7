// An ingest killed with SIGKILL mid-run leaves nothing partial, and the next run completes it: the counts
// then equal those of an uninterrupted ingest. A real child process runs the real CLI and is really killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { connLog } from '../helpers/zeek-text.ts';

const FILES = 24;
const ROWS = 40_000;

async function counts(db: string): Promise<{ rows: number; uids: number; files: number }> {
  const s = await openStore(db, { readOnly: true });
  try {
    const r = (await s.conn.runAndReadAll('SELECT count(*), count(DISTINCT uid), (SELECT count(*) FROM ingest_file) FROM conn')).getRows()[0]!;
    return { rows: Number(r[0]), uids: Number(r[1]), files: Number(r[2]) };
  } finally {
    await s.close();
  }
}

test('SIGKILL during an ingest, then a re-run: every row exactly once', { timeout: 120_000 }, async () => {
  const dir = tmpDir();
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  for (let f = 0; f < FILES; f++) writeFileSync(path.join(logs, `conn.${String(f).padStart(2, '0')}.log`), connLog(ROWS, f * ROWS));
  const db = path.join(dir, 'killed.duckdb');
  // small batches committed at once, so that the run has committed some files and is writing others when killed
  const env = { ...process.env, DHAI_INGEST_BATCH_MB: '4', DHAI_INGEST_COMMIT_MS: '0' };
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'dhai.js'), 'ingest', logs, '--db', db, '--no-progress'], { stdio: 'ignore', env });
  const partsDir = `${db}.parts/conn`;
  const stagingDir = `${db}.parts/.staging`;
  const count = (d: string) => (existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.parquet')).length : 0);
  // kill once a group of files is committed and more are written but not yet committed
  const killedAfter = await new Promise<number>((resolve, reject) => {
    const t = setInterval(() => {
      const visible = count(partsDir);
      if (visible >= 3 && count(stagingDir) >= 1) {
        clearInterval(t);
        child.kill('SIGKILL');
        resolve(visible);
      }
    }, 2);
    child.on('exit', (code) => {
      clearInterval(t);
      reject(new Error(`ingest finished (exit ${code}) before it could be killed`));
    });
  });
  await new Promise((r) => child.once('exit', r));
  assert.ok(killedAfter < FILES, 'killed mid-run');
  const resumed = await runIngest({ paths: [logs], db });
  const already = resumed.skippedFiles.filter((f) => f.kind === 'unchanged').length;
  assert.ok(already >= 3 && resumed.files.ingested >= 1, `resumed: ${already} already stored, ${resumed.files.ingested} ingested`);
  assert.equal(already + resumed.files.ingested, FILES);
  const after = await counts(db);
  assert.deepEqual(after, { rows: FILES * ROWS, uids: FILES * ROWS, files: FILES });

  const clean = path.join(dir, 'clean.duckdb');
  await runIngest({ paths: [logs], db: clean });
  assert.deepEqual(await counts(clean), after);
});

test('opening a store rolls a committed staged part forward and deletes an uncommitted one', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 's.duckdb');
  const file = path.join(dir, 'conn.log');
  writeFileSync(file, connLog(10));
  await runIngest({ paths: [file], db });
  const { renameSync } = await import('node:fs');
  const part = path.join(`${db}.parts`, 'conn', '1.parquet');
  const staged = path.join(`${db}.parts`, '.staging', '1.conn.parquet');
  renameSync(part, staged); // as if killed between the manifest commit and the rename
  const orphan = path.join(`${db}.parts`, '.staging', '99.conn.parquet');
  writeFileSync(orphan, 'half-written'); // as if killed before the commit
  const s = await openStore(db);
  await s.close();
  assert.ok(existsSync(part), 'rolled forward');
  assert.ok(!existsSync(orphan), 'rolled back');
  assert.deepEqual(await counts(db), { rows: 10, uids: 10, files: 1 });
});
