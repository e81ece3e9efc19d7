// The shape of ground-truth metrics (the same as report.json's `sections.<id>.metrics`) and the facts about
// the site and feeds that the ground truth needs to apply METRICS.md's definitions to the simulator's events.
import { getDomain } from 'tldts';
import { cidrContains, ipToInt, parseCidr, type Cidr } from '../model/addresses.ts';

export interface CountShare {
  count: number;
  share: number;
}
export type Metric = number | CountShare;
export type Metrics = Record<string, Metric>;

export function cs(count: number, denominator: number): CountShare {
  return { count, share: denominator > 0 ? count / denominator : 0 };
}

/** Device-class names as metric-name parts: `medical-supporting` → `medical_supporting`. */
export function snake(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** Registrable domain by the Public Suffix List's ICANN section (unknown TLDs count as one label). */
export function registrable(name: string): string | null {
  return getDomain(name, { allowPrivateDomains: false, extractHostname: false, validateHostname: false });
}

/** What the ground truth knows about the site (as written to site.yaml). */
export class SiteFacts {
  private readonly internal: Cidr[];
  private readonly classes: { cls: string; nets: Cidr[] }[];
  readonly domains: string[];
  readonly vendorDomains: string[];
  readonly vendors: { name: string; nets: Cidr[]; domains: string[] }[];
  private readonly resolvers: Cidr[];

  constructor(site: {
    internal: string[];
    classes: { cls: string; subnets: string[] }[];
    domains: string[];
    vendors: { name: string; networks: string[]; domains: string[] }[];
    resolvers: string[];
  }) {
    this.internal = site.internal.map(parseCidr);
    this.classes = site.classes.map((c) => ({ cls: c.cls, nets: c.subnets.map(parseCidr) }));
    this.domains = site.domains.map((d) => d.toLowerCase());
    this.vendors = site.vendors.map((v) => ({ name: v.name, nets: v.networks.map(parseCidr), domains: v.domains.map((d) => d.toLowerCase()) }));
    this.vendorDomains = this.vendors.flatMap((v) => v.domains);
    this.resolvers = site.resolvers.map((r) => parseCidr(r.includes('/') ? r : `${r}/32`));
  }

  private readonly insideCache = new Map<string, boolean>();

  inside(ip: string): boolean {
    let r = this.insideCache.get(ip);
    if (r === undefined) {
      r = !ip.includes(':') && this.internal.some((c) => cidrContains(c, ipToInt(ip)));
      // the simulated world has a bounded set of addresses; the cap only guards against misuse
      if (this.insideCache.size < 1_000_000) this.insideCache.set(ip, r);
    }
    return r;
  }

  /** Whether a whole prefix lies inside one internal network. */
  containsPrefix(prefix: Cidr): boolean {
    return this.internal.some((c) => c.bits <= prefix.bits && cidrContains(c, prefix.base));
  }

  private readonly classCache = new Map<string, string>();

  classOf(ip: string): string {
    let r = this.classCache.get(ip);
    if (r === undefined) {
      const n = ipToInt(ip);
      r = this.classes.find((c) => c.nets.some((net) => cidrContains(net, n)))?.cls ?? 'unclassified';
      if (this.classCache.size < 1_000_000) this.classCache.set(ip, r);
    }
    return r;
  }

  private readonly vendorCache = new Map<string, string | null>();

  /** The vendor whose networks hold `ip` (the longest prefix), or null. */
  vendorOf(ip: string): string | null {
    let r = this.vendorCache.get(ip);
    if (r === undefined) {
      r = null;
      let bits = -1;
      if (!ip.includes(':')) {
        const n = ipToInt(ip);
        for (const v of this.vendors) for (const c of v.nets) if (c.bits > bits && cidrContains(c, n)) [r, bits] = [v.name, c.bits];
      }
      if (this.vendorCache.size < 1_000_000) this.vendorCache.set(ip, r);
    }
    return r;
  }

  isResolver(ip: string): boolean {
    return !ip.includes(':') && this.resolvers.some((c) => cidrContains(c, ipToInt(ip)));
  }

  /** A name equal to one of `domains` or below it. */
  static under(name: string, domains: readonly string[]): boolean {
    return domains.some((d) => name === d || name.endsWith(`.${d}`));
  }
}
