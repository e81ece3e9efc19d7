// Keyed pseudonyms for host names and DNS names that keep the structure the analyses rely on.
//
// What is kept:
// - the public suffix, when it is one under an ICANN rule of the Public Suffix List (tldts, private section
//   off: "org", "co.uk", "home.arpa", "in-addr.arpa"), or one of the internal-only TLDs below ("local", "lan",
//   "internal", "corp", ...). Nothing else: a single-label name or an unknown TLD ("pacs01",
//   "ris.medcenter") is pseudonymised whole, because tldts's default rule would otherwise call it a suffix;
// - the number and order of labels, empty labels, a "*" wildcard label, a leading "_" (service labels such as
//   _ldap._tcp), and a trailing dot;
// - the character class of each label: digits only stay digits, letters only stay letters, anything else
//   becomes lowercase letters and digits starting with a letter.
// What is not kept: the text and the length of every other label (names are lowercased first: DNS is
// case-insensitive). A pseudonym has a fixed length (12 characters, 16 for digits) so that short labels
// ("a", "01") do not collide and merge distinct hosts: under one parent, n labels collide with probability
// about n^2 / 2^54 or less (26^12, 26*36^11 and 10^16 outcomes).
//
// A label's pseudonym is HMAC-SHA256 over the label *and everything to its right* (the original, lowercased),
// so siblings share their parents' pseudonyms (a.b.hospital.local and c.b.hospital.local share
// b'.hospital'.local, and hospital.org maps the same alone as inside x.hospital.org, so the site's own domains
// can be mapped the same way at report time), while the same label under different parents is unlinkable.
// The HMAC key is derived from the Crypto-PAn key with HKDF (info "dhai name pseudonyms v1").
//
// Names that hold addresses go through Crypto-PAn instead, so they agree with the pseudonymised address
// columns: an IP literal, and a reverse name (d.c.b.a.in-addr.arpa, nibbles.ip6.arpa; a partial one is a
// network and maps to the image of that network). Which names are internal, and so to be pseudonymised at
// all, is the caller's decision.
import { createHmac, hkdfSync } from 'node:crypto';
import { parse as parseDomain } from 'tldts';
import { formatAddress, maskBytes, parseAddress, type Network } from './addresses.ts';
import { CryptoPAn } from './cryptopan.ts';

/** Top-level labels used only inside organisations (RFC 6761/6762, ICANN's .internal, common practice). */
export const INTERNAL_TLDS: ReadonlySet<string> = new Set([
  'local', 'lan', 'internal', 'corp', 'home', 'localdomain', 'localhost', 'intranet', 'private',
]);

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = LETTERS + DIGITS;

/** How many trailing labels of a (lowercased, no trailing dot) name stay as they are. */
export function keptSuffixLabels(name: string): number {
  const labels = name.split('.');
  const last = labels[labels.length - 1]!;
  if (INTERNAL_TLDS.has(last)) return 1;
  const p = parseDomain(name, { extractHostname: false, validateHostname: false, detectIp: false, allowPrivateDomains: false });
  if (!p.isIcann || !p.publicSuffix) return 0;
  return Math.min(labels.length, p.publicSuffix.split('.').length);
}

/**
 * The network a reverse-lookup name stands for: 4.3.2.10.in-addr.arpa is 10.2.3.4/32, 2.10.in-addr.arpa is
 * 10.2.0.0/16, nibbles of ip6.arpa count 4 bits each. Undefined for anything else (including RFC 2317
 * classless delegations such as 0/25.2.0.192.in-addr.arpa).
 */
export function parseReverseName(name: string): Network | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  let units: string[];
  let width: 4 | 16;
  if (n.endsWith('.in-addr.arpa')) {
    units = n.slice(0, -'.in-addr.arpa'.length).split('.');
    width = 4;
    if (units.length > 4 || !units.every((u) => /^(0|[1-9]\d{0,2})$/.test(u) && Number(u) <= 255)) return undefined;
  } else if (n.endsWith('.ip6.arpa')) {
    units = n.slice(0, -'.ip6.arpa'.length).split('.');
    width = 16;
    if (units.length > 32 || !units.every((u) => /^[0-9a-f]$/.test(u))) return undefined;
  } else {
    return undefined;
  }
  units.reverse();
  const bytes = new Uint8Array(width);
  const bitsPer = width === 4 ? 8 : 4;
  units.forEach((u, i) => {
    const v = width === 4 ? Number(u) : parseInt(u, 16);
    const bit = i * bitsPer;
    bytes[bit >> 3]! |= width === 4 ? v : v << (4 - (bit & 7));
  });
  const prefix = units.length * bitsPer;
  return { family: width === 4 ? 4 : 6, bytes, prefix, text: `${formatAddress(bytes)}/${prefix}` };
}

function reverseName(bytes: Uint8Array, prefix: number): string {
  const units: string[] = [];
  if (bytes.length === 4) {
    for (let i = 0; i < prefix / 8; i++) units.push(String(bytes[i]));
    return `${units.reverse().join('.')}.in-addr.arpa`;
  }
  for (let i = 0; i < prefix / 4; i++) units.push(((bytes[i >> 1]! >> (i & 1 ? 0 : 4)) & 0xf).toString(16));
  return `${units.reverse().join('.')}.ip6.arpa`;
}

export class NamePseudonyms {
  readonly #hmacKey: Buffer;
  readonly #pan: CryptoPAn;

  /** `key` is the 32-byte Crypto-PAn key; pass the store's CryptoPAn to share it. */
  constructor(key: Uint8Array, pan: CryptoPAn = new CryptoPAn(key)) {
    this.#hmacKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'dhai name pseudonyms v1', 32));
    this.#pan = pan;
  }

  /** The pseudonym of a host or DNS name (see the module header for what survives). */
  name(name: string): string {
    const lower = name.toLowerCase();
    const dot = lower.length > 1 && lower.endsWith('.') ? '.' : '';
    const body = dot ? lower.slice(0, -1) : lower;
    const addr = parseAddress(body);
    if (addr) return formatAddress(this.#pan.mapBytes(addr.bytes));
    const rev = parseReverseName(body);
    if (rev) return reverseName(maskBytes(this.#pan.mapBytes(rev.bytes), rev.prefix), rev.prefix) + dot;
    const labels = body.split('.');
    const keep = keptSuffixLabels(body);
    let scope = labels.slice(labels.length - keep).join('.');
    for (let i = labels.length - keep - 1; i >= 0; i--) {
      const original = labels[i]!;
      scope = scope ? `${original}.${scope}` : original;
      labels[i] = this.#label(original, scope);
    }
    return labels.join('.') + dot;
  }

  /** The pseudonym of `label`, whose full original name (label and everything to its right) is `scope`. */
  #label(label: string, scope: string): string {
    if (label === '' || label === '*') return label;
    if (label.startsWith('_')) return '_' + this.#draw(scope, ALNUM, 12);
    if (/^[0-9]+$/.test(label)) return this.#draw(scope, DIGITS, 16);
    if (/^[a-z]+$/.test(label)) return this.#draw(scope, LETTERS, 12);
    return this.#draw(scope, ALNUM, 12);
  }

  /** `length` characters from `alphabet`, uniformly (rejection sampling over HMAC bytes); alnum starts with a letter. */
  #draw(scope: string, alphabet: string, length: number): string {
    let out = '';
    for (let block = 0; out.length < length; block++) {
      const bytes = createHmac('sha256', this.#hmacKey).update(`label\0${block}\0${scope}`).digest();
      for (const b of bytes) {
        const set = out.length === 0 && alphabet === ALNUM ? LETTERS : alphabet;
        const limit = 256 - (256 % set.length);
        if (b >= limit) continue;
        out += set[b % set.length];
        if (out.length === length) break;
      }
    }
    return out;
  }
}
