// ssl parts carry dhai_leaf_key (the first of cert_chain_fps, else of cert_chain_fuids) from schema version 3;
// a store whose parts predate it must read the same values through the view, before and after its migration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runIngest } from '../../src/ingest/ingest.ts';
import { LEAF_KEY_SINCE, SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openStore, partsDirOf, type Store } from '../../src/store/store.ts';
import { at, ingestSensor } from '../analyses/tls-logs.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';

// Zeek before 4.1 (cert_chain_fuids: a real log, 2 of its 13 sessions with a chain) and after (cert_chain_fps)
const FUIDS = () => fixture('zeek-tsv', 'slips-test10', 'ssl.log');
const FP = (c: string) => c.repeat(64);
async function ingestFps(db: string): Promise<void> {
  const s = { orig: '10.0.0.5', resp: '203.0.113.9', version: 'TLSv12', cipher: 'TLS_AES_128_GCM_SHA256', local: [true, false] as [boolean, boolean] };
  await ingestSensor(path.dirname(db), db, 'fps', [
    { ...s, uid: 'C1', ts: at(1), chain: [FP('a'), FP('b')] },
    { ...s, uid: 'C2', ts: at(2), chain: [FP('c')] },
    { ...s, uid: 'C3', ts: at(3), resumed: true },
  ], []);
}

async function one(store: Store, sql: string): Promise<unknown> {
  return (await store.conn.runAndReadAll(sql)).getRows()[0]![0];
}

/** ssl rows whose leaf key differs from the one computed from the lists, and rows with a key at all. */
async function check(store: Store): Promise<{ wrong: number; keys: number; rows: number }> {
  const r = (await store.conn.runAndReadAll(`SELECT
      count(*) FILTER (WHERE dhai_leaf_key IS DISTINCT FROM coalesce(cert_chain_fps[1], cert_chain_fuids[1])),
      count(dhai_leaf_key), count(*) FROM ssl`)).getRows()[0]!;
  return { wrong: Number(r[0]), keys: Number(r[1]), rows: Number(r[2]) };
}

function sslParts(db: string): string[] {
  const dir = path.join(partsDirOf(db), 'ssl');
  return readdirSync(dir).filter((n) => n.endsWith('.parquet')).map((n) => path.join(dir, n));
}

async function partHasKey(store: Store, part: string): Promise<boolean> {
  return Number(await one(store, `SELECT count(*) FROM parquet_schema('${part}') WHERE name = 'dhai_leaf_key'`)) === 1;
}

test('ssl parts are written with the leaf key of both Zeek layouts', { skip: needsShared }, async () => {
  const db = path.join(tmpDir(), 's.duckdb');
  await runIngest({ paths: [FUIDS()], db });
  await ingestFps(db);
  const store = await openStore(db, { readOnly: true });
  try {
    for (const p of sslParts(db)) assert.ok(await partHasKey(store, p), `${p} has dhai_leaf_key`);
    const c = await check(store);
    assert.equal(c.wrong, 0);
    assert.deepEqual([c.keys, c.rows], [4, 16], 'the leaf of 2 + 2 chains; resumed and chainless sessions have none');
    assert.equal(await one(store, `SELECT string_agg(dhai_leaf_key, ',' ORDER BY dhai_leaf_key) FROM ssl WHERE len(dhai_leaf_key) = 64`), `${FP('a')},${FP('c')}`);
    assert.equal(Number(await one(store, `SELECT count(*) FROM ssl WHERE dhai_leaf_key LIKE 'F%'`)), 2, 'file ids of the pre-4.1 layout');
  } finally {
    await store.close();
  }
});

test('a store whose ssl parts predate the leaf key reads it from the lists, before and after migration', { skip: needsShared }, async () => {
  const db = path.join(tmpDir(), 's.duckdb');
  await runIngest({ paths: [FUIDS()], db });
  // make it the layout of schema version 2: the part without the column, the store unmigrated
  let store = await openStore(db);
  const [part] = sslParts(db);
  await store.conn.run(`COPY (SELECT * EXCLUDE (dhai_leaf_key) FROM read_parquet('${part}')) TO '${part}.tmp' (FORMAT parquet)`);
  await store.conn.run(`UPDATE dhai_meta SET value = '2' WHERE key = 'schema_version'`);
  await store.conn.run(`DELETE FROM dhai_meta WHERE key = '${LEAF_KEY_SINCE}'`);
  await store.close();
  const { renameSync } = await import('node:fs');
  renameSync(`${part}.tmp`, part!);

  // read-only: no migration runs, every part is old
  store = await openStore(db, { readOnly: true });
  assert.equal(await partHasKey(store, part!), false);
  const before = await check(store);
  assert.equal(before.wrong, 0);
  assert.equal(before.keys, 2);
  await store.close();

  // read-write: migrated to the current version; the old part stays as it is, a new one has the column
  await ingestFps(db);
  store = await openStore(db, { readOnly: true });
  try {
    assert.equal(await one(store, `SELECT value FROM dhai_meta WHERE key = 'schema_version'`), String(SCHEMA_VERSION));
    const parts = sslParts(db);
    assert.equal(parts.length, 2);
    assert.deepEqual(await Promise.all(parts.map((p) => partHasKey(store, p))).then((h) => h.sort()), [false, true]);
    const after = await check(store);
    assert.equal(after.wrong, 0);
    assert.equal(after.keys, 4, 'the old part still reads its 2 keys, the new one adds 2');
    assert.ok(Number(await one(store, `SELECT count(*) FROM ssl WHERE dhai_leaf_key LIKE 'F%'`)) > 0, 'the old part still reads its keys');
  } finally {
    await store.close();
  }
});
