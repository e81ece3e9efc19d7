// Test helper: rows of a small Zeek TSV log (btest baselines included) as field → unescaped value.
import { readFileSync } from 'node:fs';

export type ZeekRow = Record<string, string | null>;

/** Zeek's TSV escaping: `\\` for a backslash, `\xHH` for other bytes; `-` is unset. */
export function unescapeZeek(v: string): string {
  return v.replace(/\\x([0-9a-fA-F]{2})|\\\\/g, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '\\'));
}

export function readZeekTsv(file: string): ZeekRow[] {
  let fields: string[] = [];
  const rows: ZeekRow[] = [];
  for (const line of readFileSync(file, 'latin1').split('\n')) {
    if (line.startsWith('#fields\t')) fields = line.split('\t').slice(1);
    if (line === '' || line.startsWith('#')) continue;
    const values = line.split('\t');
    rows.push(Object.fromEntries(fields.map((f, i) => [f, values[i] === '-' || values[i] === undefined ? null : unescapeZeek(values[i]!)])));
  }
  return rows;
}

/** A Zeek vector column as a list (`(empty)` is the empty list, unset is null). */
export function zeekList(v: string | null): string[] | null {
  if (v === null) return null;
  return v === '(empty)' ? [] : v.split(',');
}
