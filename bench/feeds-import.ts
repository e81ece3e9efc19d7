// Feed import speed: a 1 M-entry `rank,domain` top list (Tranco's shape) parsed and bulk-loaded into a
// DuckDB file, then the same file again (must be a no-op). Run: node --import tsx bench/feeds-import.ts [--n N]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFeedFile } from '../src/intel/feed-store.ts';
import { parseFeed } from '../src/intel/formats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(here, 'out', 'feeds-import');
const nArg = process.argv.indexOf('--n');
const n = nArg >= 0 ? Number(process.argv[nArg + 1]) : 1_000_000;

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const file = path.join(work, `top-${n}.csv`);
// names with the spread of a real list: many registrable domains under a few public suffixes, some subdomains
function generate(): number {
  const suffixes = ['com', 'net', 'org', 'co.uk', 'de', 'com.br', 'io', 'jp', 'ru', 'gov.cn'];
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const base = `site${i.toString(36)}.${suffixes[i % suffixes.length]}`;
    lines.push(`${i},${i % 7 === 0 ? `www.${base}` : base}`);
  }
  const text = `${lines.join('\r\n')}\r\n`;
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}
const bytes = generate();

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
let t = performance.now();
{
  const parsed = parseFeed(readFileSync(file), { kind: 'toplist' });
  console.log(`parse only: ${parsed.entries.length} entries, ${parsed.rejectedCount} rejected, ${ms(t)}`);
}

const instance = await DuckDBInstance.create(path.join(work, 'bench.duckdb'), { threads: '2', memory_limit: '1GB' });
const conn = await instance.connect();
t = performance.now();
const first = await importFeedFile(conn, file, { kind: 'toplist', name: 'bench' });
const importMs = performance.now() - t;
console.log(`import into a DuckDB file: ${first.snapshot.entries} entries in ${importMs.toFixed(0)} ms ` +
  `(${(first.snapshot.entries / (importMs / 1000) / 1e6).toFixed(2)} M entries/s, ${(bytes / 1e6).toFixed(1)} MB of CSV)`);
t = performance.now();
const again = await importFeedFile(conn, file, { kind: 'toplist', name: 'bench' });
console.log(`same file again: ${again.status} in ${ms(t)}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
conn.closeSync();
instance.closeSync();
