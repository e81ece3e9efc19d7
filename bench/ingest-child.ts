// One contender of bench/ingest.ts and bench/pseudonymise.ts, in its own process so its peak RSS is its own.
// argv: kind (count | ctas | parquet | dhai | dhai-pseudonymised) corpusDir outDir [siteFile]
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
import { loadSite } from '../src/config/site.ts';
import { runIngest } from '../src/ingest/ingest.ts';
import { parseHeader } from '../src/sources/zeek/header.ts';
import { csvReadType } from '../src/sources/zeek/zeek-types.ts';
import { literal } from '../src/store/sql.ts';
import { gunzipSync } from 'node:zlib';
import { openSync, readSync, closeSync } from 'node:fs';

const [kind, corpus, out, siteFile] = process.argv.slice(2) as [string, string, string, string | undefined];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function headOf(file: string): Buffer {
  const fd = openSync(file, 'r');
  const b = Buffer.alloc(1 << 16);
  const n = readSync(fd, b, 0, b.length, 0);
  closeSync(fd);
  return file.endsWith('.gz') ? gunzipSync(b.subarray(0, n), { finishFlush: 2 }) : b.subarray(0, n);
}

const t0 = performance.now();
let rows = 0;
if (kind === 'dhai' || kind === 'dhai-pseudonymised') {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // the same site for both, so that only pseudonymisation differs; a fresh key per run
  const site = siteFile ? loadSite(siteFile) : undefined;
  const pseudonymise = kind === 'dhai-pseudonymised' ? { key: randomBytes(32) } : undefined;
  const s = await runIngest({ paths: [corpus], db: path.join(out, 'bench.duckdb'), site, pseudonymise });
  rows = s.rowsStored;
  if (s.rowsRejected || s.files.skipped) throw new Error(`bench corpus had rejects or skips: ${JSON.stringify(s.rejects)} ${JSON.stringify(s.skippedFiles.slice(0, 3))}`);
} else {
  // DuckDB on its own: one statement per log type over all its files, typed columns from the Zeek header
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = walk(corpus).filter((f) => /\.log(\.gz)?$/.test(f));
  const byType = new Map<string, string[]>();
  for (const f of files) {
    const t = path.basename(f).split('.')[0]!;
    byType.set(t, [...(byType.get(t) ?? []), f]);
  }
  const db = await DuckDBInstance.create(kind === 'ctas' ? path.join(out, 'ctas.duckdb') : ':memory:', { threads: '2', memory_limit: '1GB' });
  const c = await db.connect();
  for (const [t, list] of byType) {
    const h = parseHeader(headOf(list[0]!)).header!;
    const cols = h.fields.map((f, i) => `${literal(f.replace(/\./g, '_'))}: ${literal(csvReadType(h.types[i]!))}`).join(', ');
    const src = `read_csv([${list.map(literal).join(', ')}], delim = '\t', quote = '', escape = '', header = false, comment = '#',
      nullstr = '-', auto_detect = false, columns = {${cols}})`;
    if (kind === 'count') {
      const r = await c.runAndReadAll(`SELECT count(*) FROM ${src}`);
      rows += Number(r.getRows()[0]![0]);
    } else if (kind === 'ctas') {
      await c.run(`CREATE TABLE ${t} AS SELECT * FROM ${src}`);
      rows += Number((await c.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0]![0]);
    } else {
      const r = await c.runAndReadAll(`COPY (SELECT * FROM ${src}) TO ${literal(path.join(out, `${t}.parquet`))} (FORMAT parquet)`);
      rows += Number(r.getRows()[0]![0]);
    }
  }
  if (kind === 'ctas') await c.run('CHECKPOINT');
  c.closeSync();
  db.closeSync();
}
const seconds = (performance.now() - t0) / 1000;
const ru = process.resourceUsage();
const cpuSeconds = (ru.userCPUTime + ru.systemCPUTime) / 1e6;
process.stdout.write(JSON.stringify({ kind, seconds, rows, maxRssMiB: ru.maxRSS / 1024, cpuSeconds }) + '\n');
