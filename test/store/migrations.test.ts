// The store carries a schema version; a store written by a newer dhai is refused, not misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openStore } from '../../src/store/store.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tmpDir } from '../helpers/tmp.ts';

test('a new store is at the current schema version; reopening does not migrate twice', async () => {
  const db = path.join(tmpDir(), 's.duckdb');
  for (let i = 0; i < 2; i++) {
    const s = await openStore(db);
    const r = await s.conn.runAndReadAll(`SELECT value FROM dhai_meta WHERE key = 'schema_version'`);
    assert.equal(r.getRows()[0]![0], String(SCHEMA_VERSION));
    await s.close();
  }
});

test('a store from a newer dhai is refused with a clear message', async () => {
  const db = path.join(tmpDir(), 's.duckdb');
  const s = await openStore(db);
  await s.conn.run(`UPDATE dhai_meta SET value = '999' WHERE key = 'schema_version'`);
  await s.close();
  await assert.rejects(openStore(db), /schema version 999.*upgrade dhai/);
});

test('a read-only open of a missing store is a usage error', async () => {
  await assert.rejects(openStore(path.join(tmpDir(), 'none.duckdb'), { readOnly: true }), (e: unknown) => e instanceof UsageError && /no store at/.test(e.message));
});
