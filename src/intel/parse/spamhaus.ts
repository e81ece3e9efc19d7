// Spamhaus DROP lists: the text form (`1.10.16.0/20 ; SBL256894`, `;` comments with a Last-Modified line)
// and the JSON-lines form of drop_v4.json / drop_v6.json (`{"cidr":…,"sblid":…,"rir":…}` per line, closed
// by a `{"type":"metadata","timestamp":…,"records":…}` line).
import { parseNetwork } from '../ip.ts';
import { ParseCollector, eachDataLine } from '../text.ts';
import type { ParseResult } from '../types.ts';
import { cleanText } from './indicator.ts';

export function parseSpamhausText(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('spamhaus-drop');
  eachDataLine(lines, out, [';', '#'], (line, no) => {
    const semi = line.indexOf(';');
    const cidr = (semi >= 0 ? line.slice(0, semi) : line).trim();
    const ref = semi >= 0 ? line.slice(semi + 1).trim() : null;
    const net = parseNetwork(cidr);
    if (!net) return out.reject(no, 'not an address or CIDR network', line);
    out.result.entries.push({ type: 'ip', ...net, port: null, family: null, detail: cleanText(ref), fromUrl: false });
  });
  return out.result;
}

export function parseSpamhausJson(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('spamhaus-json');
  const meta: { declared: number | null } = { declared: null };
  eachDataLine(lines, out, [';', '#'], (line, no) => {
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      return out.reject(no, 'not a JSON object', line);
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return out.reject(no, 'not a JSON object', line);
    const r = rec as Record<string, unknown>;
    if (r.type === 'metadata') {
      if (typeof r.timestamp === 'number' && Number.isFinite(r.timestamp)) {
        out.noteDate(new Date(r.timestamp * 1000).toISOString().replace('.000Z', 'Z'));
      }
      if (typeof r.records === 'number') meta.declared = r.records;
      return;
    }
    if (typeof r.cidr !== 'string') return out.reject(no, 'record without a "cidr" field', line);
    const net = parseNetwork(r.cidr.trim());
    if (!net) return out.reject(no, 'not an address or CIDR network', line);
    const detail = [r.sblid, r.rir].filter((x): x is string => typeof x === 'string' && x !== '').join(' ');
    out.result.entries.push({ type: 'ip', ...net, port: null, family: null, detail: cleanText(detail), fromUrl: false });
  });
  // the footer states how many records it holds: a shortfall means a cut-off file
  const held = out.result.entries.length + out.result.rejectedCount;
  if (meta.declared !== null && meta.declared !== held) {
    out.reject(0, `metadata declares ${meta.declared} records, file holds ${held}`, '');
  }
  return out.result;
}
