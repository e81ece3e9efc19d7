// IP addresses and networks as the privacy code and the analyses need them: strict parsing of the addresses
// found in logs, longest-prefix lookup of an address among a few hundred site networks, and a fixed-width
// numeric form for range joins in DuckDB (which has no usable inet type here: the extension is not bundled).
//
// Address semantics follow Zeek's: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) *is* the IPv4 address a.b.c.d
// (Zeek stores IPv4 that way and prints it dotted), so it parses as family 4 everywhere in dhai. An IPv6 zone
// (fe80::1%eth0) names a sensor's interface, not a host, and is dropped.
//
// SQL encoding (one column for both families, sortable, comparable with BETWEEN):
//   number  128-bit unsigned integer (DuckDB UHUGEINT): an IPv6 address is its 128-bit value; an IPv4 address
//           a.b.c.d is the value of ::ffff:a.b.c.d, i.e. 0xffff_0000_0000 + the 32-bit address.
//   hex     the same number as exactly 32 lowercase hexadecimal digits (VARCHAR). Fixed width and lowercase, so
//           byte-wise string order (DuckDB's default collation) equals numeric order.
// A network is the inclusive range [lo, hi] of its first and last address in that encoding, so
//   SELECT ... FROM hosts h JOIN site_nets n ON h.addr_num BETWEEN n.lo AND n.hi
// is a range join DuckDB plans as an inequality join. Map the distinct addresses once in JS (`addressNumber`)
// and join on them; do not convert every row.
import ipaddr from 'ipaddr.js';
import { UsageError } from '../util/errors.ts';

export type Family = 4 | 6;

/** An address in network byte order: 4 bytes for IPv4, 16 for IPv6. */
export interface ParsedAddress {
  family: Family;
  bytes: Uint8Array;
}

export interface Network {
  family: Family;
  /** The network address (host bits cleared), 4 or 16 bytes. */
  bytes: Uint8Array;
  prefix: number;
  /** Canonical text: dotted quad or RFC 5952, then /prefix. */
  text: string;
}

/** Parse a dotted-quad IPv4 address (four decimal parts, no leading zeros) to its 32-bit value, or -1. */
export function parseIPv4(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // a leading zero would be octal to inet_aton and decimal to others: refuse the ambiguity
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export function ipv4ToBytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function bytesToIPv4(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parse an address from a log or a config; undefined when the text is not exactly one address. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return { family: 4, bytes: ipv4ToBytes(v4) };
  if (!text.includes(':')) return undefined;
  let v6: ipaddr.IPv6;
  try {
    v6 = ipaddr.IPv6.parse(text);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(v6.toByteArray());
  if (isV4Mapped(bytes)) return { family: 4, bytes: bytes.slice(12) };
  return { family: 6, bytes };
}

/** Dotted quad for 4 bytes, RFC 5952 text for 16. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new RangeError(`an address has 4 or 16 bytes, not ${bytes.length}`);
  return (ipaddr.fromByteArray(Array.from(bytes)) as ipaddr.IPv6).toRFC5952String();
}

/** Clear every bit after the first `prefix` bits (in place) and return the bytes. */
export function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i]! &= (0xff00 >> keep) & 0xff;
  }
  return bytes;
}

/**
 * Parse a network in CIDR form (a bare address is a /32 or /128). Host bits are cleared, as configs often
 * write 10.20.1.1/16 for 10.20.0.0/16. IPv4 must be a dotted quad: ipaddr.js alone would read "10.1/16" as
 * 10.0.0.1/16 and "010.0.0.0/8" as octal. Throws UsageError naming the text.
 */
export function parseNetwork(cidr: string): Network {
  const slash = cidr.indexOf('/');
  const addrText = slash < 0 ? cidr : cidr.slice(0, slash);
  const addr = parseAddress(addrText);
  if (!addr) throw new UsageError(`not an IP network in CIDR form (e.g. 10.20.0.0/16): ${JSON.stringify(cidr)}`);
  const maxBits = addr.bytes.length * 8;
  let prefix = maxBits;
  if (slash >= 0) {
    const p = cidr.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > (addrText.includes(':') ? 128 : 32)) {
      throw new UsageError(`bad prefix length in network ${JSON.stringify(cidr)}`);
    }
    prefix = Number(p);
    // ::ffff:10.0.0.0/104 is the IPv4 network 10.0.0.0/8
    if (addr.family === 4 && addrText.includes(':')) {
      if (prefix < 96) throw new UsageError(`network ${JSON.stringify(cidr)} mixes IPv4-mapped and other IPv6 space`);
      prefix -= 96;
    }
  }
  const bytes = maskBytes(addr.bytes, prefix);
  return { family: addr.family, bytes, prefix, text: `${formatAddress(bytes)}/${prefix}` };
}

const V4_MAPPED_BASE = 0xffffn << 32n;

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** The 128-bit SQL number of a parsed address (see the header). */
export function parsedToNumber(a: ParsedAddress): bigint {
  return a.family === 4 ? V4_MAPPED_BASE + BigInt(bytesToIPv4(a.bytes)) : bytesToBigInt(a.bytes);
}

/** The 128-bit SQL number (DuckDB UHUGEINT) of an address, or undefined when it is not an address. */
export function addressNumber(text: string): bigint | undefined {
  const a = parseAddress(text);
  return a && parsedToNumber(a);
}

export function numberToHex(n: bigint): string {
  return n.toString(16).padStart(32, '0');
}

/** The 32-hex-digit SQL key of an address, or undefined when it is not an address. */
export function addressHex(text: string): string | undefined {
  const n = addressNumber(text);
  return n === undefined ? undefined : numberToHex(n);
}

export interface NetworkBounds {
  network: Network;
  lo: bigint;
  hi: bigint;
  loHex: string;
  hiHex: string;
}

/** Inclusive first and last address of a network in the SQL encoding. */
export function networkBounds(cidr: string): NetworkBounds {
  const network = parseNetwork(cidr);
  const lo = parsedToNumber(network);
  const hostBits = BigInt(network.bytes.length * 8 - network.prefix);
  const hi = lo + (1n << hostBits) - 1n;
  return { network, lo, hi, loHex: numberToHex(lo), hiHex: numberToHex(hi) };
}

/**
 * Longest-prefix match of addresses against networks. One hash map per distinct prefix length, probed from
 * the longest: a lookup costs one map probe per distinct length in use (a site has a handful), whatever the
 * number of networks. IPv4 keys are 32-bit numbers, IPv6 keys bigints (Map compares bigints by value).
 */
export class NetworkMap<T> {
  readonly #v4 = new Map<number, Map<number, T>>();
  readonly #v6 = new Map<number, Map<bigint, T>>();
  #v4Lengths: number[] = [];
  #v6Lengths: { prefix: number; mask: bigint }[] = [];

  constructor(entries: Iterable<readonly [string, T]> = []) {
    for (const [cidr, value] of entries) this.set(cidr, value);
  }

  /** Add or replace a network; throws UsageError when `cidr` is not a network. */
  set(cidr: string, value: T): this {
    const n = parseNetwork(cidr);
    if (n.family === 4) {
      let m = this.#v4.get(n.prefix);
      if (!m) {
        this.#v4.set(n.prefix, (m = new Map()));
        this.#v4Lengths = [...this.#v4.keys()].sort((a, b) => b - a);
      }
      m.set(bytesToIPv4(n.bytes), value);
    } else {
      let m = this.#v6.get(n.prefix);
      if (!m) {
        this.#v6.set(n.prefix, (m = new Map()));
        this.#v6Lengths = [...this.#v6.keys()]
          .sort((a, b) => b - a)
          .map((prefix) => ({ prefix, mask: ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix) }));
      }
      m.set(bytesToBigInt(n.bytes), value);
    }
    return this;
  }

  /** The value of the most specific network holding the address; undefined when none does or not an address. */
  lookup(address: string): T | undefined {
    const v4 = parseIPv4(address);
    if (v4 >= 0) return this.lookupIPv4(v4);
    const a = parseAddress(address);
    return a && this.lookupParsed(a);
  }

  lookupParsed(a: ParsedAddress): T | undefined {
    return a.family === 4 ? this.lookupIPv4(bytesToIPv4(a.bytes)) : this.lookupIPv6(bytesToBigInt(a.bytes));
  }

  lookupIPv4(value: number): T | undefined {
    for (const prefix of this.#v4Lengths) {
      // prefix 0 would need a shift by 32, which JS takes modulo 32
      const key = prefix === 0 ? 0 : (value & (0xffffffff << (32 - prefix))) >>> 0;
      const hit = this.#v4.get(prefix)!.get(key);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  lookupIPv6(value: bigint): T | undefined {
    for (const { prefix, mask } of this.#v6Lengths) {
      const hit = this.#v6.get(prefix)!.get(value & mask);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  has(address: string): boolean {
    return this.lookup(address) !== undefined;
  }
}

/** Membership of addresses in a list of networks (e.g. the site's internal networks). */
export class NetworkSet {
  readonly #map: NetworkMap<true>;
  constructor(cidrs: Iterable<string>) {
    this.#map = new NetworkMap();
    for (const c of cidrs) this.#map.set(c, true);
  }
  has(address: string): boolean {
    return this.#map.lookup(address) === true;
  }
  hasParsed(a: ParsedAddress): boolean {
    return this.#map.lookupParsed(a) === true;
  }
}
