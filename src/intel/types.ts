// Shapes shared by the feed parsers, the feed store and the downloader.
import type { CtLog, CtLogRecord } from './ct-log-list.ts';

/** What a feed is used for in the analyses (cli.md `--kind`). */
export const FEED_KINDS = ['toplist', 'blocklist', 'botnet', 'ct-fingerprints', 'cert-blocklist', 'ct-log-list'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export function isFeedKind(s: string): s is FeedKind {
  return (FEED_KINDS as readonly string[]).includes(s);
}

/** A domain name from a feed, normalised (lowercase, no trailing dot, IDNA punycode). */
export interface DomainEntry {
  type: 'domain';
  domain: string;
  /** Registrable domain by the Public Suffix List (ICANN section); null when the name is itself a suffix. */
  registrable: string | null;
  /** Popularity rank (top lists only). */
  rank: number | null;
  /** Malware family, when the source names one (Feodo, ThreatFox). */
  family: string | null;
  /** Source-specific context: threat type, SBL id, listing reason; never used for matching. */
  detail: string | null;
  /** True when the name is the host part of a listed URL rather than a listed domain. */
  fromUrl: boolean;
}

/** An address or network from a feed; lo..hi is the inclusive numeric range (IPv4 as 32-bit, IPv6 as 128-bit). */
export interface IpEntry {
  type: 'ip';
  /** Canonical text: an address for a single host, CIDR notation for a wider network. */
  network: string;
  version: 4 | 6;
  lo: bigint;
  hi: bigint;
  port: number | null;
  family: string | null;
  detail: string | null;
  fromUrl: boolean;
}

/** A certificate fingerprint (lowercase hex, no separators). */
export interface CertEntry {
  type: 'cert';
  sha1: string | null;
  sha256: string | null;
  reason: string | null;
}

/** A Certificate Transparency log from a Chrome or Apple log list: what SCT verification needs (key in base64). */
export interface CtLogEntry extends CtLogRecord {
  type: 'ct-log';
  url: string | null;
  logType: CtLog['logType'];
}

export type FeedEntry = DomainEntry | IpEntry | CertEntry | CtLogEntry;

/** A line the parser could not use: 1-based line number (0: the file as a whole), why, and the (shortened, escaped) text. */
export interface RejectedLine {
  line: number;
  reason: string;
  text: string;
}

export interface ParseResult {
  format: string;
  entries: FeedEntry[];
  /** The first MAX_REJECT_DETAILS rejected lines; rejectedCount has the exact total. */
  rejected: RejectedLine[];
  rejectedCount: number;
  /** Well-formed records that carry nothing dhai matches on (file-hash IOCs, `localhost` lines of hosts files). */
  ignoredCount: number;
  /** When the feed says it was generated (its own header or metadata), ISO 8601 UTC; null if it does not say. */
  feedDate: string | null;
  /** The feed's own version label when it states one (a CT log list's `version`). */
  version?: string | null;
}
