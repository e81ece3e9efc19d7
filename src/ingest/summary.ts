// What an ingest did, for the person who ran it: per log type, rows stored and rejected (with reasons and
// file:line examples), files skipped and why, files without #close, and capture loss.
import type { RejectReason } from '../sources/zeek/rejects.ts';
import type { LossFacts } from './part-writer.ts';
import { safeText } from '../util/terminal.ts';

export interface FileOutcome {
  path: string;
  status: 'ingested' | 'grown' | 'skipped';
  /** only TSV logs end with #close; JSON logs have no footer */
  format?: 'tsv' | 'json' | 'unknown';
  skipKind?: string;
  reason?: string;
  logType?: string;
  sensor?: string;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  closed: boolean;
  fastPath: boolean;
  rejects: RejectReason[];
  skippedLines: RejectReason[];
  /** line number of an unfinished last line left for the next run */
  unfinishedLine?: number;
  /** capture-loss facts of the rows this file added */
  loss?: LossFacts;
}

export interface IngestSummary {
  db: string;
  seconds: number;
  bytes: number;
  files: { seen: number; ingested: number; grown: number; skipped: number };
  byLogType: Record<string, { files: number; rowsStored: number; rowsRejected: number }>;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  rejectRate: number;
  maxRejectRate: number;
  rejects: { reason: string; count: number; examples: string[] }[];
  linesSkipped: { reason: string; count: number; examples: string[] }[];
  skippedFiles: { path: string; kind: string; reason: string }[];
  unclosed: string[];
  /** file:line of unfinished last lines (no newline yet) that the next run will read */
  unfinishedLines: string[];
  captureLoss: { reports: number; maxPercentLost: number | null; meanPercentLost: number | null; connWithMissedBytes: number; missedBytes: number };
  exitCode: 0 | 1;
}

export function summarise(
  outcomes: FileOutcome[],
  meta: { db: string; seconds: number; bytes: number; maxRejectRate: number },
): IngestSummary {
  const byLogType: IngestSummary['byLogType'] = {};
  const rejects = new Map<string, { reason: string; count: number; examples: string[] }>();
  const skippedLines = new Map<string, { reason: string; count: number; examples: string[] }>();
  const merge = (into: typeof rejects, file: string, list: RejectReason[]) => {
    for (const r of list) {
      let m = into.get(r.reason);
      if (!m) into.set(r.reason, (m = { reason: r.reason, count: 0, examples: [] }));
      m.count += r.count;
      for (const e of r.examples) if (m.examples.length < 5) m.examples.push(`${file}:${e.line}: ${e.text}`);
    }
  };
  let rowsRead = 0;
  let rowsStored = 0;
  let rowsRejected = 0;
  const stored = outcomes.filter((o) => o.status !== 'skipped');
  for (const o of stored) {
    const t = (byLogType[o.logType!] ??= { files: 0, rowsStored: 0, rowsRejected: 0 });
    t.files++;
    t.rowsStored += o.rowsStored;
    t.rowsRejected += o.rowsRejected;
    rowsRead += o.rowsRead;
    rowsStored += o.rowsStored;
    rowsRejected += o.rowsRejected;
    merge(rejects, o.path, o.rejects);
    merge(skippedLines, o.path, o.skippedLines);
  }
  const rejectRate = rowsRead > 0 ? rowsRejected / rowsRead : 0;
  return {
    db: meta.db,
    seconds: meta.seconds,
    bytes: meta.bytes,
    files: {
      seen: outcomes.length,
      ingested: outcomes.filter((o) => o.status === 'ingested').length,
      grown: outcomes.filter((o) => o.status === 'grown').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
    },
    byLogType,
    rowsRead,
    rowsStored,
    rowsRejected,
    rejectRate,
    maxRejectRate: meta.maxRejectRate,
    rejects: [...rejects.values()].sort((a, b) => b.count - a.count),
    linesSkipped: [...skippedLines.values()].sort((a, b) => b.count - a.count),
    skippedFiles: outcomes.filter((o) => o.status === 'skipped').map((o) => ({ path: o.path, kind: o.skipKind ?? 'other', reason: o.reason ?? '' })),
    unclosed: stored.filter((o) => !o.closed && o.format === 'tsv').map((o) => o.path),
    unfinishedLines: stored.filter((o) => o.unfinishedLine !== undefined).map((o) => `${o.path}:${o.unfinishedLine}`),
    captureLoss: captureLoss(stored),
    exitCode: rejectRate > meta.maxRejectRate ? 1 : 0,
  };
}

/** Capture loss in what this run added: Zeek's capture_loss.log and conn.log's missed_bytes. */
function captureLoss(stored: FileOutcome[]): IngestSummary['captureLoss'] {
  let reports = 0;
  let max: number | null = null;
  let sum = 0;
  let conns = 0;
  let missed = 0;
  for (const o of stored) {
    const l = o.loss;
    if (!l) continue;
    reports += l.reports ?? 0;
    sum += l.sumPercentLost ?? 0;
    if (l.maxPercentLost !== undefined) max = Math.max(max ?? 0, l.maxPercentLost);
    conns += l.connWithMissedBytes ?? 0;
    missed += l.missedBytes ?? 0;
  }
  return { reports, maxPercentLost: max, meanPercentLost: reports ? sum / reports : null, connWithMissedBytes: conns, missedBytes: missed };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The summary as the terminal shows it; every path and example is escaped. */
export function formatSummary(s: IngestSummary): string {
  const out: string[] = [];
  const mb = s.bytes / 1e6;
  out.push(`Ingested into ${safeText(s.db)} in ${s.seconds.toFixed(1)} s (${fmt(Math.round(mb))} MB, ${fmt(Math.round(mb / Math.max(s.seconds, 1e-3)))} MB/s, ${fmt(Math.round(s.rowsStored / Math.max(s.seconds, 1e-3)))} rows/s)`);
  out.push(`Files: ${s.files.seen} seen, ${s.files.ingested} ingested, ${s.files.grown} grown (new rows only), ${s.files.skipped} skipped`);
  const types = Object.entries(s.byLogType).sort();
  if (types.length) {
    out.push('Per log type:');
    for (const [t, v] of types) out.push(`  ${t.padEnd(14)} ${String(v.files).padStart(5)} files ${fmt(v.rowsStored).padStart(14)} rows stored ${v.rowsRejected ? `${fmt(v.rowsRejected)} rejected` : ''}`.trimEnd());
  }
  out.push(`Rows: ${fmt(s.rowsStored)} stored, ${fmt(s.rowsRejected)} rejected of ${fmt(s.rowsRead)} read (${(s.rejectRate * 100).toFixed(3)} %; limit ${(s.maxRejectRate * 100).toFixed(2)} %)`);
  for (const r of s.rejects) {
    out.push(`  rejected ${fmt(r.count)}: ${safeText(r.reason)}`);
    for (const e of r.examples) out.push(`    ${safeText(e)}`);
  }
  for (const r of s.linesSkipped) {
    out.push(`  skipped ${fmt(r.count)} line(s): ${safeText(r.reason)}`);
    for (const e of r.examples) out.push(`    ${safeText(e)}`);
  }
  // files already in the store are counted, not listed: a re-run would otherwise print every file again
  const already = s.skippedFiles.filter((f) => f.kind === 'unchanged' || f.kind === 'duplicate');
  const other = s.skippedFiles.filter((f) => f.kind !== 'unchanged' && f.kind !== 'duplicate');
  if (already.length) out.push(`Already in the store (skipped): ${fmt(already.length)} files (--json lists them)`);
  if (other.length) {
    out.push(`Files skipped:`);
    for (const f of other.slice(0, 50)) out.push(`  ${safeText(f.path)}: ${safeText(f.reason)}`);
    if (other.length > 50) out.push(`  … and ${other.length - 50} more (see --json)`);
  }
  if (s.unclosed.length) {
    out.push(`Files without #close (truncated or still being written): ${s.unclosed.length}`);
    for (const f of s.unclosed.slice(0, 10)) out.push(`  ${safeText(f)}`);
  }
  if (s.unfinishedLines.length) {
    out.push(`Unfinished last lines (no newline yet), left for the next run: ${s.unfinishedLines.length}`);
    for (const f of s.unfinishedLines.slice(0, 10)) out.push(`  ${safeText(f)}`);
  }
  const cl = s.captureLoss;
  if (cl.reports > 0) out.push(`Capture loss (capture_loss.log): max ${cl.maxPercentLost?.toFixed(3)} %, mean ${cl.meanPercentLost?.toFixed(3)} % over ${cl.reports} reports`);
  if (cl.connWithMissedBytes > 0) out.push(`Capture gaps: ${fmt(cl.connWithMissedBytes)} connections with missed_bytes (${fmt(cl.missedBytes)} bytes)`);
  if (s.exitCode === 1) out.push(`Rejected rows exceed --max-reject-rate: exit code 1`);
  return out.join('\n');
}
