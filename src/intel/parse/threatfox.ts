// ThreatFox IOC exports, keeping the malware family: the JSON export (an object keyed by IOC id, each value
// an array of records with ioc_value / ioc_type / malware_printable …), the API answer
// (`{"query_status":"ok","data":[{ioc, ioc_type, malware_printable, …}]}`), and the CSV export
// (commented header `# "first_seen_utc","ioc_id","ioc_value","ioc_type",…`, fields quoted after `, `).
import { ParseCollector } from '../text.ts';
import type { ParseResult } from '../types.ts';
import { readCsvExport } from './abusech.ts';
import { cleanText, indicator, urlHostIndicator, type IndicatorResult } from './indicator.ts';

interface Ioc {
  value: string;
  type: string;
  family: string | null;
  threat: string | null;
}

// File-hash IOCs describe samples, not network destinations: nothing in DNS or TLS logs matches them.
const HASH_TYPES = new Set(['md5_hash', 'sha1_hash', 'sha256_hash', 'sha3_384_hash', 'tlsh_hash']);

function addIoc(out: ParseCollector, ioc: Ioc, lineNo: number, text: string): void {
  const type = ioc.type.trim().toLowerCase();
  if (HASH_TYPES.has(type)) return out.ignore();
  const ctx = { family: ioc.family, detail: ioc.threat };
  let r: IndicatorResult;
  if (type === 'domain') {
    r = indicator(ioc.value, ctx);
    if (r.ok && r.entry.type !== 'domain') r = { ok: false, reason: 'ioc_type domain holds an address' };
  } else if (type === 'ip:port' || type === 'ip') {
    r = indicator(ioc.value, ctx);
    if (r.ok && r.entry.type !== 'ip') r = { ok: false, reason: `ioc_type ${type} holds no address` };
  } else if (type === 'url') {
    r = urlHostIndicator(ioc.value, { family: ioc.family, detail: [ioc.threat, ioc.value].filter(Boolean).join(' ') });
  } else {
    r = { ok: false, reason: `unknown ioc_type ${JSON.stringify(type).slice(0, 40)}` };
  }
  if (!r.ok) return out.reject(lineNo, r.reason, text);
  out.result.entries.push(r.entry);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** 1-based line of a character offset, by binary search over line starts. */
function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

export function parseThreatFoxJson(text: string): ParseResult {
  const out = new ParseCollector('threatfox-json');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    out.reject(0, `not valid JSON: ${(e as Error).message}`, text.slice(0, 80));
    return out.result;
  }
  const lineOf = lineLocator(text);
  // records are located in the text for line numbers: ids are unique and appear in order
  let cursor = 0;
  const locate = (pattern: string): number => {
    const re = new RegExp(pattern, 'g');
    re.lastIndex = cursor;
    const m = re.exec(text);
    if (!m) return 0;
    cursor = m.index + m[0].length;
    return lineOf(m.index);
  };
  const quoted = (id: string) => JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const handle = (rec: unknown, lineNo: number): void => {
    if (typeof rec !== 'object' || rec === null) return out.reject(lineNo, 'record is not an object', JSON.stringify(rec) ?? '');
    const r = rec as Record<string, unknown>;
    const value = str(r.ioc_value) ?? str(r.ioc);
    const type = str(r.ioc_type);
    if (!value || !type) return out.reject(lineNo, 'record without ioc value or ioc_type', JSON.stringify(r));
    const family = str(r.malware_printable) ?? str(r.malware);
    addIoc(out, { value, type, family: family === 'Unknown malware' ? null : family, threat: str(r.threat_type) }, lineNo, value);
  };
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'query_status' in doc) {
    const api = doc as { query_status: unknown; data?: unknown };
    if (api.query_status !== 'ok' || !Array.isArray(api.data)) {
      out.reject(0, `API answer with query_status ${JSON.stringify(api.query_status)}`, '');
      return out.result;
    }
    for (const rec of api.data) {
      const id = typeof rec === 'object' && rec !== null ? str((rec as Record<string, unknown>).id) : null;
      handle(rec, id ? locate(`"id"\\s*:\\s*(?:${quoted(id)}|${quoted(id).slice(1, -1)}\\b)`) : 0);
    }
    return out.result;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    out.reject(0, 'expected the export object keyed by IOC id', text.slice(0, 80));
    return out.result;
  }
  for (const [id, recs] of Object.entries(doc as Record<string, unknown>)) {
    const lineNo = locate(`${quoted(id)}\\s*:`);
    if (!Array.isArray(recs)) {
      out.reject(lineNo, `value of IOC ${id.slice(0, 20)} is not an array`, JSON.stringify(recs) ?? '');
      continue;
    }
    for (const rec of recs) handle(rec, lineNo);
  }
  return out.result;
}

export function parseThreatFoxCsv(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('threatfox-csv');
  const columns = [
    'first_seen_utc', 'ioc_id', 'ioc_value', 'ioc_type', 'threat_type', 'fk_malware', 'malware_alias',
    'malware_printable', 'last_seen_utc', 'confidence_level', 'is_compromised', 'reference', 'tags', 'anonymous', 'reporter',
  ];
  readCsvExport(lines, out, columns, ['ioc_value', 'ioc_type'], (get, line, no) => {
    const family = cleanText(get('malware_printable')) ?? cleanText(get('fk_malware'));
    addIoc(
      out,
      {
        value: get('ioc_value') ?? '',
        type: get('ioc_type') ?? '',
        family: family === 'Unknown malware' ? null : family,
        threat: cleanText(get('threat_type')),
      },
      no,
      line,
    );
  });
  return out.result;
}
