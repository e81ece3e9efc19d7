// What hospital devices do in an hour: visits (resolve a host, then one or more TLS connections to it, the
// later ones often resumed), lookups that lead to no TLS (internal names, PTR, search-suffix misses, mDNS,
// background lookups), clinical protocols in the clear (DICOM to PACS, HL7 to the interface engine), a few
// other connections (NTP, Kerberos, HTTP), and, on infected machines, botnet beacons.
import type { DnsOnlyKind, PoolName, SimClass } from '../profile.ts';
import { WeightedTable } from '../rng.ts';
import { reverseName } from '../model/addresses.ts';
import { word } from '../model/names.ts';
import type { Device, Host, Pool } from '../model/world.ts';
import { resolve, serverAt, dnsRtt, type TrafficContext } from './context.ts';

const INTERNAL_LABELS = ['wpad', 'isatap', 'fileserver', 'print', 'scanner', 'sccm', 'pacs01', 'backup'];
const TYPO_SUFFIXES = ['', '-app', '-login', 'online'];

export class ClientTraffic {
  private readonly poolTables = new Map<SimClass, WeightedTable<Pool> | null>();
  private readonly dnsOnlyTables = new Map<SimClass, WeightedTable<DnsOnlyKind> | null>();

  constructor(private readonly ctx: TrafficContext) {
    for (const [cls, cp] of Object.entries(ctx.profile.classes) as [SimClass, (typeof ctx.profile.classes)[SimClass]][]) {
      const pools = (Object.entries(cp.pools) as [PoolName, number][]).map(([k, w]) => [ctx.world.pools.get(k)!, w] as const).filter(([p, w]) => p.table && w > 0);
      this.poolTables.set(cls, pools.length ? new WeightedTable(pools.map((p) => p[0]), pools.map((p) => p[1])) : null);
      const kinds = (Object.entries(cp.dns_only) as [DnsOnlyKind, number][]).filter(([k, w]) => w > 0 && this.available(k));
      this.dnsOnlyTables.set(cls, kinds.length ? new WeightedTable(kinds.map((k) => k[0]), kinds.map((k) => k[1])) : null);
    }
  }

  private available(k: DnsOnlyKind): boolean {
    const b = this.ctx.world.background;
    switch (k) {
      case 'site_names':
      case 'search_suffix':
        return b.site.length > 0 || k === 'search_suffix';
      case 'internal_ad':
        return b.internal.length > 0;
      case 'vendor_onprem':
        return b.vendorOnprem.length > 0;
      case 'alias_names':
        return b.alias.length > 0;
      case 'popular_background':
      case 'ptr_external':
        return b.popular.length > 0;
      case 'longtail_background':
        return b.longtail.length > 0;
      default:
        return true;
    }
  }

  /** Everything `device` starts during the hour beginning at `hourUs`, scaled by `load`. */
  hour(device: Device, hourUs: number, load: number): void {
    const { rng, profile } = this.ctx;
    const cp = profile.classes[device.cls];
    const pools = this.poolTables.get(device.cls);
    if (pools) for (let n = rng.poisson(cp.visits_per_hour * load); n > 0; n--) this.visit(device, pools.pick(rng), this.at(hourUs), cp.sessions_per_visit);
    const kinds = this.dnsOnlyTables.get(device.cls);
    if (kinds) for (let n = rng.poisson(cp.dns_only_per_hour * load); n > 0; n--) this.lookup(device, kinds.pick(rng), this.at(hourUs));
    const w = this.ctx.world;
    if (w.pacsIp) for (let n = rng.poisson(cp.dicom_per_hour * load); n > 0; n--) this.clinical(device, w.pacsIp, 104, this.at(hourUs), true);
    if (w.hl7Ip) for (let n = rng.poisson(cp.hl7_per_hour * load); n > 0; n--) this.clinical(device, w.hl7Ip, 2575, this.at(hourUs), false);
    for (let n = rng.poisson(cp.other_per_hour * load); n > 0; n--) this.other(device, this.at(hourUs));
    if (device.infected) for (let n = rng.poisson(1 / profile.threats.beacon_hours); n > 0; n--) this.beacon(device, this.at(hourUs));
    if (device.cls !== 'server' && device.cls !== 'medical-device') {
      for (let n = rng.poisson(profile.threats.blacklisted_per_device_hour * load); n > 0; n--) this.visitHost(device, rng.pick(w.threats.blacklisted), this.at(hourUs), 1);
    }
  }

  /** A uniformly random moment of the hour. */
  private at(hourUs: number): number {
    return hourUs + this.ctx.rng.int(0, 3600e6 - 1);
  }

  private visit(device: Device, pool: Pool, ts: number, sessionsMean: number): void {
    this.visitHost(device, pool.table!.pick(this.ctx.rng), ts, sessionsMean);
  }

  private visitHost(device: Device, host: Host, ts: number, sessionsMean: number): void {
    const { rng, profile, emit, world } = this.ctx;
    if (!host.tls) return;
    let t = resolve(this.ctx, device, host, ts);
    const ip = rng.pick(host.ips);
    const role = host.serverIp ? world.servers.get(host.serverIp) : undefined;
    const sessions = rng.geometric(sessionsMean);
    for (let k = 0; k < sessions; k++) {
      const resumed = k > 0 && rng.chance(profile.tls.resume_share);
      emit.tls({
        ts: t,
        clientIp: device.ip,
        respIp: ip,
        respPort: host.tls.port,
        sni: device.client.sni === false ? undefined : host.name,
        client: device.client,
        offer13: rng.chance(device.client.tls13_share ?? 0),
        server: role ? serverAt(this.ctx, role, t) : host.tls.server,
        chain: host.tls.chain,
        resumed,
        clientAbort: !resumed && rng.chance(profile.tls.failed_handshake_share),
      });
      t += Math.round(rng.exponential(12e6)) + 1000;
    }
  }

  /** A lookup nothing connects to afterwards. */
  private query(device: Device, ts: number, name: string, qtype: 'A' | 'PTR', ips: string[], cnames: string[], ptr: string | null, ttl: number, rcode: 'NOERROR' | 'NXDOMAIN'): void {
    const { rng, world, profile, emit } = this.ctx;
    const servfail = rcode === 'NOERROR' && rng.chance(profile.dns.servfail_share);
    emit.dns({
      ts, clientIp: device.ip, cls: device.cls, resolverIp: device.resolver, name, qtype, cnames, ips, ptr, ttl, rcode: servfail ? 'SERVFAIL' : rcode,
      rttUs: dnsRtt(this.ctx, !world.resolvers.includes(device.resolver)), mdns: false,
    });
  }

  private hostQuery(device: Device, ts: number, h: Host): void {
    this.query(device, ts, h.name, 'A', h.ips, h.cnames, null, h.ttl, 'NOERROR');
  }

  private lookup(device: Device, kind: DnsOnlyKind, ts: number): void {
    const { rng, world, profile, emit } = this.ctx;
    const b = world.background;
    switch (kind) {
      case 'site_names':
        return this.hostQuery(device, ts, rng.pick(b.site));
      case 'internal_ad':
        return this.hostQuery(device, ts, rng.pick(b.internal));
      case 'vendor_onprem':
        return this.hostQuery(device, ts, rng.pick(b.vendorOnprem));
      case 'alias_names':
        return this.hostQuery(device, ts, rng.pick(b.alias));
      case 'popular_background':
        return this.hostQuery(device, ts, rng.pick(b.popular));
      case 'longtail_background':
        return this.hostQuery(device, ts, rng.pick(b.longtail));
      case 'internal_nx': {
        const label = rng.pick(INTERNAL_LABELS);
        const name = rng.chance(0.4) ? label : rng.chance(0.5) ? `${label}.local` : `${label}.${profile.hospital.ad_domain}`;
        return this.query(device, ts, name, 'A', [], [], null, 300, 'NXDOMAIN');
      }
      case 'ptr_internal': {
        const target = rng.pick(world.devices);
        const known = rng.chance(0.7);
        const ptr = known ? `host-${target.ip.split('.').slice(1).join('-')}.${profile.hospital.ad_domain}` : null;
        return this.query(device, ts, reverseName(target.ip), 'PTR', [], [], ptr, 1200, known ? 'NOERROR' : 'NXDOMAIN');
      }
      case 'ptr_external': {
        const h = rng.pick(b.popular);
        const known = rng.chance(0.5);
        const ptr = known ? `${h.ips[0]!.replace(/\./g, '-')}.static.${word(rng)}-isp.example` : null;
        return this.query(device, ts, reverseName(rng.pick(h.ips)), 'PTR', [], [], ptr, 3600, known ? 'NOERROR' : 'NXDOMAIN');
      }
      case 'search_suffix': {
        const h = b.popular.length > 0 ? rng.pick(b.popular).name : `${word(rng)}.example`;
        return this.query(device, ts, `${h}.${rng.pick(profile.hospital.domains)}`, 'A', [], [], null, 300, 'NXDOMAIN');
      }
      case 'typo_nx':
        return this.query(device, ts, `${word(rng)}${rng.pick(TYPO_SUFFIXES)}.example`, 'A', [], [], null, 300, 'NXDOMAIN');
      case 'mdns':
        emit.dns({
          ts, clientIp: device.ip, cls: device.cls, resolverIp: '224.0.0.251', name: rng.pick(profile.dns.mdns_names), qtype: 'PTR', cnames: [], ips: [], ptr: null,
          ttl: 120, rcode: null, rttUs: 0, mdns: true,
        });
        return;
    }
  }

  /** DICOM or HL7 in the clear, device to the hospital's own system. */
  private clinical(device: Device, server: string, port: number, ts: number, dicom: boolean): void {
    const r = this.ctx.rng;
    this.ctx.emit.conn({
      ts, origIp: device.ip, respIp: server, respPort: port, proto: 'tcp', service: undefined,
      durationUs: Math.round(r.logNormal(dicom ? 8e6 : 0.4e6, 1)), origBytes: Math.round(r.logNormal(dicom ? 4e6 : 1800, 1)), respBytes: r.int(300, 2000),
      state: 'SF', history: 'ShADadFf',
    });
  }

  private other(device: Device, ts: number): void {
    const { rng, world, emit } = this.ctx;
    const x = rng.next();
    if (device.cls !== 'guest' && x < 0.4 && world.ntpIps.length > 0) {
      emit.conn({ ts, origIp: device.ip, origPort: 123, respIp: rng.pick(world.ntpIps), respPort: 123, proto: 'udp', service: 'ntp', durationUs: rng.int(300, 3000), origBytes: 48, respBytes: 48, state: 'SF', history: 'Dd' });
    } else if (device.cls !== 'guest' && x < 0.7 && world.dcIps.length > 0) {
      emit.conn({ ts, origIp: device.ip, respIp: rng.pick(world.dcIps), respPort: 88, proto: 'tcp', service: 'krb_tcp', durationUs: rng.int(2000, 40000), origBytes: rng.int(1200, 1800), respBytes: rng.int(1300, 1700), state: 'SF', history: 'ShADadFf' });
    } else if (world.background.popular.length > 0) {
      // plain HTTP: certificate revocation checks, update metadata
      const host = rng.pick(world.background.popular);
      const t = resolve(this.ctx, device, host, ts);
      emit.conn({ ts: t, origIp: device.ip, respIp: rng.pick(host.ips), respPort: 80, proto: 'tcp', service: 'http', durationUs: Math.round(rng.logNormal(0.3e6, 1)), origBytes: rng.int(300, 700), respBytes: Math.round(rng.logNormal(2500, 1.2)), state: 'SF', history: 'ShADadFf' });
    }
  }

  /** A botnet beacon: look up one of the family's names, then talk to the answer. */
  private beacon(device: Device, ts: number): void {
    const { rng, emit } = this.ctx;
    const fam = device.infected!;
    const i = rng.int(0, fam.names.length - 1);
    const ip = fam.ips[i % fam.ips.length]!;
    const host: Host = { name: fam.names[i]!, cnames: [], ips: [ip], ttl: 300, tls: null };
    device.dnsCache.delete(host.name);
    const t = resolve(this.ctx, device, host, ts);
    emit.conn({ ts: t, origIp: device.ip, respIp: ip, respPort: rng.pick([443, 8080, 447]), proto: 'tcp', service: undefined, durationUs: rng.int(200000, 3000000), origBytes: rng.int(400, 3000), respBytes: rng.int(200, 9000), state: 'SF', history: 'ShADadFf' });
  }
}
