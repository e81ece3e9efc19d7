// The careful path: Node reads a log line by line (TSV with any number of header blocks, or JSON lines),
// validates every value against its type, counts and reports each bad line with its number, and writes the
// good rows as canonical JSON lines that DuckDB then stores. Used for JSON logs and for TSV the fast path
// cannot take (escapes, several header blocks, damage).
import { createReadStream, createWriteStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { CORE_SCHEMAS, columnName } from '../../store/zeek-schema.ts';
import { parseHeader, type ZeekHeader } from './header.ts';
import { RejectTally } from './rejects.ts';
import { BadValue, fromJson, fromToken, inferJsonType, type Canon } from './values.ts';

export interface Column {
  column: string;
  /** the Zeek type values were converted from (core schema type for known fields) */
  type: string;
}

export interface LinesResult {
  logType?: string;
  columns: Column[];
  rowsRead: number;
  rowsWritten: number;
  rejects: RejectTally;
  /** lines that are not Zeek output at all (banners, stray text before a header) */
  skipped: RejectTally;
  closed: boolean;
  headers: number;
  zeekOpen?: string;
  /** every line falls in exactly one of: meta (header, #close), blank, skipped, read */
  lines: { total: number; meta: number; blank: number };
}

interface Block {
  header: ZeekHeader;
  cols: (Column | undefined)[];
}

/** Safe column name for a field the file brings: Zeek's name with dots as underscores, nothing exotic. */
export function safeColumn(field: string): string {
  const c = columnName(field).replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(c) ? c : `f_${c}`;
}

export async function convertLines(opts: {
  input: string;
  output: string;
  format: 'tsv' | 'json';
  nameType?: string;
  /** line number of the input's first line in the original file (for a grown file's tail) */
  firstLine?: number;
  /** stop after this many bytes (an unfinished last line of a live log is left for next time) */
  endByte?: number;
}): Promise<LinesResult> {
  const out = createWriteStream(opts.output, { highWaterMark: 1 << 20 });
  const rejects = new RejectTally();
  const skipped = new RejectTally();
  const columns = new Map<string, Column>();
  let logType = opts.nameType;
  let pathSeen: string | undefined;
  let block: Block | undefined;
  let pendingHeader: Buffer[] = [];
  let rowsRead = 0;
  let rowsWritten = 0;
  let closed = false;
  let headers = 0;
  let zeekOpen: string | undefined;
  let lineNo = (opts.firstLine ?? 1) - 1;
  let metaLines = 0;
  let blankLines = 0;
  let totalLines = 0;
  let buffered: string[] = [];

  const columnFor = (field: string, declared: string): Column => {
    const name = safeColumn(field);
    let c = columns.get(name);
    if (!c) {
      const core = logType ? CORE_SCHEMAS[logType]?.find((f) => f.column === name) : undefined;
      c = { column: name, type: core?.type ?? declared };
      columns.set(name, c);
    }
    return c;
  };
  const emit = async (row: Record<string, Canon>) => {
    buffered.push(JSON.stringify(row));
    rowsWritten++;
    if (buffered.length >= 4096) {
      if (!out.write(buffered.join('\n') + '\n')) await once(out, 'drain');
      buffered = [];
    }
  };

  const tsvLine = async (line: Buffer, n: number) => {
    if (line[0] === 0x23 /* # */ || (!block && /^\s*#separator/.test(line.toString('latin1', 0, 40)))) {
      const text = line.toString('latin1');
      if (/^\s*#separator[ \t]/.test(text)) {
        metaLines += pendingHeader.length; // an unfinished header block before this one
        pendingHeader = [line];
        return;
      }
      if (pendingHeader.length) {
        pendingHeader.push(line);
        if (text.startsWith('#types')) {
          const parsed = parseHeader(Buffer.concat(pendingHeader.flatMap((l) => [l, Buffer.from('\n')])));
          const blockLines = pendingHeader.length;
          pendingHeader = [];
          if (!parsed.header) {
            metaLines += blockLines - 1;
            skipped.add(parsed.problem ?? 'bad header', n, text);
            block = undefined;
            return;
          }
          metaLines += blockLines;
          headers++;
          const h = parsed.header;
          if (h.path && !pathSeen) {
            pathSeen = h.path;
            logType = h.path;
          }
          zeekOpen ??= h.open;
          block = { header: h, cols: h.fields.map((f, i) => columnFor(f, h.types[i]!)) };
        }
        return;
      }
      if (text.startsWith('#close')) {
        closed = true;
        metaLines++;
        return;
      }
      skipped.add('not Zeek output', n, text);
      return;
    }
    if (pendingHeader.length) {
      // a header block without its #types line: its lines and the data under it have no usable header
      for (const l of pendingHeader) skipped.add('incomplete Zeek header', n - pendingHeader.length, l.toString('latin1'));
      pendingHeader = [];
      block = undefined;
    }
    if (line.length === 0) {
      blankLines++;
      return;
    }
    if (!block) return skipped.add('not Zeek output (no header before it)', n, line.toString('latin1'));
    rowsRead++;
    if (!isUtf8(line)) return rejects.add('invalid UTF-8', n, line.toString('latin1'));
    const text = line.toString('utf8');
    const h = block.header;
    const tokens = text.split(h.separator);
    if (tokens.length !== h.fields.length) {
      return rejects.add(`wrong field count (${tokens.length}, expected ${h.fields.length})`, n, text);
    }
    const row: Record<string, Canon> = {};
    const marks = { unset: h.unsetField, empty: h.emptyField, setSep: h.setSeparator };
    for (let i = 0; i < tokens.length; i++) {
      const col = block.cols[i]!;
      try {
        row[col.column] = fromToken(col.type, tokens[i]!, marks);
      } catch (e) {
        if (!(e instanceof BadValue)) throw e;
        return rejects.add(`bad value in field ${h.fields[i]}: ${e.message}`, n, text);
      }
    }
    await emit(row);
  };

  const jsonLine = async (line: Buffer, n: number) => {
    if (line.length === 0 || /^\s*$/.test(line.toString('latin1'))) {
      blankLines++;
      return;
    }
    rowsRead++;
    if (!isUtf8(line)) return rejects.add('invalid UTF-8', n, line.toString('latin1'));
    const text = line.toString('utf8');
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return rejects.add('not a JSON object', n, text);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return rejects.add('not a JSON object', n, text);
    const flat = flatten(obj as Record<string, unknown>);
    if (typeof flat._path === 'string' && !pathSeen) {
      pathSeen = flat._path;
      logType = flat._path;
    }
    const row: Record<string, Canon> = {};
    for (const [k, v] of Object.entries(flat)) {
      if (k === '_path') continue;
      const col = columnFor(k === '_write_ts' ? 'write_ts' : k, k === '_write_ts' ? 'time' : inferJsonType(v));
      try {
        row[col.column] = fromJson(col.type, v);
      } catch (e) {
        if (!(e instanceof BadValue)) throw e;
        return rejects.add(`bad value in field ${k}: ${e.message}`, n, text);
      }
    }
    await emit(row);
  };

  const handle = opts.format === 'json' ? jsonLine : tsvLine;
  let carry: Buffer = Buffer.alloc(0);
  const stream = opts.endByte === 0 ? [] : createReadStream(opts.input, { highWaterMark: 1 << 20, end: opts.endByte !== undefined ? opts.endByte - 1 : undefined });
  for await (const chunk of stream) {
    const buf = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let i = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, i)) {
      const end = nl > i && buf[nl - 1] === 13 ? nl - 1 : nl;
      totalLines++;
      await handle(buf.subarray(i, end), ++lineNo);
      i = nl + 1;
    }
    carry = buf.subarray(i);
  }
  if (carry.length) {
    totalLines++;
    await handle(carry, ++lineNo); // a file whose last line has no newline (within endByte)
  }
  metaLines += pendingHeader.length; // a header block cut off before its #types line
  if (buffered.length) out.write(buffered.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  return {
    logType, columns: [...columns.values()], rowsRead, rowsWritten, rejects, skipped, closed, headers, zeekOpen,
    lines: { total: totalLines, meta: metaLines, blank: blankLines },
  };
}

/** Zeek JSON is flat (`"id.orig_h"`); nested objects from other exporters are flattened the same way. */
function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}
