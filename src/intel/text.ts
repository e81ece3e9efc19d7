// Raw feed bytes to text lines: gzip and zip unpacked transparently, BOM and CRLF handled, and a collector
// for rejected lines that keeps an exact count but only a bounded number of details.
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { safeText } from '../util/terminal.ts';
import type { ParseResult } from './types.ts';

/** Rejected lines kept with their text; beyond this only the count grows (a wrong-format file can reject every line). */
export const MAX_REJECT_DETAILS = 1000;
const MAX_REJECT_TEXT = 200;

/** Refuse to unpack more than this (a decompression bomb must not exhaust memory). */
export const DEFAULT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

export class FeedFormatError extends Error {
  override name = 'FeedFormatError';
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/**
 * The feed's content bytes: gunzipped if gzip, the single data file if a zip archive (Cisco Umbrella and
 * abuse.ch full dumps are zips holding one CSV or JSON file), else the bytes as given.
 */
export function unpack(bytes: Uint8Array, maxUnpackedBytes = DEFAULT_MAX_UNPACKED_BYTES): Uint8Array {
  if (isGzip(bytes)) {
    try {
      return gunzipSync(bytes, { maxOutputLength: maxUnpackedBytes });
    } catch (e) {
      throw new FeedFormatError(`gzip data could not be unpacked: ${(e as Error).message}`);
    }
  }
  if (isZip(bytes)) {
    let files: Record<string, Uint8Array>;
    try {
      // directories and macOS resource forks are not data files
      files = unzipSync(bytes, {
        filter: (f) => !f.name.endsWith('/') && !f.name.startsWith('__MACOSX/') && f.originalSize <= maxUnpackedBytes,
      });
    } catch (e) {
      throw new FeedFormatError(`zip archive could not be unpacked: ${(e as Error).message}`);
    }
    const names = Object.keys(files);
    if (names.length !== 1) {
      throw new FeedFormatError(`zip archive holds ${names.length} data files (${names.slice(0, 5).join(', ')}); expected exactly one`);
    }
    const only = files[names[0]!]!;
    if (only.length > maxUnpackedBytes) throw new FeedFormatError(`zip entry larger than ${maxUnpackedBytes} bytes`);
    return only;
  }
  return bytes;
}

/** UTF-8 text of the content; a BOM is dropped, invalid bytes become U+FFFD (and then fail validation). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}

/** Lines without their CR/LF terminators; index i is line i+1. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  // a final terminator does not start another line
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Text safe to print on a terminal: control characters escaped, shortened. Feed content is untrusted. */
export function printable(s: string, max = MAX_REJECT_TEXT): string {
  return safeText(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** Accumulates the result of one parse. */
export class ParseCollector {
  readonly result: ParseResult;
  constructor(format: string) {
    this.result = { format, entries: [], rejected: [], rejectedCount: 0, ignoredCount: 0, feedDate: null };
  }
  reject(line: number, reason: string, text: string): void {
    this.result.rejectedCount++;
    if (this.result.rejected.length < MAX_REJECT_DETAILS) this.result.rejected.push({ line, reason, text: printable(text) });
  }
  ignore(): void {
    this.result.ignoredCount++;
  }
  /** Keeps the first date a feed states about itself. */
  noteDate(iso: string | null): void {
    if (iso && !this.result.feedDate) this.result.feedDate = iso;
  }
}

/**
 * Calls `onData(line, number)` for each line that is neither blank nor a comment (a line starting with one of
 * `commentPrefixes` after optional spaces); comment lines are offered to `onComment` and scanned for a date.
 */
export function eachDataLine(
  lines: readonly string[],
  out: ParseCollector,
  commentPrefixes: readonly string[],
  onData: (line: string, lineNo: number) => void,
  onComment?: (line: string, lineNo: number) => void,
): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (t === '') continue;
    if (commentPrefixes.some((p) => t.startsWith(p))) {
      out.noteDate(dateFromComment(t));
      onComment?.(t, i + 1);
      continue;
    }
    onData(t, i + 1);
  }
}

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06',
  jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

/**
 * A generation date stated in a comment line, as ISO 8601 UTC. Handles abuse.ch's
 * `# Last updated: 2024-04-04 07:03:03 UTC` and Spamhaus's `; Last-Modified: Tue, 30 Aug 2016 05:17:00 GMT`.
 */
export function dateFromComment(line: string): string | null {
  const iso = /^[#;]\s*Last[ -]updated:\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})\s*\(?UTC\)?/i.exec(line);
  if (iso) return `${iso[1]}T${iso[2]}Z`;
  const http = /^[#;]\s*Last-Modified:\s*\w{3},\s*(\d{1,2})\s+(\w{3})\s+(\d{4})\s+(\d{2}:\d{2}:\d{2})\s+GMT/i.exec(line);
  if (http) {
    const month = MONTHS[http[2]!.toLowerCase()];
    if (month) return `${http[3]}-${month}-${http[1]!.padStart(2, '0')}T${http[4]}Z`;
  }
  return null;
}
