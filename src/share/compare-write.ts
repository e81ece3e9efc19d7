// Writes a comparison to its directory: compare.json, compare.csv and compare.html, each beside its final name
// and renamed, so a reader never sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderCompareHtml } from './compare-html.ts';
import { compareCsv, type Comparison } from './compare.ts';

export interface WrittenComparison {
  html: string;
  json: string;
  csv: string;
}

function put(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function writeComparison(dir: string, cmp: Comparison): WrittenComparison {
  mkdirSync(dir, { recursive: true });
  const out = { html: path.join(dir, 'compare.html'), json: path.join(dir, 'compare.json'), csv: path.join(dir, 'compare.csv') };
  put(out.json, `${JSON.stringify(cmp, null, 2)}\n`);
  put(out.csv, compareCsv(cmp));
  put(out.html, renderCompareHtml(cmp));
  return out;
}
