// Test helper: a small hospital PKI made on the spot with @peculiar/x509 and real WebCrypto keys.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface Issued {
  der: Buffer;
  keys: CryptoKeyPair;
  name: string;
}

export interface IssueOptions {
  notBefore?: Date;
  notAfter?: Date;
  /** Key of the new certificate: P-256 (default) or a 1024-bit RSA key (a weak key). */
  key?: 'ec' | 'rsa1024';
  /** Digest the issuer signs with (SHA-1 makes a weak signature). */
  hash?: 'SHA-256' | 'SHA-1';
  ca?: boolean;
  dns?: string[];
}

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' };
const RSA_1024 = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

export async function keyPair(kind: IssueOptions['key']): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(kind === 'rsa1024' ? RSA_1024 : EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export function signingAlgorithm(issuer: CryptoKeyPair, hash: string): Algorithm {
  return issuer.privateKey.algorithm.name === 'ECDSA' ? ({ name: 'ECDSA', hash } as Algorithm) : ({ name: 'RSASSA-PKCS1-v1_5', hash } as Algorithm);
}

/** Issue a certificate for `name` (a DN such as `CN=Hospital Root CA,O=Example Hospital`), self-signed without `issuer`. */
export async function issue(name: string, issuer: Issued | null, opts: IssueOptions = {}): Promise<Issued> {
  const keys = await keyPair(opts.key);
  const signer = issuer?.keys ?? keys;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(opts.ca ?? false, undefined, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey),
  ];
  if (opts.dns) extensions.push(new x509.SubjectAlternativeNameExtension(opts.dns.map((value) => ({ type: 'dns' as const, value }))));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: name,
    issuer: issuer?.name ?? name,
    notBefore: opts.notBefore ?? new Date('2020-01-01T00:00:00Z'),
    notAfter: opts.notAfter ?? new Date('2030-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer, opts.hash ?? 'SHA-256'),
    extensions,
  });
  return { der: Buffer.from(cert.rawData), keys, name };
}
