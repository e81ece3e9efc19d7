// `node --import tsx bench/pseudonymise.ts`: dhai ingest of one corpus, plain and pseudonymised (internal
// addresses and names replaced, --pseudonymise with the simulated hospital's site), in one run, each in its own
// process; the ratio of their times (issue #8 target: pseudonymised <= 1.1x plain). The corpus is bench:ingest's
// (>= 2 GB of simulated Zeek TSV, generated when missing). Runs alternate, plain first, --runs times each; the
// ratio is of the medians.
// Options: --gb N (corpus size when generated, default 2.2), --keep (reuse the corpus), --runs N (default 2),
// --corpus DIR --site FILE (another TSV tree and its site).
import { args, load, median, opt } from './common.ts';
import { contender, ensureCorpus, line, sizeOf, walk, type Run } from './ingest-corpus.ts';

const runs = Number(opt('--runs') ?? 2);
const { plainDir, site } = await ensureCorpus({ gb: Number(opt('--gb') ?? 2.2), keep: args.includes('--keep'), corpus: opt('--corpus'), site: opt('--site') });
const bytes = sizeOf(plainDir);
console.log(`corpus: ${(bytes / 1e9).toFixed(2)} GB TSV in ${walk(plainDir).length} files; site ${site}; load average ${load()}`);
const plain: Run[] = [];
const pseudo: Run[] = [];
for (let i = 0; i < runs; i++) {
  plain.push(contender('dhai', plainDir, [site]));
  console.log(line(`dhai ingest, plain (run ${i + 1})`, plain.at(-1)!, bytes));
  pseudo.push(contender('dhai-pseudonymised', plainDir, [site]));
  console.log(line(`dhai ingest --pseudonymise (run ${i + 1})`, pseudo.at(-1)!, bytes));
  if (pseudo.at(-1)!.rows !== plain.at(-1)!.rows) throw new Error(`row counts differ: ${pseudo.at(-1)!.rows} vs ${plain.at(-1)!.rows}`);
}
const seconds = (rs: Run[]) => median(rs.map((r) => r.seconds));
const ratio = seconds(pseudo) / seconds(plain);
console.log(`pseudonymised / plain ingest time = ${ratio.toFixed(3)}x (medians ${seconds(pseudo).toFixed(2)} s / ${seconds(plain).toFixed(2)} s; target <= 1.10)`);
console.log(`peak RSS: plain ${Math.max(...plain.map((r) => r.maxRssMiB)).toFixed(0)} MiB, pseudonymised ${Math.max(...pseudo.map((r) => r.maxRssMiB)).toFixed(0)} MiB; load average ${load()}`);
