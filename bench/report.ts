// `dhai report` on a store of --rows log rows (default 20 M) of every log type: total wall time, peak RSS, and
// the share of the time spent outside the analyses' own work (store open, setup, result checks, schema
// validation, rendering HTML/CSV/charts, writing files, process start-up). Target: outside < 20 %.
// Run: flock /tmp/bench.lock node --import tsx bench/report.ts [--days N] [--devices N] [--keep] [--prepare] [--runs N]
//   --keep reuses bench/out/report (simulated, ingested, feeds imported); --prepare only builds it
//
// Corpus: one `dhai simulate` run (seed 13, Zeek 4.0 layout so that files.log is written too: conn, dns, ssl,
// x509 and files), sized by --days and --devices (default 30 days of 1400 devices: 20.2 M rows), loaded
// by `dhai ingest`, with the simulator's feeds imported by `dhai feeds import`; all three through the CLI.
// The report runs in a child process (its peak RSS is its own) that calls the CLI's main() with the same
// argv as `dhai report --db … --site … --out …`; build.ts publishes each analysis' run() time on a
// diagnostics channel, which the child subscribes to. A bare scan of every log table (one aggregate over
// each, in a child of its own) is measured in the same run as a yardstick.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildTimings } from '../src/report/build.ts';
import { openStore } from '../src/store/store.ts';
import { args, load, opt, root } from './common.ts';

const work = path.join(root, 'bench', 'out', 'report');
const sim = path.join(work, 'sim');
const db = path.join(work, 'store.duckdb');
const site = path.join(sim, 'site.yaml');
const LOG_TABLES = ['conn', 'dns', 'ssl', 'x509', 'files'];
const secs = (ms: number) => (ms / 1000).toFixed(2);

interface ChildResult {
  kind: 'report' | 'scan';
  /** from the child's first line of code to its last, and its CPU time (all threads) */
  ms: number;
  cpuSeconds: number;
  maxRssMiB: number;
  /** report: loading the CLI's modules (tsx compiles them), then main() */
  importMs?: number;
  mainMs?: number;
  exitCode?: number;
  timings?: BuildTimings | null;
  /** scan: rows per table */
  rows?: Record<string, number>;
}

/** The child: `--child report DB SITE OUT` or `--child scan DB`; prints one JSON line last. */
async function child(): Promise<void> {
  const [, kind, dbPath, sitePath, out] = args as [string, 'report' | 'scan', string, string, string];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let res: Partial<ChildResult> = {};
  if (kind === 'report') {
    const { subscribe } = await import('node:diagnostics_channel');
    let timings: BuildTimings | null = null;
    subscribe('dhai:report:build-timings', (m) => {
      timings = m as BuildTimings;
    });
    const { main } = await import('../src/cli/main.ts');
    const t1 = performance.now();
    const exitCode = await main(['node', 'dhai', 'report', '--db', dbPath, '--site', sitePath, '--out', out]);
    res = { importMs: t1 - t0, mainMs: performance.now() - t1, exitCode, timings };
  } else {
    // the bare scan: one aggregate per log table over its timestamps and addresses (files.log has no conn tuple)
    const store = await openStore(dbPath, { readOnly: true });
    const rows: Record<string, number> = {};
    for (const t of LOG_TABLES) {
      const cols = t === 'files' ? 'max(fuid), max(mime_type)' : t === 'x509' ? 'max(fingerprint), max(certificate_subject)' : 'max(uid), max(id_orig_h), max(id_resp_h)';
      const r = await store.conn.runAndReadAll(`SELECT count(*), max(ts), ${cols} FROM ${t}`);
      rows[t] = Number(r.getRows()[0]![0]);
    }
    await store.close();
    res = { rows };
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ kind, ms: performance.now() - t0, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...res }));
}

function dhai(...a: string[]): void {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'dhai.js'), ...a], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`dhai ${a[0]} failed (exit ${r.status})`);
}

function timed(label: string, f: () => void): void {
  const t0 = performance.now();
  f();
  console.log(`${label}: ${secs(performance.now() - t0)} s`);
}

function du(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? readdirSync(p).reduce((n, f) => n + du(path.join(p, f)), 0) : s.size;
}

function prepare(): void {
  const days = opt('--days') ?? '30';
  const devices = opt('--devices') ?? '1400';
  const done = path.join(work, `complete-${days}d-${devices}`);
  if (args.includes('--keep') && existsSync(done)) return;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  timed(`simulate (${days} days, ${devices} devices)`, () =>
    dhai('simulate', '--out', sim, '--days', days, '--devices', devices, '--seed', '13', '--zeek-version', '4.0'));
  timed('ingest', () => dhai('ingest', '--db', db, '--no-progress', path.join(sim, 'logs')));
  timed('feeds import', () => dhai('feeds', 'import', '--db', db, path.join(sim, 'feeds')));
  console.log(`store: ${(du(db) / 1e6).toFixed(0)} MB + parts ${(du(`${db}.parts`) / 1e6).toFixed(0)} MB; logs ${(du(path.join(sim, 'logs')) / 1e9).toFixed(2)} GB removed`);
  rmSync(path.join(sim, 'logs'), { recursive: true, force: true });
  writeFileSync(done, new Date().toISOString());
}

function runChild(...a: string[]): ChildResult & { wallMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...a], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`child ${a[0]} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (a[0] === 'report') console.log(lines.slice(0, -1).map((l) => `  | ${l}`).join('\n'));
  return { ...(JSON.parse(lines.at(-1)!) as ChildResult), wallMs };
}


function printReport(r: ChildResult & { wallMs: number }, scanMs: number): void {
  const t = r.timings;
  if (!t || r.exitCode !== 0) throw new Error(`dhai report exited ${String(r.exitCode)}${t ? '' : ' without publishing its timings'}`);
  const inside = t.sections.reduce((s, x) => s + x.ms, 0);
  const checks = t.sections.reduce((s, x) => s + x.checkMs, 0);
  const startup = r.wallMs - r.ms + r.importMs!;
  const cliRest = r.mainMs! - t.totalMs; // store open and close, rendering and writing the files, printing
  const outside = r.wallMs - inside;
  console.log('per section (run() wall s): ' + t.sections.filter((x) => x.ms >= 1).sort((a, b) => b.ms - a.ms).map((x) => `${x.section} ${secs(x.ms)}`).join(', '));
  console.log(`report        wall ${secs(r.wallMs)} s (process), cpu ${r.cpuSeconds.toFixed(2)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB`);
  console.log(`  analyses (run())           ${secs(inside)} s  ${((inside / r.wallMs) * 100).toFixed(1)} %  (${(inside / scanMs).toFixed(1)} bare scans of all log tables)`);
  console.log(`  outside                    ${secs(outside)} s  ${((outside / r.wallMs) * 100).toFixed(1)} %  (target < 20 %):`);
  console.log(`    process start, module load ${secs(startup)} s`);
  console.log(`    build setup (manifest, feeds, span) ${secs(t.setupMs)} s; table checks + result contract ${secs(checks)} s; ranking + report schema ${secs(t.finishMs)} s`);
  console.log(`    store open/close, render + write HTML/JSON/CSV ${secs(cliRest)} s`);
}

async function parent(): Promise<void> {
  prepare();
  if (args.includes('--prepare')) return;
  console.log(`load average before: ${load()} (2 cores, shared)`);
  runChild('scan', db); // warms the page cache
  const scan = runChild('scan', db);
  const rows = Object.values(scan.rows!).reduce((a, b) => a + b, 0);
  console.log(`store: ${(rows / 1e6).toFixed(2)} M rows (${Object.entries(scan.rows!).map(([t, n]) => `${t} ${n}`).join(', ')})`);
  console.log(`bare scan     wall ${secs(scan.ms)} s, cpu ${scan.cpuSeconds.toFixed(2)} s, peak RSS ${scan.maxRssMiB.toFixed(0)} MiB`);
  const out = path.join(work, 'report-out');
  const runs = Number(opt('--runs') ?? 1);
  for (let i = 0; i < runs; i++) printReport(runChild('report', db, site, out), scan.ms);
  console.log(`load average after: ${load()}`);
}

if (args[0] === '--child') await child();
else await parent();
