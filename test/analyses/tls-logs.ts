// Small Zeek 6.x TSV logs (ssl, x509, conn) for the TLS-section tests, written in Zeek's layout and read through
// the real ingest, one folder per sensor.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runIngest } from '../../src/ingest/ingest.ts';
import { CLOSE, CONN_FIELDS, CONN_TYPES, header } from '../helpers/zeek-text.ts';

export const SSL_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'version', 'cipher', 'curve', 'server_name',
  'resumed', 'last_alert', 'next_protocol', 'established', 'ssl_history', 'cert_chain_fps', 'client_cert_chain_fps', 'sni_matches_cert',
  'validation_status'];
const SSL_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string', 'string', 'string', 'bool', 'string', 'string',
  'bool', 'string', 'vector[string]', 'vector[string]', 'bool', 'string'];
const X509_FIELDS = ['ts', 'fingerprint', 'certificate.version', 'certificate.serial', 'certificate.subject', 'certificate.issuer',
  'certificate.not_valid_before', 'certificate.not_valid_after', 'certificate.key_alg', 'certificate.sig_alg', 'certificate.key_type',
  'certificate.key_length', 'certificate.exponent', 'certificate.curve', 'san.dns', 'san.uri', 'san.email', 'san.ip', 'basic_constraints.ca',
  'basic_constraints.path_len', 'host_cert', 'client_cert'];
const X509_TYPES = ['time', 'string', 'count', 'string', 'string', 'string', 'time', 'time', 'string', 'string', 'string', 'count', 'string',
  'string', 'vector[string]', 'vector[string]', 'vector[string]', 'vector[addr]', 'bool', 'count', 'bool', 'bool'];

/** Seconds since the epoch of day `d` (1 = 2018-01-01) at hour `h`, UTC. */
export function at(d: number, h = 12): number {
  return Date.UTC(2018, 0, d, h) / 1000;
}

export interface SslSpec {
  uid: string;
  orig: string;
  resp: string;
  port?: number;
  version: string;
  cipher: string;
  curve?: string;
  resumed?: boolean;
  established?: boolean;
  /** server chain fingerprints, leaf first */
  chain?: string[];
  ts: number;
  /** conn.log local_orig / local_resp (the fallback when the site has no networks) */
  local: [boolean, boolean];
}

export interface CertSpec {
  fp: string;
  sigAlg: string;
  keyType: string;
  keyBits: number;
}

const b = (x: boolean) => (x ? 'T' : 'F');

function sslLine(s: SslSpec): string {
  const v: Record<string, string> = {
    ts: s.ts.toFixed(6), uid: s.uid, 'id.orig_h': s.orig, 'id.orig_p': '50000', 'id.resp_h': s.resp, 'id.resp_p': String(s.port ?? 443),
    version: s.version, cipher: s.cipher, curve: s.curve ?? '-', server_name: '-', resumed: b(s.resumed ?? false), last_alert: '-',
    next_protocol: '-', established: b(s.established ?? true), ssl_history: 'CsiI', cert_chain_fps: s.chain?.length ? s.chain.join(',') : '(empty)',
    client_cert_chain_fps: '(empty)', sni_matches_cert: '-', validation_status: '-',
  };
  return SSL_FIELDS.map((f) => v[f]).join('\t') + '\n';
}

function x509Line(c: CertSpec, ts: number): string {
  const v: Record<string, string> = {
    ts: ts.toFixed(6), fingerprint: c.fp, 'certificate.version': '3', 'certificate.serial': '01', 'certificate.subject': `CN=${c.fp}`,
    'certificate.issuer': 'CN=Test CA', 'certificate.not_valid_before': '1483228800.000000', 'certificate.not_valid_after': '1577836800.000000',
    'certificate.key_alg': c.keyType === 'rsa' ? 'rsaEncryption' : 'id-ecPublicKey', 'certificate.sig_alg': c.sigAlg,
    'certificate.key_type': c.keyType, 'certificate.key_length': String(c.keyBits), 'certificate.exponent': '-', 'certificate.curve': '-',
    'san.dns': '-', 'san.uri': '-', 'san.email': '-', 'san.ip': '-', 'basic_constraints.ca': 'F', 'basic_constraints.path_len': '-',
    host_cert: 'T', client_cert: 'F',
  };
  return X509_FIELDS.map((f) => v[f]).join('\t') + '\n';
}

function connLine(s: SslSpec): string {
  const v: Record<string, string> = {
    ts: (s.ts - 0.01).toFixed(6), uid: s.uid, 'id.orig_h': s.orig, 'id.orig_p': '50000', 'id.resp_h': s.resp, 'id.resp_p': String(s.port ?? 443),
    proto: s.version.startsWith('DTLS') ? 'udp' : 'tcp', service: 'ssl', duration: '1.000000', orig_bytes: '500', resp_bytes: '3000',
    conn_state: 'SF', local_orig: b(s.local[0]), local_resp: b(s.local[1]), missed_bytes: '0', history: 'ShADadFf', tunnel_parents: '(empty)',
  };
  return CONN_FIELDS.map((f) => v[f]).join('\t') + '\n';
}

/** Write one sensor's ssl.log, x509.log and conn.log into `dir/sensor` and ingest them into `db`. */
export async function ingestSensor(dir: string, db: string, sensor: string, sessions: SslSpec[], certs: CertSpec[]): Promise<void> {
  const d = path.join(dir, sensor);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'ssl.log'), header('ssl', SSL_FIELDS, SSL_TYPES) + sessions.map(sslLine).join('') + CLOSE);
  writeFileSync(path.join(d, 'conn.log'), header('conn', CONN_FIELDS, CONN_TYPES) + sessions.map(connLine).join('') + CLOSE);
  if (certs.length) writeFileSync(path.join(d, 'x509.log'), header('x509', X509_FIELDS, X509_TYPES) + certs.map((c) => x509Line(c, at(1, 0))).join('') + CLOSE);
  await runIngest({ paths: [d], db, sensor });
}
