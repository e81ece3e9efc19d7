// Fig. 9's services (paper §E): the top list's first N domains collapsed to services, each the registrable
// domain's label without its public suffix (google.com and google.fr are both "google"), names shorter than
// the minimum dropped so short strings do not match everywhere; a certificate belongs to a service when the
// service's name occurs in its subject, case-insensitively (the paper's regular-expression rule), or, as an
// option, in one of its SAN DNS names.
import { getDomainWithoutSuffix } from 'tldts';
import type { TopList } from './cert-feeds.ts';

/** Service names from the top list's first `topN` domains, in rank order, each once. */
export function servicesFromTopList(top: TopList, topN: number, minLength: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of top.domains.slice(0, topN)) {
    const label = getDomainWithoutSuffix(d.domain, { allowPrivateDomains: false })?.toLowerCase();
    if (!label || label.length < minLength || seen.has(label)) continue;
    seen.add(label);
    out.push(label);
  }
  return out;
}

/** A service name as part of a metric name: `service_<name>_logged` (lower case, runs of other characters as `_`). */
export function serviceMetricName(service: string): string {
  return `service_${service.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}_logged`;
}
