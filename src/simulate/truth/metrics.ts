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
  readonly vendorNets: Cidr[];

  constructor(site: { internal: string[]; classes: { cls: string; subnets: string[] }[]; domains: string[]; vendorDomains: string[]; vendorNets: string[] }) {
    this.internal = site.internal.map(parseCidr);
    this.classes = site.classes.map((c) => ({ cls: c.cls, nets: c.subnets.map(parseCidr) }));
    this.domains = site.domains.map((d) => d.toLowerCase());
    this.vendorDomains = site.vendorDomains.map((d) => d.toLowerCase());
    this.vendorNets = site.vendorNets.map(parseCidr);
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

  classOf(ip: string): string {
    const n = ipToInt(ip);
    for (const c of this.classes) if (c.nets.some((net) => cidrContains(net, n))) return c.cls;
    return 'unclassified';
  }

  private readonly vendorCache = new Map<string, boolean>();

  inVendorNet(ip: string): boolean {
    let r = this.vendorCache.get(ip);
    if (r === undefined) {
      r = !ip.includes(':') && this.vendorNets.some((c) => cidrContains(c, ipToInt(ip)));
      if (this.vendorCache.size < 1_000_000) this.vendorCache.set(ip, r);
    }
    return r;
  }

  /** A name equal to one of `domains` or below it. */
  static under(name: string, domains: readonly string[]): boolean {
    return domains.some((d) => name === d || name.endsWith(`.${d}`));
  }
}
