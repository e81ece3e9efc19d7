// Certificates and the chains servers present. No DER is generated: a certificate is the set of facts Zeek
// logs about it (x509.log) plus its fingerprints, which are random but fixed per certificate, so ssl.log,
// x509.log, files.log and the CT fingerprint feed all agree. What a validating monitor would say about a
// chain follows from how the chain is built (OpenSSL reports the first problem it meets while building it,
// before checking validity dates).
import type { Rng } from '../rng.ts';

export type ChainKind = 'public' | 'missing-intermediate' | 'no-issuer' | 'private-ca' | 'internal-ca' | 'self-signed';

export interface Cert {
  sha256: string;
  sha1: string;
  md5: string;
  serial: string;
  version: number;
  subject: string;
  issuer: string;
  notBefore: number;
  notAfter: number;
  keyAlg: string;
  sigAlg: string;
  keyType: 'rsa' | 'ecdsa';
  keyLength: number;
  exponent: string | undefined;
  curve: string | undefined;
  sanDns: string[];
  sanIp: string[];
  /** basic_constraints.ca; undefined when the certificate has no such extension. */
  ca: boolean | undefined;
  pathLen: number | undefined;
  derSize: number;
  inCt: boolean;
}

export interface Chain {
  kind: ChainKind;
  certs: Cert[];
}

export const DAY = 86400;

/** The OpenSSL verify strings Zeek's validate-certs writes, in OpenSSL 1.1 or 3.x spelling. */
export function statusStrings(openssl3: boolean) {
  return {
    ok: 'ok',
    unknownIssuer: 'unable to get local issuer certificate',
    selfSigned: openssl3 ? 'self-signed certificate' : 'self signed certificate',
    selfSignedInChain: openssl3 ? 'self-signed certificate in certificate chain' : 'self signed certificate in certificate chain',
    expired: 'certificate has expired',
    notYetValid: 'certificate is not yet valid',
  };
}
export type StatusStrings = ReturnType<typeof statusStrings>;

/** What validate-certs reports for this chain at `tsSeconds`. */
export function validationStatus(chain: Chain, tsSeconds: number, s: StatusStrings): string {
  switch (chain.kind) {
    case 'missing-intermediate':
    case 'no-issuer':
    case 'private-ca':
      return s.unknownIssuer;
    case 'internal-ca':
      return s.selfSignedInChain;
    case 'self-signed':
      return s.selfSigned;
    case 'public': {
      for (const c of chain.certs) if (c.notAfter < tsSeconds) return s.expired;
      for (const c of chain.certs) if (c.notBefore > tsSeconds) return s.notYetValid;
      return s.ok;
    }
  }
}

/** Escapes a value for an RFC 2253 distinguished name as OpenSSL prints it (`,` `+` `"` `\` `<` `>` `;`). */
export function dnValue(v: string): string {
  return v.replace(/[,+"\\<>;]/g, (c) => `\\${c}`);
}

export interface LeafSpec {
  cn: string;
  /** Already-escaped RFC 2253 attributes after CN, e.g. `O=Example\, Inc.,C=US`. */
  rest?: string;
  sans: string[];
  sanIp?: string[];
  issuer: string;
  /** 'valid' covers the whole window; 'expired' ended before it. */
  validity: 'valid' | 'expired';
  sigAlg?: string;
  ecdsa?: boolean;
  keyLength?: number;
  lifetimeDays?: number;
  inCt: boolean;
  selfSigned?: boolean;
  version?: number;
}

export class CertFactory {
  private readonly caCache = new Map<string, Cert>();
  /** Every leaf certificate made, in order (the CT fingerprint feed lists the logged ones). */
  readonly leaves: Cert[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly windowStart: number,
    private readonly windowEnd: number,
    private readonly expiredDaysAgo: readonly [number, number],
  ) {}

  private base(subject: string, issuer: string): Cert {
    const r = this.rng;
    return {
      sha256: r.hex(64),
      sha1: r.hex(40),
      md5: r.hex(32),
      serial: r.hex(2 * r.int(8, 18)).toUpperCase(),
      version: 3,
      subject,
      issuer,
      notBefore: 0,
      notAfter: 0,
      keyAlg: 'rsaEncryption',
      sigAlg: 'sha256WithRSAEncryption',
      keyType: 'rsa',
      keyLength: 2048,
      exponent: '65537',
      curve: undefined,
      sanDns: [],
      sanIp: [],
      ca: false,
      pathLen: undefined,
      derSize: r.int(900, 1900),
      inCt: false,
    };
  }

  private setKey(c: Cert, ecdsa: boolean, keyLength: number | undefined): void {
    if (ecdsa) {
      c.keyAlg = 'id-ecPublicKey';
      c.keyType = 'ecdsa';
      c.keyLength = keyLength ?? 256;
      c.exponent = undefined;
      c.curve = c.keyLength === 384 ? 'secp384r1' : 'prime256v1';
    } else if (keyLength) c.keyLength = keyLength;
  }

  /** An intermediate or root CA certificate, one per distinguished name. */
  ca(subject: string, issuer: string, ecdsa = false): Cert {
    const key = `${subject}\n${issuer}`;
    const hit = this.caCache.get(key);
    if (hit) return hit;
    const c = this.base(subject, issuer);
    c.notBefore = this.windowStart - this.rng.int(400, 3000) * DAY;
    c.notAfter = this.windowEnd + this.rng.int(700, 4000) * DAY;
    c.ca = true;
    c.pathLen = subject === issuer ? undefined : 0;
    this.setKey(c, ecdsa, ecdsa ? 384 : 2048);
    if (ecdsa) c.sigAlg = 'ecdsa-with-SHA384';
    this.caCache.set(key, c);
    return c;
  }

  leaf(spec: LeafSpec): Cert {
    const subject = `CN=${dnValue(spec.cn)}${spec.rest ? `,${spec.rest}` : ''}`;
    const c = this.base(subject, spec.selfSigned ? subject : spec.issuer);
    const r = this.rng;
    const window = Math.ceil((this.windowEnd - this.windowStart) / DAY);
    if (spec.validity === 'expired') {
      c.notAfter = this.windowStart - r.int(this.expiredDaysAgo[0], this.expiredDaysAgo[1]) * DAY - r.int(0, DAY - 1);
      c.notBefore = c.notAfter - (spec.lifetimeDays ?? 365) * DAY;
    } else {
      const life = Math.max(spec.lifetimeDays ?? 730, window + 30);
      // valid from before the window to after it: the start lies anywhere that still covers the window
      const slack = life - window - 2;
      c.notBefore = this.windowStart - (1 + r.int(0, Math.max(0, slack))) * DAY - r.int(0, DAY - 1);
      c.notAfter = c.notBefore + life * DAY;
    }
    c.sanDns = spec.sans;
    c.sanIp = spec.sanIp ?? [];
    c.version = spec.version ?? 3;
    if (c.version === 1) {
      c.ca = undefined;
      c.sanDns = [];
      c.sanIp = [];
    } else if (spec.selfSigned) c.ca = r.chance(0.5) ? true : undefined;
    this.setKey(c, spec.ecdsa ?? false, spec.keyLength);
    c.sigAlg = spec.sigAlg ?? (spec.ecdsa ? 'ecdsa-with-SHA256' : 'sha256WithRSAEncryption');
    c.inCt = spec.inCt;
    this.leaves.push(c);
    return c;
  }
}

/** The DNS names a certificate is for: its CN (when it looks like a host name) and SAN entries, lower-cased. */
const namesCache = new WeakMap<Cert, string[]>();

export function certNames(c: Cert): string[] {
  const hit = namesCache.get(c);
  if (hit) return hit;
  const names = new Set<string>();
  const cn = /^CN=((?:[^,\\]|\\.)*)/.exec(c.subject)?.[1];
  if (cn && /^[*a-z0-9_.-]+$/i.test(cn) && cn.includes('.')) names.add(cn.toLowerCase());
  for (const s of c.sanDns) names.add(s.toLowerCase());
  const out = [...names];
  namesCache.set(c, out);
  return out;
}

/** Whether `name` is covered by a certificate name (exact, or `*.` standing for exactly one label). */
export function nameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (!pattern.startsWith('*.')) return false;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
}
