// The Internet the hospital talks to: the real popular services of the profile (whitelisted through the
// shipped top list), the advertising networks, the fictional long tail of sites, and fictional
// advertising-technology hosts. Every host gets addresses, a TLS configuration and a certificate chain.
import { getDomain } from 'tldts';
import type { PoolName, Profile, ServiceDef } from '../profile.ts';
import { WeightedTable, zipfWeights, type Rng } from '../rng.ts';
import type { AddressBook } from './addresses.ts';
import { dnValue, type CertFactory, type Chain, type ChainKind } from './certs.ts';
import { HOST_PREFIXES, type NameSource } from './names.ts';
import type { Host } from './world.ts';

export interface WeightedHost {
  host: Host;
  weight: number;
}

export interface ExternalBuild {
  pools: Partial<Record<PoolName, WeightedHost[]>>;
  /** Registrable domains of the popular services, most popular first: the top list feed. */
  topList: string[];
}

export interface BuildContext {
  rng: Rng;
  profile: Profile;
  certs: CertFactory;
  addresses: AddressBook;
  names: NameSource;
}

export function weightedMix<K extends string>(mix: Partial<Record<K, number>>): WeightedTable<K> {
  const keys = (Object.keys(mix) as K[]).filter((k) => (mix[k] ?? 0) > 0);
  return new WeightedTable(keys, keys.map((k) => mix[k]!));
}

function registrable(name: string): string {
  return getDomain(name, { allowPrivateDomains: false }) ?? name;
}

/** A chain under one of the profile's public CAs (leaf + intermediate). */
export function publicChain(ctx: BuildContext, caKey: string, leaf: Parameters<CertFactory['leaf']>[0], kind: ChainKind = 'public'): Chain {
  const ca = ctx.profile.cas[caKey]!;
  const inter = ctx.certs.ca(ca.subject, ca.issuer, ca.ecdsa ?? false);
  const cert = ctx.certs.leaf({ ...leaf, issuer: ca.subject, ecdsa: leaf.ecdsa ?? ca.ecdsa ?? false });
  return { kind, certs: kind === 'missing-intermediate' ? [cert] : [cert, inter] };
}

function hostNames(s: ServiceDef, n: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < n; i++) {
    const domain = s.domains[i % s.domains.length]!;
    const round = Math.floor(i / s.domains.length);
    const prefix = HOST_PREFIXES[round % HOST_PREFIXES.length]!;
    const name = `${prefix}${round >= HOST_PREFIXES.length ? Math.floor(round / HOST_PREFIXES.length) : ''}.${domain}`;
    if (!seen.has(name)) {
      seen.add(name);
      out.push(name);
    }
  }
  return out;
}

function cdnNames(ctx: BuildContext, s: ServiceDef, name: string): string[] {
  if (s.cname === 'akamai') return [`${name}.edgekey.net`, `e${ctx.rng.int(1000, 9999)}.dscx.akamaiedge.net`];
  if (s.cname === 'cloudfront') return [`d${ctx.rng.hex(13)}.cloudfront.net`];
  return [];
}

function popular(ctx: BuildContext, out: ExternalBuild): void {
  const { rng, profile } = ctx;
  const low = new Set(
    rng.shuffle(profile.services.filter((s) => s.certs >= 10 && s.service.length >= 5).map((s) => s.service)).slice(0, profile.ct.popular_low_services),
  );
  const topWeight = new Map<string, number>();
  for (const s of profile.services) {
    const server = profile.servers[s.tls]!;
    const ctRate = low.has(s.service) ? profile.ct.popular_low_rate[0] + rng.next() * (profile.ct.popular_low_rate[1] - profile.ct.popular_low_rate[0]) : profile.ct.popular;
    const names = hostNames(s, Math.max(s.certs, s.domains.length) + Math.ceil(s.weight));
    const block = ctx.addresses.block();
    const chains: Chain[] = [];
    for (let j = 0; j < s.certs; j++) {
      const covered = names.filter((_, i) => i % s.certs === j);
      const first = covered[0]!;
      const wildcard = `*.${registrable(first)}`;
      const sans = j % 2 === 0 ? [...new Set([wildcard, ...covered])] : covered;
      chains.push(
        publicChain(ctx, s.ca, {
          cn: j % 2 === 0 ? wildcard : first,
          rest: `O=${s.org},C=US`,
          sans,
          issuer: '',
          validity: 'valid',
          lifetimeDays: 365,
          inCt: rng.chance(ctRate),
        }),
      );
    }
    const z = zipfWeights(names.length, 0.9);
    const zSum = z.reduce((a, b) => a + b, 0);
    const pool: PoolName = s.kind === 'ads' ? 'ads' : 'popular';
    const list = (out.pools[pool] ??= []);
    names.forEach((name, i) => {
      const host: Host = {
        name,
        cnames: cdnNames(ctx, s, name),
        ips: [ctx.addresses.external(block), ctx.addresses.external(block)],
        ttl: rng.int(profile.dns.ttl_popular[0], profile.dns.ttl_popular[1]),
        tls: { server, chain: chains[i % s.certs]!, port: 443 },
      };
      list.push({ host, weight: (s.weight * z[i]!) / zSum });
    });
    for (let k = 0; k < (s.unknown_issuer_hosts ?? 0); k++) {
      const name = `${HOST_PREFIXES[(k * 7 + 3) % HOST_PREFIXES.length]}${k + 2}.${s.domains[k % s.domains.length]}`;
      const chain = publicChain(
        ctx,
        s.unknown_ca!,
        { cn: name, rest: `O=${s.org},C=US`, sans: [name], issuer: '', validity: 'valid', inCt: rng.chance(profile.ct.unknown_issuer) },
        'missing-intermediate',
      );
      const host: Host = { name, cnames: [], ips: [ctx.addresses.external(block)], ttl: rng.int(profile.dns.ttl_popular[0], profile.dns.ttl_popular[1]), tls: { server, chain, port: 443 } };
      (out.pools.reputable_unknown ??= []).push({ host, weight: s.weight / (k + 1) });
    }
    for (const d of s.domains) {
      const r = registrable(d);
      topWeight.set(r, Math.max(topWeight.get(r) ?? 0, s.weight));
    }
  }
  // most popular first; ties keep the profile's order (Array.prototype.sort is stable)
  out.topList = [...topWeight.keys()].sort((a, b) => topWeight.get(b)! - topWeight.get(a)!);
}

function pickChainKind(ctx: BuildContext): 'public' | 'private-ca' | 'self-signed' | 'expired' {
  const m = ctx.profile.fictional.longtail_chain;
  return weightedMix(m).pick(ctx.rng);
}

/** A leaf for a fictional site, under a public CA, a private CA, or self-signed. */
export function fictionalChain(ctx: BuildContext, kind: 'public' | 'private-ca' | 'self-signed' | 'expired', cn: string, sans: string[], org: string | null, ctRate: number, privateCas: string[]): Chain {
  const { rng, profile } = ctx;
  const rest = org ? `O=${dnValue(org)},C=US` : undefined;
  if (kind === 'self-signed') {
    const leaf = ctx.certs.leaf({ cn, rest, sans, issuer: '', validity: 'valid', selfSigned: true, inCt: false, lifetimeDays: 3650 });
    return { kind: 'self-signed', certs: [leaf] };
  }
  if (kind === 'private-ca') {
    const caOrg = rng.pick(privateCas);
    const subject = `CN=${dnValue(caOrg)} Issuing CA,O=${dnValue(caOrg)}`;
    const inter = ctx.certs.ca(subject, `CN=${dnValue(caOrg)} Root CA,O=${dnValue(caOrg)}`);
    const leaf = ctx.certs.leaf({ cn, rest, sans, issuer: subject, validity: 'valid', inCt: false });
    return { kind: 'private-ca', certs: [leaf, inter] };
  }
  const caKey = weightedMix(profile.public_ca_mix).pick(rng);
  const lifetimeDays = caKey === 'letsencrypt-x3' ? 90 : 365;
  return publicChain(ctx, caKey, { cn, rest: caKey === 'letsencrypt-x3' ? undefined : rest, sans, issuer: '', validity: kind === 'expired' ? 'expired' : 'valid', lifetimeDays, inCt: rng.chance(ctRate) });
}

function longtail(ctx: BuildContext, out: ExternalBuild, privateCas: string[]): void {
  const { rng, profile } = ctx;
  const f = profile.fictional;
  const servers = weightedMix(f.longtail_servers);
  const z = zipfWeights(f.longtail_sites, f.longtail_zipf);
  const list = (out.pools.longtail ??= []);
  for (let k = 0; k < f.longtail_sites; k++) {
    const domain = ctx.names.site();
    const names = [`www.${domain}`, ...(rng.chance(0.4) ? [`cdn.${domain}`] : []), ...(rng.chance(0.25) ? [`api.${domain}`] : [])];
    const chain = fictionalChain(ctx, pickChainKind(ctx), names[0]!, [domain, ...names], rng.chance(0.3) ? ctx.names.org() : null, profile.ct.longtail, privateCas);
    const server = profile.servers[servers.pick(rng)]!;
    const ttl = rng.int(profile.dns.ttl_longtail[0], profile.dns.ttl_longtail[1]);
    names.forEach((name, i) => {
      list.push({ host: { name, cnames: [], ips: [ctx.addresses.external()], ttl, tls: { server, chain, port: 443 } }, weight: z[k]! / (i + 1) });
    });
  }
}

function adtech(ctx: BuildContext, out: ExternalBuild): void {
  const { rng, profile } = ctx;
  const f = profile.fictional;
  const z = zipfWeights(f.adtech_hosts, 0.8);
  const list = (out.pools.adtech_expired ??= []);
  const servers = weightedMix(f.longtail_servers);
  for (let k = 0; k < f.adtech_hosts; k++) {
    const domain = ctx.names.site().replace(/\.example$/, `-${rng.pick(['ads', 'track', 'pixel', 'bid', 'sync'])}.example`);
    const name = `${rng.pick(['px', 'cdn', 'sync', 'rtb', 'ads'])}.${domain}`;
    const expired = rng.chance(f.adtech_expired_share);
    const chain = fictionalChain(ctx, expired ? 'expired' : 'public', name, [name, domain], ctx.names.org(), profile.ct.adtech, []);
    const server = profile.servers[servers.pick(rng)]!;
    list.push({ host: { name, cnames: [], ips: [ctx.addresses.external()], ttl: rng.int(60, 600), tls: { server, chain, port: 443 } }, weight: z[k]! });
  }
}

/** Builds the external pools. `privateCas` names the fictional organisations that run their own CAs. */
export function buildExternal(ctx: BuildContext, privateCas: string[]): ExternalBuild {
  const out: ExternalBuild = { pools: {}, topList: [] };
  popular(ctx, out);
  longtail(ctx, out, privateCas);
  adtech(ctx, out);
  return out;
}

