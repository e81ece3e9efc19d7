// The corpus the ingest benchmarks read (bench/ingest.ts, bench/pseudonymise.ts): the simulator's hospital at
// 2000 devices, as many days as make the size asked for, plus a gzip copy of every file, under
// bench/out/ingest. Generated once and reused with --keep.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { root } from './common.ts';

export const work = path.join(root, 'bench', 'out', 'ingest');

export interface Corpus {
  plainDir: string;
  gzDir: string;
  /** the simulated hospital's site file (internal networks, domains) */
  site: string;
}

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export const sizeOf = (dir: string) => walk(dir).filter((f) => /\.log(\.gz)?$/.test(f)).reduce((s, f) => s + statSync(f).size, 0);

/** The corpus under bench/out/ingest, generated unless `keep` finds it there (or `corpus` names another one). */
export async function ensureCorpus(o: { gb: number; keep: boolean; corpus?: string; site?: string }): Promise<Corpus> {
  const plainDir = o.corpus ?? path.join(work, 'corpus');
  const gzDir = path.join(work, 'corpus-gz');
  const site = o.site ?? path.join(work, 'sim', 'site.yaml');
  if (o.corpus || (o.keep && existsSync(plainDir) && existsSync(gzDir) && existsSync(site))) return { plainDir, gzDir, site };
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // the simulator's hospital, sized by days: probe one day, then scale
  const sim = (days: number, out: string) => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'dhai.js'), 'simulate', '--out', out, '--days', String(days), '--devices', '2000', '--seed', '7'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('dhai simulate failed');
  };
  const probe = path.join(work, 'probe');
  sim(1, probe);
  const perDay = sizeOf(path.join(probe, 'logs'));
  rmSync(probe, { recursive: true, force: true });
  const days = Math.ceil((o.gb * 1e9) / perDay);
  console.log(`corpus: ${(perDay / 1e6).toFixed(0)} MB a simulated day at 2000 devices → ${days} days`);
  const simOut = path.join(work, 'sim');
  sim(days, simOut);
  renameSync(path.join(simOut, 'logs'), plainDir);
  // the gzip copy, as zeekctl rotation leaves it (gzip's default level), files compressed two at a time
  const files = walk(plainDir).filter((f) => f.endsWith('.log'));
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      const dst = path.join(gzDir, path.relative(plainDir, f)) + '.gz';
      mkdirSync(path.dirname(dst), { recursive: true });
      await pipeline(createReadStream(f), createGzip(), createWriteStream(dst));
    }
  };
  await Promise.all([worker(), worker()]);
  return { plainDir, gzDir, site };
}

export interface Run {
  kind: string;
  seconds: number;
  rows: number;
  maxRssMiB: number;
  /** user + system CPU of the whole process (all threads): less sensitive to other load than wall time */
  cpuSeconds: number;
}

/** One contender in its own process (bench/ingest-child.ts), so its peak RSS is its own; the corpus cached first. */
export function contender(kind: string, corpus: string, extra: string[] = []): Run {
  // warm the page cache the same way for everyone: the corpus fits in memory
  for (const f of walk(corpus)) spawnSync('cat', [f], { stdio: ['ignore', 'ignore', 'ignore'] });
  const out = path.join(work, `run-${kind}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'ingest-child.ts'), kind, corpus, out, ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  rmSync(out, { recursive: true, force: true });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
}

export function line(label: string, r: Run, bytes: number): string {
  const mbs = bytes / 1e6 / r.seconds;
  return `${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(8)} s ${mbs.toFixed(0).padStart(6)} MB/s ${(r.rows / r.seconds / 1e6).toFixed(2).padStart(6)} M rows/s ${r.maxRssMiB.toFixed(0).padStart(6)} MiB ${r.cpuSeconds.toFixed(1).padStart(7)} s CPU`;
}
