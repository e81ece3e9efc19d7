// The fast path (DuckDB reads the TSV, SQL decodes Zeek's escapes) stores exactly what the line-by-line path's
// unescapeZeek produces, for hand-picked hostile values and for random ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { fromToken } from '../../src/sources/zeek/values.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CLOSE, connRow, header } from '../helpers/zeek-text.ts';

const MARKS = { unset: '-', empty: '(empty)', setSep: ',' };

/** Ingest one conn.log whose `service` and `tunnel_parents` hold the given tokens; stored values in row order. */
async function roundTrip(tokens: string[]): Promise<{ fast: boolean; service: unknown[]; parents: unknown[] }> {
  const dir = tmpDir();
  const file = path.join(dir, 'conn.log');
  const rows = tokens.map((t, i) => connRow(i, { service: t, tunnel_parents: `${t},x${t}` }));
  writeFileSync(file, header('conn') + rows.join('') + CLOSE);
  const db = path.join(dir, 's.duckdb');
  const s = await runIngest({ paths: [file], db });
  assert.equal(s.rowsStored, tokens.length, JSON.stringify(s.rejects));
  const st = await openStore(db, { readOnly: true });
  try {
    const fast = (await st.conn.runAndReadAll('SELECT fast_path FROM ingest_file')).getRows()[0]![0] === true;
    const r = (await st.conn.runAndReadAll('SELECT service, tunnel_parents FROM conn ORDER BY ts')).getRowObjectsJson();
    return { fast, service: r.map((x) => x.service), parents: r.map((x) => x.tunnel_parents) };
  } finally {
    await st.close();
  }
}

function expected(tokens: string[]) {
  return {
    service: tokens.map((t) => fromToken('string', t, MARKS)),
    parents: tokens.map((t) => fromToken('set[string]', `${t},x${t}`, MARKS)),
  };
}

test('hand-picked escapes decode on the fast path as unescapeZeek decodes them', async () => {
  const tokens = [
    'ssl\\x09x', 'a\\\\b', '\\\\x41', '\\x41\\x42', '\\xff', '\\xc3\\xa9', 'a\\b', '\\x4', 'end\\', '\\x00', 'é\\x2cz',
    '\\\\\\x41', '\\xZZ', '\\x2c', 'O=Imgur\\\\, Inc.', '\\xe2\\x80', 'plain',
  ];
  const got = await roundTrip(tokens);
  assert.equal(got.fast, true, 'escapes no longer send a file down the line-by-line path');
  const want = expected(tokens);
  assert.deepEqual(got.service, want.service);
  assert.deepEqual(got.parents, want.parents);
});

test('random escaped text decodes on the fast path as on the line-by-line path', async () => {
  const piece = fc.constantFrom('\\', '\\\\', '\\x', 'x', '4', '1', 'f', 'F', 'g', 'é', 'c3', 'a9', 'ff', '00', '2c', 'a');
  const token = fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => p.join('')).filter((t) => t !== '-' && t !== '(empty)');
  await fc.assert(
    fc.asyncProperty(fc.array(token, { minLength: 1, maxLength: 40 }), async (tokens) => {
      const got = await roundTrip(tokens);
      const want = expected(tokens);
      assert.deepEqual(got.service, want.service);
      assert.deepEqual(got.parents, want.parents);
    }),
    { numRuns: 8, seed: 42 },
  );
});
