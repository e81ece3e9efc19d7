// The dhai command as a user runs it: exit codes, one-line errors (never a stack trace), --json, init, and
// the privacy rule that payload-bearing logs are not ingested unless named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CLOSE, connLog, connRow, header } from '../helpers/zeek-text.ts';

function dhai(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'dhai.js'), ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('ingest --json prints the summary and exits 0', () => {
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'conn.log'), connLog(20));
  const r = dhai(['ingest', dir, '--db', path.join(dir, 's.duckdb'), '--json']);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { rowsStored: number; byLogType: Record<string, unknown> };
  assert.equal(s.rowsStored, 20);
  assert.ok(s.byLogType.conn);
});

test('rejects above --max-reject-rate exit 1; the text summary names file:line', () => {
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'conn.log'), header('conn') + connRow(1) + connRow(2, { ts: 'never' }) + CLOSE);
  const r = dhai(['ingest', path.join(dir, 'conn.log'), '--db', path.join(dir, 's.duckdb'), '--no-progress']);
  assert.equal(r.code, 1);
  assert.match(r.out, /rejected 1: bad value in field ts/);
  assert.match(r.out, /conn\.log:10: never/);
});

test('usage and configuration errors exit 2 with one line naming the problem', () => {
  const dir = tmpDir();
  const cases: [string[], RegExp][] = [
    [['ingest', dir], /required option '--db <file>'/],
    [['ingest', dir, '--db', path.join(dir, 's.duckdb'), '--max-reject-rate', 'lots'], /--max-reject-rate must be a fraction/],
    [['ingest', dir, '--db', path.join(dir, 's.duckdb'), '--site', path.join(dir, 'missing.yaml')], /cannot read site file .*missing\.yaml/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, msg] of cases) {
    const r = dhai(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assert.doesNotMatch(r.err, /\s+at\s/, 'no stack trace');
  }
  writeFileSync(path.join(dir, 'site.yaml'), 'networks:\n  internal: [10.0.0.0/33]\n');
  const r = dhai(['ingest', dir, '--db', path.join(dir, 's.duckdb'), '--site', path.join(dir, 'site.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /site\.yaml:2: networks\.internal\[0\]: not an IP network/);
});

test('http and dhcp logs are not ingested unless named with --include (privacy rule)', () => {
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'http.log'), header('http', ['ts', 'uid', 'host'], ['time', 'string', 'string']) + '1514764800.0\tC1\tpatient-portal.example\n' + CLOSE);
  const db = path.join(dir, 's.duckdb');
  const r = dhai(['ingest', dir, '--db', db, '--json']);
  const s = JSON.parse(r.out) as { rowsStored: number; skippedFiles: { reason: string }[] };
  assert.equal(s.rowsStored, 0);
  assert.match(s.skippedFiles[0]!.reason, /payload-bearing logs are excluded by default/);
  const r2 = dhai(['ingest', dir, '--db', db, '--json', '--include', 'http']);
  assert.equal((JSON.parse(r2.out) as { rowsStored: number }).rowsStored, 1);
});

test('dhai init writes a valid commented site file and refuses to overwrite it', () => {
  const dir = tmpDir();
  assert.equal(dhai(['init'], dir).code, 0);
  assert.match(readFileSync(path.join(dir, 'site.yaml'), 'utf8'), /^# dhai site configuration/);
  assert.equal(dhai(['init'], dir).code, 2);
  const r = dhai(['ingest', dir, '--db', path.join(dir, 's.duckdb'), '--site', path.join(dir, 'site.yaml'), '--json']);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(path.join(dir, 's.duckdb')));
});

test('terminal output escapes control characters from logs', () => {
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'conn.log'), header('conn') + connRow(1, { ts: '\x1b[31mred' }) + connRow(2) + CLOSE);
  const r = dhai(['ingest', dir, '--db', path.join(dir, 's.duckdb'), '--no-progress', '--max-reject-rate', '1']);
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.out, /\x1b/);
  assert.match(r.out, /\\x1b\[31mred/);
});
