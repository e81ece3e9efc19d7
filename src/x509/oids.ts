// Object identifiers dhai names, with the names OpenSSL gives them: Zeek prints subjects, algorithms and
// curves through OpenSSL, so matching its spellings lets our facts join Zeek's x509.log column for column.

/** Distinguished-name attribute types → OpenSSL short names (what X509_NAME_print_ex with XN_FLAG_FN_SN prints). */
export const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.16': 'postalAddress',
  '2.5.4.17': 'postalCode',
  '2.5.4.18': 'postOfficeBox',
  '2.5.4.20': 'telephoneNumber',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.45': 'x500UniqueIdentifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.72': 'role',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.2.840.113549.1.9.8': 'unstructuredAddress',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

/** Digest behind a signature; `intrinsic` for EdDSA, whose hash is part of the scheme. */
export type SignatureHash = 'md2' | 'md4' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'intrinsic' | 'unknown';

export interface SignatureAlgorithm {
  /** OpenSSL's long name, as Zeek logs `certificate.sig_alg`. */
  name: string;
  scheme: 'rsa' | 'rsa-pss' | 'ecdsa' | 'dsa' | 'eddsa';
  /** Fixed digest; RSASSA-PSS takes its digest from the parameters instead. */
  hash: SignatureHash;
}

export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', scheme: 'rsa', hash: 'md2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', scheme: 'rsa', hash: 'md4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', scheme: 'rsa', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', scheme: 'rsa', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', scheme: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', scheme: 'rsa-pss', hash: 'unknown' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', scheme: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', scheme: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', scheme: 'rsa', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', scheme: 'rsa', hash: 'sha224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', scheme: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', scheme: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', scheme: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', scheme: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', scheme: 'ecdsa', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsaWithSHA1', scheme: 'dsa', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { name: 'dsa_with_SHA224', scheme: 'dsa', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', scheme: 'dsa', hash: 'sha256' },
  '1.3.101.112': { name: 'ED25519', scheme: 'eddsa', hash: 'intrinsic' },
  '1.3.101.113': { name: 'ED448', scheme: 'eddsa', hash: 'intrinsic' },
};

/** Digest algorithm identifiers (RSASSA-PSS parameters). */
export const HASH_ALGORITHMS: Readonly<Record<string, SignatureHash>> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export type KeyType = 'rsa' | 'dsa' | 'ecdsa' | 'ed25519' | 'ed448' | 'x25519' | 'x448' | 'unknown';

/** SubjectPublicKeyInfo algorithms → OpenSSL long name (Zeek's `key_alg`) and Zeek's `key_type`. */
export const KEY_ALGORITHMS: Readonly<Record<string, { name: string; type: KeyType }>> = {
  '1.2.840.113549.1.1.1': { name: 'rsaEncryption', type: 'rsa' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', type: 'rsa' },
  // Some RDP servers label their RSA key with a signature OID; Zeek special-cases it and so do we.
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', type: 'rsa' },
  '1.2.840.10040.4.1': { name: 'dsaEncryption', type: 'dsa' },
  '1.2.840.10045.2.1': { name: 'id-ecPublicKey', type: 'ecdsa' },
  '1.3.101.110': { name: 'X25519', type: 'x25519' },
  '1.3.101.111': { name: 'X448', type: 'x448' },
  '1.3.101.112': { name: 'ED25519', type: 'ed25519' },
  '1.3.101.113': { name: 'ED448', type: 'ed448' },
};

/** Named curves → OpenSSL short name (Zeek's `curve`) and the bit length of the group order (Zeek's `key_length`). */
export const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  '1.2.840.10045.3.1.1': { name: 'prime192v1', bits: 192 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

export const EXT = {
  SUBJECT_KEY_ID: '2.5.29.14',
  KEY_USAGE: '2.5.29.15',
  SUBJECT_ALT_NAME: '2.5.29.17',
  BASIC_CONSTRAINTS: '2.5.29.19',
  AUTHORITY_KEY_ID: '2.5.29.35',
  /** RFC 6962 §3.3: SignedCertificateTimestampList embedded in the final certificate. */
  SCT_LIST: '1.3.6.1.4.1.11129.2.4.2',
  /** RFC 6962 §3.1: precertificate poison. */
  CT_POISON: '1.3.6.1.4.1.11129.2.4.3',
} as const;
