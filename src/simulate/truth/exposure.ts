// Ground truth for section G's `exposure` from the simulator's connections (every conn.log row it writes):
// directions, inbound attempts, the hospital services outside peers reached, medical devices' peers,
// cleartext DICOM/HL7, and TLS sessions on the DICOM ports. Definitions in METRICS.md; nothing here calls
// the analysis (src/analyses/exposure*.ts), so the port list is written out again on purpose.
import { cs, type Metrics, type SiteFacts } from './metrics.ts';

/** What the ground truth hears of each connection, with the values conn.log gets. */
export interface ConnFacts {
  origIp: string;
  respIp: string;
  origInside: boolean;
  respInside: boolean;
  respPort: number;
  proto: 'tcp' | 'udp';
  service: string | undefined;
  state: string;
  history: string;
  /** resp_bytes as logged (unset when the connection has no duration) */
  respBytes: number | undefined;
  respPkts: number;
  durationUs: number | undefined;
  /** The TLS server name of the session on this connection (ssl.log `server_name`), when it is one. */
  sni: string | undefined;
  /** The connection carries a TLS session that has an ssl.log row. */
  tls: boolean;
}

/** conn_state values of a TCP connection whose handshake completed (with `h` in the history). */
const COMPLETED_STATES = new Set(['SF', 'S1', 'S2', 'S3', 'RSTO', 'RSTR']);
/** The device classes whose hosts count as medical. */
export const MEDICAL = new Set(['medical-device', 'medical-supporting']);

/** Watched inbound TCP services: port → key; web consoles count only on hosts of the medical classes. */
export const SERVICE_PORTS: ReadonlyMap<number, string> = new Map([
  [104, 'dicom'], [11112, 'dicom'], [2762, 'dicom-tls'], [2575, 'hl7-mllp'], [12575, 'hl7-mllp'], [3389, 'rdp'],
  [5900, 'vnc'], [23, 'telnet'], [445, 'smb'], [21, 'ftp'], [1433, 'mssql'], [1521, 'oracle'], [3306, 'mysql'],
  [5432, 'postgresql'], [27017, 'mongodb'], [80, 'web-console'], [443, 'web-console'], [8080, 'web-console'], [8443, 'web-console'],
]);
const SERVICE_KEYS = [...new Set(SERVICE_PORTS.values())];
const CLEARTEXT_CLINICAL_PORTS = new Set([104, 11112, 2575, 12575]);
const DICOM_TLS_PORTS = new Set([2762, 104, 11112]);

export const completed = (c: ConnFacts) => c.proto === 'tcp' && COMPLETED_STATES.has(c.state) && c.history.includes('h');

/** TCP: completed; UDP: the responder sent something. */
export const answered = (c: ConnFacts) =>
  c.proto === 'tcp' ? completed(c) : c.respPkts > 0 || (c.respBytes ?? 0) > 0 || c.history.includes('d');

interface Service {
  key: string;
  host: string;
  sessions: number;
  probes: number;
}

export class ExposureTruth {
  private readonly dirs = { internal: 0, inbound: 0, outbound: 0, external: 0 };
  private inboundAnswered = 0;
  private inboundProbed = 0;
  private readonly probePeers = new Set<string>();
  private readonly services = new Map<string, Service>();
  private readonly medicalSeen = new Set<string>();
  private readonly medicalInternet = new Set<string>();
  private readonly medicalGuest = new Set<string>();
  private clinical = 0;
  private clinicalCross = 0;
  private clinicalOffsite = 0;
  private dicomTls = 0;

  constructor(private readonly site: SiteFacts) {}

  conn(c: ConnFacts): void {
    const { origInside: oIn, respInside: rIn } = c;
    this.dirs[oIn && rIn ? 'internal' : rIn ? 'inbound' : oIn ? 'outbound' : 'external']++;
    const ok = answered(c);
    const oCls = oIn ? this.site.classOf(c.origIp) : null;
    const rCls = rIn ? this.site.classOf(c.respIp) : null;
    if (!oIn && rIn) this.inbound(c, ok, rCls!);
    this.medical(c.origIp, oCls, rIn, rCls, ok);
    this.medical(c.respIp, rCls, oIn, oCls, ok);
    if (c.proto === 'tcp' && CLEARTEXT_CLINICAL_PORTS.has(c.respPort) && ok && !(c.service ?? '').toLowerCase().includes('ssl')) {
      this.clinical++;
      if (oIn && rIn && oCls !== rCls) this.clinicalCross++;
      if (oIn && !rIn) this.clinicalOffsite++;
    }
    if (c.tls && DICOM_TLS_PORTS.has(c.respPort)) this.dicomTls++;
  }

  private inbound(c: ConnFacts, ok: boolean, rCls: string): void {
    const probed = c.proto === 'tcp' && !ok && c.history.includes('S');
    if (ok) this.inboundAnswered++;
    if (probed) {
      this.inboundProbed++;
      this.probePeers.add(c.origIp);
    }
    const key = c.proto === 'tcp' ? SERVICE_PORTS.get(c.respPort) : undefined;
    if (key === undefined || (key === 'web-console' && !MEDICAL.has(rCls))) return;
    const id = `${c.respIp}|${c.respPort}`;
    let s = this.services.get(id);
    if (!s) this.services.set(id, (s = { key, host: c.respIp, sessions: 0, probes: 0 }));
    if (ok) s.sessions++;
    if (probed) s.probes++;
  }

  /** One end of a connection: a medical device, and whether it talked to the Internet or a guest network. */
  private medical(ip: string, cls: string | null, peerInside: boolean, peerCls: string | null, ok: boolean): void {
    if (cls !== 'medical-device') return;
    this.medicalSeen.add(ip);
    if (!ok) return;
    if (!peerInside) this.medicalInternet.add(ip);
    if (peerCls === 'guest') this.medicalGuest.add(ip);
  }

  metrics(): Metrics {
    const total = this.dirs.internal + this.dirs.inbound + this.dirs.outbound + this.dirs.external;
    const inbound = this.dirs.inbound;
    const all = [...this.services.values()];
    const exposed = all.filter((s) => s.sessions > 0);
    const hosts = new Set(exposed.map((s) => s.host));
    const m: Metrics = { connections: total };
    for (const [d, n] of Object.entries(this.dirs)) m[`connections.${d}`] = cs(n, total);
    // the simulator knows every address's side: no connection has an unknown direction
    m['connections.unknown'] = cs(0, total);
    m.inbound_answered = cs(this.inboundAnswered, inbound);
    m.inbound_probed = cs(this.inboundProbed, inbound);
    m.inbound_probe_peers = this.probePeers.size;
    m.exposed_hosts = hosts.size;
    m.exposed_medical_hosts = cs([...hosts].filter((h) => MEDICAL.has(this.site.classOf(h))).length, hosts.size);
    m.exposed_services = exposed.length;
    m.exposed_sessions = exposed.reduce((a, s) => a + s.sessions, 0);
    for (const k of SERVICE_KEYS) m[`exposed_services.${k}`] = exposed.filter((s) => s.key === k).length;
    m.probed_only_services = all.filter((s) => s.sessions === 0 && s.probes > 0).length;
    m.probe_attempts = all.reduce((a, s) => a + s.probes, 0);
    m.medical_devices_seen = this.medicalSeen.size;
    m.medical_devices_internet = cs(this.medicalInternet.size, this.medicalSeen.size);
    m.medical_devices_guest = cs(this.medicalGuest.size, this.medicalSeen.size);
    m.cleartext_clinical_sessions = this.clinical;
    m.cleartext_clinical_cross_class = cs(this.clinicalCross, this.clinical);
    m.cleartext_clinical_offsite = cs(this.clinicalOffsite, this.clinical);
    m.dicom_tls_sessions = this.dicomTls;
    return m;
  }
}
