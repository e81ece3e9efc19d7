// `dhai ingest`: Zeek logs → the store. Files are pre-scanned (hash, header, checks; gzip inflated) ahead of
// the file DuckDB is writing, each file becomes one Parquet part, and the part and its manifest row are
// committed together, so a re-run stores nothing twice and an interrupted run resumes where it stopped.
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { discover, type LogFile } from '../sources/zeek/discover.ts';
import { convertLines } from '../sources/zeek/lines.ts';
import { scanFile, type ScanResult } from '../sources/zeek/prescan.ts';
import type { RejectReason } from '../sources/zeek/rejects.ts';
import { openStore, partPath, stagedPartPath, stagingDirOf, type Store } from '../store/store.ts';
import { DEFAULT_LOG_TYPES } from '../store/zeek-schema.ts';
import type { Site } from '../config/site.ts';
import { PartWriter, type LossFacts } from './part-writer.ts';
import { planFromScan, type Plan } from './file-plan.ts';
import { Manifest } from './manifest.ts';
import { summarise, type FileOutcome, type IngestSummary } from './summary.ts';
import { pseudonymiserFor } from './pseudonymise-store.ts';
import { gzipReject, skipOutcome, typeSkip, withheld } from './outcomes.ts';
import { Semaphore } from './semaphore.ts';

export interface IngestOptions {
  paths: string[];
  db: string;
  site?: Site;
  /** sensor name for every file (else the site's sensors by path, else "default") */
  sensor?: string;
  /** extra log types to store besides the default ones (e.g. notice; http only on purpose) */
  include?: string[];
  maxRejectRate?: number;
  /**
   * Replace internal addresses and names at ingest (ingest/pseudonymise.ts; needs `site`), every address with
   * `external`. The key never enters the store; the store records that it is pseudonymised and with which key.
   */
  pseudonymise?: { key: Uint8Array; external?: boolean };
  onProgress?: (p: IngestProgress) => void;
}

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  rowsStored: number;
  current?: string;
}

interface Prepared {
  file: LogFile;
  scan?: ScanResult;
  plan: Plan;
  tmp: string[];
}

// clean small files of one log type and header share a COPY up to these sizes (a batch is also the unit an
// interrupted ingest redoes); DHAI_INGEST_BATCH_MB tunes it. 256 MiB: 4x fewer COPYs than 64 MiB cost
// 1.2 s less of 12 on the 2.2 GB bench corpus (each COPY ends with a part to finish and a manifest group)
const BATCH_BYTES = Number(process.env.DHAI_INGEST_BATCH_MB ?? 256) * (1 << 20);
const BATCH_FILES = 256;
// files pre-scanned ahead of the one DuckDB is writing: at least this many, and up to this many bytes (a whole
// batch, so that the next COPY can start as soon as one ends)
const LOOKAHEAD = 2;
const AHEAD_BYTES = BATCH_BYTES + (64 << 20);
const MAX_AHEAD_FILES = 512;
// files scanned at once: two keep the disk and zlib busy; more only make the main thread's bursts longer, and
// DuckDB waits on the main thread whenever it calls back into Node (pseudonymisation)
const SCAN_CONCURRENCY = 2;

interface BatchItem {
  p: Prepared;
  scan: ScanResult;
  logType: string;
  sensor: string;
  /** log type, sensor and header: files with the same key can be read by one statement */
  key: string;
}

interface Batch {
  key: string;
  items: BatchItem[];
  bytes: number;
  shas: Set<string>;
}

type LoadOptions = IngestOptions & { allowed: Set<string>; tmpPath: (ext: string) => string };

/** The fast path applies: DuckDB can read the file as it is (see prescan.ts). */
function fastPathOk(scan: ScanResult): boolean {
  return scan.format === 'tsv' && scan.header.regular && scan.utf8 && scan.extraMetaLines === 0 &&
    scan.coveredBytes === scan.plainSize && !scan.gzipError && scan.header.header !== undefined;
}

/** A new, clean, whole file that can join a batch; anything else goes through loadOne. */
function batchable(p: Prepared, manifest: Manifest, o: LoadOptions): BatchItem | undefined {
  const scan = p.scan;
  if (!scan || p.plan.action !== 'store' || p.plan.fromByte !== 0 || !fastPathOk(scan)) return undefined;
  if (manifest.sameContent(scan.sha256)) return undefined;
  const h = scan.header.header!;
  const logType = h.path ?? p.file.nameType;
  if (!logType || !o.allowed.has(logType)) return undefined;
  const sensor = o.sensor ?? sensorFor(p.file.path, o.site) ?? 'default';
  const key = JSON.stringify([logType, sensor, h.separator, h.setSeparator, h.emptyField, h.unsetField, h.fields, h.types]);
  return { p, scan, logType, sensor, key };
}

/** One COPY for a batch; if DuckDB refuses it, each file goes its own way (and finds the bad one). */
async function loadBatch(store: Store, writer: PartWriter, manifest: Manifest, b: Batch, o: LoadOptions): Promise<FileOutcome[]> {
  const one = async () => {
    const out: FileOutcome[] = [];
    for (const i of b.items) out.push(await loadOne(store, writer, manifest, i.p, o));
    return out;
  };
  if (b.items.length === 1) return one();
  const first = b.items[0]!;
  const ids = b.items.map(() => manifest.nextId());
  const staged = stagedPartPath(store.dbPath, first.logType, ids[0]!);
  const marks = { empty: b.items.some((i) => i.scan.emptyMarks), backslashes: b.items.some((i) => i.scan.backslashes) };
  const r = await writer.fromTsvFiles(
    b.items.map((i, k) => ({ file: i.scan.plainPath, id: ids[k]! })),
    first.scan.header.header!,
    { out: staged, logType: first.logType, sensor: first.sensor, fileId: ids[0]! },
    marks,
  );
  if ('error' in r) return one();
  const per = r.rows > 0 ? await writer.perFile(staged, first.logType) : new Map<number, { rows: number; loss?: LossFacts }>();
  if (r.rows === 0) rmSync(staged, { force: true });
  const part = r.rows > 0 ? partPath(store.dbPath, first.logType, ids[0]!) : null;
  const outcomes: FileOutcome[] = [];
  const rows = b.items.map((i, k) => {
    const f = per.get(ids[k]!);
    const stored = f?.rows ?? 0;
    outcomes.push({
      path: i.p.file.path, status: 'ingested', format: 'tsv', logType: i.logType, sensor: i.sensor, rowsRead: stored,
      rowsStored: stored, rowsRejected: 0, closed: i.scan.closed, fastPath: true, rejects: [], loss: f?.loss,
      skippedLines: i.scan.header.skipped.length ? withheld(o.pseudonymise !== undefined, [{ reason: 'not Zeek output', count: i.scan.header.skipped.length, examples: i.scan.header.skipped }]) : [],
    });
    return {
      id: ids[k]!, path: i.p.file.path, sha256: i.scan.sha256, size: i.scan.size,
      coveredBytes: i.p.file.gzip ? i.scan.plainSize : i.scan.coveredBytes, coveredSha256: i.p.file.gzip ? '' : i.scan.coveredSha256,
      coveredLines: i.scan.lines ?? null, logType: i.logType, format: 'tsv', gzip: i.p.file.gzip, sensor: i.sensor,
      zeekOpen: i.scan.header.header?.open, closed: i.scan.closed, rowsRead: stored, rowsStored: stored, rowsRejected: 0,
      linesSkipped: i.scan.header.skipped.length, fastPath: true, part, rejects: [], skippedLines: [],
      // the shared part moves into place once, with the batch's first row
      staged: part && k === 0 ? staged : undefined,
    };
  });
  await manifest.addMany(store, rows);
  return outcomes;
}

export async function runIngest(opts: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const store = await openStore(opts.db);
  let writer: PartWriter | undefined;
  let manifest: Manifest | undefined;
  const outcomes: FileOutcome[] = [];
  try {
    const w = (writer = await PartWriter.create({ pseudonymiser: await pseudonymiserFor(store, opts) }));
    const m = (manifest = await Manifest.load(store.conn));
    const found = await discover(opts.paths);
    const missing = found.missing;
    // one log type after another (in time order within each): a zeekctl tree alternates types every hour,
    // which would cut every batch to a day of one type
    const files = [...found.files].sort((a, b) => (a.nameType ?? '~').localeCompare(b.nameType ?? '~') || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const m of missing) outcomes.push(skipOutcome(m, 'no such file or directory', 'missing'));
    const allowed = new Set([...DEFAULT_LOG_TYPES, ...(opts.include ?? [])]);
    const bytesTotal = files.reduce((s, f) => s + f.size, 0);
    const progress: IngestProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal, rowsStored: 0 };
    let tmpSeq = 0;
    const tmpPath = (ext: string) => path.join(stagingDirOf(opts.db), `tmp-${process.pid}-${tmpSeq++}.${ext}`);

    const scanSlots = new Semaphore(SCAN_CONCURRENCY);
    const prepare = async (file: LogFile): Promise<Prepared> => {
      await scanSlots.take();
      try {
        return await prepareNow(file);
      } finally {
        scanSlots.give();
      }
    };
    const prepareNow = async (file: LogFile): Promise<Prepared> => {
      const tmp: string[] = [];
      const prev = file.gzip ? undefined : m.previousForPath(file.path);
      const staging = file.gzip ? tmpPath('tsv') : undefined;
      if (staging) tmp.push(staging);
      try {
        const scan = await scanFile(file.path, { gzip: file.gzip, stagingPath: staging, prefixAt: prev?.coveredBytes });
        return { file, scan, plan: planFromScan(scan, prev), tmp };
      } catch (e) {
        return { file, plan: { action: 'skip', kind: 'damaged', reason: `cannot read: ${(e as Error).message}` }, tmp };
      }
    };

    const pending: Promise<Prepared>[] = [];
    let next = 0;
    let aheadBytes = 0;
    // pre-scan ahead of DuckDB by bytes, so the next batch is ready when the current COPY ends
    const fill = (done: number) => {
      while (next < files.length && (next - done < LOOKAHEAD || aheadBytes < AHEAD_BYTES) && next - done < MAX_AHEAD_FILES) {
        aheadBytes += files[next]!.size;
        pending[next] = prepare(files[next++]!);
      }
    };
    const o = { ...opts, allowed, tmpPath };
    const done = (ps: Prepared[], results: FileOutcome[]) => {
      for (const p of ps) for (const t of p.tmp) rmSync(t, { force: true });
      outcomes.push(...results);
      progress.filesDone += ps.length;
      progress.bytesDone += ps.reduce((s, p) => s + p.file.size, 0);
      progress.rowsStored += results.reduce((s, r) => s + r.rowsStored, 0);
      opts.onProgress?.(progress);
    };
    let batch: Batch | undefined;
    const warmed = new Set<string>();
    const flushBatch = async () => {
      if (!batch) return;
      const b = batch;
      batch = undefined;
      done(b.items.map((i) => i.p), await loadBatch(store, w, m, b, o));
    };
    for (let i = 0; i < files.length; i++) {
      fill(i);
      const p = await pending[i]!;
      aheadBytes -= p.file.size;
      fill(i + 1);
      progress.current = p.file.path;
      const item = batchable(p, m, o);
      if (item && batch && (batch.key !== item.key || batch.shas.has(item.scan.sha256))) await flushBatch();
      if (item) {
        batch ??= { key: item.key, items: [], bytes: 0, shas: new Set() };
        batch.items.push(item);
        batch.bytes += item.scan.plainSize;
        batch.shas.add(item.scan.sha256);
        // pseudonymising, a log type's first file goes alone: Node maps every value of a cold cache, row by row
        const warming = o.pseudonymise !== undefined && !warmed.has(item.logType);
        warmed.add(item.logType);
        if (warming || batch.bytes >= BATCH_BYTES || batch.items.length >= BATCH_FILES) await flushBatch();
        continue;
      }
      await flushBatch();
      try {
        done([p], [await loadOne(store, w, m, p, o)]);
      } catch (e) {
        for (const t of p.tmp) rmSync(t, { force: true });
        throw e;
      }
    }
    await flushBatch();
    await m.flush(store);
    await store.refreshViews();
    return summarise(outcomes, {
      db: opts.db,
      seconds: (performance.now() - started) / 1000,
      bytes: bytesTotal,
      maxRejectRate: opts.maxRejectRate ?? 0.01,
    });
  } finally {
    await manifest?.settle();
    writer?.close();
    await store.close();
  }
}

async function loadOne(
  store: Store,
  writer: PartWriter,
  manifest: Manifest,
  p: Prepared,
  o: LoadOptions,
): Promise<FileOutcome> {
  const { file, scan } = p;
  let plan = p.plan;
  if (plan.action === 'store' && plan.fromByte === 0 && scan) {
    const dup = manifest.sameContent(scan.sha256);
    if (dup) plan = { action: 'skip', kind: 'duplicate', reason: `already ingested (same content as ${dup})` };
  }
  if (plan.action === 'skip' || !scan) {
    const reason = plan.action === 'skip' ? plan.reason : 'unreadable';
    return skipOutcome(file.path, reason, plan.action === 'skip' ? plan.kind : 'damaged');
  }
  const headerType = scan.header.header?.path;
  let logType = headerType ?? file.nameType;
  if (logType && !o.allowed.has(logType)) return typeSkip(file.path, logType);
  const sensor = o.sensor ?? sensorFor(file.path, o.site) ?? 'default';
  const fileId = manifest.nextId();
  const grown = plan.fromByte > 0;

  // the bytes to read: a grown log's new tail behind its header, or the whole (inflated) file
  let input = scan.plainPath;
  let firstLine = 1;
  if (grown) {
    input = o.tmpPath('tsv');
    p.tmp.push(input);
    await writeTail(scan, plan.fromByte, input);
    firstLine = plan.fromLine - scan.header.lines;
  }
  const fastOk = fastPathOk(scan);
  let rows: number | undefined;
  let rowsRead = 0;
  let rejects: RejectReason[] = [];
  let skippedLines: RejectReason[] = [];
  let closed = scan.closed;
  let fastPath = false;
  const staged = (t: string) => stagedPartPath(store.dbPath, t, fileId);
  if (fastOk && logType) {
    const r = await writer.fromTsv(input, scan.header.header!, { out: staged(logType), logType, sensor, fileId }, { empty: scan.emptyMarks, backslashes: scan.backslashes });
    if ('rows' in r) {
      rows = r.rows;
      rowsRead = r.rows;
      fastPath = true;
    }
  }
  if (rows === undefined) {
    const out = o.tmpPath('jsonl');
    p.tmp.push(out);
    const endByte = grown ? undefined : scan.coveredBytes;
    const res = await convertLines({ input, output: out, format: scan.format === 'json' ? 'json' : 'tsv', nameType: file.nameType, firstLine, endByte });
    logType = headerType ?? res.logType ?? file.nameType;
    if (!logType) return skipOutcome(file.path, 'log type unknown (no #path, no _path, name not recognised)', 'log-type');
    if (!o.allowed.has(logType)) return typeSkip(file.path, logType);
    if (res.headers === 0 && scan.format === 'tsv') {
      return skipOutcome(file.path, scan.header.problem ?? 'no usable Zeek header', 'not-zeek');
    }
    rows = res.rowsWritten > 0 ? await writer.fromCanonical(out, res.columns, { out: staged(logType), logType, sensor, fileId }) : 0;
    rowsRead = res.rowsRead;
    rejects = withheld(o.pseudonymise !== undefined, res.rejects.list());
    skippedLines = withheld(o.pseudonymise !== undefined, res.skipped.list());
    closed = closed || res.closed;
    if (scan.gzipError) rejects.push(gzipReject(scan.gzipError));
  }
  if (!logType) return skipOutcome(file.path, 'log type unknown (no #path, no _path, name not recognised)', 'log-type');
  if (rows === 0) rmSync(staged(logType), { force: true });

  const loss = rows > 0 ? await writer.lossFacts(staged(logType), logType) : undefined;
  const rowsRejected = rejects.reduce((s, r) => s + r.count, 0);
  const part = rows > 0 ? partPath(store.dbPath, logType, fileId) : null;
  await manifest.add(store, {
    id: fileId, path: file.path, sha256: scan.sha256, size: scan.size,
    coveredBytes: file.gzip ? scan.plainSize : scan.coveredBytes, coveredSha256: file.gzip ? '' : scan.coveredSha256,
    coveredLines: scan.lines ?? null, parent: grown ? plan.parent : undefined, logType, format: scan.format, gzip: file.gzip,
    sensor, zeekOpen: scan.header.header?.open, closed, rowsRead, rowsStored: rows, rowsRejected,
    linesSkipped: skippedLines.reduce((s, r) => s + r.count, 0) + scan.header.skipped.length, fastPath, part,
    rejects, skippedLines, staged: part ? staged(logType) : undefined,
  });
  const headerSkips = scan.header.skipped.length && fastPath
    ? withheld(o.pseudonymise !== undefined, [{ reason: 'not Zeek output', count: scan.header.skipped.length, examples: scan.header.skipped.map((s) => ({ line: s.line, text: s.text })) }])
    : [];
  // a plain file ending in an unfinished line (a live log mid-write, or a truncated copy) keeps that line for
  // the next run: said in the summary, never dropped silently
  const unfinished = !file.gzip && scan.coveredBytes < scan.plainSize && !scan.closed ? (scan.lines ?? 0) + 1 : undefined;
  return {
    unfinishedLine: unfinished,
    loss,
    path: file.path, status: grown ? 'grown' : 'ingested', format: scan.format, logType, sensor, rowsRead, rowsStored: rows, rowsRejected,
    closed, fastPath, rejects, skippedLines: [...headerSkips, ...skippedLines],
  };
}

function sensorFor(file: string, site?: Site): string | undefined {
  for (const s of site?.sensors ?? []) {
    if (s.paths.some((p) => file.startsWith(path.resolve(p)))) return s.name;
  }
  return undefined;
}

/** The header block followed by the bytes a live log appended since the last ingest. */
async function writeTail(scan: ScanResult, fromByte: number, out: string): Promise<void> {
  const w = createWriteStream(out);
  const head = createReadStream(scan.plainPath, { start: 0, end: Math.max(0, scan.header.dataOffset - 1) });
  for await (const c of head) w.write(c);
  if (scan.coveredBytes > fromByte) {
    for await (const c of createReadStream(scan.plainPath, { start: fromByte, end: scan.coveredBytes - 1 })) {
      if (!w.write(c)) await once(w, 'drain');
    }
  }
  w.end();
  await once(w, 'finish');
}
