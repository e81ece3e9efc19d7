// Ground truth for sections B (tls-versions), C (cipher-quality) and D (obsolete-devices), tallied from each
// simulated TLS session as it is generated. Definitions in METRICS.md.
import type { Chain } from '../model/certs.ts';
import { mozillaTier, OBSOLETE_VERSIONS, suiteClass, suiteFacts } from '../model/tls.ts';
import { cs, type Metrics } from './metrics.ts';

export interface SessionFacts {
  /** Microseconds since the epoch. */
  ts: number;
  origIp: string;
  respIp: string;
  origInside: boolean;
  respInside: boolean;
  established: boolean;
  resumed: boolean;
  version: string | undefined;
  cipher: string | undefined;
  curve: string | undefined;
  chain: Chain | null;
  status: string | undefined;
}

export const VERSIONS = ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13'] as const;
const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
type Direction = (typeof DIRECTIONS)[number];

interface DeviceHistory {
  first: number;
  last: number;
  sessions: number;
  obsolete: number;
  lastObsolete: number;
}

/** Signature hash of a certificate's sig_alg, as METRICS.md groups them. */
export function sigHash(sigAlg: string): string {
  const s = sigAlg.toLowerCase();
  for (const h of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) if (s.includes(h)) return h;
  return 'other';
}

export class TlsTruth {
  private readonly versions: Record<Direction, Record<string, number>> = { inbound: {}, outbound: {}, internal: {} };
  private readonly devices: Record<'inbound' | 'outbound', Map<string, DeviceHistory>> = { inbound: new Map(), outbound: new Map() };
  /** Fresh sessions by version, then cipher; classes, tiers and hashes are derived at the end. */
  private readonly fresh = new Map<string, Map<string, number>>();
  /** Leaf signature algorithms of fresh sessions with a certificate. */
  private readonly leafSigAlgs = new Map<string, number>();
  private freshPq = 0;
  private readonly pqCurve = new Map<string, boolean>();
  private firstTs = Infinity;
  private lastTs = -Infinity;

  session(s: SessionFacts): void {
    if (!s.established) return;
    const oi = s.origInside;
    const ri = s.respInside;
    if (!oi && !ri) return;
    const dir: Direction = oi && ri ? 'internal' : ri ? 'inbound' : 'outbound';
    const v = s.version ?? '';
    const t = this.versions[dir];
    t[v] = (t[v] ?? 0) + 1;
    this.firstTs = Math.min(this.firstTs, s.ts);
    this.lastTs = Math.max(this.lastTs, s.ts);
    if (dir !== 'internal') {
      const ip = dir === 'inbound' ? s.respIp : s.origIp;
      let d = this.devices[dir].get(ip);
      if (!d) this.devices[dir].set(ip, (d = { first: s.ts, last: s.ts, sessions: 0, obsolete: 0, lastObsolete: -Infinity }));
      d.sessions++;
      d.first = Math.min(d.first, s.ts);
      d.last = Math.max(d.last, s.ts);
      if (OBSOLETE_VERSIONS.has(v)) {
        d.obsolete++;
        d.lastObsolete = Math.max(d.lastObsolete, s.ts);
      }
    }
    if (s.resumed || !s.cipher) return;
    let byCipher = this.fresh.get(v);
    if (!byCipher) this.fresh.set(v, (byCipher = new Map()));
    byCipher.set(s.cipher, (byCipher.get(s.cipher) ?? 0) + 1);
    if (s.curve) {
      let pq = this.pqCurve.get(s.curve);
      if (pq === undefined) this.pqCurve.set(s.curve, (pq = /mlkem|kyber/i.test(s.curve)));
      if (pq) this.freshPq++;
    }
    const leaf = s.chain?.certs[0];
    if (leaf) this.leafSigAlgs.set(leaf.sigAlg, (this.leafSigAlgs.get(leaf.sigAlg) ?? 0) + 1);
  }

  versionMetrics(): Metrics {
    const m: Metrics = {};
    for (const dir of DIRECTIONS) {
      const t = this.versions[dir];
      const total = Object.values(t).reduce((a, b) => a + b, 0);
      m[`${dir}_sessions`] = total;
      let known = 0;
      for (const v of VERSIONS) {
        m[`${dir}_${v.toLowerCase()}`] = cs(t[v] ?? 0, total);
        known += t[v] ?? 0;
      }
      m[`${dir}_other`] = cs(total - known, total);
      m[`${dir}_rate_tls12_plus`] = cs((t.TLSv12 ?? 0) + (t.TLSv13 ?? 0), total);
    }
    for (const dir of ['inbound', 'outbound'] as const) {
      const devs = [...this.devices[dir].values()];
      m[`${dir}_devices`] = devs.length;
      m[`${dir}_devices_obsolete_at_least_once`] = cs(devs.filter((d) => d.obsolete > 0).length, devs.length);
    }
    return m;
  }

  cipherMetrics(): Metrics {
    const f: Record<string, number> = {};
    const bump = (k: string, n: number) => (f[k] = (f[k] ?? 0) + n);
    for (const [version, byCipher] of this.fresh) {
      for (const [cipher, n] of byCipher) {
        bump('total', n);
        bump(`class_${suiteClass(cipher)}`, n);
        bump(`mozilla_${mozillaTier(version, cipher)}`, n);
        bump(`hash_${suiteFacts(cipher).hash}`, n);
      }
    }
    for (const [sigAlg, n] of this.leafSigAlgs) {
      bump('cert_sessions', n);
      bump(`sig_${sigHash(sigAlg)}`, n);
    }
    f.pq = this.freshPq;
    const total = f.total ?? 0;
    const m: Metrics = { fresh_sessions: total };
    for (const c of ['insecure', 'weak', 'secure', 'recommended']) m[`class_${c}`] = cs(f[`class_${c}`] ?? 0, total);
    for (const t of ['modern', 'intermediate', 'old', 'none']) m[`mozilla_${t}`] = cs(f[`mozilla_${t}`] ?? 0, total);
    for (const h of ['md5', 'sha1', 'sha256', 'sha384']) m[`suite_hash_${h}`] = cs(f[`hash_${h}`] ?? 0, total);
    m.suite_hash_secure = cs((f.hash_sha256 ?? 0) + (f.hash_sha384 ?? 0), total);
    const certs = f.cert_sessions ?? 0;
    m.cert_sig_sessions = certs;
    for (const h of ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'other']) m[`cert_sig_${h}`] = cs(f[`sig_${h}`] ?? 0, certs);
    m.pq_kex = cs(f.pq ?? 0, total);
    return m;
  }

  /** Section D. The window runs over whole UTC days from the first to the last established session. */
  obsoleteMetrics(): Metrics {
    const m: Metrics = {};
    const dayUs = 86400e6;
    const start = Math.floor(this.firstTs / dayUs) * dayUs;
    const end = (Math.floor(this.lastTs / dayUs) + 1) * dayUs;
    const tailStart = end - Math.max(dayUs, (end - start) / 10);
    for (const dir of ['inbound', 'outbound'] as const) {
      const counts = { never: 0, only_obsolete: 0, persisting: 0, stopped: 0, dormant: 0 };
      for (const d of this.devices[dir].values()) {
        if (d.obsolete === 0) counts.never++;
        else if (d.obsolete === d.sessions) counts.only_obsolete++;
        else if (d.lastObsolete >= tailStart) counts.persisting++;
        else if (d.last >= tailStart) counts.stopped++;
        else counts.dormant++;
      }
      const n = this.devices[dir].size;
      m[`${dir}_devices`] = n;
      for (const [k, v] of Object.entries(counts)) m[`${dir}_status_${k}`] = cs(v, n);
    }
    m.window_days = Number.isFinite(this.firstTs) ? Math.round((end - start) / dayUs) : 0;
    m.tail_days = Number.isFinite(this.firstTs) ? (end - tailStart) / dayUs : 0;
    return m;
  }
}
