// `npm run bench:ingest`: dhai ingest against DuckDB's own loads of the same Zeek TSV, in one run.
//   (a) DuckDB's bare read_csv count, (b) DuckDB's best plain load (the faster of CREATE TABLE AS and
//   COPY … TO parquet), (c) dhai ingest — on a simulated corpus of >= 2 GB and on its gzip copy.
// With --runs N each contender runs N times, interleaved (a, b1, b2, c, a, b1, …) so that a burst of other load
// hits every contender alike, and the ratios are of the medians. Each contender's CPU time (all its threads) is
// printed too: the CPU ratio moves much less than the wall ratio when the machine is shared.
// Options: --gb N (corpus size, default 2.2), --corpus DIR (use an existing TSV tree), --keep (reuse corpus),
// --runs N (default 1).
import { existsSync } from 'node:fs';
import { args, load, median, opt } from './common.ts';
import { contender, ensureCorpus, line, sizeOf, walk, type Run } from './ingest-corpus.ts';

const runs = Math.max(1, Number(opt('--runs') ?? 1));
const { plainDir, gzDir } = await ensureCorpus({ gb: Number(opt('--gb') ?? 2.2), keep: args.includes('--keep'), corpus: opt('--corpus') });
const plainBytes = sizeOf(plainDir);
const gzBytes = existsSync(gzDir) ? sizeOf(gzDir) : 0;
console.log(`corpus: ${(plainBytes / 1e9).toFixed(2)} GB TSV in ${walk(plainDir).length} files; gzip copy ${(gzBytes / 1e9).toFixed(2)} GB; ${runs} run(s) each; load average ${load()}`);
console.log(`${''.padEnd(44)} ${'time'.padStart(10)} ${'(plain MB/s)'.padStart(11)} ${'rows/s'.padStart(14)} ${'peak RSS'.padStart(10)} ${'CPU'.padStart(10)}`);

interface Contender { label: string; kind: string; dir: string; runs: Run[] }
const contenders: Contender[] = [
  { label: '(a) DuckDB read_csv count (bare scan)', kind: 'count', dir: plainDir, runs: [] },
  { label: '(b1) DuckDB CREATE TABLE AS read_csv', kind: 'ctas', dir: plainDir, runs: [] },
  { label: '(b2) DuckDB COPY read_csv TO parquet', kind: 'parquet', dir: plainDir, runs: [] },
  { label: '(c) dhai ingest', kind: 'dhai', dir: plainDir, runs: [] },
];
if (gzBytes) {
  contenders.push(
    { label: '(b1-gz) DuckDB CREATE TABLE AS read_csv .gz', kind: 'ctas', dir: gzDir, runs: [] },
    { label: '(b2-gz) DuckDB COPY read_csv .gz TO parquet', kind: 'parquet', dir: gzDir, runs: [] },
    { label: '(c-gz) dhai ingest .gz', kind: 'dhai', dir: gzDir, runs: [] },
  );
}
for (let i = 0; i < runs; i++) {
  for (const c of contenders) {
    const r = contender(c.kind, c.dir);
    c.runs.push(r);
    console.log(line(`${c.label}${runs > 1 ? ` #${i + 1}` : ''}`, r, plainBytes));
  }
}
const med = (c: Contender): Run => ({
  kind: c.kind, rows: c.runs[0]!.rows, seconds: median(c.runs.map((r) => r.seconds)),
  cpuSeconds: median(c.runs.map((r) => r.cpuSeconds)), maxRssMiB: Math.max(...c.runs.map((r) => r.maxRssMiB)),
});
const m = contenders.map((c) => ({ ...c, m: med(c) }));
if (runs > 1) {
  console.log('medians:');
  for (const c of m) console.log(line(c.label, c.m, plainBytes));
}
const byLabel = (prefix: string) => m.find((c) => c.label.startsWith(prefix))!.m;
const results: string[] = [];
const compare = (name: string, a: Run | undefined, b1: Run, b2: Run, c: Run, target: number) => {
  for (const r of [b1, b2]) if (r.rows !== c.rows) throw new Error(`row counts differ: dhai ${c.rows}, DuckDB ${r.rows}`);
  const b = b1.seconds < b2.seconds ? b1 : b2;
  const bare = a ? `; / bare scan = ${(a.seconds / c.seconds).toFixed(2)}x` : '';
  results.push(`${name}: dhai ingest / best plain DuckDB load = ${(b.seconds / c.seconds).toFixed(2)}x throughput (target >= ${target.toFixed(2)})` +
    ` [by CPU time: ${(b.cpuSeconds / c.cpuSeconds).toFixed(2)}x]${bare}`);
};
compare('TSV', byLabel('(a)'), byLabel('(b1)'), byLabel('(b2)'), byLabel('(c)'), 0.8);
if (gzBytes) compare('gzip', undefined, byLabel('(b1-gz)'), byLabel('(b2-gz)'), byLabel('(c-gz)'), 1.2);
const dhaiRss = Math.max(...m.filter((c) => c.kind === 'dhai').map((c) => c.m.maxRssMiB));
results.push(`dhai peak RSS ${dhaiRss.toFixed(0)} MiB (target <= 1536 MiB)`);
results.push(`load average ${load()}`);
console.log(results.join('\n'));
