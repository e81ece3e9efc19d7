// Self-association rules that need more than SQL string tests (analyses.md A.3): which site domains rule (a)
// can match, and rule (c)'s reverse zones of internal prefixes (in-addr.arpa and ip6.arpa names whose
// whole prefix lies inside one internal network).
import type { Site } from '../config/site.ts';
import { registrableDomain } from '../intel/domain.ts';
import { maskBytes, parseNetwork, type Network } from '../privacy/addresses.ts';

/** Rule (c)'s internal-only name suffixes, as the spec lists them. */
export const INTERNAL_SUFFIXES = ['local', 'lan', 'internal', 'corp'] as const;

/** Lower case, no trailing dot: the form every rule compares (as SQL over a `query` column). */
export function normalisedNameSql(col: string): string {
  return `nullif(CASE WHEN ends_with(lower(${col}), '.') THEN substr(lower(${col}), 1, length(${col}) - 1) ELSE lower(${col}) END, '')`;
}

/** Rule (c) on a normalised name column, except reverse zones (joined from a table). */
export function internalNameSql(col: string): string {
  const suffixes = INTERNAL_SUFFIXES.map((s) => `ends_with(${col}, '.${s}')`).join(' OR ');
  return `(NOT contains(${col}, '.') OR ${suffixes})`;
}

export interface SiteDomains {
  /** site domains that are registrable domains themselves: rule (a) compares registrable domains with these */
  registrable: string[];
  /** site domains below a registrable domain (e.g. intranet.hospital.org): rule (a) can never match them */
  belowRegistrable: { domain: string; registrable: string }[];
}

export function siteDomains(site: Site): SiteDomains {
  const out: SiteDomains = { registrable: [], belowRegistrable: [] };
  for (const raw of site.domains) {
    const d = raw.toLowerCase().replace(/\.$/, '');
    const reg = registrableDomain(d);
    if (reg === d) out.registrable.push(d);
    else out.belowRegistrable.push({ domain: d, registrable: reg ?? '(a public suffix)' });
  }
  out.registrable = [...new Set(out.registrable)];
  return out;
}

/** The internal networks for rules (b) and (c): the site's internal networks plus its device-class subnets. */
export function internalNetworks(site: Site): Network[] {
  const cidrs = [...site.networks.internal, ...site.device_classes.flatMap((c) => c.subnets)];
  return cidrs.map((c) => parseNetwork(c));
}

function prefixInside(nets: readonly Network[], family: 4 | 6, bytes: Uint8Array, bits: number): boolean {
  return nets.some((n) => {
    if (n.family !== family || n.prefix > bits) return false;
    const masked = maskBytes(Uint8Array.from(bytes), n.prefix);
    return masked.every((b, i) => b === n.bytes[i]);
  });
}

/**
 * Whether a normalised name is a reverse-DNS name or zone of an internal prefix: `5.1.20.10.in-addr.arpa`
 * (the address 10.20.1.5) or `20.10.in-addr.arpa` (the /16) inside an internal network; likewise nibble
 * names under ip6.arpa.
 */
export function isInternalReverse(name: string, nets: readonly Network[]): boolean {
  if (name.endsWith('.in-addr.arpa')) {
    const labels = name.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
    if (labels.length === 0 || labels.length > 4 || labels.some((l) => !/^\d{1,3}$/.test(l) || Number(l) > 255)) return false;
    const bytes = Uint8Array.from([...labels.map(Number), 0, 0, 0].slice(0, 4));
    return prefixInside(nets, 4, bytes, labels.length * 8);
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.').reverse();
    if (nibbles.length === 0 || nibbles.length > 32 || nibbles.some((l) => !/^[0-9a-f]$/.test(l))) return false;
    const bytes = new Uint8Array(16);
    nibbles.forEach((h, i) => {
      bytes[i >> 1]! |= parseInt(h, 16) << (i % 2 === 0 ? 4 : 0);
    });
    return prefixInside(nets, 6, bytes, nibbles.length * 4);
  }
  return false;
}
