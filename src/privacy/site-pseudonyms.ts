// Which addresses and names of a site's traffic are internal, their pseudonyms under one key, and the site as a
// pseudonymised store sees it. One set of decisions for both ends: ingest replaces values with them
// (ingest/pseudonymise.ts), and a report on the pseudonymised store maps the site's networks and domains with
// them, so the analyses find the hospital in the data again.
//
// Internal addresses: the site's internal networks and its device-class subnets (as the analyses count them).
// Internal names: one of the site's domains or below one, an internal-only TLD (`local`, `corp`, …), a single
// label (`pacs01`, not text with spaces), an IP literal of an internal address, or a reverse name (`5.1.20.10.in-addr.arpa`) of an
// internal address or network. With scope `all` every address (and reverse name) is pseudonymised too.
import type { Site } from '../config/site.ts';
import { UsageError } from '../util/errors.ts';
import { NetworkSet, formatAddress, maskBytes, parseAddress, parseNetwork, type Network } from './addresses.ts';
import { CryptoPAn } from './cryptopan.ts';
import { INTERNAL_TLDS, NamePseudonyms, parseReverseName } from './pseudonyms.ts';

/** The networks whose addresses are internal: the site's internal networks and its device-class subnets. */
export function internalCidrs(site: Site): string[] {
  return [...site.networks.internal, ...site.device_classes.flatMap((c) => c.subnets)];
}

export class SitePseudonyms {
  readonly #pan: CryptoPAn;
  readonly #names: NamePseudonyms;
  readonly #internal: NetworkSet;
  readonly #networks: Network[];
  readonly domains: readonly string[];

  constructor(
    key: Uint8Array,
    site: Site,
    readonly external: boolean,
  ) {
    this.#pan = new CryptoPAn(key);
    this.#names = new NamePseudonyms(key, this.#pan);
    const cidrs = internalCidrs(site);
    this.#internal = new NetworkSet(cidrs);
    this.#networks = cidrs.map((c) => parseNetwork(c));
    this.domains = [...new Set(site.domains.map((d) => d.toLowerCase().replace(/\.$/, '')))];
  }

  /** An address: mapped when internal (always with `external`); text that is no address is returned as is. */
  address(text: string): string {
    const a = parseAddress(text);
    if (!a || (!this.external && !this.#internal.hasParsed(a))) return text;
    return formatAddress(this.#pan.mapBytes(a.bytes));
  }

  /**
   * The internal addresses of the /24 around an internal IPv4 address, each with its pseudonym (one batched
   * Crypto-PAn call): ingest maps the block the first time it meets one of its addresses, so that the next
   * addresses a DHCP pool hands out are already known. Empty for anything else.
   */
  block24(text: string): [string, string][] {
    const a = parseAddress(text);
    if (!a || a.family !== 4 || text.includes(':') || !(this.external || this.#internal.hasParsed(a))) return [];
    const prefix = `${a.bytes[0]}.${a.bytes[1]}.${a.bytes[2]}.`;
    const all = Array.from({ length: 256 }, (_, i) => `${prefix}${i}`);
    const inside = this.external ? all : all.filter((t) => this.#internal.has(t));
    const mapped = this.#pan.mapMany(inside);
    return inside.map((t, i) => [t, mapped[i]!]);
  }

  /** Text that is no address but may hide one (a mangled log): a keyed pseudonym, so it is never kept. */
  opaque(text: string): string {
    return this.#names.name(text);
  }

  /** A network (CIDR): mapped when its network address is internal (always with `external`). */
  network(text: string): string {
    if (text === '') return text;
    let n;
    try {
      n = parseNetwork(text);
    } catch {
      return this.opaque(text);
    }
    if (!this.external && !this.#internal.hasParsed(n)) return text;
    return `${formatAddress(maskBytes(this.#pan.mapBytes(n.bytes), n.prefix))}/${n.prefix}`;
  }

  /** A host or DNS name: its pseudonym when internal, else itself. */
  name(text: string): string {
    const body = text.toLowerCase().replace(/\.$/, '');
    if (body === '') return text;
    if (parseAddress(body)) return this.address(body);
    const rev = parseReverseName(body);
    if (rev) return this.external || this.#internal.hasParsed(rev) ? this.#names.name(text) : text;
    return this.isInternalName(body) ? this.#names.name(text) : text;
  }

  /** A dns.log answer: an address (A/AAAA), or a name (CNAME, PTR, …) or other record text. */
  answer(text: string): string {
    return parseAddress(text) ? this.address(text) : this.name(text);
  }

  /** `body`: lowercased, without a trailing dot, not an address or reverse name. */
  isInternalName(body: string): boolean {
    // a single label is a host name inside the site (`pacs01`); text with spaces (TXT answers) is no name
    if (!body.includes('.')) return !/\s/.test(body);
    if (INTERNAL_TLDS.has(body.slice(body.lastIndexOf('.') + 1))) return true;
    return this.domains.some((d) => body === d || body.endsWith(`.${d}`));
  }

  /** How a network lies against the internal ones: all its addresses internal, some, or none. */
  networkPlace(cidr: string): 'inside' | 'partly' | 'outside' {
    const n = parseNetwork(cidr);
    const holds = (outer: Network, inner: Network) =>
      outer.family === inner.family && outer.prefix <= inner.prefix && maskBytes(Uint8Array.from(inner.bytes), outer.prefix).every((b, i) => b === outer.bytes[i]);
    if (this.#networks.some((i) => holds(i, n))) return 'inside';
    return this.#networks.some((i) => holds(n, i)) ? 'partly' : 'outside';
  }
}

/**
 * The site as a report on a pseudonymised store needs it: internal networks, device-class subnets, and the
 * resolvers and vendor networks that lie inside them (all of them with scope `all`) mapped through the key;
 * the site's domains (and internal vendor domains) listed both as written and as pseudonyms, because traffic
 * names were pseudonymised while certificates kept theirs; exact addresses in accepted-risk ids mapped.
 */
export function pseudonymisedSite(site: Site, key: Uint8Array, scope: 'internal' | 'all'): Site {
  const p = new SitePseudonyms(key, site, scope === 'all');
  const net = (cidr: string) => {
    const place = p.external ? 'inside' : p.networkPlace(cidr);
    if (place === 'partly') throw new UsageError(`site network ${cidr} is partly internal: it cannot be mapped onto a pseudonymised store`);
    return place === 'inside' ? p.network(cidr) : cidr;
  };
  const names = (ds: readonly string[]) => [...new Set(ds.flatMap((d) => [d, p.name(d)]))];
  const addresses = (text: string) => text.replace(/\d{1,3}(?:\.\d{1,3}){3}/g, (a) => p.address(a));
  return {
    ...site,
    networks: { ...site.networks, internal: site.networks.internal.map((c) => p.network(c)) },
    device_classes: site.device_classes.map((c) => ({ ...c, subnets: c.subnets.map((s) => p.network(s)) })),
    resolvers: site.resolvers.map(net),
    vendors: site.vendors.map((v) => ({ ...v, networks: v.networks.map(net), domains: names(v.domains) })),
    domains: names(site.domains),
    accepted_risks: site.accepted_risks.map((r) => ({ ...r, id: r.id && addresses(r.id), pattern: r.pattern && addresses(r.pattern) })),
  };
}
