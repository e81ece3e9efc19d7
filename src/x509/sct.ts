// Signed Certificate Timestamps (RFC 6962): parse the list a CA embeds in the certificate and verify each SCT's
// signature against the log's key. Static-CT (tiled) logs sign the same structure; their leaf index travels
// in the SCT extensions, which are part of the signed data, so they need no special case here.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.ts';
import { childrenOf, CONTEXT, contentOf, expect, rawOf, readTlv, rewrap, TAG } from './der.ts';
import { EXT } from './oids.ts';

export class SctParseError extends Error {
  override name = 'SctParseError';
}

export interface Sct {
  version: number;
  /** Base64 of the 32-byte log id (SHA-256 of the log's key), as log lists write it. */
  logId: string;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  extensions: Buffer;
  /** TLS HashAlgorithm (4 = sha256) and SignatureAlgorithm (1 = rsa, 3 = ecdsa). */
  hashAlg: number;
  sigAlg: number;
  signature: Buffer;
}

/** The log facts SCT verification needs; `CtLog` from intel/ct-log-list.ts satisfies it. */
export interface SctLog {
  logId: string;
  key: Buffer;
  description: string;
  operator: string;
}

export type SctEntry = { type: 'x509'; certificate: Buffer } | { type: 'precert'; issuerKeyHash: Buffer; tbs: Buffer };

export interface SctResult {
  logId: string;
  timestamp: Date;
  log: { description: string; operator: string } | null;
  /** `no-issuer`: a precertificate SCT cannot be checked without the issuer's key. */
  verified: boolean | 'unknown-log' | 'no-issuer';
  reason?: string;
}

/** Parse a TLS-encoded SignedCertificateTimestampList. */
export function parseSctList(list: Buffer): Sct[] {
  if (list.length < 2 || list.readUInt16BE(0) !== list.length - 2) throw new SctParseError('SCT list length does not match its contents');
  const out: Sct[] = [];
  for (let p = 2; p < list.length; ) {
    if (p + 2 > list.length) throw new SctParseError('truncated SCT length');
    const len = list.readUInt16BE(p);
    if (p + 2 + len > list.length) throw new SctParseError('SCT runs past the list');
    out.push(parseSct(list.subarray(p + 2, p + 2 + len)));
    p += 2 + len;
  }
  return out;
}

export function parseSct(b: Buffer): Sct {
  // version(1) log_id(32) timestamp(8) extensions(2+n) hash(1) sig(1) signature(2+n)
  if (b.length < 47) throw new SctParseError('SCT too short');
  const extLen = b.readUInt16BE(41);
  const s = 43 + extLen;
  if (s + 4 > b.length) throw new SctParseError('SCT extensions run past the SCT');
  const sigLen = b.readUInt16BE(s + 2);
  if (s + 4 + sigLen !== b.length) throw new SctParseError('SCT signature length does not match');
  return {
    version: b[0]!,
    logId: b.subarray(1, 33).toString('base64'),
    timestamp: Number(b.readBigUInt64BE(33)),
    extensions: b.subarray(43, s),
    hashAlg: b[s]!,
    sigAlg: b[s + 1]!,
    signature: b.subarray(s + 4),
  };
}

/** The SCTs embedded in a certificate (extension 1.3.6.1.4.1.11129.2.4.2); empty when it has none. */
export function embeddedScts(cert: Certificate): Sct[] {
  const ext = cert.extensions.find((e) => e.oid === EXT.SCT_LIST);
  if (!ext) return [];
  try {
    return parseSctList(contentOf(ext.value, expect(readTlv(ext.value, 0), TAG.OCTET_STRING, 'SCT list')));
  } catch (e) {
    if (e instanceof SctParseError) throw e;
    throw new SctParseError(`SCT extension is not an OCTET STRING: ${(e as Error).message}`);
  }
}

/** RFC 6962 §3.2: the TBSCertificate the log saw, i.e. ours without the SCT list (and without an emptied extensions field). */
export function precertTbs(cert: Certificate): Buffer {
  const der = cert.der;
  const tbs = childrenOf(der, readTlv(der, 0))[0]!;
  const parts = childrenOf(der, tbs).map((part) => {
    if (part.cls !== CONTEXT || part.tag !== 3) return rawOf(der, part);
    const seq = childrenOf(der, part)[0]!;
    const kept = childrenOf(der, seq).filter((ext) => cert.extensions.find((e) => e.tlv.start === ext.start)?.oid !== EXT.SCT_LIST);
    if (kept.length === 0) return Buffer.alloc(0);
    return rewrap(der, part, [rewrap(der, seq, kept.map((k) => rawOf(der, k)))]);
  });
  return rewrap(der, tbs, parts);
}

/** The bytes an RFC 6962 v1 SCT signs. */
export function sctSignedData(sct: Sct, entry: SctEntry): Buffer {
  const head = Buffer.alloc(12);
  head[0] = sct.version;
  head[1] = 0; // signature_type = certificate_timestamp
  head.writeBigUInt64BE(BigInt(sct.timestamp), 2);
  head.writeUInt16BE(entry.type === 'x509' ? 0 : 1, 10);
  const body = entry.type === 'x509' ? [u24(entry.certificate.length), entry.certificate] : [entry.issuerKeyHash, u24(entry.tbs.length), entry.tbs];
  return Buffer.concat([head, ...body, u16(sct.extensions.length), sct.extensions]);
}

const logKeys = new Map<string, KeyObject | null>();

function logKey(log: SctLog): KeyObject | null {
  const cacheKey = log.key.toString('base64');
  let key = logKeys.get(cacheKey);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: log.key, format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    logKeys.set(cacheKey, key);
  }
  return key;
}

/** Verify one SCT's signature with the log's key. Only v1 SCTs with SHA-256 exist (RFC 6962 §2.1.4). */
export function verifySctSignature(sct: Sct, entry: SctEntry, log: SctLog): { ok: boolean; reason?: string } {
  if (sct.version !== 0) return { ok: false, reason: `unsupported SCT version ${sct.version}` };
  if (sct.hashAlg !== 4) return { ok: false, reason: `unsupported hash algorithm ${sct.hashAlg}` };
  if (sct.sigAlg !== 1 && sct.sigAlg !== 3) return { ok: false, reason: `unsupported signature algorithm ${sct.sigAlg}` };
  const key = logKey(log);
  if (!key) return { ok: false, reason: 'log key cannot be loaded' };
  try {
    const options = sct.sigAlg === 3 ? { key, dsaEncoding: 'der' as const } : key;
    return verify('sha256', sctSignedData(sct, entry), options, sct.signature) ? { ok: true } : { ok: false, reason: 'signature does not verify' };
  } catch (e) {
    return { ok: false, reason: `signature does not verify (${(e as Error).message})` };
  }
}

/** Per embedded SCT: the log (if the list knows it) and whether its signature verifies for one of `issuers`. */
export function verifyEmbeddedScts(
  cert: Certificate,
  issuers: Certificate | readonly Certificate[] | null,
  logs: { get(logId: string): SctLog | undefined },
): SctResult[] {
  const scts = embeddedScts(cert);
  if (scts.length === 0) return [];
  const candidates = issuers === null ? [] : Array.isArray(issuers) ? (issuers as readonly Certificate[]) : [issuers as Certificate];
  const tbs = precertTbs(cert);
  return verifyScts(
    scts,
    candidates.map((i) => ({ type: 'precert', issuerKeyHash: createHash('sha256').update(i.spki).digest(), tbs })),
    logs,
  );
}

/**
 * Verify SCTs against the entries they may cover (a precert entry per candidate issuer, or the x509 entry of a
 * leaf for SCTs from the TLS extension or a stapled OCSP response): verified when any entry verifies.
 */
export function verifyScts(scts: readonly Sct[], entries: readonly SctEntry[], logs: { get(logId: string): SctLog | undefined }): SctResult[] {
  return scts.map((sct) => {
    const log = logs.get(sct.logId);
    const base = { logId: sct.logId, timestamp: new Date(sct.timestamp), log: log ? { description: log.description, operator: log.operator } : null };
    if (!log) return { ...base, verified: 'unknown-log' as const };
    if (entries.length === 0) return { ...base, verified: 'no-issuer' as const };
    let reason: string | undefined;
    for (const entry of entries) {
      const r = verifySctSignature(sct, entry, log);
      if (r.ok) return { ...base, verified: true };
      reason = r.reason;
    }
    return { ...base, verified: false, ...(reason ? { reason } : {}) };
  });
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
