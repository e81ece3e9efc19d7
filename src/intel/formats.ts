// The feed formats dhai reads, which feed kinds each can serve, and recognition of a file's format from its
// content (offline imports name only the kind).
import { UsageError } from '../util/errors.ts';
import { parseFeodoCsv, parseSslblCsv, parseUrlhausCsv } from './parse/abusech.ts';
import { parseCtLogListFeed } from './parse/ct-log-list.ts';
import { parseFingerprints } from './parse/fingerprints.ts';
import { parsePlainList } from './parse/plain-list.ts';
import { parseSpamhausJson, parseSpamhausText } from './parse/spamhaus.ts';
import { parseThreatFoxCsv, parseThreatFoxJson } from './parse/threatfox.ts';
import { parseMajestic, parseRankCsv } from './parse/toplist.ts';
import { decodeText, splitLines, unpack } from './text.ts';
import type { FeedKind, ParseResult } from './types.ts';

interface FormatDef {
  kinds: readonly FeedKind[];
  parse: (text: string, lines: readonly string[]) => ParseResult;
}

const NETWORK_KINDS: readonly FeedKind[] = ['blocklist', 'botnet'];

export const FORMATS = {
  'rank-csv': { kinds: ['toplist'], parse: (_t, l) => parseRankCsv(l) },
  'majestic-csv': { kinds: ['toplist'], parse: (_t, l) => parseMajestic(l) },
  'plain-list': { kinds: NETWORK_KINDS, parse: (_t, l) => parsePlainList(l) },
  'spamhaus-drop': { kinds: NETWORK_KINDS, parse: (_t, l) => parseSpamhausText(l) },
  'spamhaus-json': { kinds: NETWORK_KINDS, parse: (_t, l) => parseSpamhausJson(l) },
  'feodo-csv': { kinds: NETWORK_KINDS, parse: (_t, l) => parseFeodoCsv(l) },
  'urlhaus-csv': { kinds: NETWORK_KINDS, parse: (_t, l) => parseUrlhausCsv(l) },
  'threatfox-json': { kinds: NETWORK_KINDS, parse: (t) => parseThreatFoxJson(t) },
  'threatfox-csv': { kinds: NETWORK_KINDS, parse: (_t, l) => parseThreatFoxCsv(l) },
  'sslbl-csv': { kinds: ['cert-blocklist'], parse: (_t, l) => parseSslblCsv(l) },
  'fingerprints': { kinds: ['cert-blocklist', 'ct-fingerprints'], parse: (_t, l) => parseFingerprints(l) },
  // one parser for both lists: the snapshot records which list the content is
  'chrome-ct-json': { kinds: ['ct-log-list'], parse: (t) => parseCtLogListFeed(t) },
  'apple-ct-json': { kinds: ['ct-log-list'], parse: (t) => parseCtLogListFeed(t) },
} as const satisfies Record<string, FormatDef>;

export type FormatName = keyof typeof FORMATS;

export function isFormatName(s: string): s is FormatName {
  return Object.hasOwn(FORMATS, s);
}

const HEAD_LINES = 60;

/** The format of a feed, from its first lines. */
export function detectFormat(lines: readonly string[]): FormatName {
  const head = lines.slice(0, HEAD_LINES);
  const nonBlank = head.map((l) => l.trim()).filter((l) => l !== '');
  const comments = nonBlank.filter((l) => l.startsWith('#') || l.startsWith(';')).join('\n');
  const data = nonBlank.filter((l) => !l.startsWith('#') && !l.startsWith(';'));
  const first = data[0] ?? '';
  const lowerHead = nonBlank.join('\n').toLowerCase();

  // CT log lists: an `operators` array of logs; Apple's names its schema on valid.apple.com and has assetVersion
  if (/"operators"\s*:/.test(lowerHead) && /"(log_id|logs|tiled_logs)"\s*:/.test(lowerHead)) {
    return /valid\.apple\.com|"assetversion"\s*:/.test(lowerHead) ? 'apple-ct-json' : 'chrome-ct-json';
  }
  if (first.startsWith('{') || first.startsWith('[')) {
    return /"cidr"\s*:|"type"\s*:\s*"metadata"/.test(first) ? 'spamhaus-json' : 'threatfox-json';
  }
  if (/feodo tracker/i.test(comments) || /"?dst_ip"?\s*,/.test(lowerHead)) return 'feodo-csv';
  if (/\bsslbl\b/i.test(comments) || /listingdate\s*,\s*sha1/.test(lowerHead)) return 'sslbl-csv';
  if (/threatfox/i.test(comments) || /"?ioc_value"?\s*,\s*"?ioc_type"?/.test(lowerHead)) return 'threatfox-csv';
  if (/\bid\s*,\s*dateadded\s*,\s*url\b/.test(lowerHead)) return 'urlhaus-csv';
  if (/spamhaus/i.test(comments) || /^\S+\/\d{1,3}\s*;\s*SBL\d+/.test(first)) return 'spamhaus-drop';
  if (/globalrank\s*,\s*tldrank\s*,\s*domain/.test(lowerHead)) return 'majestic-csv';
  if (/^"?(\d+|rank)"?\s*,/i.test(first)) return 'rank-csv';
  const firstValue = data.find((l) => !/^"?(sha-?1|sha-?256|fingerprint|hash)\b/i.test(l)) ?? '';
  const hex = /^"?([0-9a-f:]+)"?(?:[,\t ]|$)/i.exec(firstValue)?.[1]?.replace(/:/g, '') ?? '';
  if (hex.length === 40 || hex.length === 64) return 'fingerprints';
  return 'plain-list';
}

export interface ParseFeedOptions {
  kind: FeedKind;
  /** Skip recognition and read the content as this format. */
  format?: FormatName;
  maxUnpackedBytes?: number;
}

/** Parses raw feed bytes (gzip or single-file zip unpacked) as a feed of the given kind. */
export function parseFeed(bytes: Uint8Array, opts: ParseFeedOptions): ParseResult {
  const text = decodeText(unpack(bytes, opts.maxUnpackedBytes));
  const lines = splitLines(text);
  const format = opts.format ?? detectFormat(lines);
  const def: FormatDef = FORMATS[format];
  if (!def.kinds.includes(opts.kind)) {
    throw new UsageError(
      `a ${opts.kind} feed cannot be read from ${format} content (${format} serves: ${def.kinds.join(', ')})` +
        (opts.format ? '' : '; pass the format explicitly if it was recognised wrongly'),
    );
  }
  return def.parse(text, lines);
}
