// Settings of the certificate analyses (E cert-issues, F ct-transparency) that the site file does not carry:
// the root store to verify against (`--roots FILE`), the reputable issuer organisations, the CT log list, and
// the service-matching rules of Fig. 9. The report passes them as `certs` on the analysis context; the field
// is declared here (interface merging) so the shared context type needs no change. Every field has a default.
import type { CtLogList } from '../intel/ct-log-list.ts';
import type { CtLookupSettings } from '../intel/ct-online.ts';
import type { TrustStore } from '../x509/trust-store.ts';

/**
 * An issuer organisation counted as reputable. `organisations` are prefixes of the O= value compared word by
 * word after folding case and punctuation ("Samsung Electronics" matches "Samsung Electronics Co., Ltd."),
 * so a made-up "Applewood Systems" never matches "apple inc".
 */
export interface ReputableVendor {
  name: string;
  organisations: string[];
}

/**
 * Default reputable vendors (dhai decides): the organisations the paper names (Apple, Microsoft, Samsung, IBM),
 * the other large platform vendors whose device and cloud certificates chain to roots outside Mozilla's store,
 * and the big medical-device makers. Override with `certs.reputableVendors`.
 */
export const DEFAULT_REPUTABLE_VENDORS: readonly ReputableVendor[] = [
  { name: 'Apple', organisations: ['Apple Inc'] },
  { name: 'Microsoft', organisations: ['Microsoft Corporation', 'Microsoft Corp'] },
  { name: 'Google', organisations: ['Google Inc', 'Google LLC', 'Google Trust Services'] },
  { name: 'Amazon', organisations: ['Amazon'] },
  { name: 'Samsung', organisations: ['Samsung Electronics', 'Samsung SDS'] },
  { name: 'IBM', organisations: ['International Business Machines', 'IBM'] },
  { name: 'Cisco', organisations: ['Cisco Systems'] },
  { name: 'Oracle', organisations: ['Oracle Corporation', 'Oracle America'] },
  { name: 'Intel', organisations: ['Intel Corporation'] },
  { name: 'Dell', organisations: ['Dell Inc', 'Dell Technologies', 'Dell EMC'] },
  { name: 'HP', organisations: ['Hewlett Packard', 'Hewlett-Packard', 'HP Inc'] },
  { name: 'VMware', organisations: ['VMware'] },
  { name: 'Meta', organisations: ['Facebook Inc', 'Meta Platforms'] },
  { name: 'Siemens', organisations: ['Siemens'] },
  { name: 'GE Healthcare', organisations: ['GE Healthcare', 'General Electric'] },
  { name: 'Philips', organisations: ['Philips', 'Koninklijke Philips'] },
];

export interface CertAnalysisOptions {
  /** Root store for our own chain verification (default: Node's bundled Mozilla roots). */
  roots?: TrustStore;
  /** A PEM bundle to load as the root store (`dhai report --roots FILE`); ignored when `roots` is given. */
  rootsFile?: string;
  reputableVendors?: readonly ReputableVendor[];
  /** CT log list for embedded-SCT verification (default: the newest stored lists, else the shipped table; intel/ct-log-store.ts). */
  ctLogList?: CtLogList;
  /** Also match services in SAN DNS names, not only in the subject (the paper matched subjects only). */
  servicesInSans?: boolean;
  /** Top-list domains collapsed to services (paper: 500). */
  serviceTopN?: number;
  /** Services with shorter names are dropped (paper: 5). */
  serviceMinLength?: number;
  /** Services with fewer distinct certificates are dropped (paper: 10). */
  serviceMinCerts?: number;
  /** A name's registrable domain in this many top-list entries makes it a popular service (default 100 000, as section A). */
  popularTopN?: number;
  /** The online CT look-up; absent (the default) means no request is made (`dhai report --ct-lookup`). */
  ctLookup?: CtLookupSettings;
}

declare module './types.ts' {
  interface AnalysisContext {
    /** Settings of the certificate analyses; absent means every default. */
    certs?: CertAnalysisOptions;
  }
}

export const CERT_DEFAULTS = {
  serviceTopN: 500,
  serviceMinLength: 5,
  serviceMinCerts: 10,
  popularTopN: 100_000,
} as const;

function words(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The vendor an issuer organisation (O= value) belongs to, or null. */
export function reputableVendorOf(org: string | null, vendors: readonly ReputableVendor[] = DEFAULT_REPUTABLE_VENDORS): string | null {
  if (!org) return null;
  const o = words(org);
  for (const v of vendors) {
    for (const prefix of v.organisations) {
      const p = words(prefix);
      if (p !== '' && (o === p || o.startsWith(`${p} `))) return v.name;
    }
  }
  return null;
}

/** The reputable vendors in force: the report's option, else the site's list, else dhai's default. */
export function reputableVendors(opts: CertAnalysisOptions, site: { reputable_vendors?: ReputableVendor[] }): readonly ReputableVendor[] {
  return opts.reputableVendors ?? site.reputable_vendors ?? DEFAULT_REPUTABLE_VENDORS;
}

export function describeVendors(vendors: readonly ReputableVendor[]): string {
  return vendors.map((v) => `${v.name} (${v.organisations.join(' / ')})`).join(', ');
}
