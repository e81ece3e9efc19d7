// Turns simulated events (a DNS lookup, a TLS session, a plain connection) into Zeek rows, buffered by the
// hour their timestamp falls in, and tells the ground truth about each event as it is made. conn.log and
// dns.log rows are formatted here (keeping only text alive until the hour is written is what makes the
// simulator fast); ssl.log rows stay structured until then, because x509.log (and files.log for old
// layouts) depend on the order certificates are seen in.
import type { ClientProfile, ServerProfile } from '../profile.ts';
import type { Rng } from '../rng.ts';
import { certNames, nameMatches, validationStatus, type Cert, type Chain, type StatusStrings } from '../model/certs.ts';
import { negotiate, sslHistory } from '../model/tls.ts';
import type { GroundTruth } from '../truth/index.ts';
import { LineStore } from '../zeek/line-store.ts';
import type { Formatters } from '../zeek/row-format.ts';
import type { ZeekValue } from '../zeek/schema.ts';

export interface SslRecord {
  ts: number;
  uid: string;
  origIp: string;
  origPort: number;
  respIp: string;
  respPort: number;
  version: string | undefined;
  cipher: string | undefined;
  curve: string | undefined;
  sni: string | undefined;
  resumed: boolean;
  lastAlert: string | undefined;
  nextProto: string | undefined;
  established: boolean;
  history: string;
  chain: Chain | null;
  status: string | undefined;
  sniMatches: boolean | undefined;
}

export class HourBuffer {
  conn: LineStore;
  dns: LineStore;
  ssl: SslRecord[] = [];
  x509: LineStore;
  files: LineStore;

  /** Sized like the last hour written (`sizes`), which the next hour usually resembles. */
  constructor(sizes?: HourSizes) {
    this.conn = new LineStore(sizes?.conn);
    this.dns = new LineStore(sizes?.dns);
    this.x509 = new LineStore(sizes?.x509);
    this.files = new LineStore(sizes?.files);
  }
}

interface HourSizes {
  conn: number;
  dns: number;
  x509: number;
  files: number;
}

export const HOUR_US = 3600e6;

export class Buffers {
  private readonly hours = new Map<number, HourBuffer>();
  private last: HourSizes | undefined;

  at(tsUs: number): HourBuffer {
    const h = Math.floor(tsUs / HOUR_US);
    let b = this.hours.get(h);
    if (!b) this.hours.set(h, (b = new HourBuffer(this.last)));
    return b;
  }

  take(hourIndex: number): HourBuffer | undefined {
    const b = this.hours.get(hourIndex);
    this.hours.delete(hourIndex);
    if (b) this.last = { conn: b.conn.bytes, dns: b.dns.bytes, x509: b.x509.bytes, files: b.files.bytes };
    return b;
  }
}

export interface DnsQuery {
  ts: number;
  clientIp: string;
  cls: string;
  resolverIp: string;
  name: string;
  qtype: 'A' | 'AAAA' | 'PTR';
  /** The answers (CNAME targets, a PTR name, addresses), written only when rcode is NOERROR. */
  cnames: string[];
  ips: string[];
  ptr: string | null;
  ttl: number;
  /** null: no response seen. */
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | null;
  rttUs: number;
  mdns: boolean;
}

const QTYPE = { A: 1, AAAA: 28, PTR: 12 } as const;
const NO_ANSWERS: readonly string[] = [];
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

export interface TlsAttempt {
  ts: number;
  clientIp: string;
  respIp: string;
  respPort: number;
  sni: string | undefined;
  client: ClientProfile;
  offer13: boolean;
  server: ServerProfile;
  chain: Chain;
  resumed: boolean;
  /** The client gives up after seeing the certificate (alert instead of Finished). */
  clientAbort: boolean;
}

export interface ConnSpec {
  ts: number;
  origIp: string;
  origPort?: number;
  respIp: string;
  respPort: number;
  proto: 'tcp' | 'udp';
  service: string | undefined;
  durationUs: number | undefined;
  origBytes: number;
  respBytes: number;
  state: string;
  history: string;
  uid?: string;
  /** For the ground truth only: the TLS session on this connection (it has an ssl.log row) and its server name. */
  tls?: { sni: string | undefined };
}

const sniCache = new WeakMap<Cert, Map<string, boolean>>();

/** Zeek's sni_matches_cert: the server name is one of the certificate's names (wildcards cover one label). */
function sniMatchesCert(leaf: Cert, sni: string): boolean {
  let m = sniCache.get(leaf);
  if (!m) sniCache.set(leaf, (m = new Map()));
  let r = m.get(sni);
  if (r === undefined) {
    const name = sni.toLowerCase();
    r = certNames(leaf).some((p) => nameMatches(p, name));
    m.set(sni, r);
  }
  return r;
}

export class Emitter {
  // reusable rows: the formatter consumes the values before the next row is made
  private readonly connValues: ZeekValue[] = new Array<ZeekValue>(21);
  private readonly dnsValues: ZeekValue[] = new Array<ZeekValue>(24);
  private readonly answers: string[] = [];
  private readonly ttls: number[] = [];

  constructor(
    private readonly buffers: Buffers,
    private readonly fmt: Formatters,
    private readonly truth: GroundTruth,
    private readonly rng: Rng,
    private readonly statuses: StatusStrings,
    private readonly inside: (ip: string) => boolean,
    /** Events at or after the end of the window are not made at all (neither rows nor ground truth). */
    private readonly endUs: number,
  ) {}

  ephemeralPort(): number {
    return this.rng.int(49152, 65535);
  }

  conn(c: ConnSpec): string {
    if (c.ts >= this.endUs) return '';
    const uid = c.uid ?? this.rng.zeekId('C');
    const tcp = c.proto === 'tcp';
    let oPk: number;
    let rPk: number;
    let oIp: number;
    let rIp: number;
    if (tcp && c.state === 'S0') {
      oPk = 1 + (c.history.length > 1 ? 1 : 0);
      rPk = 0;
      oIp = oPk * 52;
      rIp = 0;
    } else if (tcp && c.state === 'REJ') {
      oPk = rPk = 1;
      oIp = 52;
      rIp = 40;
    } else {
      const hdr = tcp ? 52 : 28;
      oPk = Math.max(1, Math.ceil(c.origBytes / (tcp ? 1200 : 512)) + (tcp ? 3 : 0));
      rPk = c.respBytes === 0 && !tcp ? 0 : Math.max(1, Math.ceil(c.respBytes / (tcp ? 1400 : 512)) + (tcp ? 2 : 0));
      oIp = c.origBytes + oPk * hdr;
      rIp = c.respBytes + rPk * hdr;
    }
    const timed = c.durationUs !== undefined;
    const origInside = this.inside(c.origIp);
    const respInside = this.inside(c.respIp);
    const v = this.connValues;
    v[0] = c.ts;
    v[1] = uid;
    v[2] = c.origIp;
    v[3] = c.origPort ?? this.ephemeralPort();
    v[4] = c.respIp;
    v[5] = c.respPort;
    v[6] = c.proto;
    v[7] = c.service;
    v[8] = c.durationUs;
    v[9] = timed ? c.origBytes : undefined;
    v[10] = timed ? c.respBytes : undefined;
    v[11] = c.state;
    v[12] = origInside;
    v[13] = respInside;
    v[14] = 0;
    v[15] = c.history;
    v[16] = oPk;
    v[17] = oIp;
    v[18] = rPk;
    v[19] = rIp;
    v[20] = undefined;
    this.fmt.conn!.write(this.buffers.at(c.ts).conn, c.ts, v);
    this.truth.conn({
      origIp: c.origIp, respIp: c.respIp, origInside, respInside, respPort: c.respPort, proto: c.proto, service: c.service, state: c.state,
      history: c.history, respBytes: timed ? c.respBytes : undefined, respPkts: rPk, durationUs: c.durationUs, sni: c.tls?.sni, tls: c.tls !== undefined,
    });
    return uid;
  }

  dns(q: DnsQuery): void {
    if (q.ts >= this.endUs) return;
    const uid = this.rng.zeekId('C');
    const port = q.mdns ? 5353 : this.ephemeralPort();
    const respPort = q.mdns ? 5353 : 53;
    const answered = q.rcode !== null;
    const answers = this.answers;
    const ttls = this.ttls;
    answers.length = 0;
    ttls.length = 0;
    let cnameBytes = 0;
    if (q.rcode === 'NOERROR') {
      const ttlUs = q.ttl * 1e6;
      for (const c of q.cnames) {
        answers.push(c);
        cnameBytes += c.length;
      }
      if (q.ptr) answers.push(q.ptr);
      for (const ip of q.ips) answers.push(ip);
      for (let i = 0; i < answers.length; i++) ttls.push(ttlUs);
    }
    const v = this.dnsValues;
    v[0] = q.ts;
    v[1] = uid;
    v[2] = q.clientIp;
    v[3] = port;
    v[4] = q.resolverIp;
    v[5] = respPort;
    v[6] = 'udp';
    v[7] = q.mdns ? 0 : this.rng.int(0, 65535);
    v[8] = answered ? q.rttUs : undefined;
    v[9] = q.name;
    v[10] = 1;
    v[11] = 'C_INTERNET';
    v[12] = QTYPE[q.qtype];
    v[13] = q.qtype;
    v[14] = answered ? RCODE[q.rcode!] : undefined;
    v[15] = answered ? q.rcode! : undefined;
    v[16] = false;
    v[17] = false;
    v[18] = !q.mdns;
    v[19] = answered && !q.mdns;
    v[20] = 0;
    v[21] = answers.length > 0 ? answers : undefined;
    v[22] = answers.length > 0 ? ttls : undefined;
    v[23] = false;
    this.fmt.dns!.write(this.buffers.at(q.ts).dns, q.ts, v);
    const qBytes = 17 + q.name.length + 1;
    this.conn({
      ts: q.ts, uid, origIp: q.clientIp, origPort: port, respIp: q.resolverIp, respPort, proto: 'udp', service: 'dns',
      durationUs: answered ? q.rttUs : 0, origBytes: qBytes, respBytes: answered ? qBytes + answers.length * 16 + cnameBytes : 0,
      state: answered ? 'SF' : 'S0', history: answered ? 'Dd' : 'D',
    });
    this.truth.dns.request(q.cls, q.clientIp, q.name, q.rcode === 'NOERROR' ? q.ips : NO_ANSWERS, q.ts);
    this.truth.dnsRow(q.clientIp, q.name, q.rcode === 'NOERROR' ? q.ips : NO_ANSWERS);
  }

  /** One TLS connection (conn + ssl rows); returns whether it was established. */
  tls(t: TlsAttempt): boolean {
    // the ssl row (up to 40 ms later) and its certificates (a few ms after that) must stay in the window
    if (t.ts + 100000 >= this.endUs) return false;
    const r = this.rng;
    const n = negotiate(t.client, t.server, t.offer13, t.chain.certs[0]!.keyType);
    const uid = r.zeekId('C');
    const origPort = this.ephemeralPort();
    let established = n.ok;
    let chain: Chain | null = null;
    let resumed = false;
    let lastAlert: string | undefined;
    let history: string;
    const ticket = t.server.tickets;
    if (!n.ok) {
      lastAlert = n.alert;
      history = sslHistory(n, false, false);
    } else {
      resumed = t.resumed;
      const certsVisible = !resumed && n.version !== 'TLSv13';
      chain = certsVisible ? t.chain : null;
      history = sslHistory(n, resumed, ticket && !resumed);
      if (certsVisible && t.clientAbort) {
        established = false;
        lastAlert = t.chain.kind === 'public' ? 'certificate_unknown' : 'unknown_ca';
        history = history.replace(/G.*$/, 'L');
      }
    }
    const status = chain && established ? validationStatus(chain, Math.floor(t.ts / 1e6), this.statuses) : undefined;
    const sniMatches = chain && t.sni ? sniMatchesCert(chain.certs[0]!, t.sni) : undefined;
    const rec: SslRecord = {
      ts: t.ts + r.int(2000, 40000),
      uid,
      origIp: t.clientIp,
      origPort,
      respIp: t.respIp,
      respPort: t.respPort,
      version: n.ok ? n.version : undefined,
      cipher: n.ok ? n.suite : undefined,
      curve: n.ok ? n.curve : undefined,
      sni: t.sni,
      resumed,
      lastAlert,
      nextProto: n.ok && established ? n.alpn : undefined,
      established,
      history,
      chain,
      status,
      sniMatches,
    };
    this.buffers.at(rec.ts).ssl.push(rec);
    const certBytes = chain ? chain.certs.reduce((a, c) => a + c.derSize, 0) : 0;
    const failed = !established;
    const durationUs = failed ? r.int(20000, 400000) : Math.round(r.logNormal(4e6, 1.4));
    const state = failed ? 'SF' : r.chance(0.85) ? 'SF' : r.chance(0.6) ? 'RSTO' : 'RSTR';
    this.conn({
      ts: t.ts, uid, origIp: t.clientIp, origPort, respIp: t.respIp, respPort: t.respPort, proto: 'tcp', service: 'ssl',
      durationUs, origBytes: failed ? r.int(200, 600) : Math.round(r.logNormal(1500, 1.2)),
      respBytes: failed ? r.int(100, 300) + certBytes : certBytes + Math.round(r.logNormal(6000, 1.5)),
      state, history: state === 'SF' ? 'ShADadFf' : state === 'RSTO' ? 'ShADadR' : 'ShADadr', tls: { sni: t.sni },
    });
    this.truth.session({
      ts: rec.ts, origIp: t.clientIp, respIp: t.respIp, origInside: this.inside(t.clientIp), respInside: this.inside(t.respIp), established, resumed,
      version: rec.version, cipher: rec.cipher, curve: rec.curve, chain, status,
    });
    return established;
  }
}
