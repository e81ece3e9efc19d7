// Test helper, not a pcap reader for the product: pulls the server certificates out of the tiny Zeek test
// traces (classic pcap; Ethernet, BSD loopback or Linux SLL; IPv4; in-order TCP; TLS ≤ 1.2, possibly after a
// STARTTLS exchange) so we can compare our certificate, chain and SCT results with Zeek's on the same bytes.
import { readFileSync } from 'node:fs';

export interface TraceCertificates {
  /** Time of the first packet (the session's time). */
  firstPacket: Date;
  /** Server flights in trace order: the certificate chain (leaf first) and the ServerHello's SCT list, if any. */
  flights: { chain: Buffer[]; sctExtension: Buffer | null }[];
}

export function certificatesFromPcap(file: string): TraceCertificates {
  const d = readFileSync(file);
  const magic = d.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && d.readUInt32BE(0) !== 0xa1b2c3d4 && d.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${file}: not a classic pcap`);
  const u32 = (o: number): number => (le ? d.readUInt32LE(o) : d.readUInt32BE(o));
  const nano = (le ? magic : d.readUInt32BE(0)) === 0xa1b23c4d;
  const link = u32(20);
  // Bytes before the IPv4 header and where the EtherType-like protocol field sits, per link type.
  const framing: Record<number, { skip: number; isIpv4: (p: Buffer) => boolean }> = {
    0: { skip: 4, isIpv4: (p) => p.readUInt32LE(0) === 2 || p.readUInt32BE(0) === 2 },
    1: { skip: 14, isIpv4: (p) => p.readUInt16BE(12) === 0x0800 },
    113: { skip: 16, isIpv4: (p) => p.readUInt16BE(14) === 0x0800 },
  };
  const frame = framing[link];
  if (!frame) throw new Error(`${file}: link type ${link} not handled by this helper`);
  const flows = new Map<string, { seq: number; data: Buffer[] }>();
  let firstPacket: Date | null = null;
  for (let off = 24; off + 16 <= d.length; ) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const pkt = d.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    firstPacket ??= new Date(sec * 1000 + (nano ? frac / 1e6 : frac / 1e3));
    if (!frame.isIpv4(pkt)) continue;
    const ip = pkt.subarray(frame.skip);
    if (ip[9] !== 6) continue;
    const ihl = (ip[0]! & 15) * 4;
    const tcp = ip.subarray(ihl, ip.readUInt16BE(2));
    const payload = tcp.subarray((tcp[12]! >> 4) * 4);
    if (payload.length === 0) continue;
    const key = `${ip.subarray(12, 16).join('.')}:${tcp.readUInt16BE(0)}>${ip.subarray(16, 20).join('.')}:${tcp.readUInt16BE(2)}`;
    const seq = tcp.readUInt32BE(4);
    const flow = flows.get(key) ?? { seq, data: [] };
    flows.set(key, flow);
    // The traces are in order; a segment that does not continue the flow is a retransmission.
    if (seq !== flow.seq) continue;
    flow.data.push(payload);
    flow.seq = (seq + payload.length) >>> 0;
  }
  const flights: TraceCertificates['flights'] = [];
  for (const flow of flows.values()) {
    const f = serverFlight(Buffer.concat(flow.data));
    if (f) flights.push(f);
  }
  return { firstPacket: firstPacket ?? new Date(0), flights };
}

function serverFlight(stream: Buffer): TraceCertificates['flights'][number] | null {
  const handshake: Buffer[] = [];
  // STARTTLS: skip the plaintext protocol exchange up to the first TLS handshake record header.
  let start = 0;
  while (start + 3 <= stream.length && !(stream[start] === 22 && stream[start + 1] === 3 && stream[start + 2]! <= 4)) start++;
  for (let p = start; p + 5 <= stream.length; ) {
    const type = stream[p]!;
    const len = stream.readUInt16BE(p + 3);
    if (type === 20) break; // ChangeCipherSpec: what follows is encrypted
    if (type === 22) handshake.push(stream.subarray(p + 5, p + 5 + len));
    p += 5 + len;
  }
  const hs = Buffer.concat(handshake);
  let chain: Buffer[] | null = null;
  let sctExtension: Buffer | null = null;
  for (let p = 0; p + 4 <= hs.length; ) {
    const len = hs.readUIntBE(p + 1, 3);
    const body = hs.subarray(p + 4, p + 4 + len);
    if (hs[p] === 2) sctExtension = serverHelloExtension(body, 18);
    if (hs[p] === 11) {
      chain = [];
      for (let q = 3; q + 3 <= body.length; ) {
        const n = body.readUIntBE(q, 3);
        chain.push(body.subarray(q + 3, q + 3 + n));
        q += 3 + n;
      }
    }
    p += 4 + len;
  }
  return chain ? { chain, sctExtension } : null;
}

/** ServerHello: version(2) random(32) session_id(1+n) cipher(2) compression(1) extensions(2+n). */
function serverHelloExtension(body: Buffer, type: number): Buffer | null {
  let p = 34;
  p += 1 + body[p]!;
  p += 3;
  if (p + 2 > body.length) return null;
  const end = p + 2 + body.readUInt16BE(p);
  for (p += 2; p + 4 <= end; ) {
    const t = body.readUInt16BE(p);
    const n = body.readUInt16BE(p + 2);
    if (t === type) return body.subarray(p + 4, p + 4 + n);
    p += 4 + n;
  }
  return null;
}
