// `dhai simulate` on the command line, and the calibration profile as data.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadProfile } from '../../src/simulate/profile.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { dhai } from '../share/run-cli.ts';

test('a small simulation runs and says where everything was written', async () => {
  const dir = path.join(tmpDir(), 'sample');
  const r = await dhai('simulate', '--out', dir, '--days', '1', '--devices', '30', '--seed', '7', '--start', '2019-03-01');
  assert.equal(r.code, 0, r.err);
  for (const what of ['logs', 'site.yaml', 'feeds', 'ground-truth.json']) {
    assert.ok(existsSync(path.join(dir, what)), what);
    assert.ok(r.out.includes(path.join(dir, what)), `prints ${what}`);
  }
  assert.ok(existsSync(path.join(dir, 'logs', '2019-03-01')));
  const gt = JSON.parse(readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as { generator: { seed: string; start: string } };
  assert.equal(gt.generator.seed, '7');
  assert.equal(gt.generator.start, '2019-03-01');
});

test('bad flags are usage errors (exit 2) with a one-line message', async () => {
  const dir = tmpDir();
  for (const args of [
    ['--days', '0'],
    ['--days', 'x'],
    ['--devices', '0'],
    ['--format', 'xml'],
    ['--zeek-version', '7.0'],
    ['--zeek-version', 'six'],
    ['--start', '2018-02-30'],
    ['--profile', 'no-such-profile'],
  ]) {
    const r = await dhai('simulate', '--out', path.join(dir, args.join('')), ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /^dhai: .+\n$/, args.join(' '));
  }
});

test('the shipped profile explains every value the paper does not publish', () => {
  const p = loadProfile('dhai-2019');
  for (const key of Object.keys(p)) {
    if (['name', 'description', 'paper', 'notes'].includes(key)) continue;
    assert.ok(p.notes[key], `notes.${key}`);
  }
  assert.equal(p.paper.inbound_devices_obsolete_share, 0.4756);
  assert.equal(p.paper.certs_in_ct_share, 0.8441);
});

test('a profile file with a problem is refused naming the key', () => {
  const raw = JSON.parse(readFileSync(new URL('../../src/simulate/profiles/dhai-2019.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const file = path.join(tmpDir(), 'p.json');
  writeFileSync(file, JSON.stringify({ ...raw, device_mix: { ...(raw.device_mix as object), guest: -1 } }));
  assert.throws(() => loadProfile(file), (e: Error) => e instanceof UsageError && /device_mix\.guest/.test(e.message));
  const classes = raw.classes as Record<string, Record<string, unknown>>;
  writeFileSync(file, JSON.stringify({ ...raw, classes: { ...classes, guest: { ...classes.guest, curve: 'nocturnal' } } }));
  assert.throws(() => loadProfile(file), /no diurnal curve named nocturnal/);
});
