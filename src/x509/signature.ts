// Certificate signature checks, all done by node:crypto (OpenSSL). Public keys are built once per certificate.
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Certificate } from './certificate.ts';

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

const keys = new WeakMap<Certificate, KeyObject | null>();

/** The certificate's public key as a KeyObject, or null when OpenSSL cannot load it. */
export function publicKeyOf(cert: Certificate): KeyObject | null {
  let key = keys.get(cert);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: cert.spki, format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    keys.set(cert, key);
  }
  return key;
}

// OpenSSL 3's default provider has no MD2/MD4: such signatures cannot be checked, which is not the same as forged.
const UNCHECKABLE = new Set(['md2', 'md4', 'unknown']);

/** Does `issuer`'s key verify `subject`'s signature? */
export function checkSignature(subject: Certificate, issuer: Certificate): SignatureCheck {
  const sig = subject.signature;
  if (UNCHECKABLE.has(sig.hash) && sig.scheme !== 'eddsa') return 'unsupported';
  const key = publicKeyOf(issuer);
  if (!key) return 'unsupported';
  try {
    const hash = sig.scheme === 'eddsa' ? null : sig.hash;
    const options =
      sig.scheme === 'rsa-pss'
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: sig.pssSaltLength ?? 20 }
        : sig.scheme === 'ecdsa' || sig.scheme === 'dsa'
          ? { key, dsaEncoding: 'der' as const }
          : key;
    return verify(hash, subject.tbs, options, subject.signatureValue) ? 'valid' : 'invalid';
  } catch {
    // Key type and signature algorithm disagree, or the signature is malformed: it does not verify.
    return 'invalid';
  }
}
