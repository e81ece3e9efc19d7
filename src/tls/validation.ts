// ssl.log `validation_status` into analyses.md E's categories, keeping the raw value. Zeek's validate-certs
// script logs X509_verify_cert_error_string() of the OpenSSL it was built with, or one of its own messages when
// it could not run the check (src/file_analysis/analyzer/x509/functions.bif, x509_verify). The texts below are
// OpenSSL's crypto/x509/x509_txt.c: 1.0.2/1.1.x ("self signed certificate", "certificate is not yet valid") and
// 3.x ("self-signed certificate", and on master "… or the system clock is incorrect").

export type ValidationCategory =
  | 'ok' | 'unknown_issuer' | 'self_signed' | 'expired' | 'not_yet_valid' | 'other_failure' | 'unavailable';

export interface ValidationStatus {
  /** The logged value, untouched (null when the field was unset). */
  raw: string | null;
  category: ValidationCategory;
  /** Finer reason: the OpenSSL error it spells (X509_V_ERR_…), or why the status is unavailable. */
  detail: string;
  /** False when the text is none dhai knows: it is then counted as other_failure. */
  known: boolean;
}

interface Known {
  category: ValidationCategory;
  detail: string;
}

const k = (category: ValidationCategory, detail: string): Known => ({ category, detail });

// Keys are lower-cased: OpenSSL changed the capitals of several texts between releases ("Hostname mismatch").
const KNOWN: Record<string, Known> = {
  ok: k('ok', 'X509_V_OK'),
  'unable to get local issuer certificate': k('unknown_issuer', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'),
  'unable to get issuer certificate': k('unknown_issuer', 'UNABLE_TO_GET_ISSUER_CERT'),
  'unable to verify the first certificate': k('unknown_issuer', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
  'self signed certificate': k('self_signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
  'self-signed certificate': k('self_signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
  'self signed certificate in certificate chain': k('self_signed', 'SELF_SIGNED_CERT_IN_CHAIN'),
  'self-signed certificate in certificate chain': k('self_signed', 'SELF_SIGNED_CERT_IN_CHAIN'),
  'certificate has expired': k('expired', 'CERT_HAS_EXPIRED'),
  'certificate is not yet valid': k('not_yet_valid', 'CERT_NOT_YET_VALID'),
  'certificate is not yet valid or the system clock is incorrect': k('not_yet_valid', 'CERT_NOT_YET_VALID'),
  // failures that are none of the above
  'unspecified certificate verification error': k('other_failure', 'UNSPECIFIED'),
  'unknown certificate verification error': k('other_failure', 'unknown code (OpenSSL 3.x text)'),
  'unable to decrypt certificate\'s signature': k('other_failure', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE'),
  'unable to decode issuer public key': k('other_failure', 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY'),
  'certificate signature failure': k('other_failure', 'CERT_SIGNATURE_FAILURE'),
  'format error in certificate\'s notbefore field': k('other_failure', 'ERROR_IN_CERT_NOT_BEFORE_FIELD'),
  'format error in certificate\'s notafter field': k('other_failure', 'ERROR_IN_CERT_NOT_AFTER_FIELD'),
  'certificate chain too long': k('other_failure', 'CERT_CHAIN_TOO_LONG'),
  'certificate revoked': k('other_failure', 'CERT_REVOKED'),
  'invalid ca certificate': k('other_failure', 'INVALID_CA'),
  'invalid non-ca certificate (has ca markings)': k('other_failure', 'INVALID_NON_CA'),
  'path length constraint exceeded': k('other_failure', 'PATH_LENGTH_EXCEEDED'),
  'unsupported certificate purpose': k('other_failure', 'INVALID_PURPOSE'),
  'unsuitable certificate purpose': k('other_failure', 'INVALID_PURPOSE'),
  'certificate not trusted': k('other_failure', 'CERT_UNTRUSTED'),
  'certificate rejected': k('other_failure', 'CERT_REJECTED'),
  'key usage does not include certificate signing': k('other_failure', 'KEYUSAGE_NO_CERTSIGN'),
  'unhandled critical extension': k('other_failure', 'UNHANDLED_CRITICAL_EXTENSION'),
  'invalid or inconsistent certificate extension': k('other_failure', 'INVALID_EXTENSION'),
  'hostname mismatch': k('other_failure', 'HOSTNAME_MISMATCH'),
  'ee certificate key too weak': k('other_failure', 'EE_KEY_TOO_SMALL'),
  'ca certificate key too weak': k('other_failure', 'CA_KEY_TOO_SMALL'),
  'ca signature digest algorithm too weak': k('other_failure', 'CA_MD_TOO_WEAK'),
  'path loop': k('other_failure', 'PATH_LOOP'),
  'certificate public key has explicit ecc parameters': k('other_failure', 'EC_KEY_EXPLICIT_PARAMS'),
  'issuer name empty': k('other_failure', 'ISSUER_NAME_EMPTY'),
  'subject name empty': k('other_failure', 'SUBJECT_NAME_EMPTY'),
  'out of memory': k('other_failure', 'OUT_OF_MEM'),
  // Zeek's own messages: the check did not run, so nothing is known about the certificate
  'problem initializing root store': k('unavailable', 'Zeek could not initialise its root store'),
  'no certificates': k('unavailable', 'Zeek had no certificate to validate'),
  'undefined value in certificate vector': k('unavailable', 'Zeek validator input error'),
  'no certificate in opaque': k('unavailable', 'Zeek validator input error'),
  'problem initializing list of untrusted certificates': k('unavailable', 'Zeek validator input error'),
};

/** Every text dhai recognises, with OpenSSL's and Zeek's own spellings. */
export function knownValidationStatuses(): string[] {
  return Object.keys(KNOWN);
}

export function normalizeValidationStatus(raw: string | null | undefined): ValidationStatus {
  if (raw === null || raw === undefined) return { raw: null, category: 'unavailable', detail: 'not logged', known: true };
  const text = raw.trim();
  // TLS 1.3 hides the certificate from a passive sensor; bare Zeek (no validate-certs) never sets the field
  if (text === '' || text === '-' || text === '(empty)') return { raw, category: 'unavailable', detail: 'not logged', known: true };
  const hit = KNOWN[text.toLowerCase()];
  if (hit) return { raw, category: hit.category, detail: hit.detail, known: true };
  // OpenSSL 1.0.x/1.1.x print unknown codes as "error number N"
  const num = /^error number (-?\d+)$/i.exec(text);
  if (num) return { raw, category: 'other_failure', detail: `OpenSSL error ${num[1]}`, known: true };
  return { raw, category: 'other_failure', detail: 'unrecognised text', known: false };
}
