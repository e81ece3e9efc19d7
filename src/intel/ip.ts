// Addresses, networks and `ip:port` strings from feeds, as canonical text plus an inclusive numeric range
// (IPv4 as a 32-bit number, IPv6 as a 128-bit number) so that SQL can match addresses with BETWEEN.
import ipaddr from 'ipaddr.js';

export interface ParsedNetwork {
  network: string;
  version: 4 | 6;
  lo: bigint;
  hi: bigint;
}

export interface ParsedEndpoint extends ParsedNetwork {
  port: number | null;
}

const IPV4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6_SHAPE = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/;

function bytesToBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** A single IPv4 (strict dotted quad: no `0x7f.1` shorthands) or IPv6 address, or null. */
export function parseAddress(s: string): ParsedNetwork | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  // cheap shape tests first: ipaddr.js validates by throwing, which is slow on the many non-addresses
  if (IPV4_SHAPE.test(s)) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return null;
    addr = ipaddr.IPv4.parse(s);
  } else if (IPV6_SHAPE.test(s) && ipaddr.IPv6.isValid(s)) {
    addr = ipaddr.IPv6.parse(s);
  } else {
    return null;
  }
  const v = bytesToBigInt(addr.toByteArray());
  return { network: addr.toString(), version: addr.kind() === 'ipv4' ? 4 : 6, lo: v, hi: v };
}

/**
 * An address or a CIDR network. Host bits set below the prefix (`10.1.2.3/8`) are cleared: the feed means
 * the network. A /32 or /128 is written as the plain address.
 */
export function parseNetwork(s: string): ParsedNetwork | null {
  const slash = s.indexOf('/');
  if (slash < 0) return parseAddress(s);
  const base = parseAddress(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (!base || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const bits = base.version === 4 ? 32 : 128;
  if (prefix > bits) return null;
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const lo = base.lo & ~hostMask;
  const hi = lo | hostMask;
  const bytes: number[] = [];
  for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((lo >> BigInt(i * 8)) & 0xffn));
  const text = ipaddr.fromByteArray(bytes).toString();
  return { network: prefix === bits ? text : `${text}/${prefix}`, version: base.version, lo, hi };
}

/** `1.2.3.4:443`, `[2001:db8::1]:443`, or a bare address or network (port null). */
export function parseEndpoint(s: string): ParsedEndpoint | null {
  let host = s;
  let portText: string | null = null;
  const bracket = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2]!;
  } else if (/^[0-9.]+:\d+$/.test(s)) {
    const colon = s.lastIndexOf(':');
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
  }
  const net = parseNetwork(host);
  if (!net) return null;
  if (portText === null) return { ...net, port: null };
  const port = Number(portText);
  if (portText.length > 5 || port < 1 || port > 65535) return null;
  return { ...net, port };
}
