// A small, independent reader of Zeek TSV and JSON logs for the simulator's tests: just enough to check
// what was written (header, rows, unescaping), deliberately not sharing code with the writer.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface TsvLog {
  meta: Map<string, string>;
  fields: string[];
  types: string[];
  rows: string[][];
  close: string | null;
}

export function readText(file: string): string {
  const raw = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

export function parseTsv(text: string): TsvLog {
  const log: TsvLog = { meta: new Map(), fields: [], types: [], rows: [], close: null };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const sp = line.startsWith('#separator ') ? ' ' : '\t';
      const key = line.slice(1, line.indexOf(sp));
      const value = line.slice(line.indexOf(sp) + 1);
      if (key === 'fields') log.fields = value.split('\t');
      else if (key === 'types') log.types = value.split('\t');
      else if (key === 'close') log.close = value;
      else log.meta.set(key, value);
      continue;
    }
    log.rows.push(line.split('\t'));
  }
  return log;
}

/** Zeek's unescaping of one TSV string value (`\xhh` and `\\`). */
export function unescape(s: string): string {
  return s.replace(/\\x([0-9a-f]{2})|\\\\/g, (_m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '\\'));
}

/** A container column: `-` unset, `(empty)` empty, else elements split at `,`. */
export function list(s: string): string[] | null {
  if (s === '-') return null;
  if (s === '(empty)') return [];
  return s.split(',').map(unescape);
}

/** Every hourly file of one log in a zeekctl tree, in name order. */
export function logFiles(logsDir: string, logPath: string): string[] {
  const out: string[] = [];
  for (const day of readdirSync(logsDir).sort()) {
    for (const f of readdirSync(path.join(logsDir, day)).sort()) if (f.startsWith(`${logPath}.`)) out.push(path.join(logsDir, day, f));
  }
  return out;
}

/** All rows of one log as objects keyed by field name (TSV). */
export function readRows(logsDir: string, logPath: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const f of logFiles(logsDir, logPath)) {
    const log = parseTsv(readText(f));
    for (const r of log.rows) rows.push(Object.fromEntries(log.fields.map((name, i) => [name, r[i]!])));
  }
  return rows;
}
