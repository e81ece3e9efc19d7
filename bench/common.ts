// What the benchmark scripts share: the repository root, their command-line options, the load average they
// print beside every figure, and the median they report over repeated runs.
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const args = process.argv.slice(2);

/** The value after `--name`, if given. */
export function opt(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A numeric option with its default. */
export function numOpt(name: string, dflt: number): number {
  const v = opt(name);
  return v === undefined ? dflt : Number(v);
}

export const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
