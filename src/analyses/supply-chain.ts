// Analysis G, supply chain (analyses.md G; the Trend Micro / HITRUST report: 30 % of 2016 breaches came
// through third-party vendors): sessions from the site's configured vendor networks, long-lived sessions to
// vendor clouds, remote-access tools looked up in DNS, and per vendor which hospital hosts it reaches.
import { NetworkSet } from '../privacy/addresses.ts';
import { countRows, windowWhere } from './connections.ts';
import { dreadMethodNotes, makeFinding } from './dread.ts';
import type { FindingType } from './finding-types.ts';
import { vendorReachChart } from './g-charts.ts';
import { REMOTE_ACCESS_TOOLS } from './remote-access-tools.ts';
import { MEDICAL_CLASSES } from './services.ts';
import { dropSupplyChain, loadSupplyChain, reach, toolLookups } from './supply-chain-data.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type ChartSpec, type Finding, type Metric, type Row, type SectionResult } from './types.ts';

const TABLE = 'g_sc_conn';
const TYPES: FindingType[] = ['vendor-access', 'vendor-long-session', 'remote-access-tool'];

function method(ctx: AnalysisContext, longSeconds: number): string[] {
  return [
    'Vendors are the site configuration\'s `vendors`: a session belongs to a vendor when one end is in its networks, or when a hospital host reached an address that one of the vendor\'s domains resolved to for that same host (dns.log answers), or named the domain in TLS SNI.',
    'from-vendor: a vendor network originated to a hospital host; to-owner: a hospital host reached the vendor. Sessions count when answered (TCP: handshake completed; UDP: a reply).',
    `A long-lived session lasts at least ${longSeconds / 60} minutes (site setting supply_chain.long_session_minutes; default 60, dhai decides).`,
    `Remote-access tools are recognised by the names their clients look up, after the LOLRMM project: ${REMOTE_ACCESS_TOOLS.map((t) => t.name).join(', ')}. Clients inside the site's resolvers are not counted (they forward other hosts' look-ups); a client is a hospital host unless the site's networks place it outside.`,
    'Each connection counts once: a uid seen by two sensors is one connection.',
    ...dreadMethodNotes(TYPES, ctx.site),
  ];
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const longSeconds = ctx.site.supply_chain.long_session_minutes * 60;
  const haveVendors = ctx.site.vendors.some((v) => v.networks.length > 0 || v.domains.length > 0);
  const haveDns = (await countRows(ctx.conn, `SELECT count(*) FROM (SELECT 1 FROM dns LIMIT 1)`)) > 0;
  if (!haveVendors && !haveDns) {
    return notAvailable(['vendors in the site configuration (vendors: name, networks, domains)', 'dns.log'], method(ctx, longSeconds));
  }
  // only the connections a vendor or tool matches are loaded (supply-chain-conn.ts), not the whole window
  const haveConn = (await countRows(ctx.conn, `SELECT count(*) FROM (SELECT 1 FROM conn WHERE ${windowWhere(ctx.window)} LIMIT 1)`)) > 0;
  try {
    if (!haveConn && !haveDns) return notAvailable(['conn.log rows inside the report window'], method(ctx, longSeconds));
    await loadSupplyChain(ctx.conn, ctx.site, ctx.window, TABLE);
    const notes = method(ctx, longSeconds);
    const metrics: Record<string, Metric> = {};
    const tables: Record<string, Row[]> = {};
    const findings: Finding[] = [];
    const charts: ChartSpec[] = [];

    if (haveVendors) {
      const rows = await reach(ctx.conn, 'vendor', longSeconds);
      tables.vendor_reach = rows;
      const answered = rows.filter((r) => Number(r.sessions) > 0);
      const hosts = new Set(answered.map((r) => String(r.host)));
      const medical = new Set(answered.filter((r) => (MEDICAL_CLASSES as readonly string[]).includes(String(r.class))).map((r) => String(r.host)));
      const sum = (rs: Row[], k: string) => rs.reduce((a, r) => a + Number(r[k]), 0);
      metrics.vendors_configured = ctx.site.vendors.length;
      metrics.vendors_seen = new Set(answered.map((r) => String(r.vendor))).size;
      metrics.vendor_hosts_reached = hosts.size;
      metrics.vendor_medical_hosts_reached = countShare(medical.size, hosts.size);
      metrics.vendor_sessions_from_vendor = sum(rows.filter((r) => r.direction === 'from-vendor'), 'sessions');
      metrics.vendor_sessions_to_vendor = sum(rows.filter((r) => r.direction === 'to-owner'), 'sessions');
      metrics.vendor_long_sessions = sum(rows, 'long_sessions');
      // analyses.md G names long-lived sessions *to* vendor clouds; long vendor sessions into the site are apart
      metrics.vendor_long_sessions_to_vendor = sum(rows.filter((r) => r.direction === 'to-owner'), 'long_sessions');
      metrics.vendor_long_sessions_from_vendor = sum(rows.filter((r) => r.direction === 'from-vendor'), 'long_sessions');
      for (const r of answered) {
        const subject = `${String(r.vendor)}/${String(r.host)}`;
        if (r.direction === 'from-vendor') findings.push(makeFinding('vendor-access', subject, [r], ctx));
        else if (Number(r.long_sessions) > 0) findings.push(makeFinding('vendor-long-session', subject, [r], ctx));
      }
      charts.push(vendorReachChart(answered));
    } else notes.push('The site configures no vendors: vendor reach is not reported.');

    if (haveDns) {
      const resolvers = ctx.site.resolvers.length ? new NetworkSet(ctx.site.resolvers) : null;
      const lookups = (await toolLookups(ctx.conn)).filter((r) => !resolvers?.has(String(r.host)));
      const sessions = new Map((await reach(ctx.conn, 'tool', longSeconds)).map((r) => [`${String(r.tool)}|${String(r.host)}`, r]));
      const rows: Row[] = lookups.map((l) => {
        const s = sessions.get(`${String(l.tool)}|${String(l.host)}`);
        return {
          ...l,
          sessions: Number(s?.sessions ?? 0), bytes: Number(s?.bytes ?? 0), max_duration_s: Number(s?.max_duration_s ?? 0),
          long_sessions: Number(s?.long_sessions ?? 0),
        };
      });
      tables.remote_access = rows;
      metrics.remote_access_lookups = rows.reduce((a, r) => a + Number(r.lookups), 0);
      metrics.remote_access_tools_seen = new Set(rows.map((r) => String(r.tool))).size;
      metrics.remote_access_hosts = new Set(rows.map((r) => String(r.host))).size;
      metrics.remote_access_sessions = rows.reduce((a, r) => a + Number(r.sessions), 0);
      for (const r of rows) findings.push(makeFinding('remote-access-tool', `${String(r.tool)}/${String(r.host)}`, [r], ctx));
    } else notes.push('No dns.log: remote-access tools are not looked for.');

    return { status: 'ok', needs: [], method: notes, metrics, tables, findings, charts };
  } finally {
    await dropSupplyChain(ctx.conn);
    await ctx.conn.run(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}

export const supplyChain: Analysis = {
  id: 'supply-chain',
  title: 'Supply chain: vendor access and remote-access tools',
  tables: ['conn'],
  run,
};
