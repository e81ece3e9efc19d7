// One streaming pass over each input before DuckDB sees it: content hash (idempotency), the header, and
// the checks that decide whether DuckDB may read the file directly (fast path) or Node must read it line by
// line (irregular or damaged input). gzip input is decompressed here, in parallel across files, to a
// staging file, because DuckDB inflates .gz on a single thread.
//
// Cost matters: this pass runs on the main thread beside DuckDB's two threads, so every byte is touched as
// few times as possible (one read into a reused buffer, sha256, one search per marker; no copies of chunks).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { parseHeader, type HeaderParse } from './header.ts';

export interface ScanResult {
  /** sha256 of the file as it is on disk (compressed bytes for .gz) */
  sha256: string;
  size: number;
  /** the bytes to read: the file itself, or the decompressed staging copy */
  plainPath: string;
  plainSize: number;
  header: HeaderParse;
  format: 'tsv' | 'json' | 'unknown';
  /** valid UTF-8 throughout */
  utf8: boolean;
  /** the header's empty-field marker, e.g. `(empty)`, occurs in the data (else no column needs converting) */
  emptyMarks: boolean;
  /** a backslash occurs in the data (Zeek's `\\` and `\xHH` escapes): text columns need decoding */
  backslashes: boolean;
  /** lines starting with '#' after the header, other than one final #close */
  extraMetaLines: number;
  closed: boolean;
  /**
   * complete lines (ending with a newline), counted only for a plain file without #close (a live log may
   * grow, and its line numbers continue): counting every line of every file costs a pass of its own
   */
  lines?: number;
  /** bytes up to the end of the last complete line: a live log's unfinished last line waits for next time */
  coveredBytes: number;
  /** sha256 of those bytes (plain files only: a .gz file is only ever stored whole, by its own hash) */
  coveredSha256: string;
  /** sha256 of the first `prefixAt` bytes, when asked (to recognise a file that grew) */
  prefixSha256?: string;
  /** gzip stream ended early or was corrupt */
  gzipError?: string;
}

const HEAD_BYTES = 1 << 20;
// reads of 1 MiB: the pass over one chunk (mostly sha256) takes under a millisecond, so the main thread stays
// free to answer DuckDB's calls into Node (pseudonymisation) between chunks
const READ_BYTES = 1 << 20;

// read buffers are reused: a fresh 4 MiB buffer per read cost more in page faults and GC than the hash
const freeBuffers: Buffer[] = [];
const takeBuffer = () => freeBuffers.pop() ?? Buffer.allocUnsafe(READ_BYTES);
const giveBuffer = (b: Buffer) => {
  if (freeBuffers.length < 4) freeBuffers.push(b);
};

export async function scanFile(
  file: string,
  opts: { gzip: boolean; stagingPath?: string; prefixAt?: number },
): Promise<ScanResult> {
  return opts.gzip ? scanGzip(file, opts.stagingPath, opts.prefixAt) : scanPlain(file, opts.prefixAt);
}

async function scanPlain(file: string, prefixAt?: number): Promise<ScanResult> {
  const hash = createHash('sha256');
  const st = new LineStats(hash, prefixAt);
  const fh = await open(file, 'r');
  const buf = takeBuffer();
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      st.push(buf.subarray(0, bytesRead));
    }
  } finally {
    giveBuffer(buf);
    await fh.close();
  }
  const fin = st.finish();
  if (!fin.closed) fin.lines = await countLines(file, fin.coveredBytes);
  return { sha256: hash.digest('hex'), size: st.bytes, plainPath: file, plainSize: st.bytes, ...fin };
}

async function scanGzip(file: string, stagingPath: string | undefined, prefixAt?: number): Promise<ScanResult> {
  if (!stagingPath) throw new Error('gzip input needs a staging path');
  const fileHash = createHash('sha256');
  let size = 0;
  let gzipError: string | undefined;
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  source.on('data', (b: Buffer | string) => {
    fileHash.update(b as Buffer);
    size += b.length;
  });
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  source.pipe(gunzip);
  source.on('error', (e) => gunzip.destroy(e));
  const out = createWriteStream(stagingPath);
  // the plain bytes are hashed by nobody: a .gz file is identified by its compressed bytes
  const st = new LineStats(undefined, prefixAt);
  try {
    for await (const chunk of gunzip) {
      const buf = chunk as Buffer;
      st.push(buf);
      if (!out.write(buf)) await once(out, 'drain');
    }
  } catch (e) {
    gzipError = (e as Error).message;
  }
  out.end();
  await once(out, 'finish');
  return { sha256: fileHash.digest('hex'), size, plainPath: stagingPath, plainSize: st.bytes, gzipError, ...st.finish() };
}

async function countLines(file: string, bytes: number): Promise<number> {
  let n = 0;
  if (bytes === 0) return 0;
  for await (const chunk of createReadStream(file, { end: bytes - 1, highWaterMark: 4 << 20 })) {
    const b = chunk as Buffer;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  }
  return n;
}

type Finished = Omit<ScanResult, 'sha256' | 'size' | 'plainPath' | 'plainSize' | 'gzipError'>;

/**
 * Streaming line statistics over the plain bytes. The hash is fed whole lines only, so when the input ends
 * with an unfinished line the hash of the complete part (what this ingest covers) is known before the rest.
 * push() does not keep the chunk: the caller may reuse its buffer.
 */
class LineStats {
  bytes = 0;
  private hashed = 0;
  private utf8 = true;
  private carry: Buffer = Buffer.alloc(0);
  private header: HeaderParse | undefined;
  private head = Buffer.alloc(0);
  private dataStart = 0;
  private emptyMarker: Buffer | undefined;
  private emptyMarks = false;
  private backslashes = false;
  private metaLines: number[] = []; // absolute offsets of lines starting with '#'
  private lastLineStart = -1;
  private prefixSha256: string | undefined;

  constructor(
    private readonly hash: Hash | undefined,
    private readonly prefixAt?: number,
  ) {
    if (prefixAt === 0 && hash) this.prefixSha256 = hash.copy().digest('hex');
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.header === undefined) {
      this.header = parseHeader(chunk.subarray(0, HEAD_BYTES));
      this.head = Buffer.from(chunk.subarray(0, 64));
      this.dataStart = this.header.dataOffset;
      const empty = this.header.header?.emptyField;
      this.emptyMarker = empty ? Buffer.from(empty, 'latin1') : undefined;
    }
    this.bytes += chunk.length;
    const firstNl = chunk.indexOf(10);
    if (firstNl < 0) {
      this.carry = Buffer.concat([this.carry, chunk]);
      return;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (this.carry.length) {
      // only the line that straddles two chunks is copied
      this.consume(Buffer.concat([this.carry, chunk.subarray(0, firstNl + 1)]));
      if (lastNl > firstNl) this.consume(chunk.subarray(firstNl + 1, lastNl + 1));
    } else {
      this.consume(chunk.subarray(0, lastNl + 1));
    }
    this.carry = Buffer.from(chunk.subarray(lastNl + 1));
  }

  /** A run of complete lines (ends with a newline, starts at a line start). */
  private consume(whole: Buffer): void {
    const base = this.hashed;
    if (this.hash) {
      if (this.prefixAt !== undefined && base < this.prefixAt && base + whole.length >= this.prefixAt) {
        const cut = this.prefixAt - base;
        this.hash.update(whole.subarray(0, cut));
        this.prefixSha256 = this.hash.copy().digest('hex');
        this.hash.update(whole.subarray(cut));
      } else this.hash.update(whole);
    }
    this.hashed += whole.length;
    // no UTF-8 sequence contains a newline byte, so checking line runs one by one is exact
    if (this.utf8 && !isUtf8(whole)) this.utf8 = false;
    // markers are searched in the data only (the header itself names the empty marker)
    const from = Math.max(0, this.dataStart - base);
    if (!this.backslashes && whole.indexOf(0x5c, from) >= 0) this.backslashes = true;
    if (!this.emptyMarks && this.emptyMarker && whole.indexOf(this.emptyMarker, from) >= 0) this.emptyMarks = true;
    // lines starting with '#' (header, #close, or damage), found by jumping rather than walking every line
    if (whole[0] === 0x23) this.metaLines.push(base);
    for (let j = whole.indexOf('\n#'); j >= 0 && j + 1 < whole.length; j = whole.indexOf('\n#', j + 1)) this.metaLines.push(base + j + 1);
    this.lastLineStart = base + whole.lastIndexOf(10, whole.length - 2) + 1;
  }

  finish(): Finished {
    const header = this.header ?? parseHeader(Buffer.alloc(0));
    const coveredBytes = this.hashed;
    const coveredSha256 = this.hash ? this.hash.copy().digest('hex') : '';
    const trailing = this.carry;
    if (trailing.length) {
      this.hash?.update(trailing);
      if (this.utf8 && !isUtf8(trailing)) this.utf8 = false;
      const from = Math.max(0, this.dataStart - this.hashed);
      if (trailing.indexOf(0x5c, from) >= 0) this.backslashes = true;
      if (this.emptyMarker && trailing.indexOf(this.emptyMarker, from) >= 0) this.emptyMarks = true;
    }
    const meta = this.metaLines.filter((o) => o >= header.dataOffset);
    let closed = false;
    if (meta.length && meta[meta.length - 1] === this.lastLineStart && trailing.length === 0) {
      closed = true;
      meta.pop();
    } else if (trailing.subarray(0, 6).toString('latin1') === '#close') closed = true; // footer without final newline
    const first = this.head.toString('latin1').trimStart();
    const format: ScanResult['format'] = header.header ? 'tsv' : first.startsWith('{') ? 'json' : 'unknown';
    return {
      header,
      format,
      utf8: this.utf8,
      emptyMarks: this.emptyMarks,
      backslashes: this.backslashes,
      extraMetaLines: meta.length,
      closed,
      lines: undefined,
      coveredBytes,
      coveredSha256,
      prefixSha256: this.prefixSha256,
    };
  }
}
