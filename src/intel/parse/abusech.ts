// abuse.ch CSV exports: Feodo Tracker IP blocklist, SSLBL certificate SHA1 blacklist, URLhaus URL list.
// All share a `#` comment block with `# Last updated: … UTC`; the header is a comment in SSLBL and URLhaus
// and a quoted data line in Feodo Tracker. Columns are found by name, with the published order as fallback.
import { headerColumns, splitCsvLine } from '../csv.ts';
import { parseEndpoint } from '../ip.ts';
import { ParseCollector, eachDataLine } from '../text.ts';
import type { ParseResult } from '../types.ts';
import { cleanText, urlHostIndicator } from './indicator.ts';

type Row = (column: string) => string | undefined;

/**
 * Runs `onRow` for every data row. `columns` is the published column order, used when no header line is
 * found; `key` names the columns whose presence identifies a header line.
 */
export function readCsvExport(
  lines: readonly string[],
  out: ParseCollector,
  columns: readonly string[],
  key: readonly string[],
  onRow: (get: Row, line: string, lineNo: number) => void,
): void {
  let cols = new Map(columns.map((c, i) => [c, i] as const));
  const tryHeader = (line: string): boolean => {
    const h = headerColumns(line, key);
    if (h) cols = h;
    return h !== null;
  };
  eachDataLine(
    lines,
    out,
    ['#'],
    (line, no) => {
      if (tryHeader(line)) return;
      const f = splitCsvLine(line);
      if (!f) return out.reject(no, 'unbalanced quotes', line);
      if (f.length < key.length) return out.reject(no, `expected at least ${key.length} fields, found ${f.length}`, line);
      onRow((c) => {
        const i = cols.get(c);
        return i === undefined ? undefined : f[i];
      }, line, no);
    },
    (comment) => void tryHeader(comment),
  );
}

/** Feodo Tracker `ipblocklist.csv`: first_seen_utc, dst_ip, dst_port, c2_status, last_online, malware. */
export function parseFeodoCsv(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('feodo-csv');
  const columns = ['first_seen_utc', 'dst_ip', 'dst_port', 'c2_status', 'last_online', 'malware'];
  readCsvExport(lines, out, columns, ['dst_ip', 'dst_port'], (get, line, no) => {
    const ip = get('dst_ip')?.trim() ?? '';
    const port = get('dst_port')?.trim() ?? '';
    const ep = parseEndpoint(port ? `${ip.includes(':') ? `[${ip}]` : ip}:${port}` : ip);
    if (!ep) return out.reject(no, 'invalid dst_ip or dst_port', line);
    const status = cleanText(get('c2_status'));
    const lastOnline = cleanText(get('last_online'));
    const detail = status ? `c2 ${status}${lastOnline ? `, last online ${lastOnline}` : ''}` : null;
    out.result.entries.push({ type: 'ip', ...ep, family: cleanText(get('malware')), detail, fromUrl: false });
  });
  return out.result;
}

/** SSLBL `sslblacklist.csv`: Listingdate, SHA1, Listingreason. */
export function parseSslblCsv(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('sslbl-csv');
  readCsvExport(lines, out, ['listingdate', 'sha1', 'listingreason'], ['sha1', 'listingreason'], (get, line, no) => {
    const sha1 = (get('sha1') ?? '').trim().toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(sha1)) return out.reject(no, 'SHA1 is not 40 hex digits', line);
    out.result.entries.push({ type: 'cert', sha1, sha256: null, reason: cleanText(get('listingreason')) });
  });
  return out.result;
}

/** URLhaus CSV: id, dateadded, url, url_status, last_online, threat, tags, urlhaus_link, reporter. */
export function parseUrlhausCsv(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('urlhaus-csv');
  const columns = ['id', 'dateadded', 'url', 'url_status', 'last_online', 'threat', 'tags', 'urlhaus_link', 'reporter'];
  readCsvExport(lines, out, columns, ['url', 'url_status'], (get, line, no) => {
    const url = get('url') ?? '';
    const threat = cleanText(get('threat'));
    const status = cleanText(get('url_status'));
    const detail = [threat, status, url].filter(Boolean).join(' ');
    const r = urlHostIndicator(url, { detail });
    if (!r.ok) return out.reject(no, r.reason, line);
    out.result.entries.push(r.entry);
  });
  return out.result;
}
