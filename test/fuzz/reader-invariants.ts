// The invariants a reader must keep on any input, checked by the fuzzer (scripts/fuzz-readers.ts) and its
// short run in the tests: no crash, no hang, and every line accounted for exactly once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { convertLines } from '../../src/sources/zeek/lines.ts';
import { scanFile } from '../../src/sources/zeek/prescan.ts';

export interface CaseResult {
  ok: boolean;
  problem?: string;
  rowsWritten: number;
}

/** Count lines the way the readers do: split on LF, a final piece without LF is a line too. */
export function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  if (buf.length && buf[buf.length - 1] !== 10) n++;
  return n;
}

export async function checkReaders(input: Buffer, dir: string, name: string): Promise<CaseResult> {
  const file = path.join(dir, name);
  writeFileSync(file, input);
  const scan = await scanFile(file, { gzip: false });
  if (scan.size !== input.length) return { ok: false, problem: `scan saw ${scan.size} of ${input.length} bytes`, rowsWritten: 0 };
  const format = scan.format === 'json' ? 'json' : 'tsv';
  const r = await convertLines({ input: file, output: `${file}.jsonl`, format, nameType: 'conn' });
  const lines = countLines(input);
  const accounted = r.lines.meta + r.lines.blank + r.skipped.total + r.rowsRead;
  if (r.lines.total !== lines) return { ok: false, problem: `reader saw ${r.lines.total} lines, input has ${lines}`, rowsWritten: r.rowsWritten };
  if (accounted !== lines) {
    return { ok: false, problem: `lines unaccounted: ${lines} lines, ${r.lines.meta} meta + ${r.lines.blank} blank + ${r.skipped.total} skipped + ${r.rowsRead} read`, rowsWritten: r.rowsWritten };
  }
  if (r.rowsRead !== r.rowsWritten + r.rejects.total) {
    return { ok: false, problem: `rows lost: ${r.rowsRead} read, ${r.rowsWritten} written, ${r.rejects.total} rejected`, rowsWritten: r.rowsWritten };
  }
  return { ok: true, rowsWritten: r.rowsWritten };
}
