// What a shareable export may carry: per section, the metrics allowed out and, for each, what it counts and
// which hospital devices it rests on. Deny by default: a metric no rule names stays out (and the manifest says
// so), whatever a future analysis adds. Only `metrics` are ever read; tables, findings and evidence never.
//
// Kinds of figure:
//   events        a count of sessions, requests, names or certificates (with its share): kept as it is
//   devices       a {count, share} of devices: the share is kept, the device count withheld
//   device_count  a plain count of devices: turned into a share of its population, the count withheld
//   parameter     a setting of the analysis (e.g. the top-list cut-off): rests on no device
// Base: the population of hospital devices the figure rests on, either one of bases.ts's populations or a
// device count the section itself reports (`inbound_devices` for the inbound figures, …).
import { KNOWN_DEVICE_CLASSES } from '../config/site.ts';
import type { SectionId } from '../analyses/types.ts';

export type Kind = 'events' | 'devices' | 'device_count' | 'parameter';
export type BaseRef = { population: string } | { metric: string } | null;

export interface Rule {
  pattern: RegExp;
  kind: Kind;
  base: (m: RegExpExecArray) => BaseRef;
  /** the capture group holding a name that comes from data (a feed's family, a top-list service), checked for the site's words */
  dynamic?: number;
}

/** Device classes every site shares (site.ts) in metric spelling; a site's own class names stay out. */
export const SHARED_CLASSES: readonly string[] = [...KNOWN_DEVICE_CLASSES, 'unclassified'].map((c) => c.replace(/-/g, '_'));
const CLASS = `(${SHARED_CLASSES.join('|')})`;
const DNS_CATEGORY = '(botnet|blacklisted|self_associated|whitelisted|uncategorised)';
const VERSION_BUCKET = '(sessions|sslv2|sslv3|tlsv10|tlsv11|tlsv12|tlsv13|other|dtlsv10|dtlsv12|dtlsv13|tlsv13_drafts|version_unknown|rate_tls12_plus|obsolete)';
const STATUS = '(ok|unknown_issuer|self_signed|expired|not_yet_valid|other_failure|unavailable)';

const pop = (population: string) => () => ({ population });
const met = (metric: string) => () => ({ metric });
// bases named by the first capture group: the devices of that direction, or the DNS clients of that class
const directionDevices = (m: RegExpExecArray) => ({ metric: `${m[1]}_devices` });
const dnsClass = (m: RegExpExecArray) => ({ population: `dns_class:${m[1]}` });
// `d`: match indices, so that the manifest can replace a dynamic part where it stands
const rule = (pattern: string, kind: Kind, base: Rule['base'], dynamic?: number): Rule => ({ pattern: new RegExp(`^${pattern}$`, 'd'), kind, base, dynamic });

export const ALLOW: Record<SectionId, Rule[]> = {
  'dns-categories': [
    rule('requests_total', 'events', pop('dns')),
    rule(`requests_${DNS_CATEGORY}`, 'events', pop('dns')),
    rule('names_total', 'events', pop('dns')),
    rule(`names_${DNS_CATEGORY}`, 'events', pop('dns')),
    rule('(botnet|blacklisted)_clients', 'device_count', pop('dns')),
    // the families come from the botnet feeds (public names); the share is of botnet requests
    rule('botnet_family_([a-z0-9_]{1,48})', 'events', met('botnet_clients'), 1),
    rule(`class_${CLASS}_requests`, 'events', dnsClass),
    rule(`class_${CLASS}_${DNS_CATEGORY}`, 'events', dnsClass),
    rule(`class_${CLASS}_names_total`, 'events', dnsClass),
    rule(`class_${CLASS}_${DNS_CATEGORY}_names`, 'events', dnsClass),
    rule('resolver_bypass_requests', 'events', pop('dns')),
    rule('resolver_bypass_clients', 'device_count', pop('dns')),
    rule('whitelist_top_n', 'parameter', () => null),
  ],
  'tls-versions': [
    rule(`(inbound|outbound)_${VERSION_BUCKET}`, 'events', directionDevices),
    rule(`internal_${VERSION_BUCKET}`, 'events', pop('tls_internal')),
    rule('(inbound|outbound)_devices', 'device_count', pop('all')),
    rule('(inbound|outbound)_devices_(obsolete|dtlsv10|tlsv13_draft)_at_least_once', 'devices', directionDevices),
  ],
  'cipher-quality': [
    rule('fresh_sessions', 'events', pop('fresh')),
    rule('class_(insecure|weak|secure|recommended|unknown)', 'events', pop('fresh')),
    rule('mozilla_(modern|intermediate|old|none)', 'events', pop('fresh')),
    rule('suite_hash_(md5|sha1|sha256|sha384|sha512|other|unknown|secure)', 'events', pop('fresh')),
    rule('(forward_secrecy|aead|pq_kex)', 'events', pop('fresh')),
    rule('cert_sig_(sessions|md5|sha1|sha256|sha384|sha512|other|unknown)', 'events', pop('fresh_leaf')),
  ],
  'obsolete-devices': [
    rule('(inbound|outbound)_devices', 'device_count', pop('all')),
    rule('(inbound|outbound)_status_(never|only_obsolete|persisting|stopped|dormant)', 'devices', directionDevices),
  ],
  'tls-report-cards': [
    rule('(servers|inbound_servers)', 'device_count', pop('all')),
    rule('grade_(a_plus|a|a_minus|b|c|d|e|f)', 'devices', met('servers')),
    rule('inbound_grade_b_or_worse', 'devices', met('inbound_servers')),
  ],
  'cert-issues': [
    rule('fresh_sessions', 'events', pop('fresh')),
    rule(`status_${STATUS}`, 'events', pop('fresh')),
    rule(`effective_(${STATUS.slice(1, -1)}|internal_ca)`, 'events', pop('fresh')),
    rule('sessions_(with_issue|expired_cert|not_yet_valid_cert|with_x509|weak_key|sig_md5|sig_sha1)', 'events', pop('fresh')),
    rule('issue_(unknown_issuer|self_signed|expired)', 'events', pop('issue')),
    rule('unknown_issuer_(no_issuer|reputable)', 'events', pop('status:unknown_issuer')),
  ],
  'ct-transparency': [
    rule('certs_(total|logged|logged_by_sct|logged_by_zeek|logged_by_feed)', 'events', pop('ct')),
    rule('certs_self_signed(_logged)?', 'events', pop('ct_self_signed')),
    rule('hospital_certs(_logged|_not_logged)?', 'events', pop('ct_hospital')),
    rule('services_(kept|kept_below_90pct)', 'events', pop('ct')),
    rule('service_([a-z0-9_]{1,64})_logged', 'events', (m) => ({ population: `ct_service:${m[1]}` }), 1),
  ],
  exposure: [
    rule('connections(\\.(internal|inbound|outbound|external|unknown))?', 'events', pop('conn')),
    rule('(exposed_hosts|medical_devices_seen)', 'device_count', pop('all')),
    rule('exposed_medical_hosts', 'devices', met('exposed_hosts')),
    rule('medical_devices_(internet|guest)', 'devices', met('medical_devices_seen')),
  ],
  'supply-chain': [
    rule('(vendor_hosts_reached|remote_access_hosts)', 'device_count', pop('all')),
    rule('vendor_medical_hosts_reached', 'devices', met('vendor_hosts_reached')),
  ],
};

/** The populations of device_count figures, in the words the manifest uses. */
export const POPULATION_WORDS: Record<string, string> = {
  all: 'hospital devices seen in the window (conn, dns and ssl)',
  dns: 'hospital devices that sent DNS requests',
};

export function findRule(section: SectionId, metric: string): { rule: Rule; match: RegExpExecArray } | undefined {
  for (const r of ALLOW[section] ?? []) {
    const m = r.pattern.exec(metric);
    if (m) return { rule: r, match: m };
  }
  return undefined;
}
