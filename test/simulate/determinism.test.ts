// Same seed and flags, same bytes; gzip changes only the compression; the output directory is protected.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tmpDir } from '../helpers/tmp.ts';

function tree(root: string, dir = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(path.join(root, dir)).sort()) {
    const rel = path.join(dir, e);
    if (statSync(path.join(root, rel)).isDirectory()) for (const [k, v] of tree(root, rel)) out.set(k, v);
    else out.set(rel, readFileSync(path.join(root, rel)));
  }
  return out;
}

function digest(files: Map<string, Buffer>): string {
  const h = createHash('sha256');
  for (const [k, v] of files) h.update(k).update('\0').update(v);
  return h.digest('hex');
}

const base = { ...DEFAULTS, days: 2, devices: 40, seed: 'determinism' };

test('the same seed and flags give byte-identical output; another seed does not', async () => {
  const a = tmpDir();
  const b = tmpDir();
  const c = tmpDir();
  await simulate({ ...base, out: a });
  await simulate({ ...base, out: b });
  await simulate({ ...base, out: c, seed: 'another' });
  const ta = tree(a);
  assert.ok(ta.size > 100, 'a full tree was written');
  assert.equal(digest(tree(b)), digest(ta));
  assert.notEqual(digest(tree(c)), digest(ta));
});

test('--gzip writes the same logs, gzip-compressed, with .gz names', async () => {
  const plain = tmpDir();
  const gz = tmpDir();
  await simulate({ ...base, out: plain, days: 1 });
  await simulate({ ...base, out: gz, days: 1, gzip: true });
  const p = tree(plain);
  const g = tree(gz);
  let logs = 0;
  for (const [name, bytes] of p) {
    if (!name.startsWith('logs')) {
      assert.deepEqual(g.get(name), bytes, name);
      continue;
    }
    const packed = g.get(`${name}.gz`);
    assert.ok(packed, `${name}.gz exists`);
    assert.deepEqual(gunzipSync(packed), bytes, name);
    logs++;
  }
  assert.equal(g.size, p.size);
  assert.ok(logs > 50);
});

test('an earlier simulation is replaced; a directory holding anything else is refused', async () => {
  const out = tmpDir();
  await simulate({ ...base, out, days: 2 });
  await simulate({ ...base, out, days: 1 });
  assert.deepEqual(readdirSync(path.join(out, 'logs')), ['2018-01-01'], 'the second run replaced the first');
  const foreign = tmpDir();
  writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  await assert.rejects(simulate({ ...base, out: foreign }), UsageError);
  assert.deepEqual(readdirSync(foreign), ['notes.txt']);
});
