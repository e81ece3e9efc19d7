// Certificates arrive as DER (captures), base64 (Zeek's x509 `cert` column) or PEM (root stores, site CAs).
import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.ts';

const PEM_CERT = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Every CERTIFICATE block of a PEM text (a bundle such as Mozilla's cacert.pem), as DER. */
export function certificatesFromPem(text: string): Buffer[] {
  return [...text.matchAll(PEM_CERT)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** One certificate as DER from DER bytes, PEM text or bytes, or a bare base64 string. */
export function toDer(input: Buffer | Uint8Array | string): Buffer {
  if (typeof input !== 'string') {
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (buf[0] === 0x30) return buf;
    return toDer(buf.toString('latin1'));
  }
  if (input.includes('-----BEGIN')) {
    const [first] = certificatesFromPem(input);
    if (!first) throw new UsageError('no CERTIFICATE block in PEM text');
    return first;
  }
  const b64 = input.replace(/\s+/g, '');
  if (!BASE64.test(b64)) throw new UsageError('certificate is neither DER, PEM nor base64');
  return Buffer.from(b64, 'base64');
}

/** Read a PEM bundle file (root store, site CA list); an empty bundle is an error, not an empty trust store. */
export function readPemBundle(file: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (e) {
    throw new UsageError(`cannot read certificate file ${file}: ${(e as Error).message}`);
  }
  const ders = certificatesFromPem(text);
  if (ders.length === 0) throw new UsageError(`${file}: no PEM CERTIFICATE blocks`);
  return ders;
}
