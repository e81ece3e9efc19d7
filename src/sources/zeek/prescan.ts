// One streaming pass over each input before DuckDB sees it: content hash (idempotency), the header, and
// the checks that decide whether DuckDB may read the file directly (fast path) or Node must read it line by
// line (irregular or damaged input). gzip input is decompressed here, in parallel across files, to a
// staging file, because DuckDB inflates .gz on a single thread.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
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
  /** a `\x` escape occurs in the data (the fast path does not decode escapes) */
  escapes: boolean;
  /** the header's empty-field marker, e.g. `(empty)`, occurs in the data (else no column needs converting) */
  emptyMarks: boolean;
  /** an escaped backslash (`\\`) occurs in the data: text columns need it decoded */
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
  coveredSha256: string;
  /** sha256 of the first `prefixAt` bytes, when asked (to recognise a file that grew) */
  prefixSha256?: string;
  /** gzip stream ended early or was corrupt */
  gzipError?: string;
}

const HEAD_BYTES = 1 << 20;

export async function scanFile(
  file: string,
  opts: { gzip: boolean; stagingPath?: string; prefixAt?: number },
): Promise<ScanResult> {
  const fileHash = createHash('sha256');
  let size = 0;
  let gzipError: string | undefined;
  const source = createReadStream(file, { highWaterMark: 4 << 20 });
  let plain: AsyncIterable<Buffer> = source;
  let out: ReturnType<typeof createWriteStream> | undefined;
  if (opts.gzip) {
    if (!opts.stagingPath) throw new Error('gzip input needs a staging path');
    source.on('data', (b: Buffer | string) => {
      const buf = b as Buffer;
      fileHash.update(buf);
      size += buf.length;
    });
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    source.pipe(gunzip);
    source.on('error', (e) => gunzip.destroy(e));
    plain = gunzip;
    out = createWriteStream(opts.stagingPath);
  }

  const plainHash = opts.gzip ? createHash('sha256') : fileHash;
  const st = new LineStats(plainHash, opts.prefixAt);
  let head: Buffer | undefined;
  let headLen = 0;
  try {
    for await (const chunk of plain) {
      const buf = chunk;
      if (!opts.gzip) size += buf.length;
      if (headLen < HEAD_BYTES) {
        head = head ? Buffer.concat([head, buf.subarray(0, HEAD_BYTES - headLen)]) : buf.subarray(0, HEAD_BYTES);
        headLen = head.length;
      }
      st.push(buf, head!);
      if (out && !out.write(buf)) await once(out, 'drain');
    }
  } catch (e) {
    if (!opts.gzip) throw e;
    gzipError = (e as Error).message;
  }
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  const fin = st.finish(head ?? Buffer.alloc(0));
  if (!opts.gzip && !fin.closed) fin.lines = await countLines(file, fin.coveredBytes);
  return {
    sha256: fileHash.digest('hex'),
    size,
    plainPath: opts.gzip ? opts.stagingPath! : file,
    plainSize: st.bytes,
    gzipError,
    ...fin,
  };
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

/**
 * Streaming line statistics over the plain bytes. The hash is fed whole lines only, so when the input ends
 * with an unfinished line the hash of the complete part (what this ingest covers) is known before the rest.
 */
class LineStats {
  bytes = 0;
  private hashed = 0;
  private utf8 = true;
  private carry: Buffer = Buffer.alloc(0);
  private header: HeaderParse | undefined;
  private escapes = false;
  private emptyMarks = false;
  private backslashes = false;
  private metaLines: number[] = []; // absolute offsets of lines starting with '#'
  private lastLineStart = -1;
  private prefixSha256: string | undefined;

  constructor(
    private readonly hash: Hash,
    private readonly prefixAt?: number,
  ) {
    if (prefixAt === 0) this.prefixSha256 = hash.copy().digest('hex');
  }

  push(buf: Buffer, head: Buffer): void {
    this.bytes += buf.length;
    if (this.header === undefined) this.header = parseHeader(head);
    const lastNl = buf.lastIndexOf(10);
    if (lastNl < 0) {
      this.carry = this.carry.length ? Buffer.concat([this.carry, buf]) : buf;
      return;
    }
    const whole = this.carry.length ? Buffer.concat([this.carry, buf.subarray(0, lastNl + 1)]) : buf.subarray(0, lastNl + 1);
    this.carry = buf.subarray(lastNl + 1);
    this.consume(whole);
  }

  private consume(whole: Buffer): void {
    const base = this.hashed;
    if (this.prefixAt !== undefined && base < this.prefixAt && base + whole.length >= this.prefixAt) {
      const cut = this.prefixAt - base;
      this.hash.update(whole.subarray(0, cut));
      this.prefixSha256 = this.hash.copy().digest('hex');
      this.hash.update(whole.subarray(cut));
    } else this.hash.update(whole);
    this.hashed += whole.length;
    if (this.utf8 && !isUtf8(whole)) this.utf8 = false;
    const dataStart = this.header?.dataOffset ?? 0;
    if (!this.escapes && whole.includes('\\x')) {
      for (let i = whole.indexOf('\\x'); i >= 0; i = whole.indexOf('\\x', i + 2)) {
        if (base + i >= dataStart) {
          this.escapes = true;
          break;
        }
      }
    }
    const empty = this.header?.header?.emptyField;
    if (!this.emptyMarks && empty && whole.includes(empty)) this.emptyMarks = true;
    if (!this.backslashes && whole.includes('\\\\')) this.backslashes = true;
    // lines starting with '#' (header, #close, or damage), found by jumping rather than walking every line
    if (whole[0] === 0x23) this.metaLines.push(base);
    for (let j = whole.indexOf('\n#'); j >= 0 && j + 1 < whole.length; j = whole.indexOf('\n#', j + 1)) this.metaLines.push(base + j + 1);
    this.lastLineStart = base + whole.lastIndexOf(10, whole.length - 2) + 1;
  }

  finish(head: Buffer): Omit<ScanResult, 'sha256' | 'size' | 'plainPath' | 'plainSize' | 'gzipError'> {
    const header = this.header ?? parseHeader(head);
    const coveredBytes = this.hashed;
    const coveredSha256 = this.hash.copy().digest('hex');
    const trailing = this.carry;
    if (trailing.length) {
      this.hash.update(trailing);
      if (this.utf8 && !isUtf8(trailing)) this.utf8 = false;
    }
    const dataStart = header.dataOffset;
    const meta = this.metaLines.filter((o) => o >= dataStart);
    let closed = false;
    if (meta.length && meta[meta.length - 1] === this.lastLineStart && trailing.length === 0) {
      closed = true;
      meta.pop();
    } else if (trailing.subarray(0, 6).toString('latin1') === '#close') closed = true; // footer without final newline
    const first = head.subarray(0, 64).toString('latin1').trimStart();
    const format: ScanResult['format'] = header.header ? 'tsv' : first.startsWith('{') ? 'json' : 'unknown';
    return {
      header,
      format,
      utf8: this.utf8,
      escapes: this.escapes,
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
