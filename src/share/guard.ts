// The last line of defence of a shareable export: words that name the site are kept out of metric names, and
// the finished text is searched for any hospital address (in any spelling of it) and the site's domains before
// it is written. The allow-list should make both checks find nothing; if one does, nothing is written.
import { getDomainWithoutSuffix } from 'tldts';
import type { Site } from '../config/site.ts';
import { NetworkSet, formatAddress, parseAddress } from '../privacy/addresses.ts';
import { siteIndex } from '../analyses/site-context.ts';
import { normaliseDomains } from '../analyses/cert-names.ts';
import { snake } from '../analyses/dns-tables.ts';
import { internalCidrs } from '../privacy/site-pseudonyms.ts';
import { SHARED_CLASSES } from './allow-list.ts';

/** Words shorter than this are too common to mean the site (`lab`, `icu`). */
const MIN_WORD = 4;

export interface SiteWords {
  /** the site's own device-class names (snake case) that are not in the shared vocabulary */
  classes: string[];
  /** the site's name, domains and their labels without the public suffix (snake case) */
  names: string[];
}

export function siteWords(site: Site): SiteWords {
  const classes = site.device_classes.map((c) => snake(c.class)).filter((c) => !SHARED_CLASSES.includes(c));
  const names = new Set<string>();
  if (site.name) names.add(snake(site.name));
  for (const d of normaliseDomains(site.domains)) {
    names.add(snake(d));
    const label = getDomainWithoutSuffix(d, { allowPrivateDomains: false });
    if (label) names.add(snake(label));
  }
  return { classes: [...new Set(classes)].filter((w) => w.length > 0), names: [...names].filter((w) => w.length >= MIN_WORD) };
}

const tokens = (w: string) => new RegExp(`(^|_)${w}(?=_|$)`, 'g');

/** Whether a snake-case name holds one of the site's names as whole `_`-separated words. */
export function namesSite(name: string, words: SiteWords): boolean {
  return words.names.some((w) => tokens(w).test(name));
}

/**
 * A metric name with the site's own words replaced, for the manifest (`class_<site class>_requests`), and which
 * kind of word it held. Class names are looked for where metrics put them (`class_<class>_…`).
 */
export function publicName(name: string, words: SiteWords): { name: string; site: 'class' | 'name' | null } {
  let out = name;
  let site: 'class' | 'name' | null = null;
  // longest first, so that a class named `icu_north` is not half-replaced by a class named `icu`
  for (const w of [...words.classes].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`^class_${w}_`);
    if (re.test(out)) {
      out = out.replace(re, 'class_<site class>_');
      site = 'class';
    }
  }
  for (const w of [...words.names].sort((a, b) => b.length - a.length)) {
    if (tokens(w).test(out)) {
      out = out.replace(tokens(w), '$1<site name>');
      site ??= 'name';
    }
  }
  // anything that is not a plain metric name, or holds what could be an address, is not repeated either
  if (!/^[a-z0-9_.<> -]{1,160}$/i.test(out) || /(?<!\d)\d{1,3}(?:[._-]\d{1,3}){3}(?!\d)|[0-9a-f]*:[0-9a-f]*:/i.test(out)) return { name: '<withheld>', site };
  return { name: out, site };
}

// dotted, and with `-` or `_` between the octets (host-10-20-1-5, a snake-case metric name)
const V4 = /(?<![0-9.])\d{1,3}([._-])\d{1,3}\1\d{1,3}\1\d{1,3}(?![0-9])/g;
// runs of hex digits, colons and dots with at least two colons: every textual IPv6 form (compressed, expanded,
// with an embedded IPv4 tail)
const V6 = /[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*/gi;

/** The site's networks and device-class subnets, or null when the site lists none. */
function siteNetworks(site: Site): NetworkSet | null {
  const nets = internalCidrs(site);
  return nets.length ? new NetworkSet(nets) : null;
}

/** What in `text` names a hospital host or the site: one line per problem, [] when nothing does. */
export function leakProblems(text: string, site: Site, devices: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const nets = siteNetworks(site);
  const canonical = new Set<string>();
  for (const d of devices) {
    const p = parseAddress(d);
    if (p) canonical.add(formatAddress(p.bytes));
  }
  const classes = siteIndex(site).classes;
  const inside = (token: string): boolean => {
    const p = parseAddress(token);
    if (!p) return false;
    return canonical.has(formatAddress(p.bytes)) || (nets?.hasParsed(p) ?? false) || classes.lookupParsed(p) !== undefined;
  };
  // zero-padded octets (010.020.001.005) are the same address to a reader
  const unpad = (v4: string) => v4.split(/[._-]/).map((o) => String(Number(o))).join('.');
  for (const m of text.matchAll(V4)) if (inside(unpad(m[0]))) problems.push(`a hospital address (${m[0]})`);
  for (const m of text.matchAll(V6)) if (m[0].split(':').length >= 3 && inside(m[0].replace(/^:(?!:)|(?<!:):$/g, ''))) problems.push(`a hospital address (${m[0]})`);
  const lower = text.toLowerCase();
  for (const d of normaliseDomains(site.domains)) {
    // as written and in the snake case of metric names, as a whole name (not inside a longer label)
    for (const form of new Set([d, snake(d)])) {
      const re = new RegExp(`(?<![a-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`);
      if (form.length > 0 && re.test(lower)) problems.push(`the site's domain ${d}`);
    }
  }
  return [...new Set(problems)];
}
