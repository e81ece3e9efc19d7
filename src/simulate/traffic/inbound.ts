// Traffic into the hospital: external clients using its public servers (the population of Fig. 8, whose
// TLS versions depend on each server's behaviour and on the client's software), partners calling its APIs
// from their own networks, scanners probing medical and remote-access ports, and vendors' support staff
// connecting over RDP.
import type { ServerRole } from '../model/world.ts';
import { serverAt, type TrafficContext } from './context.ts';

/** The ports scanners probe: DICOM, DICOM-TLS, HL7 MLLP, RDP, SMB, VNC, Telnet (analyses.md, section G). */
const SCANNED_PORTS = [104, 11112, 2762, 2575, 12575, 3389, 445, 5900, 23] as const;

// Server names clients sometimes send that are not host names (attacker-controlled text: a tab, bytes that
// are not UTF-8, a NUL); U+DCxx stands for a raw byte (see zeek/schema.ts).
const ODD_SNI = ['scan\ttest', '\udcff\udcfeadmin', 'localhost\u0000', 'xn--80ak6aa92e.example', 'portal.Mercyvale-Health.example.'];

export class InboundTraffic {
  private readonly inbound: [string, ServerRole][];
  private readonly serverIps: string[];
  /** Addresses in the vendors' networks (their staff and systems). */
  private readonly partners: string[];

  constructor(private readonly ctx: TrafficContext) {
    this.inbound = [...ctx.world.servers.entries()].filter(([, r]) => r.inbound);
    this.serverIps = [...ctx.world.servers.keys()];
    this.partners = ctx.world.vendorNetworks.flatMap((v) => v.hosts);
  }

  hour(hourUs: number, localHour: number): void {
    const { rng, profile, world } = this.ctx;
    const load = profile.diurnal.inbound![localHour]!;
    const at = () => hourUs + rng.int(0, 3600e6 - 1);
    for (const [ip, role] of this.inbound) {
      for (let n = rng.poisson(role.sessionsPerHour * load); n > 0; n--) this.visit(ip, role, at());
    }
    if (this.serverIps.length > 0) for (let n = rng.poisson(profile.exposure.scans_per_hour); n > 0; n--) this.scan(at());
    // exposed services are used from outside too (imaging partners sending studies to the PACS)
    for (const [ip, role] of world.servers) {
      for (const port of role.exposedPorts) {
        for (let n = rng.poisson(profile.exposure.exposed_accepts_per_hour * load); n > 0; n--) {
          const client = rng.pick(world.externalClients);
          this.ctx.emit.conn({
            ts: at(), origIp: client.ip, respIp: ip, respPort: port, proto: 'tcp', service: undefined, durationUs: Math.round(rng.logNormal(20e6, 1)),
            origBytes: Math.round(rng.logNormal(8e6, 1.2)), respBytes: rng.int(400, 3000), state: 'SF', history: 'ShADadFf',
          });
        }
      }
    }
    const vendorHosts = this.partners;
    if (vendorHosts.length > 0 && localHour >= 8 && localHour < 18) {
      for (const [ip, role] of world.servers) {
        if (!role.vendorRdp) continue;
        for (let n = rng.poisson(profile.exposure.vendor_sessions_per_day / 10); n > 0; n--) {
          this.ctx.emit.conn({
            ts: at(), origIp: rng.pick(vendorHosts), respIp: ip, respPort: 3389, proto: 'tcp', service: 'rdp',
            durationUs: Math.round(rng.logNormal(900e6, 0.8)), origBytes: Math.round(rng.logNormal(4e5, 1)), respBytes: Math.round(rng.logNormal(6e6, 1)), state: 'SF', history: 'ShADadFf',
          });
        }
      }
    }
  }

  private visit(ip: string, role: ServerRole, ts: number): void {
    const { rng, profile, world, emit } = this.ctx;
    const ib = profile.inbound;
    const partners = this.partners;
    // partner APIs are called partly from the vendors' own networks (the supply chain)
    const fromVendor = role.role === 'partner-api' && partners.length > 0 && rng.chance(0.3);
    const n = world.externalClients.length;
    const client = world.externalClients[Math.floor(n * rng.next() * rng.next())]!;
    const clientIp = fromVendor ? rng.pick(partners) : client.ip;
    const odd = rng.chance(0.0005);
    const sni = odd ? rng.pick(ODD_SNI) : client.client.sni === false ? undefined : rng.pick(role.names);
    let t = ts;
    const sessions = rng.geometric(ib.sessions_per_client_visit);
    for (let k = 0; k < sessions; k++) {
      const resumed = k > 0 && rng.chance(ib.resume_share);
      emit.tls({
        ts: t, clientIp, respIp: ip, respPort: role.port, sni, client: client.client, offer13: rng.chance(client.client.tls13_share ?? 0),
        server: serverAt(this.ctx, role, t), chain: role.endpoint.chain, resumed, clientAbort: !resumed && rng.chance(profile.tls.failed_handshake_share),
      });
      t += Math.round(rng.exponential(20e6)) + 1000;
    }
  }

  private scan(ts: number): void {
    const { rng, world, emit } = this.ctx;
    const target = rng.pick(this.serverIps);
    const port = rng.pick(SCANNED_PORTS);
    const role = world.servers.get(target)!;
    const scanner = rng.pick(world.scanners);
    if (role.exposedPorts.includes(port)) {
      // the exposed PACS completes a DICOM association (A-ASSOCIATE-RQ/AC, release)
      emit.conn({ ts, origIp: scanner, respIp: target, respPort: port, proto: 'tcp', service: undefined, durationUs: rng.int(40000, 900000), origBytes: rng.int(200, 700), respBytes: rng.int(200, 400), state: 'SF', history: 'ShADadFf' });
    } else if (rng.chance(0.7)) {
      emit.conn({ ts, origIp: scanner, respIp: target, respPort: port, proto: 'tcp', service: undefined, durationUs: rng.int(100, 2000), origBytes: 0, respBytes: 0, state: 'REJ', history: 'Sr' });
    } else {
      emit.conn({ ts, origIp: scanner, respIp: target, respPort: port, proto: 'tcp', service: undefined, durationUs: undefined, origBytes: 0, respBytes: 0, state: 'S0', history: 'S' });
    }
  }
}
