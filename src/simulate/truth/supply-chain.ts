// Ground truth for section G's `supply-chain` from the simulator's own events: connections from and to the
// site's vendors (by network, by an address a vendor name resolved to for the same client, by TLS server
// name), and look-ups of remote-access tools with the sessions that followed. Definitions in METRICS.md;
// nothing here calls the analysis (src/analyses/supply-chain*.ts), so the tool list is written out again.
import { answered, MEDICAL, type ConnFacts } from './exposure.ts';
import { cs, type Metrics, type SiteFacts } from './metrics.ts';
import { normaliseName } from './dns.ts';

/** Remote-access tools by the names their clients look up (after the LOLRMM project; METRICS.md). */
export const TOOL_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  teamviewer: ['teamviewer.com'],
  anydesk: ['anydesk.com'],
  screenconnect: ['screenconnect.com', 'control.connectwise.com'],
  logmein: ['logmein.com', 'logmein.eu', 'logmeininc.com', 'logmein-gateway.com', 'logmeinrescue.com'],
  gotoassist: ['gotoassist.com', 'gotoassist.me', 'gotoassist.at', 'fastsupport.com'],
  splashtop: ['splashtop.com'],
  beyondtrust: ['beyondtrustcloud.com', 'bomgarcloud.com'],
  rustdesk: ['rustdesk.com'],
  'chrome-remote-desktop': ['remotedesktop.google.com', 'remotedesktop-pa.googleapis.com'],
  'zoho-assist': ['zohoassist.com', 'assist.zoho.com'],
  atera: ['atera.com'],
  netsupport: ['netsupportmanager.com', 'geo.netsupportsoftware.com'],
};

/** dhai's default `supply_chain.long_session_minutes` (the simulated site.yaml does not set it). */
const LONG_SESSION_US = 60 * 60e6;

const NONE: readonly string[] = [];
const under = (name: string, suffix: string) => name === suffix || name.endsWith(`.${suffix}`);

interface Reach {
  owner: string;
  host: string;
  direction: 'from' | 'to';
  sessions: number;
  long: number;
}

export class SupplyChainTruth {
  /** client → address → owners (`vendor:<name>`, `tool:<key>`) one of whose names resolved to the address for the client */
  private readonly resolved = new Map<string, Map<string, Set<string>>>();
  /** `owner|host|direction` → answered sessions */
  private readonly reach = new Map<string, Reach>();
  /** `tool|client` → counted look-ups */
  private readonly lookups = new Map<string, number>();

  constructor(private readonly site: SiteFacts) {}

  private readonly ownerCache = new Map<string, string[]>();

  /** The owners a normalised name belongs to: the vendors whose domains it is under, the tools whose suffixes it matches. */
  private ownersOf(name: string): string[] {
    let out = this.ownerCache.get(name);
    if (out === undefined) {
      out = [];
      for (const v of this.site.vendors) if (v.domains.some((d) => under(name, d))) out.push(`vendor:${v.name}`);
      for (const [tool, suffixes] of Object.entries(TOOL_SUFFIXES)) if (suffixes.some((s) => under(name, s))) out.push(`tool:${tool}`);
      // the simulated world has a bounded set of names; the cap only guards against misuse
      if (this.ownerCache.size < 1_000_000) this.ownerCache.set(name, out);
    }
    return out;
  }

  /** One dns.log row: the client, the query as written, its address answers (NOERROR only). */
  dns(clientIp: string, name: string, answerIps: readonly string[]): void {
    const owners = this.ownersOf(normaliseName(name));
    if (owners.length === 0) return;
    let byAddr = this.resolved.get(clientIp);
    if (!byAddr) this.resolved.set(clientIp, (byAddr = new Map()));
    for (const ip of answerIps) {
      let s = byAddr.get(ip);
      if (!s) byAddr.set(ip, (s = new Set()));
      for (const o of owners) s.add(o);
    }
    // look-ups by the site's resolvers (forwarding for others) and by outside clients are not counted
    if (this.site.isResolver(clientIp) || !this.site.inside(clientIp)) return;
    for (const o of owners) {
      if (!o.startsWith('tool:')) continue;
      const k = `${o.slice('tool:'.length)}|${clientIp}`;
      this.lookups.set(k, (this.lookups.get(k) ?? 0) + 1);
    }
  }

  /**
   * One connection. The simulator looks a name up before it connects to the name's address (traffic/context.ts
   * `resolve`), and no two hosts share an address, so the look-ups seen so far are all that can match it.
   */
  conn(c: ConnFacts): void {
    const ok = answered(c);
    const vo = this.site.vendorOf(c.origIp);
    const vr = this.site.vendorOf(c.respIp);
    if (vo !== null && c.respInside && vr !== vo) this.add(`vendor:${vo}`, c.respIp, 'from', c, ok);
    if (!c.origInside) return;
    const byNet = vr !== null && vo !== vr ? [`vendor:${vr}`] : NONE;
    const byDns = c.respInside ? undefined : this.resolved.get(c.origIp)?.get(c.respIp);
    const bySni = c.respInside || c.sni === undefined ? NONE : this.ownersOf(normaliseName(c.sni));
    // most connections belong to no one: nothing to merge
    if (byNet.length === 0 && byDns === undefined && bySni.length === 0) return;
    for (const o of new Set([...byNet, ...(byDns ?? []), ...bySni])) this.add(o, c.origIp, 'to', c, ok);
  }

  private add(owner: string, host: string, direction: 'from' | 'to', c: ConnFacts, ok: boolean): void {
    const k = `${owner}|${host}|${direction}`;
    let r = this.reach.get(k);
    if (!r) this.reach.set(k, (r = { owner, host, direction, sessions: 0, long: 0 }));
    if (!ok) return;
    r.sessions++;
    if ((c.durationUs ?? 0) >= LONG_SESSION_US) r.long++;
  }

  metrics(): Metrics {
    const vendor = [...this.reach.values()].filter((r) => r.owner.startsWith('vendor:') && r.sessions > 0);
    const from = vendor.filter((r) => r.direction === 'from');
    const to = vendor.filter((r) => r.direction === 'to');
    const sum = (rows: Reach[], k: 'sessions' | 'long') => rows.reduce((a, r) => a + r[k], 0);
    const hosts = new Set(vendor.map((r) => r.host));
    const m: Metrics = {
      vendors_configured: this.site.vendors.length,
      vendors_seen: new Set(vendor.map((r) => r.owner)).size,
      vendor_hosts_reached: hosts.size,
      vendor_medical_hosts_reached: cs([...hosts].filter((h) => MEDICAL.has(this.site.classOf(h))).length, hosts.size),
      vendor_sessions_from_vendor: sum(from, 'sessions'),
      vendor_sessions_to_vendor: sum(to, 'sessions'),
      vendor_long_sessions: sum(vendor, 'long'),
      vendor_long_sessions_to_vendor: sum(to, 'long'),
      vendor_long_sessions_from_vendor: sum(from, 'long'),
    };
    // sessions count for the (tool, client) pairs that have look-ups
    const pairs = [...this.lookups.keys()].map((k) => k.split('|') as [string, string]);
    m.remote_access_lookups = [...this.lookups.values()].reduce((a, n) => a + n, 0);
    m.remote_access_tools_seen = new Set(pairs.map(([t]) => t)).size;
    m.remote_access_hosts = new Set(pairs.map(([, h]) => h)).size;
    m.remote_access_sessions = pairs.reduce((a, [t, h]) => a + (this.reach.get(`tool:${t}|${h}|to`)?.sessions ?? 0), 0);
    return m;
  }
}
