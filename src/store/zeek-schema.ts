// The columns every store has for the log types the analyses read, across Zeek 2.x–9.x. Files bring more
// (ja3, ja4, valid_ct_logs, labels added by other tools): those are kept too, typed from the file's header.
// Names are Zeek's with dots as underscores (`id.orig_h` → `id_orig_h`).

const ID = 'ts time, uid string, id.orig_h addr, id.orig_p port, id.resp_h addr, id.resp_p port';

const SPEC: Record<string, string> = {
  conn: `${ID}, proto enum, service string, duration interval, orig_bytes count, resp_bytes count, conn_state string,
    local_orig bool, local_resp bool, missed_bytes count, history string, orig_pkts count, orig_ip_bytes count,
    resp_pkts count, resp_ip_bytes count, tunnel_parents set[string]`,
  dns: `${ID}, proto enum, trans_id count, rtt interval, query string, qclass count, qclass_name string,
    qtype count, qtype_name string, rcode count, rcode_name string, AA bool, TC bool, RD bool, RA bool, Z count,
    answers vector[string], TTLs vector[interval], rejected bool`,
  // Zeek ≥ 4.1 (cert_chain_fps, ssl_history, sni_matches_cert) and before (subject, issuer, cert_chain_fuids)
  ssl: `${ID}, version string, cipher string, curve string, server_name string, resumed bool, last_alert string,
    next_protocol string, established bool, ssl_history string, cert_chain_fps vector[string],
    client_cert_chain_fps vector[string], sni_matches_cert bool, subject string, issuer string,
    client_subject string, client_issuer string, cert_chain_fuids vector[string],
    client_cert_chain_fuids vector[string], validation_status string`,
  // Zeek ≥ 4.1 logs `fingerprint`; older versions log the file id as `id` (linked through files.log)
  x509: `ts time, fingerprint string, id string, certificate.version count, certificate.serial string,
    certificate.subject string, certificate.issuer string, certificate.not_valid_before time,
    certificate.not_valid_after time, certificate.key_alg string, certificate.sig_alg string,
    certificate.key_type string, certificate.key_length count, certificate.exponent string,
    certificate.curve string, san.dns vector[string], san.uri vector[string], san.email vector[string],
    san.ip vector[addr], basic_constraints.ca bool, basic_constraints.path_len count, host_cert bool,
    client_cert bool`,
  files: `ts time, fuid string, uid string, id.orig_h addr, id.orig_p port, id.resp_h addr, id.resp_p port,
    tx_hosts set[addr], rx_hosts set[addr], conn_uids set[string], source string, depth count,
    analyzers set[string], mime_type string, filename string, duration interval, local_orig bool, is_orig bool,
    seen_bytes count, total_bytes count, missing_bytes count, overflow_bytes count, timedout bool,
    parent_fuid string, md5 string, sha1 string, sha256 string`,
  capture_loss: `ts time, ts_delta interval, peer string, gaps count, acks count, percent_lost double`,
};

export interface FieldDef {
  /** Zeek's name, e.g. `id.orig_h` */
  zeek: string;
  /** column name in the store, e.g. `id_orig_h` */
  column: string;
  /** Zeek type, e.g. `addr`, `vector[string]` */
  type: string;
}

export function columnName(zeekField: string): string {
  return zeekField.replace(/\./g, '_');
}

function parse(spec: string): FieldDef[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [zeek, type] = s.split(/\s+/) as [string, string];
      return { zeek, column: columnName(zeek), type };
    });
}

export const CORE_SCHEMAS: Record<string, FieldDef[]> = Object.fromEntries(
  Object.entries(SPEC).map(([k, v]) => [k, parse(v)]),
);

/** The log types stored by default: the ones the analyses read, plus capture loss for the summary. */
export const DEFAULT_LOG_TYPES = Object.keys(SPEC);

/** Payload-bearing or personal logs the D-HAI study excluded; ingested only when the user names them. */
export const PRIVACY_EXCLUDED = new Set(['http', 'dhcp', 'smtp', 'ftp', 'irc', 'sip', 'pop3', 'imap', 'mysql', 'ntlm',
  'kerberos', 'radius', 'smb_files', 'smb_mapping', 'rdp', 'snmp', 'ldap', 'ldap_search', 'mqtt_publish', 'bittorrent']);

/** Dhai's own columns on every row: which sensor saw it and which ingested file it came from. */
export const TAG_COLUMNS: FieldDef[] = [
  { zeek: 'dhai_sensor', column: 'dhai_sensor', type: 'string' },
  { zeek: 'dhai_file_id', column: 'dhai_file_id', type: 'count' },
];

/**
 * ssl.log's leaf-certificate key, written at ingest (schema version 3): the first element of `cert_chain_fps`
 * (Zeek ≥ 4.1, the x509 fingerprint), else of `cert_chain_fuids` (older Zeek, the x509 id). A pass over ssl then
 * reads one dictionary-encoded string instead of two lists (3.5x cheaper to read on the 20 M-row bench store,
 * bench/tls.ts). The view computes it for parts written before the column existed (store.ts).
 */
export const LEAF_KEY_COLUMN = 'dhai_leaf_key';

/** The leaf key from the chain columns among `columns` (NULL when neither is there). */
export function leafKeySql(columns: readonly string[]): string {
  const chains = ['cert_chain_fps', 'cert_chain_fuids'].filter((c) => columns.includes(c)).map((c) => `${c}[1]`);
  return chains.length === 0 ? 'NULL::VARCHAR' : chains.length === 1 ? chains[0]! : `coalesce(${chains.join(', ')})`;
}

/** Columns dhai derives per log type, after Zeek's and the tag columns. */
export const DERIVED_COLUMNS: Record<string, FieldDef[]> = {
  ssl: [{ zeek: LEAF_KEY_COLUMN, column: LEAF_KEY_COLUMN, type: 'string' }],
};
