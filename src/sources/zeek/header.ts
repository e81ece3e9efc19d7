// Zeek's TSV meta lines (#separator … #types, then #close at the end). The header drives everything:
// field names and types are read from it, never assumed, so logs from any Zeek version map by name.

export interface ZeekHeader {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path?: string;
  open?: string;
  fields: string[];
  types: string[];
}

export interface HeaderParse {
  header?: ZeekHeader;
  /** lines (1-based numbers) before the header that are not Zeek output, e.g. a test-suite banner */
  skipped: { line: number; text: string }[];
  /** number of lines the header block spans, including skipped lines before it */
  lines: number;
  /** byte offset where the data starts */
  dataOffset: number;
  /** true when every header line starts with '#' in column 1 and nothing was skipped */
  regular: boolean;
  /** why no header was found */
  problem?: string;
}

const DIRECTIVES = new Set(['separator', 'set_separator', 'empty_field', 'unset_field', 'path', 'open', 'fields', 'types']);

/** Decode Zeek's `\xHH` escapes in a meta value (e.g. `\x09` for tab). */
export function unescapeMeta(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** `#key<sep>value`; tools that rewrite headers (btest canonifiers) sometimes put a space instead. */
export function splitMeta(line: string, sep: string): { key: string; value: string } {
  const body = line.slice(1);
  const m = /^([a-z_]+)/.exec(body);
  const key = m ? m[1]! : '';
  let rest = body.slice(key.length);
  if (rest.startsWith(sep)) rest = rest.slice(sep.length);
  else if (rest.startsWith(' ')) rest = rest.slice(1);
  else if (rest !== '') return { key: '', value: '' };
  return { key, value: rest };
}

/**
 * Parse the header at the start of `buf` (the first chunk of a file; 1 MiB is plenty). Lines before the
 * `#separator` line that are not Zeek output are skipped and reported.
 */
export function parseHeader(buf: Buffer): HeaderParse {
  const skipped: { line: number; text: string }[] = [];
  let offset = 0;
  let lineNo = 0;
  let sep: string | undefined;
  let regular = true;
  const meta: Record<string, string> = {};
  while (offset < buf.length) {
    const nl = buf.indexOf(10, offset);
    if (nl < 0) break; // an unterminated line is never part of a complete header
    const raw = buf.toString('latin1', offset, nl).replace(/\r$/, '');
    const next = nl + 1;
    lineNo++;
    if (sep === undefined) {
      const m = /^\s*#separator[ \t](.+)$/.exec(raw);
      if (m) {
        if (!raw.startsWith('#')) regular = false;
        sep = unescapeMeta(m[1]!);
      } else {
        skipped.push({ line: lineNo, text: raw.slice(0, 200) });
        regular = false;
        if (lineNo >= 20) break; // not a Zeek log: stop looking
      }
      offset = next;
      continue;
    }
    if (!raw.startsWith('#')) break; // first data line
    const { key, value } = splitMeta(raw, sep);
    if (!DIRECTIVES.has(key)) break; // e.g. #close right after the header of an empty log
    meta[key] = value;
    offset = next;
    if (key === 'types') break;
  }
  const base = { skipped, lines: lineNo, dataOffset: offset, regular: regular && skipped.length === 0 };
  if (sep === undefined) return { ...base, lines: 0, dataOffset: 0, problem: 'no Zeek header (#separator line) found' };
  if (meta.fields === undefined || meta.types === undefined) {
    return { ...base, problem: 'Zeek header has no #fields/#types lines' };
  }
  const fields = meta.fields.split(sep);
  const types = meta.types.split(sep);
  if (fields.length !== types.length) {
    return { ...base, problem: `Zeek header has ${fields.length} #fields but ${types.length} #types` };
  }
  if (new Set(fields).size !== fields.length) return { ...base, problem: 'Zeek header repeats a field name' };
  // the header's own text is UTF-8; it was decoded as latin1 to keep byte offsets exact
  const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');
  return {
    ...base,
    header: {
      separator: sep,
      setSeparator: unescapeMeta(meta.set_separator ?? ','),
      emptyField: meta.empty_field ?? '(empty)',
      unsetField: meta.unset_field ?? '-',
      path: meta.path,
      open: meta.open,
      fields: fields.map(utf8),
      types,
    },
  };
}
