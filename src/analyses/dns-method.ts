// The method notes of analysis A: every decision analyses.md marks "dhai decides", and what this run used
// (feeds and their dates, N, the site facts the rules depend on), in words a reader of the report follows.
import type { Site } from '../config/site.ts';
import { PROXY_REGISTRABLE_DOMAINS } from './dns-cert-names.ts';
import { DOH_RESOLVERS, DOT_PORT } from './dns-encrypted.ts';
import type { DnsFeeds } from './dns-feeds.ts';
import { INTERNAL_SUFFIXES, type SiteDomains } from './dns-internal.ts';
import { FINDING_EVIDENCE_ROWS } from './dns-results.ts';
import { TUNNELLING_METHOD } from './dns-tunnelling.ts';

export interface MethodFacts {
  site: Site;
  feeds: DnsFeeds | null;
  /** internal networks plus device-class subnets */
  nets: number;
  domains: SiteDomains;
  /** two distinct (query, answers) pairs shared a hash, so the requests were grouped by the pairs' values */
  joinedByValue: boolean;
  /** inside responders left out of rule (d) as proxies */
  proxies: number;
  /** evidence rows in the table, and all there are */
  evidenceShown: number;
  evidenceTotal: number;
}

const day = (iso: string) => iso.slice(0, 10);

export function methodNotes(f: MethodFacts): string[] {
  const notes = [
    'Every dns.log row is one request and falls into exactly one category, the first that applies (dhai decides the order, security first): ' +
      'botnet, blacklisted, self-associated, whitelisted, uncategorised.',
    'Names are compared in lower case without a trailing dot. A listed domain matches itself and every name below it; a host taken from a listed URL (URLhaus) matches only itself as a name, and never as an answer address, because such hosts are often shared.',
    'botnet: the name or one of its answer addresses is on a botnet feed (Feodo Tracker, ThreatFox entries with a malware family); the family is the feed\'s. ' +
      'blacklisted: the name or an answer address is on any blocklist. The evidence table lists client, name, answers, first and last request, the listing that matched and the feed\'s date.',
    'self-associated (dhai decides; the first rule that holds is reported): (a) the registrable domain is one of the site\'s domains; (b) an answer lies in the internal networks; ' +
      `(c) an internal-only name: a single label, a name under ${INTERNAL_SUFFIXES.map((s) => `.${s}`).join(', ')}, or a reverse-DNS name of an internal prefix (in-addr.arpa, ip6.arpa); ` +
      '(d) the name, or its parent under a wildcard, appears in the subject CN or SAN of a certificate a hospital server presented (any stored ssl.log session, not only the window).',
    `Rule (d) leaves out an inside responder whose certificates name more than ${PROXY_REGISTRABLE_DOMAINS} registrable domains: a web proxy (Zeek sees the sites' own certificates through the proxy's CONNECT tunnel) or an intercepting gateway, not a server of the hospital's own sites (dhai decides).`,
    'Registrable domains come from the Public Suffix List, ICANN section (tldts), never from the last two labels.',
    'A distinct name counts once, in the highest-priority category any of its requests had; shares of names are over all distinct names in the window. ' +
      'Per device class and per day, a name counts once in each class whose clients requested it and on each day it was requested, in the highest-priority category of that class\'s (that day\'s) own requests for it: the names of all classes or days add up to more than the distinct names of the window.',
    'Requests without a query name can only be botnet or blacklisted by an answer address, self-associated by rule (b), or uncategorised.',
    'When several sensors logged DNS, each connection (uid) is counted from one sensor only, with all of that sensor\'s requests for it.',
    'Device classes come from the site\'s subnets; "unclassified" is an internal client in no class subnet, "outside" a client outside the internal networks.',
    `Resolver bypass: a hospital client sending DNS (port 53) to a resolver that is not in the site's resolvers; the site's resolvers themselves are left out as clients (they forward). ` +
      'A bypass to an internal server is listed (it may be an unlisted resolver: add it to `resolvers`); only bypass to outside resolvers raises a finding.',
    `Encrypted DNS: DNS over TLS (TCP ${DOT_PORT}) and over QUIC (UDP ${DOT_PORT}) from conn.log; DNS over HTTPS by the TLS server name of ${DOH_RESOLVERS.length} endpoints of well-known public resolvers ` +
      '(major operators of curl\'s public DoH list), and look-ups of those names. DoH on other names cannot be told from web traffic without payloads.',
    TUNNELLING_METHOD,
  ];
  const feeds = f.feeds;
  if (feeds?.top) {
    notes.push(`whitelisted: the registrable domain is within the top ${feeds.topN} of the top list ${feeds.top.name} (${day(feeds.top.date)}, ${feeds.top.entries} entries; ` +
      `N is the site setting dns.top_n). A list ranking several names of one registrable domain gives it its best rank.`);
  } else if (feeds) {
    notes.push('No top list is loaded: whitelisting was not applied, so requests for popular domains count as uncategorised and no whitelisted share is reported.');
  }
  if (feeds && feeds.botnet.length === 0) notes.push('No botnet feed is loaded: the botnet category was not applied and is not reported.');
  if (feeds && feeds.blocklists.length === 0) notes.push('No blocklist is loaded: the blacklisted category was not applied and is not reported.');
  for (const d of f.domains.belowRegistrable) {
    notes.push(`Site domain ${d.domain} is not a registrable domain (its registrable domain is ${d.registrable}): rule (a) compares registrable domains, so it never matches; list ${d.registrable} if the whole domain is the hospital's.`);
  }
  if (f.domains.registrable.length === 0) notes.push('The site lists no domains: rule (a) did not apply.');
  if (f.nets === 0) notes.push('The site lists no internal networks or device classes: rules (b) and the reverse-zone part of (c) did not apply, and resolver bypass was not assessed.');
  if (f.site.resolvers.length === 0) notes.push('The site lists no resolvers: resolver bypass was not assessed.');
  if (f.proxies > 0) notes.push(`${f.proxies} inside responder(s) were left out of rule (d) as proxies (table rule_d_proxies).`);
  if (f.evidenceShown < f.evidenceTotal) {
    notes.push(`The evidence table shows ${f.evidenceShown} of ${f.evidenceTotal} rows (botnet first, at most ${FINDING_EVIDENCE_ROWS} names per client, the most requested first); the counts include them all.`);
  }
  if (f.joinedByValue) notes.push('Two distinct (query, answers) pairs share a 64-bit hash in this window: requests were grouped by the pairs\' values instead (slower, same result).');
  return notes;
}
