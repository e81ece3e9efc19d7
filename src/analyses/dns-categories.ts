// Analysis A, DNS request categorisation (analyses.md A; the paper: 64 % whitelisted, 0.01 % blacklisted,
// 15.75 % self-associated, ~20 % none, botnet look-ups handed to the hospital). Every dns.log request gets
// exactly one category, security first: botnet, blacklisted, self-associated (rules a–d), whitelisted,
// uncategorised; with the rule and the feed that decided it. Also resolver bypass, encrypted DNS and DNS
// tunnelling indicators, each with its evidence. The SQL lives in the dns-*.ts modules beside this one.
import type { DuckDBConnection } from '@duckdb/node-api';
import { NetworkSet, type Network } from '../privacy/addresses.ts';
import { loadHospitalCertNames } from './dns-cert-names.ts';
import { categoriesChart, perClassChart, perDayChart, shownCategories } from './dns-charts.ts';
import { loadDohResolvers, encryptedDnsSessions, DOH_RESOLVERS } from './dns-encrypted.ts';
import { loadDnsFeeds, P, type DnsFeeds } from './dns-feeds.ts';
import { internalNetworks, siteDomains } from './dns-internal.ts';
import { flagAnswers } from './dns-answers.ts';
import { flagDohNames, flagNames, loadNames } from './dns-names.ts';
import { aggregateRequests, categorisePairs, dnsRelation, groupRequests, PAIR_HASH } from './dns-pairs.ts';
import { dohLookups, evidence, EVIDENCE_ROWS, FINDING_EVIDENCE_ROWS, perClass, perDay, resolverUse, totals, zeroes, type Slice } from './dns-results.ts';
import { methodNotes, type MethodFacts } from './dns-method.ts';
import { buildMetrics, categoryTable, classTable, dayTable, feedTable, ruleTable } from './dns-tables.ts';
import { markTunnellingCandidates, tunnellingClients, tunnellingIndicators, type TunnellingResult } from './dns-tunnelling.ts';
import { dreadMethodNotes, makeFinding } from './dread.ts';
import type { FindingType } from './finding-types.ts';
import { classifyAddresses } from './site-context.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type Finding, type Metric, type Row, type SectionResult } from './types.ts';

const TYPES: FindingType[] = ['botnet-dns-lookup', 'blacklisted-dns-lookup', 'resolver-bypass', 'dns-tunnelling'];
const TEMP = ['feed', 'top', 'listdom', 'listip', 'certname', 'doh', 'g', 'gc', 'gd', 'gs', 'pair', 'pname', 'name', 'psuf', 'revint', 'site', 'match',
  'nflag', 'ndoh', 'addr', 'addrflag', 'pcat', 'key', 'ck', 'agg', 'day', 'cname', 'dname', 'nlen', 'tcand', 'ntun', 'tun', 'enc', 'ev'];

async function dropTemp(conn: DuckDBConnection): Promise<void> {
  for (const t of TEMP) await conn.run(`DROP TABLE IF EXISTS ${P}_${t}`);
}

/** Set DuckDB's preserve_insertion_order; returns the value it had. */
async function insertionOrder(conn: DuckDBConnection, on: boolean): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT current_setting('preserve_insertion_order')`);
  await conn.run(`SET preserve_insertion_order = ${on}`);
  return r.getRows()[0]![0] === true;
}

function dohOperator(name: string): string | null {
  const hit = DOH_RESOLVERS.find((d) => name === d.host || (d.subdomains && name.endsWith(`.${d.host}`)));
  return hit?.operator ?? null;
}

/**
 * The pass over the rows and the categories. `key` replaces the pair hash (the tests force collisions with a
 * weak one). Null when the window holds no request.
 */
export async function categorise(conn: DuckDBConnection, rel: string, facts: { nets: Network[]; domains: string[] }, key = PAIR_HASH) {
  const { total, collision } = await groupRequests(conn, rel, key);
  if (total === 0) return null;
  await loadNames(conn, facts.nets);
  await flagNames(conn, facts.domains);
  await flagAnswers(conn, facts.nets);
  await categorisePairs(conn);
  await markTunnellingCandidates(conn);
  await flagDohNames(conn);
  const matched = await aggregateRequests(conn);
  if (matched !== total) throw new Error(`DNS categorisation matched ${matched} of ${total} requests to their pairs`);
  return { total, tunnelling: await tunnellingIndicators(conn), byValue: collision };
}

function groupBy(rows: Row[], key: (r: Row) => string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const requestsOf = (slices: Map<string, Slice>) => new Map([...slices].map(([k, s]) => [k, s.requests]));

/** Device classes whose clients are not the hospital's own (visitors' phones): listed, never a finding. */
const VISITOR_CLASSES = ['guest'];

interface Extra {
  tables: Record<string, Row[]>;
  metrics: Record<string, Metric>;
  findings: Finding[];
}

/** Resolver bypass: hospital clients asking a resolver that is not one of the site's. */
async function resolverBypass(ctx: AnalysisContext, nets: Network[], total: number, out: Extra): Promise<void> {
  const { conn, site } = ctx;
  if (site.resolvers.length === 0 || nets.length === 0) return;
  const resolvers = new NetworkSet(site.resolvers);
  const internal = new NetworkSet(nets.map((n) => n.text));
  await classifyAddresses(conn, site, `SELECT server FROM ${P}_gs`);
  const rows = (await resolverUse(conn))
    .filter((r) => r.client_inside !== false && !resolvers.has(String(r.client)) && !resolvers.has(String(r.server)))
    .map((r): Row => ({ client: r.client!, class: r.class!, resolver: r.server!, resolver_inside: internal.has(String(r.server)),
      requests: r.requests!, first_seen: r.first_seen!, last_seen: r.last_seen! }));
  out.tables.resolver_bypass = rows;
  const outside = rows.filter((r) => !r.resolver_inside);
  out.metrics.resolver_bypass_clients = new Set(outside.map((r) => String(r.client))).size;
  out.metrics.resolver_bypass_requests = countShare(outside.reduce((n, r) => n + Number(r.requests), 0), total);
  const hospital = outside.filter((r) => !VISITOR_CLASSES.includes(String(r.class)));
  for (const [client, rows] of groupBy(hospital, (r) => String(r.client))) out.findings.push(makeFinding('resolver-bypass', client, rows, ctx));
}

/** Encrypted DNS: DoT/DoQ sessions, DoH by TLS server name, and look-ups of DoH resolvers' names. */
async function encryptedDns(ctx: AnalysisContext, out: Extra): Promise<void> {
  const resolvers = ctx.site.resolvers.length ? new NetworkSet(ctx.site.resolvers) : null;
  const sessions = await encryptedDnsSessions(ctx.conn, ctx.site, ctx.window);
  const lookups: Row[] = (await dohLookups(ctx.conn))
    .filter((r) => r.client_inside !== false && !resolvers?.has(String(r.client)))
    .map((r) => ({
      client: r.client!, class: r.class!, method: 'DoH resolver name looked up', server: r.server!,
      operator: dohOperator(String(r.server)), count: r.lookups!, first_seen: r.first_seen!, last_seen: r.last_seen!,
    }));
  out.tables.encrypted_dns = [...sessions.map(({ sessions: count, ...r }) => ({ ...r, count: count ?? 0 }) as Row), ...lookups];
  const clientsOf = (rows: Row[]) => new Set(rows.map((r) => String(r.client))).size;
  out.metrics.dot_clients = clientsOf(sessions.filter((r) => /^Do[TQ] /.test(String(r.method))));
  out.metrics.doh_clients = clientsOf(sessions.filter((r) => String(r.method).startsWith('DoH')));
  out.metrics.doh_lookup_clients = clientsOf(lookups);
}

/** Tunnelling indicators, with the clients behind each flagged domain; findings for the suspicious ones. */
async function tunnelling(ctx: AnalysisContext, result: TunnellingResult, out: Extra): Promise<void> {
  const clients = await tunnellingClients(ctx.conn);
  out.tables.tunnelling = result.rows;
  out.tables.tunnelling_clients = clients;
  out.metrics.tunnelling_domains = result.rows.length;
  out.metrics.tunnelling_suspicious_domains = result.suspicious.length;
  const rows = new Map(result.rows.map((r) => [String(r.domain), r]));
  const byDomain = groupBy(clients, (c) => String(c.domain));
  for (const d of result.suspicious) out.findings.push(makeFinding('dns-tunnelling', d, [rows.get(d)!, ...(byDomain.get(d) ?? [])], ctx));
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const { conn, site } = ctx;
  const nets = internalNetworks(site);
  const domains = siteDomains(site);
  const facts: MethodFacts = { site, feeds: null, nets: nets.length, domains, joinedByValue: false, proxies: 0, evidenceShown: 0, evidenceTotal: 0 };
  // no result here depends on the order rows are stored in (every listing is sorted): not keeping that
  // order makes the large temp tables cheaper to fill. A global setting, put back when the section is done.
  const ordered = await insertionOrder(conn, false);
  try {
    const rel = await dnsRelation(conn, ctx.window);
    const feeds: DnsFeeds = await loadDnsFeeds(conn, site);
    facts.feeds = feeds;
    const certs = await loadHospitalCertNames(conn, site);
    facts.proxies = certs.proxies.length;
    await loadDohResolvers(conn);
    const done = await categorise(conn, rel, { nets, domains: domains.registrable });
    if (!done) return notAvailable(['dns.log rows inside the report window'], methodNotes(facts));
    facts.joinedByValue = done.byValue;
    await classifyAddresses(conn, site, `SELECT client FROM ${P}_agg`);

    const t = await totals(conn);
    const seen = await perClass(conn);
    const byDay = await perDay(conn);
    const ev = await evidence(conn, FINDING_EVIDENCE_ROWS);
    // the site's classes in its order (reported even without requests), then unclassified and outside clients
    const classes = [...new Set(site.device_classes.map((c) => c.class))];
    const byClass = new Map([...classes, ...[...seen.keys()].filter((c) => !classes.includes(c)).sort()]
      .map((c): [string, Slice] => [c, seen.get(c) ?? { requests: zeroes(), names: zeroes() }]));
    const have = { top: feeds.top !== null, botnet: feeds.botnet.length > 0, blocklist: feeds.blocklists.length > 0 };
    const cats = shownCategories(have.top).filter((c) => (c !== 'botnet' || have.botnet) && (c !== 'blacklisted' || have.blocklist));
    const metrics = buildMetrics({ total: done.total, t, byClass, byDay, classes, cats, feeds, have });
    const tables: Record<string, Row[]> = {
      categories: categoryTable(t, cats),
      self_association_rules: ruleTable(t),
      by_class: classTable(byClass, cats),
      by_day: dayTable(byDay, cats),
      evidence: ev.rows.slice(0, EVIDENCE_ROWS),
      feeds: feedTable(feeds),
    };
    if (certs.proxies.length > 0) tables.rule_d_proxies = certs.proxies;
    metrics.evidence_rows = ev.total;
    facts.evidenceTotal = ev.total;
    facts.evidenceShown = Math.min(ev.rows.length, EVIDENCE_ROWS);
    const out: Extra = { tables, metrics, findings: [] };
    for (const [key, rows] of groupBy(ev.rows, (r) => `${String(r.category)}|${String(r.client)}`)) {
      const [cat, client] = key.split('|') as [string, string];
      out.findings.push(makeFinding(cat === 'botnet' ? 'botnet-dns-lookup' : 'blacklisted-dns-lookup', client, rows, ctx));
    }
    await resolverBypass(ctx, nets, done.total, out);
    await encryptedDns(ctx, out);
    await tunnelling(ctx, done.tunnelling, out);

    const charts = [
      categoriesChart({ requests: t.requests, names: t.names }, cats),
      perClassChart(requestsOf(byClass), cats),
      perDayChart(requestsOf(byDay), cats),
    ];
    const needs = [
      ...(have.top ? [] : ['a top list for whitelisting (dhai feeds import FILE --kind toplist)']),
      ...feeds.missing,
      ...(have.botnet ? [] : ['a botnet feed (dhai feeds import FILE --kind botnet), e.g. Feodo Tracker or ThreatFox']),
      ...(have.blocklist ? [] : ['a blocklist (dhai feeds import FILE --kind blocklist)']),
      ...(site.resolvers.length > 0 ? [] : ['the site\'s resolvers (site configuration `resolvers`) to find clients that bypass them']),
    ];
    return { status: 'ok', needs, method: [...methodNotes(facts), ...dreadMethodNotes(TYPES, site)], metrics, tables, findings: out.findings, charts };
  } finally {
    await dropTemp(conn);
    await insertionOrder(conn, ordered);
  }
}

export const dnsCategories: Analysis = {
  id: 'dns-categories',
  title: 'DNS request categories: botnet, blacklisted, self-associated, whitelisted',
  tables: ['dns'],
  run,
};
