// One X.509 certificate → the facts the certificate and CT analyses need, spelled as Zeek's x509.log spells
// them (fingerprints, serial, subject/issuer text, algorithm and curve names, key length).
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import {
  bitLength, childrenOf, contentOf, CONTEXT, decodeTime, DerError, expect, oidAt, rawOf, readTlv, TAG, unsignedBytes, unsignedValue, type Tlv,
} from './der.ts';
import { parseName, type DistinguishedName } from './names.ts';
import { CURVES, EXT, HASH_ALGORITHMS, KEY_ALGORITHMS, SIGNATURE_ALGORITHMS, type KeyType, type SignatureAlgorithm, type SignatureHash } from './oids.ts';
import { toDer } from './pem.ts';
import { checkSignature } from './signature.ts';

export interface PublicKeyFacts {
  /** Zeek's `key_alg` (OpenSSL long name, or the dotted OID). */
  alg: string;
  type: KeyType;
  /** RSA/DSA modulus bits, EC group-order bits (as Zeek's `key_length`); null when not determinable. */
  bits: number | null;
  /** RSA public exponent in decimal, as Zeek's `exponent`. */
  exponent: string | null;
  /** OpenSSL curve short name (`prime256v1`, `secp384r1`), the OID for unknown named curves. */
  curve: string | null;
}

export interface SignatureFacts {
  /** Zeek's `sig_alg` (OpenSSL long name, or the dotted OID). */
  alg: string;
  oid: string;
  scheme: SignatureAlgorithm['scheme'] | 'unknown';
  hash: SignatureHash;
  pssSaltLength?: number;
}

export interface Certificate {
  der: Buffer;
  /** Lowercase hex, as Zeek's `fingerprint` (SHA-256) and files.log `sha1`. */
  sha256: string;
  sha1: string;
  version: number;
  /** Uppercase hex of the serial's magnitude, as OpenSSL's i2a_ASN1_INTEGER prints it for Zeek. */
  serial: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** The most specific (last) subject CN, as Zeek's `certificate.cn`. */
  cn: string | null;
  notBefore: Date;
  notAfter: Date;
  san: { dns: string[]; ip: string[]; email: string[]; uri: string[]; otherNames: boolean };
  key: PublicKeyFacts;
  signature: SignatureFacts;
  /** Subject and issuer names match (RFC 5280 comparison). */
  selfIssued: boolean;
  /** Self-issued and the signature verifies with the certificate's own key (computed on first read). */
  readonly selfSigned: boolean;
  emptyIssuer: boolean;
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  isCa: boolean;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  hasSctList: boolean;
  /** OIDs of extensions we could not decode (the certificate is still usable). */
  malformedExtensions: string[];
  /** Raw DER pieces used for signature checks and SCT verification. */
  tbs: Buffer;
  spki: Buffer;
  signatureValue: Buffer;
  /** The extensions' raw DER, in order, with their OIDs (RFC 6962 rebuilds the TBS without one of them). */
  extensions: { oid: string; critical: boolean; value: Buffer; tlv: Tlv }[];
}

export class CertificateParseError extends Error {
  override name = 'CertificateParseError';
}

/** Parse one certificate (DER, PEM or base64). Throws CertificateParseError on malformed input. */
export function parseCertificate(input: Buffer | Uint8Array | string): Certificate {
  let der: Buffer;
  try {
    der = toDer(input);
  } catch (e) {
    throw new CertificateParseError((e as Error).message);
  }
  try {
    return parseDer(der);
  } catch (e) {
    if (e instanceof DerError) throw new CertificateParseError(`malformed certificate: ${e.message}`);
    throw e;
  }
}

function parseDer(der: Buffer): Certificate {
  const outer = expect(readTlv(der, 0), TAG.SEQUENCE, 'Certificate');
  if (outer.end !== der.length) throw new DerError(`${der.length - outer.end} trailing bytes after the certificate`);
  const [tbsTlv, sigAlgTlv, sigValueTlv] = childrenOf(der, outer);
  const tbsParts = childrenOf(der, expect(tbsTlv, TAG.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  let version = 1;
  if (tbsParts[0]?.cls === CONTEXT && tbsParts[0].tag === 0) {
    const [v] = childrenOf(der, tbsParts[0]);
    version = Number(unsignedValue(contentOf(der, expect(v, TAG.INTEGER, 'version')))) + 1;
    i = 1;
  }
  const serialTlv = expect(tbsParts[i], TAG.INTEGER, 'serialNumber');
  const issuer = parseName(der, tbsParts[i + 2]!);
  const [nb, na] = childrenOf(der, expect(tbsParts[i + 3], TAG.SEQUENCE, 'Validity'));
  if (!nb || !na) throw new DerError('Validity needs notBefore and notAfter');
  const subject = parseName(der, tbsParts[i + 4]!);
  const spkiTlv = expect(tbsParts[i + 5], TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  const extensions: Certificate['extensions'] = [];
  for (const part of tbsParts.slice(i + 6)) {
    if (part.cls !== CONTEXT || part.tag !== 3) continue;
    for (const ext of childrenOf(der, expect(childrenOf(der, part)[0], TAG.SEQUENCE, 'Extensions'))) {
      const fields = childrenOf(der, expect(ext, TAG.SEQUENCE, 'Extension'));
      const critical = fields.length === 3 && fields[1]!.tag === TAG.BOOLEAN && der[fields[1]!.contentStart] !== 0;
      const value = contentOf(der, expect(fields[fields.length - 1], TAG.OCTET_STRING, 'extnValue'));
      extensions.push({ oid: oidAt(der, fields[0], 'extnID'), critical, value, tlv: ext });
    }
  }
  const ext = (oid: string): Buffer | undefined => extensions.find((e) => e.oid === oid)?.value;
  const sigBits = contentOf(der, expect(sigValueTlv, TAG.BIT_STRING, 'signatureValue'));
  // A malformed extension does not make the certificate unreadable (Zeek logs it with a weird): note and go on.
  const malformedExtensions: string[] = [];
  const lenient = <T>(oid: string, parse: (v: Buffer | undefined) => T, fallback: T): T => {
    try {
      return parse(ext(oid));
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      malformedExtensions.push(oid);
      return fallback;
    }
  };
  const bc = lenient(EXT.BASIC_CONSTRAINTS, basicConstraints, null);
  const cert: Certificate = {
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    sha1: createHash('sha1').update(der).digest('hex'),
    version,
    serial: serialText(contentOf(der, serialTlv)),
    subject,
    issuer,
    cn: subject.cn.at(-1) ?? null,
    notBefore: decodeTime(der, nb),
    notAfter: decodeTime(der, na),
    san: lenient(EXT.SUBJECT_ALT_NAME, subjectAltNames, subjectAltNames(undefined)),
    key: publicKeyFacts(der, spkiTlv),
    signature: signatureFacts(der, expect(sigAlgTlv, TAG.SEQUENCE, 'signatureAlgorithm')),
    selfIssued: subject.key === issuer.key,
    selfSigned: false,
    emptyIssuer: issuer.empty,
    basicConstraints: bc,
    isCa: bc?.ca ?? false,
    subjectKeyId: lenient(EXT.SUBJECT_KEY_ID, (v) => keyIdentifier(v, false), null),
    authorityKeyId: lenient(EXT.AUTHORITY_KEY_ID, (v) => keyIdentifier(v, true), null),
    malformedExtensions,
    hasSctList: extensions.some((e) => e.oid === EXT.SCT_LIST),
    tbs: rawOf(der, tbsTlv!),
    spki: rawOf(der, spkiTlv),
    signatureValue: sigBits.subarray(1),
    extensions,
  };
  // Checked on first use, not at parse: a self-signature costs up to a millisecond (RSA-4096) and is never
  // needed for trust anchors. Only self-issued certificates can be self-signed.
  let selfSigned: boolean | undefined;
  Object.defineProperty(cert, 'selfSigned', {
    enumerable: true,
    get: () => (selfSigned ??= cert.selfIssued && checkSignature(cert, cert) === 'valid'),
  });
  return cert;
}

function serialText(content: Buffer): string {
  if (content.length === 0) return '00';
  if ((content[0]! & 0x80) === 0) return unsignedBytes(content).toString('hex').toUpperCase();
  // Negative serials (invalid but seen): OpenSSL prints a minus sign and the magnitude.
  const magnitude = -BigInt.asIntN(content.length * 8, unsignedValue(content));
  const hex = magnitude.toString(16).toUpperCase();
  return '-' + (hex.length % 2 ? '0' + hex : hex);
}

function publicKeyFacts(der: Buffer, spki: Tlv): PublicKeyFacts {
  const [algId, keyBits] = childrenOf(der, spki);
  const [oidTlv, params] = childrenOf(der, expect(algId, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  const oid = oidAt(der, oidTlv, 'key algorithm');
  const known = KEY_ALGORITHMS[oid];
  const facts: PublicKeyFacts = { alg: known?.name ?? oid, type: known?.type ?? 'unknown', bits: null, exponent: null, curve: null };
  const keyBytes = contentOf(der, expect(keyBits, TAG.BIT_STRING, 'subjectPublicKey')).subarray(1);
  try {
    if (facts.type === 'rsa') {
      const seq = readTlv(keyBytes, 0);
      const [n, e] = childrenOf(keyBytes, expect(seq, TAG.SEQUENCE, 'RSAPublicKey'));
      facts.bits = bitLength(contentOf(keyBytes, expect(n, TAG.INTEGER, 'modulus')));
      facts.exponent = unsignedValue(contentOf(keyBytes, expect(e, TAG.INTEGER, 'exponent'))).toString(10);
    } else if (facts.type === 'dsa' && params?.tag === TAG.SEQUENCE) {
      const [p] = childrenOf(der, params);
      facts.bits = bitLength(contentOf(der, expect(p, TAG.INTEGER, 'DSA p')));
    } else if (facts.type === 'ecdsa' && params?.tag === TAG.OID) {
      const curveOid = oidAt(der, params, 'namedCurve');
      facts.curve = CURVES[curveOid]?.name ?? curveOid;
      facts.bits = CURVES[curveOid]?.bits ?? null;
    } else if (facts.type === 'ecdsa' && params?.tag === TAG.SEQUENCE) {
      // Explicit curve parameters: the order is the fifth field of SpecifiedECDomain.
      const order = childrenOf(der, params)[4];
      if (order?.tag === TAG.INTEGER) facts.bits = bitLength(contentOf(der, order));
    }
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    // A key OpenSSL could not read either: Zeek logs no length, neither do we.
  }
  return facts;
}

function signatureFacts(der: Buffer, algId: Tlv): SignatureFacts {
  const [oidTlv, params] = childrenOf(der, algId);
  const oid = oidAt(der, oidTlv, 'signature algorithm');
  const known = SIGNATURE_ALGORITHMS[oid];
  const facts: SignatureFacts = { alg: known?.name ?? oid, oid, scheme: known?.scheme ?? 'unknown', hash: known?.hash ?? 'unknown' };
  if (known?.scheme === 'rsa-pss') {
    // RFC 4055 defaults: SHA-1, salt 20.
    facts.hash = 'sha1';
    facts.pssSaltLength = 20;
    for (const p of params?.tag === TAG.SEQUENCE ? childrenOf(der, params) : []) {
      const [inner] = childrenOf(der, p);
      if (p.tag === 0 && inner) facts.hash = HASH_ALGORITHMS[oidAt(der, childrenOf(der, inner)[0], 'PSS hash')] ?? 'unknown';
      if (p.tag === 2 && inner?.tag === TAG.INTEGER) facts.pssSaltLength = Number(unsignedValue(contentOf(der, inner)));
    }
  }
  return facts;
}

function basicConstraints(value: Buffer | undefined): Certificate['basicConstraints'] {
  if (!value) return null;
  const fields = childrenOf(value, expect(readTlv(value, 0), TAG.SEQUENCE, 'BasicConstraints'));
  let ca = false;
  let pathLen: number | null = null;
  for (const f of fields) {
    if (f.tag === TAG.BOOLEAN) ca = value[f.contentStart] !== 0;
    if (f.tag === TAG.INTEGER) pathLen = Number(unsignedValue(contentOf(value, f)));
  }
  return { ca, pathLen };
}

function keyIdentifier(value: Buffer | undefined, authority: boolean): string | null {
  if (!value) return null;
  const top = readTlv(value, 0);
  if (!authority) return contentOf(value, expect(top, TAG.OCTET_STRING, 'SubjectKeyIdentifier')).toString('hex');
  const id = childrenOf(value, expect(top, TAG.SEQUENCE, 'AuthorityKeyIdentifier')).find((f) => f.cls === CONTEXT && f.tag === 0);
  return id ? contentOf(value, id).toString('hex') : null;
}

function subjectAltNames(value: Buffer | undefined): Certificate['san'] {
  const san: Certificate['san'] = { dns: [], ip: [], email: [], uri: [], otherNames: false };
  if (!value) return san;
  for (const g of childrenOf(value, expect(readTlv(value, 0), TAG.SEQUENCE, 'GeneralNames'))) {
    const bytes = contentOf(value, g);
    if (g.cls !== CONTEXT) san.otherNames = true;
    // Names are kept byte for byte (Latin-1): they are attacker-controlled and must not be normalised away.
    else if (g.tag === 2) san.dns.push(bytes.toString('latin1'));
    else if (g.tag === 1) san.email.push(bytes.toString('latin1'));
    else if (g.tag === 6) san.uri.push(bytes.toString('latin1'));
    else if (g.tag === 7 && (bytes.length === 4 || bytes.length === 16)) san.ip.push(ipText(bytes));
    else san.otherNames = true;
  }
  return san;
}

/** Zeek stores addresses as IPv6 and prints IPv4-mapped ones as IPv4; so do we. */
function ipText(bytes: Buffer): string {
  const addr = ipaddr.fromByteArray([...bytes]);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address().toString();
  return addr.toString();
}
