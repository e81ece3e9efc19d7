// The certificate inputs of analyses E and F: one row of facts per distinct certificate, and the ssl.log rows
// of the window with their certificate chains as certificate keys.
//
// A certificate's key is its SHA-256 fingerprint (x509 `fingerprint`, Zeek ≥ 4.1). Before 4.1, x509.log names a
// certificate by the file id of one handshake (`id`); files.log gives that file's hashes, so the key is its
// SHA-256, else its SHA-1 (what files.log hashes by default), else a digest of the logged facts (serial, issuer,
// subject, validity, key) when files.log is absent. x509 is read whole, not windowed: Zeek logs a certificate at
// most once a day, so the row describing a session's certificate may lie in an earlier file or day.
import type { DuckDBConnection } from '@duckdb/node-api';
import { logRows, type Window } from './inputs.ts';
import { countRows, readRows } from './connections.ts';

/** Temp table of certificate facts, one row per key. */
export const CERT_FACTS = 'cert_x509';
/** Temp table mapping a pre-4.1 file id to its certificate key. */
const CERT_FUID = 'cert_fuid';

export async function columnsOf(conn: DuckDBConnection, table: string): Promise<Set<string>> {
  const rows = await readRows(conn, `SELECT column_name FROM duckdb_columns() WHERE table_name = '${table.replace(/'/g, "''")}'`);
  return new Set(rows.map((r) => String(r.column_name)));
}

const FACT_DIGEST = `'x509:' || md5(concat_ws('|', certificate_serial, certificate_issuer, certificate_subject,
  CAST(certificate_not_valid_before AS VARCHAR), CAST(certificate_not_valid_after AS VARCHAR), certificate_key_alg,
  CAST(certificate_key_length AS VARCHAR), certificate_exponent, certificate_curve))`;

export interface CertInputs {
  /** x509.log rows keyed (a SQL relation: key, sha256, sha1, ts, facts…, and `cert` when DER is logged) */
  keyedX509: string;
  hasDer: boolean;
  hasLegacy: boolean;
  /** distinct certificates with facts */
  certificates: number;
}

/**
 * Fill CERT_FACTS (key, sha256, sha1, subject, issuer, not_before, not_after, key_alg, key_type, key_length,
 * sig_alg, san_dns, ca, host_cert, first_ts, has_der) and, for pre-4.1 logs, the file-id map.
 */
export async function loadCertFacts(conn: DuckDBConnection): Promise<CertInputs> {
  const x509Cols = await columnsOf(conn, 'x509');
  const hasDer = x509Cols.has('cert');
  const hasLegacy = (await countRows(conn, `SELECT count(*) FROM (SELECT 1 FROM x509 WHERE fingerprint IS NULL AND id IS NOT NULL LIMIT 1)`)) > 0;
  const der = hasDer ? `NULLIF(trim(x.cert), '')` : 'NULL::VARCHAR';
  const files = hasLegacy
    ? `LEFT JOIN (SELECT fuid, any_value(sha1) AS sha1, any_value(sha256) AS sha256 FROM files
         WHERE fuid IN (SELECT id FROM x509 WHERE fingerprint IS NULL) GROUP BY fuid) f ON f.fuid = x.id`
    : '';
  const fSha1 = hasLegacy ? 'lower(f.sha1)' : 'NULL::VARCHAR';
  const fSha256 = hasLegacy ? 'lower(f.sha256)' : 'NULL::VARCHAR';
  const keyedX509 = `(SELECT coalesce(x.fingerprint, ${fSha256}, ${fSha1}, ${FACT_DIGEST}) AS key,
      coalesce(lower(x.fingerprint), ${fSha256}) AS sha256, ${fSha1} AS sha1, x.id AS fuid, x.ts, x.dhai_file_id,
      x.certificate_subject AS subject, x.certificate_issuer AS issuer,
      x.certificate_not_valid_before AS not_before, x.certificate_not_valid_after AS not_after,
      x.certificate_key_alg AS key_alg, x.certificate_key_type AS key_type, x.certificate_key_length AS key_length,
      x.certificate_sig_alg AS sig_alg, x.san_dns, x.basic_constraints_ca AS ca, x.host_cert, ${der} AS cert
    FROM x509 x ${files})`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${CERT_FACTS} AS
    SELECT key, sha256, sha1, subject, issuer, not_before, not_after, key_alg, key_type, key_length, sig_alg, san_dns, ca,
      host_cert, min(ts) OVER (PARTITION BY key) AS first_ts, bool_or(cert IS NOT NULL) OVER (PARTITION BY key) AS has_der
    FROM ${keyedX509}
    QUALIFY row_number() OVER (PARTITION BY key ORDER BY host_cert DESC NULLS LAST, ts, dhai_file_id) = 1`);
  if (hasLegacy) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${CERT_FUID} AS SELECT fuid, any_value(key) AS key FROM ${keyedX509} WHERE fuid IS NOT NULL GROUP BY fuid`);
  }
  return { keyedX509, hasDer, hasLegacy, certificates: await countRows(conn, `SELECT count(*) FROM ${CERT_FACTS}`) };
}

/**
 * The window's ssl rows (a SQL relation) with: ts, uid, orig_h, resp_h, resp_p, version, established, resumed,
 * status_raw, ssl_subject, ssl_issuer (pre-4.1 leaf names), chain_keys (server chain, leaf first), and
 * valid_ct_logs when the sensor logs it (NULL otherwise).
 */
export async function certSessions(conn: DuckDBConnection, window: Window, inputs: Pick<CertInputs, 'hasLegacy'>): Promise<string> {
  const sslCols = await columnsOf(conn, 'ssl');
  const rows = await logRows(conn, 'ssl', window);
  // pre-4.1 chains are file ids: each is mapped to its certificate key, order kept
  const legacy = inputs.hasLegacy
    ? `WHEN len(s.cert_chain_fuids) > 0 THEN (SELECT list(m.key ORDER BY u.i) FROM
         (SELECT unnest(s.cert_chain_fuids) AS f, generate_subscripts(s.cert_chain_fuids, 1) AS i) u JOIN ${CERT_FUID} m ON m.fuid = u.f)`
    : '';
  const ct = sslCols.has('valid_ct_logs') ? 'TRY_CAST(s.valid_ct_logs AS BIGINT)' : 'NULL::BIGINT';
  return `(SELECT s.ts, s.uid, s.id_orig_h AS orig_h, s.id_resp_h AS resp_h, s.id_resp_p AS resp_p, s.version,
      s.established, s.resumed, s.validation_status AS status_raw, s.subject AS ssl_subject, s.issuer AS ssl_issuer,
      CASE WHEN len(s.cert_chain_fps) > 0 THEN s.cert_chain_fps ${legacy} END AS chain_keys,
      ${ct} AS valid_ct_logs
    FROM ${rows} s)`;
}

/** Fresh session (analyses.md vocabulary): established and not resumed. Unknown establishment is not fresh. */
export const FRESH = `established IS TRUE AND resumed IS NOT TRUE`;

/** SQL: the certificate's key is under the 112-bit level (RSA/DSA < 2048 bits, EC < 224 bits; NIST SP 800-131A). */
export function weakKeySql(t: string): string {
  return `((${t}.key_type IN ('rsa', 'dsa') AND ${t}.key_length < 2048) OR (${t}.key_type = 'ecdsa' AND ${t}.key_length < 224))`;
}

/** SQL: the signature hash family of Zeek's `sig_alg` (OpenSSL long names): 'md' (MD2/MD4/MD5), 'sha1', or NULL. */
export function weakSigSql(t: string): string {
  return `CASE WHEN regexp_matches(lower(${t}.sig_alg), '^md[245]') THEN 'md'
    WHEN regexp_matches(lower(${t}.sig_alg), '^sha1|withsha1$|[^a-z0-9]sha-?1$') THEN 'sha1' END`;
}

/** ISO text of a TIMESTAMP, for report rows. */
export function iso(expr: string): string {
  return `strftime(${expr}, '%Y-%m-%dT%H:%M:%SZ')`;
}
