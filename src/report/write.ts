// Writes a built report to its directory: report.json, report.html, one CSV per table, findings.jsonl and,
// when compared with an earlier report, changes.json. Each file is written beside its final name and renamed,
// so a reader never sees half a file; CSVs and a changes.json left by an earlier run that no longer apply are
// removed.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SECTION_IDS } from '../analyses/types.ts';
import type { Changes } from './changes.ts';
import { csvFileName, toCsv } from './csv.ts';
import { renderHtml, type HtmlOptions } from './html.ts';
import type { BuiltReport } from './model.ts';

export interface WrittenReport {
  dir: string;
  html: string;
  json: string;
  findings: string;
  csv: string[];
  changes?: string;
}

const OWN_CSV = new RegExp(`^(${SECTION_IDS.join('|')})\\.[a-z0-9][a-z0-9_-]*\\.csv$`);

function put(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** One JSON object per line for a SIEM: the finding with the report it came from. */
export function findingsJsonl(built: BuiltReport): string {
  const j = built.json;
  return j.findings
    .map((f) => JSON.stringify({ dhai_version: j.dhai_version, generated_at: j.generated_at, window: { from: j.window.from, to: j.window.to }, ...f }))
    .map((line) => `${line}\n`)
    .join('');
}

export function writeReport(dir: string, built: BuiltReport, opts: HtmlOptions = {}): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const csv: string[] = [];
  for (const id of built.order) {
    const s = built.json.sections[id];
    if (s?.status !== 'ok') continue;
    for (const [name, rows] of Object.entries(s.tables)) {
      const file = csvFileName(id, name);
      put(path.join(dir, file), toCsv(rows));
      csv.push(file);
    }
  }
  const keep = new Set(csv);
  for (const name of readdirSync(dir)) if (OWN_CSV.test(name) && !keep.has(name)) rmSync(path.join(dir, name), { force: true });

  const out: WrittenReport = {
    dir,
    html: path.join(dir, 'report.html'),
    json: path.join(dir, 'report.json'),
    findings: path.join(dir, 'findings.jsonl'),
    csv: csv.map((f) => path.join(dir, f)),
  };
  put(out.json, `${JSON.stringify(built.json, null, 2)}\n`);
  put(out.findings, findingsJsonl(built));
  const changesFile = path.join(dir, 'changes.json');
  if (opts.changes) {
    put(changesFile, `${JSON.stringify(opts.changes satisfies Changes, null, 2)}\n`);
    out.changes = changesFile;
  } else rmSync(changesFile, { force: true });
  put(out.html, renderHtml(built, opts));
  return out;
}
