// A DICOM-TLS session graded against the Secure Transport Connection Profiles of DICOM PS3.15 Annex B, from
// what ssl.log shows of it: the negotiated version and cipher suite (the TLS knowledge module, src/tls/).
//   B.1 Basic TLS (retired)        TLS 1.0 framework, TLS_RSA_WITH_3DES_EDE_CBC_SHA
//   B.3 AES TLS (retired)          TLS_RSA_WITH_AES_128_CBC_SHA with 3DES fallback
//   B.9 BCP 195 (RFC 7525)         prefers TLS 1.2 with forward-secret AES-GCM, may fall back to the AES/Basic
//                                  suites and to older versions for compatibility
//   B.10 Non-downgrading BCP 195, B.11 Extended BCP 195, B.12/B.13 BCP 195 RFC 8996 (9325): TLS 1.2 or 1.3
//                                  only, forward-secret AEAD suites
// One session shows one negotiation, not a product's whole configuration, so the grade is the best profile the
// session is consistent with (dhai decides):
//   bcp195    TLS 1.2/1.3 with a TLS 1.3 suite or a forward-secret AEAD suite: every BCP 195 profile allows it
//   fallback  TLS 1.2/1.3 with another suite (static RSA, CBC): only B.9's backward-compatible fallback allows it
//   legacy    TLS 1.0/1.1/SSL, or a 3DES suite: only the retired Basic/AES profiles (obsolete: Sweet32, RFC 8996)
//   insecure  RC4, DES, NULL, export or anonymous suites: no profile allows them
//   unknown   no version or suite logged (the handshake did not finish)
import { assessCipher } from '../tls/cipher-suites.ts';
import { describeVersion } from '../tls/versions.ts';

export type DicomTlsGrade = 'bcp195' | 'fallback' | 'legacy' | 'insecure' | 'unknown';

export const DICOM_TLS_GRADES: readonly DicomTlsGrade[] = ['bcp195', 'fallback', 'legacy', 'insecure', 'unknown'];

/** Grades that raise a `dicom-tls-obsolete` finding. */
export const OBSOLETE_GRADES: ReadonlySet<DicomTlsGrade> = new Set(['legacy', 'insecure']);

export interface DicomTlsVerdict {
  grade: DicomTlsGrade;
  reasons: string[];
}

export function gradeDicomTls(version: string | null, cipher: string | null): DicomTlsVerdict {
  const v = describeVersion(version);
  const c = cipher && cipher.trim() !== '' && cipher !== '-' ? assessCipher(cipher) : null;
  if (!v || !c || c.class === 'unknown' || !c.suite) {
    return { grade: 'unknown', reasons: [!v ? 'no version logged' : 'no known cipher suite logged'] };
  }
  if (c.class === 'insecure') return { grade: 'insecure', reasons: c.reasons };
  const reasons: string[] = [];
  if (v.obsolete) reasons.push(`${v.label} (RFC 8996)`);
  if (c.suite.cipher === '3DES') reasons.push('3DES suite (Basic TLS profile; Sweet32)');
  if (reasons.length > 0) return { grade: 'legacy', reasons };
  if (v.ordinal === null || v.ordinal < 5 || v.family !== 'tls' || v.isDraft) {
    return { grade: 'unknown', reasons: [`version ${v.label} is not one PS3.15 profiles name`] };
  }
  if (c.suite.protocol === 'TLS13' || (c.suite.forwardSecrecy && c.suite.aead)) return { grade: 'bcp195', reasons: [v.label, 'forward-secret AEAD suite'] };
  const missing: string[] = [];
  if (!c.suite.forwardSecrecy) missing.push('no forward secrecy');
  if (!c.suite.aead) missing.push('not AEAD');
  return { grade: 'fallback', reasons: [v.label, ...missing] };
}
