// Domain names from feeds: normalised (lowercase, trailing dot dropped, IDNA to punycode), validated, and
// given their registrable domain from the Public Suffix List (tldts, ICANN section only by default).
import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';
import { parseAddress } from './ip.ts';

export interface DomainOk {
  ok: true;
  domain: string;
  registrable: string | null;
}
export interface DomainBad {
  ok: false;
  reason: string;
}

export interface DomainOptions {
  /** Count private PSL entries (github.io, blogspot.com…) as suffixes. Default false: ICANN section only. */
  allowPrivateDomains?: boolean;
}

// Letters, digits, hyphen and underscore. Stricter host-name rules (no underscore, no hyphen at a label's
// edge) are not applied: such names resolve, appear in DNS logs, and a feed listing one must be matchable.
const LABEL = /^[a-z0-9_-]{1,63}$/;
const NON_ASCII = /[^\x00-\x7f]/;

/** The registrable domain of an already normalised name (null for a public suffix itself). */
export function registrableDomain(domain: string, opts: DomainOptions = {}): string | null {
  return getDomain(domain, {
    allowPrivateDomains: opts.allowPrivateDomains ?? false,
    extractHostname: false,
    validateHostname: false,
  });
}

export function normaliseDomain(raw: string, opts: DomainOptions = {}): DomainOk | DomainBad {
  let d = raw.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d === '') return { ok: false, reason: 'empty name' };
  if (d.startsWith('*.')) return { ok: false, reason: 'wildcard name' };
  if (parseAddress(d) || (d.startsWith('[') && d.endsWith(']'))) return { ok: false, reason: 'IP address, not a domain name' };
  if (NON_ASCII.test(d) || d.includes('xn--')) {
    // WHATWG/UTS #46 processing: maps and validates Unicode labels, checks existing punycode labels
    const ascii = domainToASCII(d);
    if (ascii === '') return { ok: false, reason: 'invalid internationalised name' };
    d = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
  }
  if (d.length > 253) return { ok: false, reason: 'name longer than 253 characters' };
  const labels = d.split('.');
  if (labels.length < 2) return { ok: false, reason: 'single-label name' };
  for (const label of labels) {
    if (label === '') return { ok: false, reason: 'empty label' };
    if (!LABEL.test(label)) {
      return { ok: false, reason: label.length > 63 ? 'label longer than 63 characters' : 'invalid character in name' };
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return { ok: false, reason: 'numeric top-level label' };
  return { ok: true, domain: d, registrable: registrableDomain(d, opts) };
}
