// `npm run bench:ingest`: dhai ingest against DuckDB's own loads of the same Zeek TSV, in one run.
//   (a) DuckDB's bare read_csv count, (b) DuckDB's best plain load (the faster of CREATE TABLE AS and
//   COPY … TO parquet), (c) dhai ingest — on a simulated corpus of >= 2 GB and on its gzip copy.
// Options: --gb N (corpus size, default 2.2), --corpus DIR (use an existing TSV tree), --keep (reuse corpus).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { contender, ensureCorpus, line, sizeOf, walk } from './ingest-corpus.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const { plainDir, gzDir } = await ensureCorpus({ gb: Number(opt('--gb') ?? 2.2), keep: args.includes('--keep'), corpus: opt('--corpus') });
const plainBytes = sizeOf(plainDir);
const gzBytes = existsSync(gzDir) ? sizeOf(gzDir) : 0;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`corpus: ${(plainBytes / 1e9).toFixed(2)} GB TSV in ${walk(plainDir).length} files; gzip copy ${(gzBytes / 1e9).toFixed(2)} GB; load average ${load()}`);
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
results.push(`dhai peak RSS ${maxRss.toFixed(0)} MiB (target <= 1024 MiB)`);
results.push(`load average ${load()}`);
console.log(results.join('\n'));
