// The spec's suite classes (analyses.md C), first match wins:
//   insecure     NULL cipher, anonymous, EXPORT, DES, RC4, MD5 MAC
//   recommended  every TLS 1.3 suite (after the insecure test: RFC 9150's integrity-only suites stay insecure)
//   weak         static-RSA key exchange, 3DES, CBC, SHA-1 MAC
//   recommended  forward secrecy + AEAD
//   secure       everything else
// dhai decides two cases the spec's lists do not name, following the same reasoning: a key under 112 bits is
// insecure (only Skipjack/FORTEZZA is caught by this alone), and every 64-bit-block cipher is weak like 3DES
// (IDEA, RC2, GOST 28147-89, Magma: the Sweet32 birthday bound). RSA_PSK counts as static RSA (RSA key transport).
import type { SuiteDecomposition, SuiteHash } from './suite-name.ts';

export type CipherClass = 'insecure' | 'weak' | 'secure' | 'recommended';

/** Best first, as a report orders them. */
export const CIPHER_CLASSES: readonly CipherClass[] = ['recommended', 'secure', 'weak', 'insecure'];

export interface CipherVerdict {
  class: CipherClass;
  /** Every rule of the winning class that the suite meets, e.g. ["RC4", "MD5 MAC"]. */
  reasons: string[];
}

const MIN_KEY_BITS = 112;

function insecureReasons(s: SuiteDecomposition): string[] {
  const r: string[] = [];
  if (s.cipher === 'NULL') r.push('NULL cipher');
  if (s.authentication === 'anon') r.push('anonymous');
  if (s.export) r.push('EXPORT');
  if (s.cipher === 'DES') r.push('DES');
  if (s.cipher === 'RC4') r.push('RC4');
  if (s.hash === 'MD5' && !s.aead) r.push('MD5 MAC');
  if (r.length === 0 && s.cipher !== 'NULL' && s.cipherBits < MIN_KEY_BITS) r.push(`key under ${MIN_KEY_BITS} bits`);
  return r;
}

function weakReasons(s: SuiteDecomposition): string[] {
  const r: string[] = [];
  if (s.keyExchange === 'RSA' || s.keyExchange === 'RSA_PSK') r.push('static RSA key exchange');
  if (s.cipher === '3DES') r.push('3DES');
  else if (s.blockBits === 64) r.push('64-bit block cipher');
  if (s.mode === 'CBC') r.push('CBC');
  if (s.hash === 'SHA1' && !s.aead) r.push('SHA-1 MAC');
  return r;
}

export function classifySuite(s: SuiteDecomposition): CipherVerdict {
  const insecure = insecureReasons(s);
  if (insecure.length > 0) return { class: 'insecure', reasons: insecure };
  if (s.protocol === 'TLS13') return { class: 'recommended', reasons: ['TLS 1.3 suite'] };
  const weak = weakReasons(s);
  if (weak.length > 0) return { class: 'weak', reasons: weak };
  if (s.forwardSecrecy && s.aead) return { class: 'recommended', reasons: ['forward secrecy', 'AEAD'] };
  const missing: string[] = [];
  if (!s.forwardSecrecy) missing.push('no forward secrecy');
  if (!s.aead) missing.push('not AEAD');
  return { class: 'secure', reasons: missing };
}

export type HashQuality = 'insecure' | 'weak' | 'secure' | 'other';

/** The MAC/PRF hash on the paper's scale: MD5 insecure, SHA-1 weak, SHA-2 "secure hashes"; the rest "other". */
export function hashQuality(hash: SuiteHash | null): HashQuality | null {
  if (hash === null) return null;
  if (hash === 'MD5') return 'insecure';
  if (hash === 'SHA1') return 'weak';
  if (hash === 'SHA256' || hash === 'SHA384' || hash === 'SHA512') return 'secure';
  return 'other';
}
