// The outside view: what Internet scanners list for the hospital's addresses, from the JSON their services
// export, reduced to (address, port, transport, when, product). Read as their documentation describes them:
//
// Shodan — a banner per service (https://datapedia.shodan.io/: `ip_str`, `port`, `transport`, `timestamp`
//   "collected in UTC", `product`, `hostnames`, `location.country_code`; IPv6 hosts carry `ipv6`, which the
//   official client's helpers.get_ip() prefers). Accepted as `shodan download`/`shodan convert` JSON lines
//   (one banner a line, gzip or not), a host object (`/shodan/host/{ip}`: banners under `data`), a search
//   result (banners under `matches`), or a JSON array of any of these.
// Censys Search 2.0 — a host record (`ip`, `services[]` with `port`, `service_name`, `transport_protocol`,
//   `extended_service_name`, `observed_at`; `location.country_code`; `last_updated_at`), as `censys view`
//   prints it, inside the API envelope (`{code, status, result}`), as search hits (`result.hits`), as a JSON
//   array (`censys search` output) or one record a line.
// Everything in these files is third-party text: only the fields above are kept, validated.
import { parseAddress } from './ip.ts';
import { decodeText, printable, splitLines, unpack } from './text.ts';
import type { RejectedLine } from './types.ts';

export type OutsideSource = 'shodan' | 'censys';
export const OUTSIDE_SOURCES: readonly OutsideSource[] = ['shodan', 'censys'];

export interface OutsideService {
  source: OutsideSource;
  /** canonical address text (ipaddr.js form, as Zeek writes it) */
  ip: string;
  port: number;
  /** lower case: tcp, udp, quic … */
  transport: string;
  /** when the scanner saw it, ISO 8601 UTC; null if the record does not say */
  observed_at: string | null;
  /** Shodan `product`, Censys `extended_service_name` or `service_name` */
  product: string | null;
  country: string | null;
}

export interface OutsideParse {
  source: OutsideSource;
  records: OutsideService[];
  rejected: RejectedLine[];
  rejectedCount: number;
}

const MAX_REJECTS = 1000;
type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, max = 200): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null;
}

function portOf(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}

/** Shodan writes UTC without a zone (`2015-10-03T06:09:24.123456`); Censys writes `Z` with nanoseconds. */
export function utcInstant(v: unknown): string | null {
  const s = str(v, 64);
  if (!s) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const frac = m[3] ? m[3].slice(0, 4) : '';
  const zone = !m[4] ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4];
  const d = new Date(`${m[1]}T${m[2]}${frac}${zone}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function country(v: unknown): string | null {
  const c = isObject(v) ? str(v.country_code, 8) : null;
  return c && /^[A-Za-z]{2}$/.test(c) ? c.toUpperCase() : null;
}

class Collector {
  readonly out: OutsideParse;
  constructor(source: OutsideSource) {
    this.out = { source, records: [], rejected: [], rejectedCount: 0 };
  }
  reject(line: number, reason: string, text: string): void {
    this.out.rejectedCount++;
    if (this.out.rejected.length < MAX_REJECTS) this.out.rejected.push({ line, reason, text: printable(text) });
  }
}

function shodanBanner(b: Json, line: number, c: Collector): void {
  const ipText = str(b.ipv6, 64) ?? str(b.ip_str, 64);
  const ip = ipText ? parseAddress(ipText) : null;
  const port = portOf(b.port);
  if (!ip) return c.reject(line, 'banner without a valid ip_str/ipv6', JSON.stringify(b).slice(0, 200));
  if (port === null) return c.reject(line, 'banner without a valid port', JSON.stringify(b).slice(0, 200));
  c.out.records.push({
    source: 'shodan', ip: ip.network, port, transport: (str(b.transport, 16) ?? 'tcp').toLowerCase(),
    observed_at: utcInstant(b.timestamp), product: str(b.product), country: country(b.location),
  });
}

function shodanItem(v: unknown, line: number, c: Collector): void {
  if (Array.isArray(v)) return v.forEach((x) => shodanItem(x, line, c));
  if (!isObject(v)) return c.reject(line, 'not a JSON object', String(v));
  if (Array.isArray(v.matches)) return shodanItem(v.matches, line, c);
  // a host object: its banners may omit ip_str, which the host carries
  if (Array.isArray(v.data)) return v.data.forEach((b) => (isObject(b) ? shodanBanner({ ip_str: v.ip_str, ...b }, line, c) : c.reject(line, 'banner is not an object', String(b))));
  shodanBanner(v, line, c);
}

function censysHost(h: Json, line: number, c: Collector): void {
  const ipText = str(h.ip, 64);
  const ip = ipText ? parseAddress(ipText) : null;
  if (!ip) return c.reject(line, 'host without a valid ip', JSON.stringify(h).slice(0, 200));
  if (!Array.isArray(h.services)) return c.reject(line, 'host without services', JSON.stringify(h).slice(0, 200));
  for (const s of h.services) {
    const port = isObject(s) ? portOf(s.port) : null;
    if (!isObject(s) || port === null) {
      c.reject(line, 'service without a valid port', JSON.stringify(s).slice(0, 200));
      continue;
    }
    c.out.records.push({
      source: 'censys', ip: ip.network, port, transport: (str(s.transport_protocol, 16) ?? 'tcp').toLowerCase(),
      observed_at: utcInstant(s.observed_at) ?? utcInstant(h.last_updated_at),
      product: str(s.extended_service_name) ?? str(s.service_name), country: country(h.location),
    });
  }
}

function censysItem(v: unknown, line: number, c: Collector): void {
  if (Array.isArray(v)) return v.forEach((x) => censysItem(x, line, c));
  if (!isObject(v)) return c.reject(line, 'not a JSON object', String(v));
  if (isObject(v.result)) return censysItem(v.result, line, c);
  if (Array.isArray(v.hits)) return censysItem(v.hits, line, c);
  censysHost(v, line, c);
}

/** Which scanner wrote this value (by the fields its documentation names), or null. */
export function detectSource(v: unknown): OutsideSource | null {
  const first = Array.isArray(v) ? v.find(isObject) : v;
  if (!isObject(first)) return null;
  if ('ip_str' in first || 'ipv6' in first || 'matches' in first || ('data' in first && Array.isArray(first.data))) return 'shodan';
  if ('services' in first || 'hits' in first || (isObject(first.result) && ('services' in first.result || 'hits' in first.result))) return 'censys';
  return null;
}

/** Parse a Shodan or Censys export (gzip or plain; one JSON document, or one JSON value a line). */
export function parseOutsideView(bytes: Uint8Array, source?: OutsideSource): OutsideParse {
  const text = decodeText(unpack(bytes)).trim();
  let values: { value: unknown; line: number; text: string }[] = [];
  try {
    values = [{ value: JSON.parse(text) as unknown, line: 0, text: text.slice(0, 200) }];
  } catch {
    splitLines(text).forEach((l, i) => {
      if (l.trim() === '') return;
      try {
        values.push({ value: JSON.parse(l) as unknown, line: i + 1, text: l });
      } catch {
        values.push({ value: undefined, line: i + 1, text: l });
      }
    });
  }
  const detected = source ?? values.map((v) => detectSource(v.value)).find((s) => s !== null);
  if (!detected) throw new Error('neither a Shodan nor a Censys export: no ip_str/ipv6 banners and no hosts with services');
  const c = new Collector(detected);
  for (const v of values) {
    if (v.value === undefined) c.reject(v.line, 'not JSON', v.text);
    else if (detected === 'shodan') shodanItem(v.value, v.line, c);
    else censysItem(v.value, v.line, c);
  }
  return c.out;
}
