// Fuzz the TSV and JSON readers with mutated real logs: `node --import tsx scripts/fuzz-readers.ts [cases] [seed] [full-every]`.
// Every case must finish without a crash or hang and account for every line; every 250th case (argument 3) also runs the
// full ingest (DuckDB fast path included), whose stored rows must equal the line reader's.
import { runFuzz } from '../test/fuzz/run.ts';

const cases = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const fullEvery = Number(process.argv[4] ?? 250);
const t0 = performance.now();
const r = await runFuzz({ cases, seed, fullEvery, onProgress: (n) => process.stderr.write(`\r${n}/${cases} cases`) });
process.stderr.write('\n');
const s = (performance.now() - t0) / 1000;
console.log(`fuzz-readers: ${r.cases} cases (${r.full} full ingests) in ${s.toFixed(0)} s, seed ${seed}: ${r.failure ? 'FAILED' : 'no crash, hang or loss'}`);
if (r.failure) {
  console.log(r.failure);
  process.exitCode = 1;
}
