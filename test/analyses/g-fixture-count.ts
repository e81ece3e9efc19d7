// Independent counting over real conn/dns/ssl logs for the analysis-G fixture tests: the files are parsed
// here (TSV or JSON, gzip or not) without the ingest, each uid taken once, and the spec's rules applied in
// plain JS, so the test compares two separate computations.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type Rec = Record<string, string | null>;

export function readLog(file: string): Rec[] {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const out: Rec[] = [];
  let fields: string[] | null = null;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('{')) {
      const o = JSON.parse(t) as Record<string, unknown>;
      out.push(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null || v === undefined ? null : Array.isArray(v) ? v.join(',') : String(v)])));
      continue;
    }
    if (t.startsWith('#fields')) fields = t.split('\t').slice(1);
    if (t.startsWith('#') || !fields) continue;
    const cells = line.replace(/\r$/, '').split('\t');
    out.push(Object.fromEntries(fields.map((f, i) => [f, cells[i] === '-' || cells[i] === undefined ? null : cells[i]!])));
  }
  return out;
}

export interface Conn {
  uid: string;
  orig: string;
  resp: string;
  port: number;
  proto: string;
  state: string | null;
  history: string | null;
  ob: number;
  rb: number;
  rpkts: number;
  duration: number;
  local_orig: boolean | null;
  local_resp: boolean | null;
}

const bool = (v: string | null | undefined) => (v === null || v === undefined ? null : v === 'T' || v === 'true');

/** Conn records once per uid (first occurrence). */
export function conns(files: string[]): Conn[] {
  const seen = new Map<string, Conn>();
  for (const f of files) {
    for (const r of readLog(f)) {
      if (seen.has(r.uid!)) continue;
      seen.set(r.uid!, {
        uid: r.uid!, orig: r['id.orig_h']!, resp: r['id.resp_h']!, port: Number(r['id.resp_p']), proto: r.proto!, state: r.conn_state ?? null,
        history: r.history ?? null, ob: Number(r.orig_bytes ?? 0), rb: Number(r.resp_bytes ?? 0), rpkts: Number(r.resp_pkts ?? 0),
        duration: Number(r.duration ?? 0), local_orig: bool(r.local_orig), local_resp: bool(r.local_resp),
      });
    }
  }
  return [...seen.values()];
}

export const completed = (c: Conn) =>
  c.proto === 'tcp' && ['SF', 'S1', 'S2', 'S3', 'RSTO', 'RSTR'].includes(c.state ?? '') && (c.history === null || c.history.includes('h'));
export const probed = (c: Conn) =>
  c.proto === 'tcp' && !completed(c) && (c.history !== null ? c.history.includes('S') : ['S0', 'REJ', 'RSTOS0', 'RSTRH', 'SH', 'SHR'].includes(c.state ?? ''));
export const answered = (c: Conn) => (c.proto === 'tcp' ? completed(c) : c.rpkts > 0 || c.rb > 0 || (c.history ?? '').includes('d'));

export interface Places {
  /** true/false, or null when not known */
  inside: (addr: string, c: Conn, end: 'orig' | 'resp') => boolean | null;
  cls: (addr: string) => string;
}

export function node(c: Conn, end: 'orig' | 'resp', p: Places): string | null {
  const a = end === 'orig' ? c.orig : c.resp;
  const i = p.inside(a, c, end);
  return i === null ? null : i ? p.cls(a) : 'internet';
}

/** `src|dst` → [connections, answered], without Internet-to-Internet and unknown sides. */
export function matrix(cs: Conn[], p: Places): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  for (const c of cs) {
    const s = node(c, 'orig', p);
    const d = node(c, 'resp', p);
    if (s === null || d === null || (s === 'internet' && d === 'internet')) continue;
    const v = m.get(`${s}|${d}`) ?? [0, 0];
    v[0]++;
    if (answered(c)) v[1]++;
    m.set(`${s}|${d}`, v);
  }
  return m;
}

export function directions(cs: Conn[], p: Places): Record<string, number> {
  const out: Record<string, number> = { internal: 0, inbound: 0, outbound: 0, external: 0, unknown: 0 };
  for (const c of cs) {
    const o = p.inside(c.orig, c, 'orig');
    const r = p.inside(c.resp, c, 'resp');
    const k = o === null || r === null ? 'unknown' : o && r ? 'internal' : r ? 'inbound' : o ? 'outbound' : 'external';
    out[k]!++;
  }
  return out;
}

/** Per medical device: [outbound answered, inbound answered, unanswered, distinct answered peers, answered bytes]. */
export function medicalInternet(cs: Conn[], p: Places): Map<string, number[]> {
  const acc = new Map<string, { out: number; inb: number; un: number; peers: Set<string>; bytes: number }>();
  for (const c of cs) {
    for (const end of ['orig', 'resp'] as const) {
      const me = end === 'orig' ? c.orig : c.resp;
      const peer = end === 'orig' ? c.resp : c.orig;
      if (p.inside(me, c, end) !== true || p.cls(me) !== 'medical-device') continue;
      if (p.inside(peer, c, end === 'orig' ? 'resp' : 'orig') !== false) continue;
      const a = acc.get(me) ?? { out: 0, inb: 0, un: 0, peers: new Set<string>(), bytes: 0 };
      if (!answered(c)) a.un++;
      else {
        if (end === 'orig') a.out++;
        else a.inb++;
        a.peers.add(peer);
        a.bytes += c.ob + c.rb;
      }
      acc.set(me, a);
    }
  }
  return new Map([...acc].filter(([, a]) => a.out + a.inb > 0).map(([h, a]) => [h, [a.out, a.inb, a.un, a.peers.size, a.bytes]]));
}
