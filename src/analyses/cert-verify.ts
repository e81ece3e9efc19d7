// Our own verification of the certificates a sensor logged as DER (x509 `cert`, base64): chains verified with
// src/x509 against a root store plus the site's internal CAs, and embedded SCTs verified against a CT log list.
// Each distinct certificate is verified once (cached by SHA-256 fingerprint); issuers come from every CA
// certificate in the store, so a chain Zeek saw once helps verify every leaf under it.
//
// Session time: a certificate is verified once, at its first fresh session, which picks the path (issuers
// valid then are preferred); whether each later session fell inside the path's validity is then decided per
// session in SQL from the path's validity interval (latest notBefore, earliest notAfter). Trust problems
// (unknown issuer, self-signed, bad signature) do not depend on time.
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import type { CtLogList } from '../intel/ct-log-list.ts';
import { parseCertificate, type Certificate } from '../x509/certificate.ts';
import { findIssuers, verifyChain } from '../x509/chain.ts';
import { verifyEmbeddedScts } from '../x509/sct.ts';
import type { SignatureCheck } from '../x509/signature.ts';
import { CertificatePool, nodeRootStore, trustStoreFromPemFile, trustStoreFromPemFiles, type TrustStore } from '../x509/trust-store.ts';
import type { CertAnalysisOptions } from './cert-options.ts';
import { TempTable } from './temp-table.ts';

export type Trust = 'ok' | 'internal_ca' | 'unknown_issuer' | 'self_signed' | 'bad_signature' | 'invalid_ca';

export interface ChainVerdict {
  sha256: string;
  sha1: string;
  trust: Trust;
  selfSigned: 'leaf' | 'chain' | null;
  /** validity of the whole chosen path: the latest notBefore and the earliest notAfter on it */
  pathNotBefore: Date;
  pathNotAfter: Date;
  /** a certificate on the path with an RSA/DSA key under 2048 bits or an EC key under 224 bits */
  weakKey: boolean;
  /** the weakest signature hash relied upon on the path (MD2/4/5 as 'md', SHA-1), or null */
  weakSignature: 'md' | 'sha1' | null;
  /** subjects from the leaf up (Zeek's text form) */
  path: string[];
}

export interface SctVerdict {
  sha256: string;
  sha1: string;
  scts: number;
  verified: number;
  unknownLog: number;
  failed: number;
  noIssuer: number;
  /** descriptions of the logs whose SCTs verified */
  logs: string[];
}

export interface TrustSources {
  roots: TrustStore;
  internalCas: TrustStore | undefined;
}

/** The root store (option, `--roots FILE`, else Node's Mozilla roots) and the site's internal CAs (paths relative to the site file). */
export function trustSources(site: Site, opts: CertAnalysisOptions = {}): TrustSources {
  const roots = opts.roots ?? (opts.rootsFile ? trustStoreFromPemFile(opts.rootsFile) : nodeRootStore());
  const base = site.source ? path.dirname(site.source) : process.cwd();
  const files = site.internal_cas.map((f) => path.resolve(base, f));
  return { roots, internalCas: files.length ? trustStoreFromPemFiles(files) : undefined };
}

const WEAK_HASH: Record<string, 'md' | 'sha1'> = { md2: 'md', md4: 'md', md5: 'md', sha1: 'sha1' };

/** Verify one leaf at `at`: the time-independent outcome and the path's validity interval. */
export function verifyLeaf(
  leaf: Certificate,
  at: Date,
  ctx: TrustSources & { pool?: CertificatePool; signatureCache?: Map<string, SignatureCheck> },
): ChainVerdict {
  const r = verifyChain(leaf, { at, roots: ctx.roots, internalCas: ctx.internalCas, pool: ctx.pool, signatureCache: ctx.signatureCache });
  const trust = (r.problems.find((p) => p === 'self_signed' || p === 'unknown_issuer' || p === 'bad_signature' || p === 'invalid_ca') ??
    (r.anchor === 'internal' ? 'internal_ca' : 'ok')) as Trust;
  const bySha = (sha: string): Certificate | undefined => (sha === leaf.sha256 ? leaf : findCert(sha, ctx));
  let nb = leaf.notBefore;
  let na = leaf.notAfter;
  for (const link of r.path) {
    const c = bySha(link.sha256);
    if (!c) continue;
    if (c.notBefore > nb) nb = c.notBefore;
    if (c.notAfter < na) na = c.notAfter;
  }
  const hashes = r.weakSignatures.map((w) => WEAK_HASH[w.hash]);
  return {
    sha256: leaf.sha256,
    sha1: leaf.sha1,
    trust,
    selfSigned: r.selfSigned,
    pathNotBefore: nb,
    pathNotAfter: na,
    weakKey: r.weakKeys.length > 0,
    weakSignature: hashes.includes('md') ? 'md' : hashes.includes('sha1') ? 'sha1' : null,
    path: r.path.map((p) => p.subject),
  };
}

// Certificates of the trust sources by fingerprint, indexed once per pool or store object (they are not changed
// after the analyses build them).
const indexes = new WeakMap<CertificatePool, Map<string, Certificate>>();
function findCert(sha: string, ctx: { roots: TrustStore; internalCas?: TrustStore; pool?: CertificatePool }): Certificate | undefined {
  for (const src of [ctx.pool, ctx.internalCas, ctx.roots]) {
    if (!src) continue;
    let idx = indexes.get(src);
    if (!idx) indexes.set(src, (idx = new Map([...src].map((c) => [c.sha256, c]))));
    const hit = idx.get(sha);
    if (hit) return hit;
  }
  return undefined;
}

/** Per embedded SCT of `leaf`: verified against `logs` with the issuer's key (issuers from every source). */
export function verifyLeafScts(leaf: Certificate, logs: CtLogList, sources: TrustSources & { pool?: CertificatePool }): SctVerdict {
  const out: SctVerdict = { sha256: leaf.sha256, sha1: leaf.sha1, scts: 0, verified: 0, unknownLog: 0, failed: 0, noIssuer: 0, logs: [] };
  if (!leaf.hasSctList) return out;
  let results;
  try {
    results = verifyEmbeddedScts(leaf, findIssuers(leaf, { roots: sources.roots, internalCas: sources.internalCas, pool: sources.pool }), logs);
  } catch {
    // a malformed SCT list: present but unusable, counted as failed
    out.scts = 1;
    out.failed = 1;
    return out;
  }
  out.scts = results.length;
  for (const r of results) {
    if (r.verified === true) {
      out.verified++;
      if (r.log && !out.logs.includes(r.log.description)) out.logs.push(r.log.description);
    } else if (r.verified === 'unknown-log') out.unknownLog++;
    else if (r.verified === 'no-issuer') out.noIssuer++;
    else out.failed++;
  }
  return out;
}

async function streamRows(conn: DuckDBConnection, sql: string, onRow: (row: unknown[]) => void): Promise<void> {
  const res = await conn.stream(sql);
  for (;;) {
    const chunk = await res.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) onRow(row);
  }
}

/**
 * Signature checks between CA certificates recur for every leaf under them and are kept; a leaf's own check
 * is never needed again (each leaf is verified once), so it is not stored: 200 000 leaves would otherwise
 * leave 200 000 entries behind.
 */
class IssuerChecks extends Map<string, SignatureCheck> {
  leaf = '';
  override set(key: string, value: SignatureCheck): this {
    if (!key.startsWith(this.leaf)) super.set(key, value);
    return this;
  }
}

function parse(b64: string): Certificate | null {
  try {
    return parseCertificate(Buffer.from(b64, 'base64'));
  } catch {
    return null;
  }
}

/** Every CA certificate (or one without basic constraints) logged as DER: the issuers our verification may use. */
export async function derIssuerPool(conn: DuckDBConnection, keyedX509: string): Promise<CertificatePool> {
  const pool = new CertificatePool();
  const seen = new Set<string>();
  await streamRows(conn, `SELECT key, cert FROM ${keyedX509} WHERE cert IS NOT NULL AND ca IS NOT FALSE`, ([key, b64]) => {
    if (seen.has(String(key))) return;
    seen.add(String(key));
    const c = parse(String(b64));
    if (c && (c.isCa || c.basicConstraints === null)) pool.add(c);
  });
  return pool;
}

export interface DerLeafStats {
  /** distinct certificates verified */
  verified: number;
  /** DER that did not parse */
  unparsable: number;
  /** milliseconds spent parsing and verifying (not reading) */
  cryptoMs: number;
}

/**
 * Verify the chain of each leaf listed in `wantTable` (key, first_at TIMESTAMP) that has DER, once per key (the
 * SHA-256 fingerprint from Zeek 4.1 on), and write TEMP TABLE `outTable` (key, sha256, sha1, trust, self_signed,
 * path_not_before_us, path_not_after_us, weak_key, weak_sig, path). Returns counts and the time spent in
 * parsing and crypto. Nothing per certificate stays in memory but its key: verdicts go straight to the table.
 */
export async function verifyDerLeaves(
  conn: DuckDBConnection,
  keyedX509: string,
  wantTable: string,
  outTable: string,
  sources: TrustSources,
  pool: CertificatePool,
): Promise<DerLeafStats> {
  const done = new Set<string>();
  const stats: DerLeafStats = { verified: 0, unparsable: 0, cryptoMs: 0 };
  const signatureCache = new IssuerChecks();
  const out = await TempTable.create(conn, outTable, [
    ['key', 'VARCHAR'], ['sha256', 'VARCHAR'], ['sha1', 'VARCHAR'], ['trust', 'VARCHAR'], ['self_signed', 'VARCHAR'],
    ['path_not_before_us', 'BIGINT'], ['path_not_after_us', 'BIGINT'], ['weak_key', 'BOOLEAN'], ['weak_sig', 'VARCHAR'], ['path', 'VARCHAR'],
  ]);
  try {
    const sql = `SELECT x.key, x.cert, epoch_ms(w.first_at) FROM ${keyedX509} x JOIN ${wantTable} w ON w.key = x.key WHERE x.cert IS NOT NULL`;
    await streamRows(conn, sql, ([k, b64, ms]) => {
      const key = String(k);
      if (done.has(key)) return;
      done.add(key);
      const t0 = performance.now();
      const cert = parse(String(b64));
      if (cert) {
        signatureCache.leaf = cert.sha256;
        const v = verifyLeaf(cert, ms === null ? cert.notBefore : new Date(Number(ms)), { ...sources, pool, signatureCache });
        stats.verified++;
        out.row([key, v.sha256, v.sha1, v.trust, v.selfSigned, v.pathNotBefore.getTime() * 1000, v.pathNotAfter.getTime() * 1000, v.weakKey, v.weakSignature, v.path.join(' ← ')]);
      } else stats.unparsable++;
      stats.cryptoMs += performance.now() - t0;
    });
  } finally {
    out.close();
  }
  return stats;
}

/**
 * Verify the embedded SCTs of each leaf in `wantTable` (key) that has DER, once per key; write TEMP TABLE
 * `outTable` (key, sha256, sha1, scts, sct_verified, sct_unknown_log, sct_failed, sct_no_issuer, sct_logs).
 */
export async function verifyDerScts(
  conn: DuckDBConnection,
  keyedX509: string,
  wantTable: string,
  outTable: string,
  sources: TrustSources,
  pool: CertificatePool,
  logs: CtLogList,
): Promise<{ certificates: number; unparsable: number; cryptoMs: number }> {
  const done = new Set<string>();
  let unparsable = 0;
  let cryptoMs = 0;
  const out = await TempTable.create(conn, outTable, [
    ['key', 'VARCHAR'], ['sha256', 'VARCHAR'], ['sha1', 'VARCHAR'], ['scts', 'INTEGER'], ['sct_verified', 'INTEGER'],
    ['sct_unknown_log', 'INTEGER'], ['sct_failed', 'INTEGER'], ['sct_no_issuer', 'INTEGER'], ['sct_logs', 'VARCHAR'],
  ]);
  try {
    const sql = `SELECT x.key, x.cert FROM ${keyedX509} x WHERE x.cert IS NOT NULL AND x.key IN (SELECT key FROM ${wantTable})`;
    await streamRows(conn, sql, ([k, b64]) => {
      const key = String(k);
      if (done.has(key)) return;
      done.add(key);
      const t0 = performance.now();
      const cert = parse(String(b64));
      if (cert) {
        const v = verifyLeafScts(cert, logs, { ...sources, pool });
        out.row([key, v.sha256, v.sha1, v.scts, v.verified, v.unknownLog, v.failed, v.noIssuer, v.logs.join('; ')]);
      } else unparsable++;
      cryptoMs += performance.now() - t0;
    });
  } finally {
    out.close();
  }
  return { certificates: done.size - unparsable, unparsable, cryptoMs };
}
