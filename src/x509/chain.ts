// Chain verification at the session's time. Path building is ours (a bounded depth-first search over
// candidate issuers, trusted anchors first, as OpenSSL ≥ 1.1 does with TRUSTED_FIRST); every signature is
// checked by node:crypto. We do not use @peculiar/x509's builder: it is asynchronous, parses with its own
// slower ASN.1 layer and knows neither session time nor the root/internal-CA distinction the analyses need.
import type { Certificate } from './certificate.ts';
import { contentOf, expect, readTlv, TAG } from './der.ts';
import { EXT } from './oids.ts';
import { checkSignature, type SignatureCheck } from './signature.ts';
import type { CertificatePool, TrustStore } from './trust-store.ts';

export type ChainStatus = 'ok' | 'internal_ca' | 'unknown_issuer' | 'self_signed' | 'expired' | 'not_yet_valid' | 'bad_signature' | 'invalid_ca';

export interface ChainLink {
  sha256: string;
  subject: string;
  /** Where the certificate came from. */
  source: 'leaf' | 'presented' | 'pool' | 'root' | 'internal';
  /** The check of this certificate's signature by the next one up; null at the top of the path. */
  signature: SignatureCheck | null;
}

export interface ChainResult {
  /** The first problem in OpenSSL's order (trust, signature, CA rights, time), else ok / internal_ca. */
  status: ChainStatus;
  /** Every problem on the chosen path, in that order. */
  problems: ChainStatus[];
  /** For self_signed: whether the untrusted self-signed certificate is the leaf or higher up. */
  selfSigned: 'leaf' | 'chain' | null;
  anchor: 'root' | 'internal' | null;
  path: ChainLink[];
  timeProblems: { depth: number; sha256: string; problem: 'expired' | 'not_yet_valid' }[];
  /** RSA or DSA below 2048 bits, EC below 224 bits: under the 112-bit security level (NIST SP 800-131A). */
  weakKeys: { depth: number; sha256: string; type: string; bits: number }[];
  /** MD2/MD4/MD5/SHA-1 signatures relied upon (every certificate on the path but a trust anchor). */
  weakSignatures: { depth: number; sha256: string; hash: 'md2' | 'md4' | 'md5' | 'sha1' }[];
}

export interface VerifyOptions {
  /** The session's time: validity is judged then, not now. */
  at: Date;
  roots: TrustStore;
  internalCas?: TrustStore;
  /** The chain the session presented (the leaf may be included; duplicates are ignored). */
  presented?: readonly Certificate[];
  /** Other certificates seen, e.g. every certificate in the store. */
  pool?: CertificatePool;
  maxDepth?: number;
  /** Signature checks shared across calls (child sha256 + parent sha256 → result): intermediates recur in every chain. */
  signatureCache?: Map<string, SignatureCheck>;
}

type Source = ChainLink['source'];
interface Node {
  cert: Certificate;
  source: Source;
  signature: SignatureCheck | null;
}

type WeakHash = ChainResult['weakSignatures'][number]['hash'];
const isWeakHash = (h: string): h is WeakHash => h === 'md2' || h === 'md4' || h === 'md5' || h === 'sha1';
// Bound on certificates examined per verification: cross-signed meshes must not make one certificate expensive.
const MAX_EXPANSIONS = 64;

export function verifyChain(leaf: Certificate, opts: VerifyOptions): ChainResult {
  const maxDepth = opts.maxDepth ?? 10;
  const presented = (opts.presented ?? []).filter((c) => c.sha256 !== leaf.sha256);
  const sigMemo = opts.signatureCache ?? new Map<string, SignatureCheck>();
  const sig = (child: Certificate, parent: Certificate): SignatureCheck => {
    const k = child.sha256 + parent.sha256;
    let r = sigMemo.get(k);
    if (r === undefined) sigMemo.set(k, (r = checkSignature(child, parent)));
    return r;
  };
  const anchorKind = (c: Certificate): 'root' | 'internal' | null =>
    opts.roots.sameCa(c) ? 'root' : opts.internalCas?.sameCa(c) ? 'internal' : null;
  const candidates = (c: Certificate): { cert: Certificate; source: Source }[] => {
    const out: { cert: Certificate; source: Source }[] = [];
    const add = (list: Iterable<Certificate>, source: Source): void => {
      for (const cert of list) if (!out.some((o) => o.cert.sha256 === cert.sha256)) out.push({ cert, source });
    };
    add(opts.roots.issuersOf(c), 'root');
    if (opts.internalCas) add(opts.internalCas.issuersOf(c), 'internal');
    add(presented.filter((p) => p.subject.key === c.issuer.key), 'presented');
    if (opts.pool) add(opts.pool.issuersOf(c), 'pool');
    // Among equals, prefer an issuer valid at the session's time (the cross-signed-root case).
    return out.sort((a, b) => Number(!validAt(a.cert, opts.at)) - Number(!validAt(b.cert, opts.at)));
  };

  // The best path so far, by (anchored, bad signatures, issuers that may not issue, time problems, internal
  // rather than root, length).
  const found: { best: { nodes: Node[]; anchor: 'root' | 'internal' | null; score: number[] } | null } = { best: null };
  let expansions = 0;
  const consider = (nodes: Node[], anchor: 'root' | 'internal' | null): void => {
    const score = [
      anchor ? 0 : 1,
      nodes.filter((n) => n.signature !== null && n.signature !== 'valid').length,
      notCa(nodes, anchor),
      nodes.filter((n) => !validAt(n.cert, opts.at)).length,
      anchor === 'internal' ? 1 : 0,
      nodes.length,
    ];
    if (!found.best || lexLess(score, found.best.score)) found.best = { nodes: [...nodes], anchor, score };
  };
  const perfect = (): boolean => found.best !== null && found.best.score.slice(0, 5).every((x) => x === 0);
  const walk = (nodes: Node[]): void => {
    const top = nodes[nodes.length - 1]!.cert;
    const anchor = anchorKind(top);
    if (anchor) return consider(nodes, anchor);
    // A self-issued certificate that does not verify itself may be a key rollover: keep looking above it.
    if (top.selfSigned || nodes.length > maxDepth || expansions >= MAX_EXPANSIONS) return consider(nodes, null);
    expansions++;
    const next = candidates(top).filter((c) => !nodes.some((n) => n.cert.sha256 === c.cert.sha256));
    if (next.length === 0) return consider(nodes, null);
    for (const c of next) {
      const withSig = nodes.map((n, i) => (i === nodes.length - 1 ? { ...n, signature: sig(top, c.cert) } : n));
      walk([...withSig, { cert: c.cert, source: c.source, signature: null }]);
      if (perfect()) return;
    }
  };
  walk([{ cert: leaf, source: 'leaf', signature: null }]);
  // walk() always considers at least the leaf alone.
  const chosen = found.best!;
  return judge(chosen.nodes, chosen.anchor, opts.at);
}

function judge(nodes: Node[], anchor: 'root' | 'internal' | null, at: Date): ChainResult {
  const top = nodes[nodes.length - 1]!;
  const problems: ChainStatus[] = [];
  let selfSigned: ChainResult['selfSigned'] = null;
  if (!anchor) {
    if (top.cert.selfIssued && checkSignature(top.cert, top.cert) !== 'invalid') {
      problems.push('self_signed');
      selfSigned = nodes.length === 1 ? 'leaf' : 'chain';
    } else if (top.cert.selfIssued) problems.push('bad_signature');
    else problems.push('unknown_issuer');
  }
  if (nodes.some((n) => n.signature !== null && n.signature !== 'valid') && !problems.includes('bad_signature')) problems.push('bad_signature');
  if (notCa(nodes, anchor) > 0) problems.push('invalid_ca');
  const timeProblems: ChainResult['timeProblems'] = [];
  nodes.forEach((n, depth) => {
    if (at < n.cert.notBefore) timeProblems.push({ depth, sha256: n.cert.sha256, problem: 'not_yet_valid' });
    else if (at > n.cert.notAfter) timeProblems.push({ depth, sha256: n.cert.sha256, problem: 'expired' });
  });
  for (const p of ['expired', 'not_yet_valid'] as const) if (timeProblems.some((t) => t.problem === p)) problems.push(p);
  const weakKeys: ChainResult['weakKeys'] = [];
  const weakSignatures: ChainResult['weakSignatures'] = [];
  nodes.forEach((n, depth) => {
    const { type, bits } = n.cert.key;
    const floor = type === 'rsa' || type === 'dsa' ? 2048 : type === 'ecdsa' ? 224 : 0;
    if (bits !== null && bits < floor) weakKeys.push({ depth, sha256: n.cert.sha256, type, bits });
    const isAnchorTop = anchor !== null && depth === nodes.length - 1;
    const hash = n.cert.signature.hash;
    if (!isAnchorTop && isWeakHash(hash)) weakSignatures.push({ depth, sha256: n.cert.sha256, hash });
  });
  return {
    status: problems[0] ?? (anchor === 'internal' ? 'internal_ca' : 'ok'),
    problems,
    selfSigned,
    anchor,
    path: nodes.map((n) => ({ sha256: n.cert.sha256, subject: n.cert.subject.text, source: n.source, signature: n.signature })),
    timeProblems,
    weakKeys,
    weakSignatures,
  };
}

/** Candidate issuers of `cert` from every source, e.g. for embedded-SCT verification (the issuer's key is hashed in). */
export function findIssuers(cert: Certificate, sources: { roots?: TrustStore; internalCas?: TrustStore; presented?: readonly Certificate[]; pool?: CertificatePool }): Certificate[] {
  const out: Certificate[] = [];
  const add = (list: Iterable<Certificate>): void => {
    for (const c of list) if (c.sha256 !== cert.sha256 && !out.some((o) => o.sha256 === c.sha256)) out.push(c);
  };
  add((sources.presented ?? []).filter((p) => p.subject.key === cert.issuer.key));
  if (sources.pool) add(sources.pool.issuersOf(cert));
  if (sources.internalCas) add(sources.internalCas.issuersOf(cert));
  if (sources.roots) add(sources.roots.issuersOf(cert));
  return out;
}

/** keyUsage's keyCertSign bit (RFC 5280 §4.2.1.3: bit 5), or null when the certificate has no readable keyUsage. */
function keyCertSign(cert: Certificate): boolean | null {
  const ext = cert.extensions.find((e) => e.oid === EXT.KEY_USAGE);
  if (!ext) return null;
  try {
    const bits = contentOf(ext.value, expect(readTlv(ext.value, 0), TAG.BIT_STRING, 'keyUsage'));
    return bits.length > 1 && (bits[1]! & 0x04) !== 0;
  } catch {
    return null;
  }
}

/**
 * May this certificate issue others? OpenSSL's X509_check_ca: a keyUsage without keyCertSign says no; else
 * basic constraints decide; without them a v1 self-signed certificate or one with keyUsage may.
 */
export function mayIssue(cert: Certificate): boolean {
  const ku = keyCertSign(cert);
  if (ku === false) return false;
  if (cert.basicConstraints) return cert.basicConstraints.ca;
  return (cert.version === 1 && cert.selfSigned) || ku === true;
}

/**
 * How many issuers on the path may not issue, or have a pathLenConstraint the CAs below them exceed (self-issued
 * intermediates not counted, RFC 5280 §4.2.1.9). A trust anchor is trusted as configured and not judged.
 */
function notCa(nodes: readonly Node[], anchor: 'root' | 'internal' | null): number {
  let bad = 0;
  for (let d = 1; d < nodes.length; d++) {
    if (anchor !== null && d === nodes.length - 1) break;
    const c = nodes[d]!.cert;
    const below = nodes.slice(1, d).filter((n) => !n.cert.selfIssued).length;
    const pathLen = c.basicConstraints?.pathLen ?? null;
    if (!mayIssue(c) || (pathLen !== null && below > pathLen)) bad++;
  }
  return bad;
}

function validAt(c: Certificate, at: Date): boolean {
  return at >= c.notBefore && at <= c.notAfter;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
