// The columns of each log the simulator writes, per Zeek version, as Zeek itself declares them. Checked
// field for field against real logs in ../shared/fixtures (see test/simulate/zeek-layout.test.ts):
// Zeek 6.x conn/dns/ssl (slips-ctu-sme-11, without its two label columns), Zeek's own x509 baseline
// (4.1+ layout with `fingerprint`, `host_cert`, `client_cert`), and the pre-4.1 layout of Zeek 3.x
// (rita-proxy, slips-test10: `cert_chain_fuids`, `subject`/`issuer` in ssl.log, `id` in x509.log).

export type ZeekType =
  | 'time'
  | 'interval'
  | 'string'
  | 'enum'
  | 'addr'
  | 'port'
  | 'count'
  | 'bool'
  | 'set[string]'
  | 'set[addr]'
  | 'vector[string]'
  | 'vector[interval]'
  | 'vector[addr]';

export type LogPath = 'conn' | 'dns' | 'ssl' | 'x509' | 'files';

export interface LogSchema {
  path: LogPath;
  names: readonly string[];
  types: readonly ZeekType[];
}

/**
 * A row's values in column order. time and interval: integer microseconds; count and port: numbers;
 * bool: booleans; containers: arrays; strings: JS strings, where U+DC80..U+DCFF stand for raw bytes
 * 0x80..0xFF that are not valid UTF-8 (as Python's surrogateescape does). `undefined` is an unset field.
 */
export type ZeekValue = string | number | boolean | readonly string[] | readonly number[] | undefined;

/** A parsed `--zeek-version`. */
export interface ZeekVersion {
  major: number;
  minor: number;
  text: string;
}

export function parseZeekVersion(text: string): ZeekVersion | null {
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), text: text.trim() };
}

export function versionAtLeast(v: ZeekVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** Zeek 4.1 replaced file ids by SHA-256 fingerprints in ssl.log and x509.log and stopped logging certs in files.log. */
export function hasFingerprintLayout(v: ZeekVersion): boolean {
  return versionAtLeast(v, 4, 1);
}

function schema(path: LogPath, cols: readonly (readonly [string, ZeekType])[]): LogSchema {
  return { path, names: cols.map((c) => c[0]), types: cols.map((c) => c[1]) };
}

const ID: readonly (readonly [string, ZeekType])[] = [
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
];

export const CONN = schema('conn', [
  ['ts', 'time'],
  ['uid', 'string'],
  ...ID,
  ['proto', 'enum'],
  ['service', 'string'],
  ['duration', 'interval'],
  ['orig_bytes', 'count'],
  ['resp_bytes', 'count'],
  ['conn_state', 'string'],
  ['local_orig', 'bool'],
  ['local_resp', 'bool'],
  ['missed_bytes', 'count'],
  ['history', 'string'],
  ['orig_pkts', 'count'],
  ['orig_ip_bytes', 'count'],
  ['resp_pkts', 'count'],
  ['resp_ip_bytes', 'count'],
  ['tunnel_parents', 'set[string]'],
]);

export const DNS = schema('dns', [
  ['ts', 'time'],
  ['uid', 'string'],
  ...ID,
  ['proto', 'enum'],
  ['trans_id', 'count'],
  ['rtt', 'interval'],
  ['query', 'string'],
  ['qclass', 'count'],
  ['qclass_name', 'string'],
  ['qtype', 'count'],
  ['qtype_name', 'string'],
  ['rcode', 'count'],
  ['rcode_name', 'string'],
  ['AA', 'bool'],
  ['TC', 'bool'],
  ['RD', 'bool'],
  ['RA', 'bool'],
  ['Z', 'count'],
  ['answers', 'vector[string]'],
  ['TTLs', 'vector[interval]'],
  ['rejected', 'bool'],
]);

const SSL_HEAD: readonly (readonly [string, ZeekType])[] = [
  ['ts', 'time'],
  ['uid', 'string'],
  ...ID,
  ['version', 'string'],
  ['cipher', 'string'],
  ['curve', 'string'],
  ['server_name', 'string'],
  ['resumed', 'bool'],
  ['last_alert', 'string'],
  ['next_protocol', 'string'],
  ['established', 'bool'],
];

/** ssl.log with policy/protocols/ssl/validate-certs loaded (a hospital monitor as in the paper had it). */
export function sslSchema(v: ZeekVersion): LogSchema {
  if (!hasFingerprintLayout(v)) {
    return schema('ssl', [
      ...SSL_HEAD,
      ['cert_chain_fuids', 'vector[string]'],
      ['client_cert_chain_fuids', 'vector[string]'],
      ['subject', 'string'],
      ['issuer', 'string'],
      ['client_subject', 'string'],
      ['client_issuer', 'string'],
      ['validation_status', 'string'],
    ]);
  }
  // ssl_history arrived in Zeek 6.0
  return schema('ssl', [
    ...SSL_HEAD,
    ...(versionAtLeast(v, 6, 0) ? [['ssl_history', 'string'] as const] : []),
    ['cert_chain_fps', 'vector[string]'],
    ['client_cert_chain_fps', 'vector[string]'],
    ['sni_matches_cert', 'bool'],
    ['validation_status', 'string'],
  ]);
}

const X509_CERT: readonly (readonly [string, ZeekType])[] = [
  ['certificate.version', 'count'],
  ['certificate.serial', 'string'],
  ['certificate.subject', 'string'],
  ['certificate.issuer', 'string'],
  ['certificate.not_valid_before', 'time'],
  ['certificate.not_valid_after', 'time'],
  ['certificate.key_alg', 'string'],
  ['certificate.sig_alg', 'string'],
  ['certificate.key_type', 'string'],
  ['certificate.key_length', 'count'],
  ['certificate.exponent', 'string'],
  ['certificate.curve', 'string'],
  ['san.dns', 'vector[string]'],
  ['san.uri', 'vector[string]'],
  ['san.email', 'vector[string]'],
  ['san.ip', 'vector[addr]'],
  ['basic_constraints.ca', 'bool'],
  ['basic_constraints.path_len', 'count'],
];

export function x509Schema(v: ZeekVersion): LogSchema {
  if (!hasFingerprintLayout(v)) return schema('x509', [['ts', 'time'], ['id', 'string'], ...X509_CERT]);
  return schema('x509', [
    ['ts', 'time'],
    ['fingerprint', 'string'],
    ...X509_CERT,
    ['host_cert', 'bool'],
    ['client_cert', 'bool'],
  ]);
}

/** files.log as Zeek before 5.0 wrote it (tx_hosts/rx_hosts/conn_uids); only written for pre-4.1 layouts. */
export const FILES_LEGACY = schema('files', [
  ['ts', 'time'],
  ['fuid', 'string'],
  ['tx_hosts', 'set[addr]'],
  ['rx_hosts', 'set[addr]'],
  ['conn_uids', 'set[string]'],
  ['source', 'string'],
  ['depth', 'count'],
  ['analyzers', 'set[string]'],
  ['mime_type', 'string'],
  ['filename', 'string'],
  ['duration', 'interval'],
  ['local_orig', 'bool'],
  ['is_orig', 'bool'],
  ['seen_bytes', 'count'],
  ['total_bytes', 'count'],
  ['missing_bytes', 'count'],
  ['overflow_bytes', 'count'],
  ['timedout', 'bool'],
  ['parent_fuid', 'string'],
  ['md5', 'string'],
  ['sha1', 'string'],
  ['sha256', 'string'],
  ['extracted', 'string'],
  ['extracted_cutoff', 'bool'],
  ['extracted_size', 'count'],
]);

export interface Schemas {
  conn: LogSchema;
  dns: LogSchema;
  ssl: LogSchema;
  x509: LogSchema;
  files: LogSchema | null;
}

export function schemasFor(v: ZeekVersion): Schemas {
  return {
    conn: CONN,
    dns: DNS,
    ssl: sslSchema(v),
    x509: x509Schema(v),
    files: hasFingerprintLayout(v) ? null : FILES_LEGACY,
  };
}
