// `dhai compare A.json B.json ... --out DIR [--label NAME]...`: several hospitals' shareable exports side by
// side (src/share/compare.ts): DIR/compare.html, compare.json and compare.csv. Each export is checked against
// the export schema first; a bad file stops the command with one line naming it.
import path from 'node:path';
import type { Command } from 'commander';
import { buildComparison, type LabelledExport } from '../share/compare.ts';
import { writeComparison } from '../share/compare-write.ts';
import { loadShareExport } from '../share/schema.ts';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';
import type { Runner } from './main.ts';

interface CompareFlags {
  out: string;
  label: string[];
}

const MAX_LABEL = 80;

/** Labels in file order: the ones given, then each remaining file's name without `.json`; unique and short. */
export function labelsFor(files: readonly string[], given: readonly string[]): string[] {
  if (given.length > files.length) throw new UsageError(`${given.length} labels for ${files.length} exports: give at most one --label per file, in file order`);
  const labels = files.map((f, i) => given[i] ?? path.basename(f).replace(/\.json$/i, ''));
  const seen = new Set<string>();
  for (const l of labels) {
    if (l.trim().length === 0) throw new UsageError('a label is empty: pass --label with some text');
    if (l.length > MAX_LABEL) throw new UsageError(`label too long (over ${MAX_LABEL} characters): ${safeText(l.slice(0, 40))}…`);
    if (seen.has(l)) throw new UsageError(`two exports would be labelled ${safeText(l)}: pass --label for each file`);
    seen.add(l);
  }
  return labels;
}

export function registerCompare(program: Command, run: Runner): void {
  program
    .command('compare')
    .description("put several hospitals' shareable exports side by side (compare.html, compare.json, compare.csv)")
    .argument('<exports...>', 'shareable exports written by dhai export --share')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--label <name>', 'label of an export, in file order (repeat; default: the file name)', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(run(async (files: string[], flags: CompareFlags) => {
      const labels = labelsFor(files, flags.label);
      const exports: LabelledExport[] = files.map((f, i) => ({ label: labels[i]!, file: path.basename(f), data: loadShareExport(f) }));
      const cmp = buildComparison(exports);
      const written = writeComparison(flags.out, cmp);
      const figures = Object.values(cmp.sections).reduce((n, s) => n + Object.keys(s.metrics).length, 0);
      process.stdout.write(`compared ${exports.length} exports, ${figures} figures → ${safeText(path.resolve(written.html))}\n`);
      return 0;
    }));
}
