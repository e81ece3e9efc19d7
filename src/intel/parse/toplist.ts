// Popularity lists: `rank,domain` CSV (Tranco, Cisco Umbrella; header optional) and the Majestic Million
// CSV (header `GlobalRank,TldRank,Domain,TLD,RefSubNets,…`; the rank is GlobalRank).
import { headerColumns, splitCsvLine } from '../csv.ts';
import { normaliseDomain } from '../domain.ts';
import { ParseCollector, eachDataLine } from '../text.ts';
import type { ParseResult } from '../types.ts';

const MAX_RANK = 2 ** 31 - 1;

function parseRanked(lines: readonly string[], format: string, rankCol: string, domainCol: string): ParseResult {
  const out = new ParseCollector(format);
  let cols: { rank: number; domain: number } | null = null;
  let sawData = false;
  eachDataLine(lines, out, ['#'], (line, no) => {
    if (!sawData && !cols) {
      // a header may only come before the first data row
      const h = headerColumns(line, [rankCol, domainCol]);
      if (h) {
        cols = { rank: h.get(rankCol)!, domain: h.get(domainCol)! };
        return;
      }
    }
    sawData = true;
    const f = splitCsvLine(line);
    if (!f) return out.reject(no, 'unbalanced quotes', line);
    const c = cols ?? { rank: 0, domain: 1 };
    if (cols === null && f.length !== 2) return out.reject(no, `expected rank,domain (2 fields), found ${f.length}`, line);
    const needed = Math.max(c.rank, c.domain) + 1;
    if (f.length < needed) return out.reject(no, `expected at least ${needed} fields, found ${f.length}`, line);
    const rankText = f[c.rank]?.trim() ?? '';
    const domainText = f[c.domain] ?? '';
    if (!/^\d{1,10}$/.test(rankText) || Number(rankText) < 1 || Number(rankText) > MAX_RANK) {
      return out.reject(no, 'rank is not a positive integer', line);
    }
    const d = normaliseDomain(domainText);
    // DNS-based lists (Umbrella) rank bare top-level domains (`1,com`): well-formed, but not a site
    if (!d.ok && d.reason === 'single-label name' && /^[a-z0-9-]+$/i.test(domainText.trim())) return out.ignore();
    if (!d.ok) return out.reject(no, d.reason, line);
    out.result.entries.push({
      type: 'domain',
      domain: d.domain,
      registrable: d.registrable,
      rank: Number(rankText),
      family: null,
      detail: null,
      fromUrl: false,
    });
  });
  return out.result;
}

/** Tranco / Umbrella style: `1,google.com` per line, optional `rank,domain` header. */
export function parseRankCsv(lines: readonly string[]): ParseResult {
  return parseRanked(lines, 'rank-csv', 'rank', 'domain');
}

/** Majestic Million: header required (it names the columns), rank from GlobalRank. */
export function parseMajestic(lines: readonly string[]): ParseResult {
  return parseRanked(lines, 'majestic-csv', 'globalrank', 'domain');
}
