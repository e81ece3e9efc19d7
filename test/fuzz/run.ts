// The fuzz loop shared by scripts/fuzz-readers.ts (long runs) and test/fuzz/readers.test.ts (a short run).
import path from 'node:path';
import fc from 'fast-check';
import { runIngest } from '../../src/ingest/ingest.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { applyMutations, mutationArb } from './mutate.ts';
import { checkReaders } from './reader-invariants.ts';
import { fuzzSeeds } from './seeds.ts';

const CASE_TIMEOUT_MS = 10_000;

export async function runFuzz(o: { cases: number; seed: number; fullEvery: number; onProgress?: (n: number) => void }) {
  const seeds = fuzzSeeds();
  const dir = tmpDir('dhai-fuzz-');
  let n = 0;
  let full = 0;
  const prop = fc.asyncProperty(fc.nat(seeds.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), async (si, muts) => {
    const input = applyMutations(seeds[si]!.data, muts);
    const name = `case-${n++ % 64}.log`;
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`hang: case took over ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS).unref());
    const res = await Promise.race([checkReaders(input, dir, name), timeout]);
    if (!res.ok) throw new Error(res.problem);
    if (n % o.fullEvery === 0) {
      full++;
      // the full ingest (fast path where it applies) must store exactly the rows the line reader wrote
      const db = path.join(dir, `full-${full % 8}.duckdb`);
      const s = await Promise.race([runIngest({ paths: [path.join(dir, name)], db: `${db}-${n}` }), timeout]);
      if (s.rowsStored + s.rowsRejected !== s.rowsRead) throw new Error(`ingest lost rows: ${JSON.stringify(s.rejects)}`);
      const pending = s.unfinishedLines.length; // the line reader here read the unfinished last line too
      if (s.files.ingested === 1 && s.rowsStored + s.rowsRejected + pending < res.rowsWritten) {
        throw new Error(`ingest stored ${s.rowsStored} rows (+${pending} pending), line reader ${res.rowsWritten}`);
      }
      if (s.files.ingested === 1 && !pending && s.rowsStored !== res.rowsWritten) {
        throw new Error(`fast path stored ${s.rowsStored} rows, line reader ${res.rowsWritten}`);
      }
    }
    if (n % 500 === 0) o.onProgress?.(n);
  });
  const details = await fc.check(prop, { numRuns: o.cases, seed: o.seed, endOnFailure: true });
  return { cases: n, full, failure: details.failed ? `${details.counterexample ? JSON.stringify(details.counterexample).slice(0, 2000) : ''}\n${String(details.errorInstance)}` : undefined };
}
