// A short fuzz run on every test: mutated real logs through the TSV and JSON readers and the full ingest.
// The long run (>= 100 000 cases) is scripts/fuzz-readers.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './run.ts';

test('readers survive 1 500 mutated logs with every line accounted for', { timeout: 300_000 }, async () => {
  const r = await runFuzz({ cases: 1500, seed: 20261123, fullEvery: 50 });
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.cases, 1500);
  assert.ok(r.full >= 25);
});
