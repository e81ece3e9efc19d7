// `--key-file` on the commands that apply a site to a pseudonymised store, through the command line: export
// --share and baseline export give the same figures as on a plain store of the same logs, and refuse without
// the key or with another one (one line, exit 2, naming the store and the flag); serve refuses without the key
// and starts with it, and while an ingest holds the store refuses a key it cannot check.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSite } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { dhai } from './run-cli.ts';

const KEY = Buffer.from('3c9e5a1f0d7b2e4c6a8f1b3d5e7a9c0b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c', 'hex');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let dir = '';
let siteFile = '';
let plain = '';
let pseudo = '';
let keyFile = '';
let otherKeyFile = '';

before(async () => {
  dir = tmpDir('dhai-share-pseudo-');
  const out = path.join(dir, 'sim');
  await simulate({ ...DEFAULTS, out, days: 1, devices: 100, seed: '23' });
  siteFile = path.join(out, 'site.yaml');
  const site = loadSite(siteFile);
  const logs = walk(path.join(out, 'logs'));
  plain = path.join(dir, 'plain.duckdb');
  pseudo = path.join(dir, 'pseudo.duckdb');
  const a = await runIngest({ paths: logs, db: plain, site });
  const b = await runIngest({ paths: logs, db: pseudo, site, pseudonymise: { key: KEY } });
  assert.ok(a.rowsStored > 0);
  assert.equal(b.rowsStored, a.rowsStored);
  keyFile = path.join(dir, 'key.hex');
  writeFileSync(keyFile, `${KEY.toString('hex')}\n`);
  otherKeyFile = path.join(dir, 'other.hex');
  writeFileSync(otherKeyFile, `${Buffer.alloc(32, 9).toString('hex')}\n`);
});

/** A refusal: exit 2, one line naming the store and the flag. */
function refused(r: { code: number; out: string; err: string }, db: string, re: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, re);
  assert.ok(r.err.includes(db), `names the store: ${r.err}`);
  assert.match(r.err, /--key-file/);
}

const json = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;

describe('a pseudonymised store with --key-file', () => {
  test('export --share: the same figures as the plain store; refused without the key or with another', { timeout: 120_000 }, async () => {
    const args = (db: string, out: string) => ['export', '--share', '--db', db, '--out', path.join(dir, out), '--site', siteFile];
    const p = await dhai(...args(plain, 'plain-share.json'));
    assert.equal(p.code, 0, p.err);
    const s = await dhai(...args(pseudo, 'pseudo-share.json'), '--key-file', keyFile);
    assert.equal(s.code, 0, s.err);
    assert.equal(s.err, '', 'the same site as at ingest: no warning');
    const a = json(path.join(dir, 'plain-share.json'));
    const b = json(path.join(dir, 'pseudo-share.json'));
    // everything but the time it was written
    delete a.generated_at;
    delete b.generated_at;
    assert.ok(Object.keys(a.sections as object).length > 3, 'the export has sections');
    assert.deepEqual(b, a);

    refused(await dhai(...args(pseudo, 'x.json')), pseudo, /is pseudonymised: give the key it was ingested with to dhai export/);
    refused(await dhai(...args(pseudo, 'x.json'), '--key-file', otherKeyFile), pseudo, /not the key store/);
    refused(await dhai(...args(plain, 'x.json'), '--key-file', keyFile), plain, /is not pseudonymised/);
  });

  test('baseline export: the same metrics as the plain store; refused without the key or with another', { timeout: 120_000 }, async () => {
    const args = (db: string, out: string) => ['baseline', 'export', '--db', db, '--out', path.join(dir, out), '--site', siteFile, '--name', 'n', '--source', 's'];
    const p = await dhai(...args(plain, 'plain-baseline.json'));
    assert.equal(p.code, 0, p.err);
    const s = await dhai(...args(pseudo, 'pseudo-baseline.json'), '--key-file', keyFile);
    assert.equal(s.code, 0, s.err);
    assert.equal(s.err, '');
    const a = json(path.join(dir, 'plain-baseline.json'));
    assert.ok(Object.keys(a.sections as object).length > 3, 'the baseline has sections');
    assert.deepEqual(json(path.join(dir, 'pseudo-baseline.json')), a);

    refused(await dhai(...args(pseudo, 'x.json')), pseudo, /is pseudonymised: give the key it was ingested with to dhai baseline export/);
    refused(await dhai(...args(pseudo, 'x.json'), '--key-file', otherKeyFile), pseudo, /not the key store/);
  });

  test('a site that differs from the one at ingest is warned about', { timeout: 60_000 }, async () => {
    const other = path.join(dir, 'other-site.yaml');
    writeFileSync(other, `${readFileSync(siteFile, 'utf8')}\n`.replace(/^domains:\n/m, 'domains:\n  - extra.example\n'));
    assert.notEqual(readFileSync(other, 'utf8'), readFileSync(siteFile, 'utf8'));
    const r = await dhai('baseline', 'export', '--db', pseudo, '--out', path.join(dir, 'w.json'), '--site', other, '--key-file', keyFile);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: --site differs from the site the store was pseudonymised with/);
  });

  test('serve: refused without the key, starts with it', { timeout: 60_000 }, async () => {
    const serve = (...extra: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'dhai.js'), 'serve', '--db', pseudo, '--port', '0', '--site', siteFile, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // started: it answers, then stop it
        const url = /dhai serve: (http:\S+)/.exec(out)?.[1];
        if (url) {
          fetch(new URL('/api/meta', url)).then(async (res) => {
            out += `\nstatus ${res.status} ${await res.text()}`;
            child.kill('SIGINT');
          }, reject);
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    const no = await serve();
    refused({ code: no.code ?? -1, out: no.out, err: no.err.replace(/^dhai: /, '') }, pseudo, /is pseudonymised: give the key it was ingested with to dhai serve/);
    const wrong = await serve('--key-file', otherKeyFile);
    refused({ code: wrong.code ?? -1, out: wrong.out, err: wrong.err }, pseudo, /not the key store/);
    const ok = await serve('--key-file', keyFile);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.err, '');
    assert.match(ok.out, /status 200 /);

    // while an ingest holds the store its record cannot be read: a key cannot be checked (refused); without one
    // serve starts and says it could not check
    const holder = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'serve', 'hold-store.ts'), pseudo], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const held = await serve('--key-file', keyFile);
      refused({ code: held.code ?? -1, out: held.out, err: held.err }, pseudo, /in use by another process: --key-file cannot be checked/);
      const unchecked = await serve();
      assert.equal(unchecked.code, 0, unchecked.err);
      assert.match(unchecked.err, /^dhai: warning: store .* is in use by another process: whether it is pseudonymised could not be checked/);
      assert.match(unchecked.out, /status 200 /);
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });
});
