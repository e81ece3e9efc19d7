// Ground truth for section G (exposure and supply-chain) from the simulator's connections: hospital hosts
// that accepted connections from outside on medical or remote-access ports, and connections into the
// hospital from the vendors' networks. Definitions in METRICS.md.
import { cs, type Metrics, type SiteFacts } from './metrics.ts';

/** DICOM, DICOM-TLS, HL7 MLLP, RDP, SMB, VNC, Telnet (analyses.md, section G). */
export const EXPOSURE_PORTS = [104, 11112, 2762, 2575, 12575, 3389, 445, 5900, 23] as const;
/** conn_state values in which the TCP handshake completed. */
export const ACCEPTED_STATES = new Set(['SF', 'S1', 'S2', 'S3', 'RSTO', 'RSTR']);

export interface ConnFacts {
  origInside: boolean;
  respInside: boolean;
  origIp: string;
  respIp: string;
  respPort: number;
  proto: string;
  state: string;
}

export class ExposureTruth {
  private readonly exposed = new Map<number, Set<string>>();
  private acceptedInbound = 0;
  private attemptsInbound = 0;
  private vendorConns = 0;
  private readonly vendorHosts = new Set<string>();

  constructor(private readonly site: SiteFacts) {}

  conn(c: ConnFacts): void {
    if (c.proto !== 'tcp' || c.origInside || !c.respInside) return;
    const accepted = ACCEPTED_STATES.has(c.state);
    if ((EXPOSURE_PORTS as readonly number[]).includes(c.respPort)) {
      this.attemptsInbound++;
      if (accepted) {
        this.acceptedInbound++;
        let s = this.exposed.get(c.respPort);
        if (!s) this.exposed.set(c.respPort, (s = new Set()));
        s.add(c.respIp);
      }
    }
    if (accepted && this.site.inVendorNet(c.origIp)) {
      this.vendorConns++;
      this.vendorHosts.add(c.respIp);
    }
  }

  exposureMetrics(): Metrics {
    const all = new Set<string>();
    for (const s of this.exposed.values()) for (const ip of s) all.add(ip);
    const m: Metrics = {
      exposed_hosts: all.size,
      inbound_connections_exposed_ports: this.attemptsInbound,
      inbound_connections_exposed_ports_accepted: cs(this.acceptedInbound, this.attemptsInbound),
    };
    for (const p of EXPOSURE_PORTS) m[`exposed_hosts_port_${p}`] = this.exposed.get(p)?.size ?? 0;
    return m;
  }

  supplyChainMetrics(): Metrics {
    return { vendor_inbound_connections: this.vendorConns, vendor_inbound_hosts: this.vendorHosts.size };
  }
}
