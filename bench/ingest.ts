// `npm run bench:ingest`: dhai ingest against DuckDB's own loads of the same Zeek TSV, in one run.
//   (a) DuckDB's bare read_csv count, (b) DuckDB's best plain load (the faster of CREATE TABLE AS and
//   COPY … TO parquet), (c) dhai ingest — on a simulated corpus of >= 2 GB and on its gzip copy.
// Options: --gb N (corpus size, default 2.2), --corpus DIR (use an existing TSV tree), --keep (reuse corpus).
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const targetGB = Number(opt('--gb') ?? 2.2);
const work = path.join(root, 'bench', 'out', 'ingest');
const plainDir = opt('--corpus') ?? path.join(work, 'corpus');
const gzDir = path.join(work, 'corpus-gz');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const sizeOf = (dir: string) => walk(dir).filter((f) => /\.log(\.gz)?$/.test(f)).reduce((s, f) => s + statSync(f).size, 0);

async function makeCorpus(): Promise<void> {
  if (opt('--corpus') || (args.includes('--keep') && existsSync(plainDir) && existsSync(gzDir))) return;
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
  const days = Math.ceil((targetGB * 1e9) / perDay);
  console.log(`corpus: ${(perDay / 1e6).toFixed(0)} MB a simulated day at 2000 devices → ${days} days`);
  const simOut = path.join(work, 'sim');
  sim(days, simOut);
  const { renameSync } = await import('node:fs');
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
}

interface Run { kind: string; seconds: number; rows: number; maxRssMiB: number }

function contender(kind: string, corpus: string): Run {
  // warm the page cache the same way for everyone: the corpus fits in memory
  for (const f of walk(corpus)) spawnSync('cat', [f], { stdio: ['ignore', 'ignore', 'ignore'] });
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'ingest-child.ts'), kind, corpus, path.join(work, `run-${kind}`)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  rmSync(path.join(work, `run-${kind}`), { recursive: true, force: true });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
}

function line(label: string, r: Run, bytes: number): string {
  const mbs = bytes / 1e6 / r.seconds;
  return `${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(8)} s ${mbs.toFixed(0).padStart(6)} MB/s ${(r.rows / r.seconds / 1e6).toFixed(2).padStart(6)} M rows/s ${r.maxRssMiB.toFixed(0).padStart(6)} MiB`;
}

await makeCorpus();
const plainBytes = sizeOf(plainDir);
const gzBytes = existsSync(gzDir) ? sizeOf(gzDir) : 0;
console.log(`corpus: ${(plainBytes / 1e9).toFixed(2)} GB TSV in ${walk(plainDir).length} files; gzip copy ${(gzBytes / 1e9).toFixed(2)} GB`);
console.log(`${''.padEnd(44)} ${'time'.padStart(10)} ${'(plain MB/s)'.padStart(11)} ${'rows/s'.padStart(14)} ${'peak RSS'.padStart(10)}`);
const a = contender('count', plainDir);
console.log(line('(a) DuckDB read_csv count (bare scan)', a, plainBytes));
const ctas = contender('ctas', plainDir);
console.log(line('(b1) DuckDB CREATE TABLE AS read_csv', ctas, plainBytes));
const pq = contender('parquet', plainDir);
console.log(line('(b2) DuckDB COPY read_csv TO parquet', pq, plainBytes));
const b = ctas.seconds < pq.seconds ? ctas : pq;
const c = contender('dhai', plainDir);
console.log(line('(c) dhai ingest', c, plainBytes));
if (c.rows !== b.rows) throw new Error(`row counts differ: dhai ${c.rows}, DuckDB ${b.rows}`);
const results: string[] = [`TSV: dhai ingest / best plain DuckDB load = ${(b.seconds / c.seconds).toFixed(2)}x throughput (target >= 0.80); / bare scan = ${(a.seconds / c.seconds).toFixed(2)}x`];
let maxRss = c.maxRssMiB;
if (gzBytes) {
  const bgzC = contender('ctas', gzDir);
  console.log(line('(b1-gz) DuckDB CREATE TABLE AS read_csv .gz', bgzC, plainBytes));
  const bgzP = contender('parquet', gzDir);
  console.log(line('(b2-gz) DuckDB COPY read_csv .gz TO parquet', bgzP, plainBytes));
  const bgz = bgzC.seconds < bgzP.seconds ? bgzC : bgzP;
  const cgz = contender('dhai', gzDir);
  console.log(line('(c-gz) dhai ingest .gz', cgz, plainBytes));
  results.push(`gzip: dhai ingest / best plain DuckDB load = ${(bgz.seconds / cgz.seconds).toFixed(2)}x throughput (target >= 1.20)`);
  maxRss = Math.max(maxRss, cgz.maxRssMiB);
}
results.push(`dhai peak RSS ${maxRss.toFixed(0)} MiB (target <= 1536 MiB)`);
console.log(results.join('\n'));
