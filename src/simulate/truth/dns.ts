// Ground truth for section A (dns-categories), from the simulator's own DNS events. Requests are tallied by
// (client class, name, answer addresses) as they are generated; categories are decided at the end, because
// rule (d) needs every certificate hospital servers presented during the window. METRICS.md defines each rule.
import { parseCidr } from '../model/addresses.ts';
import { nameMatches } from '../model/certs.ts';
import { cs, registrable, SiteFacts, snake, type Metrics } from './metrics.ts';

export const CATEGORIES = ['botnet', 'blacklisted', 'self_associated', 'whitelisted', 'uncategorised'] as const;
export type Category = (typeof CATEGORIES)[number];
type SelfRule = 'a' | 'b' | 'c' | 'd';

export interface DnsFeeds {
  botnetNames: Map<string, string>;
  botnetIps: Map<string, string>;
  blockedNames: Set<string>;
  /** Registrable domains in the top list, with their rank. */
  topRanks: Map<string, number>;
  topN: number;
}

const INTERNAL_SUFFIXES = ['.local', '.lan', '.internal', '.corp'];

/** The listed domain a name falls under (itself or a parent), if any. */
function listed<T>(name: string, list: { get?: (k: string) => T | undefined; has: (k: string) => boolean }): string | null {
  for (let n = name; ; ) {
    if (list.has(n)) return n;
    const dot = n.indexOf('.');
    if (dot < 0) return null;
    n = n.slice(dot + 1);
  }
}

interface Tally {
  ips: readonly string[];
  /** requests by client class, then by UTC day (days since the epoch) */
  byClass: Map<string, Map<number, number>>;
  /** Clients, kept only for names that may turn out botnet or blacklisted. */
  clients: Set<string> | null;
}

const DAY_US = 86_400_000_000;

/** A UTC day (days since the epoch) as metric names write it: 2018_01_02. */
function dayKey(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '_');
}

/** Per category of CATEGORIES (by index), and the total. */
class Counts {
  readonly byCat = new Array<number>(CATEGORIES.length).fill(0);
  total = 0;
  add(cat: number, n: number): void {
    this.byCat[cat]! += n;
    this.total += n;
  }
}

/** Highest-priority category (lowest index) per name within one slice (a class or a day). */
function lowest(map: Map<string, number>, name: string, cat: number): void {
  const had = map.get(name);
  if (had === undefined || cat < had) map.set(name, cat);
}

export class DnsTruth {
  /** Requests by name, then by answer set (usually the same array object each time), then by client class. */
  private readonly tally = new Map<string, Tally[]>();

  constructor(private readonly watch: (name: string) => boolean) {}

  /** One dns.log row: `name` as written (it is normalised here), `answerIps` the address answers, `tsUs` its time. */
  request(cls: string, clientIp: string, name: string, answerIps: readonly string[], tsUs: number): void {
    const n = normaliseName(name);
    let list = this.tally.get(n);
    if (!list) this.tally.set(n, (list = []));
    let t: Tally | undefined;
    for (const x of list) if (x.ips === answerIps) t = x;
    if (!t) for (const x of list) if (sameList(x.ips, answerIps)) t = x;
    if (!t) list.push((t = { ips: answerIps, byClass: new Map(), clients: this.watch(n) ? new Set() : null }));
    let days = t.byClass.get(cls);
    if (!days) t.byClass.set(cls, (days = new Map()));
    const day = Math.floor(tsUs / DAY_US);
    days.set(day, (days.get(day) ?? 0) + 1);
    t.clients?.add(clientIp);
  }

  finish(site: SiteFacts, feeds: DnsFeeds, hospitalCertNames: ReadonlySet<string>, classes: readonly string[]): Metrics {
    const wildcards = [...hospitalCertNames].filter((p) => p.startsWith('*.'));
    const ruleFor = (name: string, ips: string[]): SelfRule | null => {
      const reg = registrable(name);
      if (reg && site.domains.includes(reg)) return 'a';
      if (ips.some((ip) => site.inside(ip))) return 'b';
      if (!name.includes('.') || INTERNAL_SUFFIXES.some((s) => name.endsWith(s)) || internalReverse(name, site)) return 'c';
      if (hospitalCertNames.has(name) || wildcards.some((w) => nameMatches(w, name))) return 'd';
      return null;
    };
    const categorise = (name: string, ips: string[]): { cat: Category; rule: SelfRule | null; family: string | null } => {
      const bn = listed(name, feeds.botnetNames);
      if (bn) return { cat: 'botnet', rule: null, family: feeds.botnetNames.get(bn)! };
      const ipFamily = ips.map((ip) => feeds.botnetIps.get(ip)).find((f) => f !== undefined);
      if (ipFamily) return { cat: 'botnet', rule: null, family: ipFamily };
      if (listed(name, feeds.blockedNames)) return { cat: 'blacklisted', rule: null, family: null };
      const rule = ruleFor(name, ips);
      if (rule) return { cat: 'self_associated', rule, family: null };
      const reg = registrable(name);
      const rank = reg ? feeds.topRanks.get(reg) : undefined;
      if (rank !== undefined && rank <= feeds.topN) return { cat: 'whitelisted', rule: null, family: null };
      return { cat: 'uncategorised', rule: null, family: null };
    };

    const byCat: Record<string, number> = {};
    const byRule: Record<SelfRule, number> = { a: 0, b: 0, c: 0, d: 0 };
    const byFamily = new Map<string, number>();
    const byClass = new Map<string, Counts>();
    const byDay = new Map<number, Counts>();
    const nameCat = new Map<string, number>();
    // per class and per day: each name's highest-priority category among that slice's requests
    const classNames = new Map<string, Map<string, number>>();
    const dayNames = new Map<number, Map<string, number>>();
    const slice = <K>(m: Map<K, Map<string, number>>, k: K) => m.get(k) ?? m.set(k, new Map()).get(k)!;
    const counts = <K>(m: Map<K, Counts>, k: K) => m.get(k) ?? m.set(k, new Counts()).get(k)!;
    const clients: Record<'botnet' | 'blacklisted', Set<string>> = { botnet: new Set(), blacklisted: new Set() };
    let total = 0;
    for (const [name, list] of this.tally) {
      for (const t of list) {
        const { cat, rule, family } = categorise(name, t.ips as string[]);
        // a name takes the highest-priority category any of its requests had
        const rank = CATEGORIES.indexOf(cat);
        nameCat.set(name, Math.min(nameCat.get(name) ?? rank, rank));
        if (cat === 'botnet' || cat === 'blacklisted') for (const ip of t.clients ?? []) clients[cat].add(ip);
        for (const [cls, days] of t.byClass) {
          lowest(slice(classNames, cls), name, rank);
          for (const [day, count] of days) {
            total += count;
            byCat[cat] = (byCat[cat] ?? 0) + count;
            if (rule) byRule[rule] += count;
            if (family) byFamily.set(family, (byFamily.get(family) ?? 0) + count);
            counts(byClass, cls).add(rank, count);
            counts(byDay, day).add(rank, count);
            lowest(slice(dayNames, day), name, rank);
          }
        }
      }
    }
    const namesByCat = (names: Map<string, number> | undefined): Counts => {
      const c = new Counts();
      for (const r of names?.values() ?? []) c.add(r, 1);
      return c;
    };

    const m: Metrics = { requests_total: total };
    for (const cat of CATEGORIES) m[`requests_${cat}`] = cs(byCat[cat] ?? 0, total);
    const self = byCat.self_associated ?? 0;
    m.self_associated_rule_a_site_domain = cs(byRule.a, self);
    m.self_associated_rule_b_internal_answer = cs(byRule.b, self);
    m.self_associated_rule_c_internal_name = cs(byRule.c, self);
    m.self_associated_rule_d_hospital_certificate = cs(byRule.d, self);
    m.names_total = nameCat.size;
    for (const cat of CATEGORIES) {
      let n = 0;
      for (const r of nameCat.values()) if (CATEGORIES[r] === cat) n++;
      m[`names_${cat}`] = cs(n, nameCat.size);
    }
    m.botnet_clients = clients.botnet.size;
    m.blacklisted_clients = clients.blacklisted.size;
    for (const f of [...new Set([...feeds.botnetIps.values(), ...feeds.botnetNames.values()])].sort()) {
      m[`botnet_family_${snake(f)}`] = cs(byFamily.get(f) ?? 0, byCat.botnet ?? 0);
    }
    const slices: [string, Counts, Counts][] = [
      ...classes.map((cls): [string, Counts, Counts] => [`class_${snake(cls)}`, byClass.get(cls) ?? new Counts(), namesByCat(classNames.get(cls))]),
      ...[...byDay.keys()].sort((a, b) => a - b).map((d): [string, Counts, Counts] => [`day_${dayKey(d)}`, byDay.get(d)!, namesByCat(dayNames.get(d))]),
    ];
    for (const [k, req, names] of slices) {
      m[`${k}_requests`] = req.total;
      CATEGORIES.forEach((cat, i) => (m[`${k}_${cat}`] = cs(req.byCat[i]!, req.total)));
      m[`${k}_names_total`] = names.total;
      CATEGORIES.forEach((cat, i) => (m[`${k}_${cat}_names`] = cs(names.byCat[i]!, names.total)));
    }
    return m;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower case, no trailing dot: the form every rule compares. */
export function normaliseName(name: string): string {
  // nearly every name already is; checking is cheaper than copying
  if (!/[A-Z]|\.$/.test(name)) return name;
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

/** `d.c.b.a.in-addr.arpa`, or a shorter reverse zone, whose prefix lies inside one internal network. */
function internalReverse(name: string, site: SiteFacts): boolean {
  if (!name.endsWith('.in-addr.arpa')) return false;
  const labels = name.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
  if (labels.length === 0 || labels.length > 4 || labels.some((l) => !/^\d{1,3}$/.test(l) || Number(l) > 255)) return false;
  const octets = [...labels.map(Number), 0, 0, 0].slice(0, 4);
  return site.containsPrefix(parseCidr(`${octets.join('.')}/${labels.length * 8}`));
}
