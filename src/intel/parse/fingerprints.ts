// Plain lists of certificate fingerprints: one SHA-1 (40 hex digits) or SHA-256 (64) per line, with or
// without `:` separators, optionally followed by a reason after a comma, tab or space; `#` comments and a
// one-word header line (`sha256`, `fingerprint`) allowed.
import { ParseCollector, eachDataLine } from '../text.ts';
import type { ParseResult } from '../types.ts';
import { cleanText } from './indicator.ts';

const HEADER = /^"?(sha-?1|sha-?256|fingerprint|cert_?sha(1|256)|hash)"?([,\t ].*)?$/i;

export function parseFingerprints(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('fingerprints');
  let first = true;
  eachDataLine(lines, out, ['#'], (line, no) => {
    const isFirst = first;
    first = false;
    if (isFirst && HEADER.test(line)) return;
    const m = /^"?([0-9a-fA-F:]+)"?(?:[,\t ]+(.*))?$/.exec(line);
    const hex = m ? m[1]!.replace(/:/g, '').toLowerCase() : '';
    if (hex.length === 40) {
      out.result.entries.push({ type: 'cert', sha1: hex, sha256: null, reason: cleanText(m![2]) });
    } else if (hex.length === 64) {
      out.result.entries.push({ type: 'cert', sha1: null, sha256: hex, reason: cleanText(m![2]) });
    } else {
      out.reject(no, 'not a SHA-1 or SHA-256 fingerprint', line);
    }
  });
  return out.result;
}
