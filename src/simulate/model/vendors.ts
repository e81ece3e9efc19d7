// Fictional cloud medical vendors (their hosts, certificates, and the remote-support networks some of them
// reach the hospital from) and the threat side of the world: botnet command-and-control names and
// addresses, and blacklisted names. All names are under `.example`; threat addresses are documentation
// addresses (RFC 5737), so the simulated feeds never list a real host.
import { WeightedTable, zipfWeights } from '../rng.ts';
import { intToIp } from './addresses.ts';
import { dnValue } from './certs.ts';
import { fictionalChain, publicChain, weightedMix, type BuildContext, type WeightedHost } from './external.ts';
import type { Host, ThreatFamily } from './world.ts';

export interface Vendor {
  label: string;
  org: string;
  domain: string;
  /** A /24 the vendor's support staff connect from, when it has one. */
  network: string | null;
}

export interface VendorBuild {
  vendors: Vendor[];
  cloud: WeightedHost[];
  noIssuer: WeightedHost[];
}

const VENDOR_HOSTS = ['api', 'portal', 'updates', 'telemetry', 'remote', 'sync', 'images', 'auth'];

export function buildVendors(ctx: BuildContext): VendorBuild {
  const { rng, profile } = ctx;
  const f = profile.fictional;
  const servers = weightedMix(f.medical_servers);
  const out: VendorBuild = { vendors: [], cloud: [], noIssuer: [] };
  const z = zipfWeights(f.medical_vendors, 0.7);
  for (let v = 0; v < f.medical_vendors; v++) {
    const { label, org } = ctx.names.vendor();
    const domain = `${label}.example`;
    ctx.names.reserve(domain);
    const network = v < f.vendor_networks ? `${intToIp(ctx.addresses.reserveBlock())}/24` : null;
    out.vendors.push({ label, org, domain, network });
    const server = profile.servers[servers.pick(rng)]!;
    for (let h = 0; h < f.medical_hosts_per_vendor; h++) {
      const name = `${VENDOR_HOSTS[h % VENDOR_HOSTS.length]}.${domain}`;
      // the least used hosts of the last vendors keep an expired certificate
      const remaining = (f.medical_vendors - v) * f.medical_hosts_per_vendor - h;
      const expired = remaining <= f.medical_expired_certs && h === f.medical_hosts_per_vendor - 1;
      const chain = fictionalChain(ctx, expired ? 'expired' : 'public', name, [name], org, profile.ct.medical_cloud, []);
      out.cloud.push({ host: { name, cnames: [], ips: [ctx.addresses.external()], ttl: rng.int(300, 3600), tls: { server, chain, port: 443 } }, weight: z[v]! / (h + 1) });
    }
  }
  // the paper's certificates with no issuer at all, served by cloud medical companies
  for (let k = 0; k < f.medical_no_issuer_certs; k++) {
    const vendor = out.vendors[k % out.vendors.length]!;
    const name = `gw${k + 1}.${vendor.domain}`;
    const leaf = ctx.certs.leaf({ cn: name, rest: `O=${dnValue(vendor.org)},C=US`, sans: [name], issuer: '', validity: 'valid', inCt: false });
    const server = profile.servers[servers.pick(rng)]!;
    out.noIssuer.push({
      host: { name, cnames: [], ips: [ctx.addresses.external()], ttl: rng.int(300, 3600), tls: { server, chain: { kind: 'no-issuer', certs: [leaf] }, port: 443 } },
      weight: 1 / (k + 1),
    });
  }
  return out;
}

export interface ThreatBuild {
  families: ThreatFamily[];
  blacklisted: Host[];
}

export function buildThreats(ctx: BuildContext): ThreatBuild {
  const { rng, profile } = ctx;
  const t = profile.threats;
  const families: ThreatFamily[] = t.families.map((family) => {
    const names = Array.from({ length: t.c2_names_per_family }, () => ctx.names.dga());
    const ips = [ctx.addresses.documentation(), ctx.addresses.documentation()];
    // ZeuS trackers listed domains; the Feodo-family trackers list addresses, so some names are only caught
    // through their answers
    const listed = new Set(family === 'ZeuS' ? names : names.filter(() => !rng.chance(t.beacon_by_ip_share)));
    return { family, names, ips, listedNames: listed };
  });
  const blacklisted: Host[] = [];
  const cas = weightedMix(profile.public_ca_mix);
  const servers = weightedMix(profile.fictional.longtail_servers);
  for (let k = 0; k < t.blacklisted_names; k++) {
    const base = ctx.names.site().replace(/\.example$/, '');
    const name = `${rng.pick(['secure', 'login', 'account', 'verify', 'update', 'docs'])}-${base}.example`;
    ctx.names.reserve(name);
    const chain = publicChain(ctx, cas.pick(rng), { cn: name, sans: [name], issuer: '', validity: 'valid', lifetimeDays: 90, inCt: true });
    blacklisted.push({ name, cnames: [], ips: [ctx.addresses.documentation()], ttl: 300, tls: { server: profile.servers[servers.pick(rng)]!, chain, port: 443 } });
  }
  return { families, blacklisted };
}

export function tableOf(hosts: WeightedHost[]): WeightedTable<Host> | null {
  return hosts.length === 0 ? null : new WeightedTable(hosts.map((h) => h.host), hosts.map((h) => h.weight));
}
