// Test helper for the certificate analyses: real certificates made on the spot with @peculiar/x509 (an internal
// CA, a "public" CA under a test root, a self-signed RSA-1024 appliance, an expired SHA-1-signed leaf, one with
// an empty issuer, one with embedded SCTs signed by a test CT log), and Zeek 6 ssl.log / x509.log text that
// logs them, DER included, exactly as Zeek's TSV writer does.
import 'reflect-metadata';
import { createHash, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { parseCertificate, type Certificate } from '../../src/x509/certificate.ts';
import { parseCtLogList, type CtLogList } from '../../src/intel/ct-log-list.ts';
import { sctSignedData } from '../../src/x509/sct.ts';
import { header } from '../helpers/zeek-text.ts';
import { keyPair, signingAlgorithm, type IssueOptions } from '../x509/pki.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface Made {
  der: Buffer;
  cert: Certificate;
  keys: CryptoKeyPair;
  name: string;
}

export interface MakeOptions extends IssueOptions {
  /** issuer name to write when it is not the signer's (an empty string writes an empty issuer) */
  issuerName?: string;
  serial?: string;
  extra?: x509.Extension[];
  keys?: CryptoKeyPair;
}

let serialCounter = 0x1000;

export async function make(name: string, signer: Made | null, o: MakeOptions = {}): Promise<Made> {
  const keys = o.keys ?? (await keyPair(o.key));
  const signKeys = signer?.keys ?? keys;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(o.ca ?? false, undefined, true)];
  if (o.dns) extensions.push(new x509.SubjectAlternativeNameExtension(o.dns.map((value) => ({ type: 'dns' as const, value }))));
  extensions.push(...(o.extra ?? []));
  const c = await x509.X509CertificateGenerator.create({
    serialNumber: o.serial ?? (serialCounter++).toString(16),
    subject: name,
    issuer: o.issuerName ?? signer?.name ?? name,
    notBefore: o.notBefore ?? new Date('2017-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2030-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: signKeys.privateKey,
    signingAlgorithm: signingAlgorithm(signKeys, o.hash ?? 'SHA-256'),
    extensions,
  });
  const der = Buffer.from(c.rawData);
  return { der, cert: parseCertificate(der), keys, name };
}

export const pem = (m: Made): string => `-----BEGIN CERTIFICATE-----\n${m.der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

/** A CT log of our own: its key pair and a Chrome-format log list naming it. */
export function testLog(): { list: CtLogList; key: KeyObject; logId: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(spki).digest();
  const list = parseCtLogList(JSON.stringify({
    version: '1.0', log_list_timestamp: '2018-01-01T00:00:00Z',
    operators: [{ name: 'Test operator', logs: [{ description: 'Test log', log_id: logId.toString('base64'), key: spki.toString('base64'), url: 'https://ct.invalid/', state: { usable: { timestamp: '2017-01-01T00:00:00Z' } } }] }],
  }), 'test log list');
  return { list, key: privateKey, logId };
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/**
 * A leaf with one embedded SCT from `log` (RFC 6962 §3.3: the log signs the TBSCertificate without the SCT list
 * and the issuer's key hash). `tamper` signs a different timestamp from the one written, so it cannot verify.
 */
export async function makeWithSct(name: string, issuer: Made, log: { key: KeyObject; logId: Buffer }, o: MakeOptions & { tamper?: boolean } = {}): Promise<Made> {
  const serial = (serialCounter++).toString(16);
  const keys = await keyPair('ec');
  // the precertificate's TBS: the same certificate without the SCT extension (which we append last)
  const pre = await make(name, issuer, { ...o, serial, keys });
  const issuerKeyHash = createHash('sha256').update(issuer.cert.spki).digest();
  const timestamp = Date.parse('2017-06-01T00:00:00Z');
  const sct = { version: 0, logId: log.logId.toString('base64'), timestamp, extensions: Buffer.alloc(0), hashAlg: 4, sigAlg: 3, signature: Buffer.alloc(0) };
  const signed = sctSignedData({ ...sct, timestamp: o.tamper ? timestamp + 1 : timestamp }, { type: 'precert', issuerKeyHash, tbs: pre.cert.tbs });
  const signature = sign('sha256', signed, { key: log.key, dsaEncoding: 'der' });
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const body = Buffer.concat([Buffer.from([0]), log.logId, ts, u16(0), Buffer.from([4, 3]), u16(signature.length), signature]);
  const list = Buffer.concat([u16(body.length + 2), u16(body.length), body]);
  const octet = Buffer.concat([Buffer.from([0x04, list.length]), list]);
  return make(name, issuer, { ...o, serial, keys, extra: [new x509.Extension('1.3.6.1.4.1.11129.2.4.2', false, octet)] });
}

// ---- Zeek 6 TSV ----

export const SSL_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'version', 'cipher', 'curve', 'server_name', 'resumed',
  'last_alert', 'next_protocol', 'established', 'ssl_history', 'cert_chain_fps', 'client_cert_chain_fps', 'sni_matches_cert', 'validation_status', 'valid_ct_logs'];
const SSL_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string', 'string', 'string', 'bool', 'string', 'string', 'bool', 'string',
  'vector[string]', 'vector[string]', 'bool', 'string', 'count'];
export const X509_FIELDS = ['ts', 'fingerprint', 'certificate.version', 'certificate.serial', 'certificate.subject', 'certificate.issuer',
  'certificate.not_valid_before', 'certificate.not_valid_after', 'certificate.key_alg', 'certificate.sig_alg', 'certificate.key_type',
  'certificate.key_length', 'certificate.exponent', 'certificate.curve', 'san.dns', 'san.uri', 'san.email', 'san.ip', 'basic_constraints.ca',
  'basic_constraints.path_len', 'host_cert', 'client_cert', 'cert'];
const X509_TYPES = ['time', 'string', 'count', 'string', 'string', 'string', 'time', 'time', 'string', 'string', 'string', 'count', 'string', 'string',
  'vector[string]', 'vector[string]', 'vector[string]', 'vector[addr]', 'bool', 'count', 'bool', 'bool', 'string'];

/** Zeek's TSV escaping of a string field: backslashes doubled, as real Zeek logs show (`O=Imgur\\, Inc.`). */
const tsv = (s: string): string => (s === '' ? '(empty)' : s.replace(/\\/g, '\\\\'));
const time = (d: Date | number): string => ((typeof d === 'number' ? d : d.getTime()) / 1000).toFixed(6);

export interface Session {
  ts: number;
  orig: string;
  resp: string;
  port?: number;
  chain: Made[];
  status: string | null;
  established?: boolean;
  resumed?: boolean;
  version?: string;
  validCtLogs?: number;
}

let uid = 0;
export function sslLog(sessions: Session[], opts: { withCt?: boolean } = {}): string {
  const fields = opts.withCt ? SSL_FIELDS : SSL_FIELDS.slice(0, -1);
  const types = opts.withCt ? SSL_TYPES : SSL_TYPES.slice(0, -1);
  let out = header('ssl', fields, types);
  for (const s of [...sessions].sort((a, b) => a.ts - b.ts)) {
    const v: string[] = [
      time(s.ts), `Ctest${(uid++).toString(36).padStart(8, '0')}`, s.orig, String(40000 + (uid % 20000)), s.resp, String(s.port ?? 443),
      s.version ?? 'TLSv12', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'x25519', '-', s.resumed ? 'T' : 'F', '-', '-', s.established === false ? 'F' : 'T',
      'CsiI', s.chain.length ? s.chain.map((c) => c.cert.sha256).join(',') : '-', s.chain.length ? '(empty)' : '-', '-', s.status === null ? '-' : tsv(s.status),
    ];
    if (opts.withCt) v.push(s.validCtLogs === undefined ? '-' : String(s.validCtLogs));
    out += v.join('\t') + '\n';
  }
  return out + '#close\t2018-01-03-00-00-00\n';
}

/** One x509.log row per certificate (at `ts`), DER in the `cert` column unless `der` is false. */
export function x509Log(rows: { m: Made; ts: number; host?: boolean }[], opts: { der?: boolean } = {}): string {
  const fields = opts.der === false ? X509_FIELDS.slice(0, -1) : X509_FIELDS;
  const types = opts.der === false ? X509_TYPES.slice(0, -1) : X509_TYPES;
  let out = header('x509', fields, types);
  for (const { m, ts, host } of rows) {
    const c = m.cert;
    const v = [
      time(ts), c.sha256, String(c.version), c.serial, tsv(c.subject.text), tsv(c.issuer.text), time(c.notBefore), time(c.notAfter), c.key.alg, c.signature.alg,
      c.key.type, c.key.bits === null ? '-' : String(c.key.bits), c.key.exponent ?? '-', c.key.curve ?? '-',
      c.san.dns.length ? c.san.dns.join(',') : '-', '-', '-', '-', c.basicConstraints ? (c.basicConstraints.ca ? 'T' : 'F') : '-', '-', host === false ? 'F' : 'T', 'F',
    ];
    if (opts.der !== false) v.push(m.der.toString('base64'));
    out += v.join('\t') + '\n';
  }
  return out + '#close\t2018-01-03-00-00-00\n';
}
