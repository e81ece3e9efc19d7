// The certificate inputs of analyses E and F: one row of facts per distinct certificate, and the ssl.log rows
// of the window with their certificate chains as certificate keys.
//
// A certificate's key is its SHA-256 fingerprint (x509 `fingerprint`, Zeek ≥ 4.1). Before 4.1, x509.log names a
// certificate by the file id of one handshake (`id`); files.log gives that file's hashes, so the key is its
// SHA-256, else its SHA-1 (what files.log hashes by default), else a digest of the logged facts (serial, issuer,
// subject, validity, key) when files.log is absent. x509 is read whole, not windowed: Zeek logs a certificate at
// most once a day, so the row describing a session's certificate may lie in an earlier file or day.
//
// Memory: the report runs under DuckDB's memory limit (store.ts) on months of logs. Every statement here is a
// hash join, a grouped aggregate with fixed-size states, or a scan, which DuckDB can spill to its temp
// directory; nothing keeps a list or a row's text per x509 row or per session. Pre-4.1 file ids are unique
// per handshake, so the file-id map has as many rows as x509.log: it holds a small certificate number, not the
// key, and chains are mapped position by position with one join each (a list per session cannot spill).
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../store/sql.ts';
import { logRows, type Window } from './inputs.ts';
import { countRows, readRows } from './connections.ts';

/** Temp table of certificate facts, one row per key; `kid` numbers the keys (1…n in key order). */
export const CERT_FACTS = 'cert_x509';
/** Temp table mapping a pre-4.1 file id to its certificate's number (CERT_FACTS.kid). */
const CERT_FUID = 'cert_fuid';
/** Temp table naming the store state the two tables above were built from (analyses E and F share them). */
const CERT_BUILT = 'cert_inputs_built';

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
 * Fill CERT_FACTS (key, kid, sha256, sha1, subject, issuer, not_before, not_after, key_alg, key_type, key_length,
 * sig_alg, san_dns, ca, host_cert, first_ts, has_der) and, for pre-4.1 logs, the file-id map.
 */
export async function loadCertFacts(conn: DuckDBConnection): Promise<CertInputs> {
  const x509Cols = await columnsOf(conn, 'x509');
  const hasDer = x509Cols.has('cert');
  const hasLegacy = (await countRows(conn, `SELECT count(*) FROM (SELECT 1 FROM x509 WHERE fingerprint IS NULL AND id IS NOT NULL LIMIT 1)`)) > 0;
  const der = hasDer ? `NULLIF(trim(x.cert), '')` : 'NULL::VARCHAR';
  // files.log has one row per file id; were a file id logged twice, each copy's hashes would key the x509 row
  // (the facts below are aggregates per key and the file-id map keeps one number per id, so a repeated
  // identical row changes nothing). Only pre-4.1 rows (no fingerprint) are joined.
  const files = hasLegacy ? `LEFT JOIN files f ON f.fuid = CASE WHEN x.fingerprint IS NULL THEN x.id END` : '';
  const fSha1 = hasLegacy ? 'lower(f.sha1)' : 'NULL::VARCHAR';
  const fSha256 = hasLegacy ? 'lower(f.sha256)' : 'NULL::VARCHAR';
  const keyedX509 = `(SELECT coalesce(x.fingerprint, ${fSha256}, ${fSha1}, ${FACT_DIGEST}) AS key,
      coalesce(lower(x.fingerprint), ${fSha256}) AS sha256, ${fSha1} AS sha1, x.id AS fuid, x.ts, x.dhai_file_id,
      x.certificate_subject AS subject, x.certificate_issuer AS issuer,
      x.certificate_not_valid_before AS not_before, x.certificate_not_valid_after AS not_after,
      x.certificate_key_alg AS key_alg, x.certificate_key_type AS key_type, x.certificate_key_length AS key_length,
      x.certificate_sig_alg AS sig_alg, x.san_dns, x.basic_constraints_ca AS ca, x.host_cert, ${der} AS cert
    FROM x509 x ${files})`;
  // Built once per store state: x509 is read whole, so what E built serves F in the same report. The manifest
  // changes with every ingested file, and these temp tables are only written here.
  const stamp = await manifestStamp(conn);
  if (await builtFrom(conn, stamp)) {
    return { keyedX509, hasDer, hasLegacy, certificates: await countRows(conn, `SELECT count(*) FROM ${CERT_FACTS}`) };
  }
  await conn.run(`DROP TABLE IF EXISTS temp.${CERT_BUILT}`);
  // The row describing a certificate: a host certificate's row first, then the earliest (ts, file). Chosen in
  // two passes that can both spill: the best (rank, ts, file) per key, then that row's facts by an equality
  // join (a window over every x509 row, or arg_min carrying the facts, would hold them all in memory).
  const ranked = `(SELECT *, CASE WHEN host_cert THEN 0 WHEN NOT host_cert THEN 1 ELSE 2 END AS pick_rank,
      coalesce(ts, 'infinity'::TIMESTAMP) AS pick_ts FROM ${keyedX509})`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${CERT_FACTS} AS
    WITH best AS (
      SELECT key, min(ts) AS first_ts, bool_or(cert IS NOT NULL) AS has_der, min({'r': pick_rank, 't': pick_ts, 'f': dhai_file_id}) AS b
      FROM ${ranked} GROUP BY key),
    facts AS (
      SELECT k.key, k.sha256, k.sha1, k.subject, k.issuer, k.not_before, k.not_after, k.key_alg, k.key_type, k.key_length, k.sig_alg,
        k.san_dns, k.ca, k.host_cert, best.first_ts, best.has_der
      FROM ${ranked} k JOIN best ON best.key = k.key AND best.b.r = k.pick_rank AND best.b.t = k.pick_ts AND best.b.f IS NOT DISTINCT FROM k.dhai_file_id
      QUALIFY row_number() OVER (PARTITION BY k.key) = 1)
    SELECT key, row_number() OVER (ORDER BY key)::INTEGER AS kid, * EXCLUDE (key) FROM facts`);
  if (hasLegacy) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${CERT_FUID} AS
      SELECT k.fuid, min(c.kid) AS kid FROM ${keyedX509} k JOIN ${CERT_FACTS} c ON c.key = k.key WHERE k.fuid IS NOT NULL GROUP BY k.fuid`);
  }
  await conn.run(`CREATE TEMP TABLE ${CERT_BUILT} AS SELECT ${literal(stamp)} AS stamp`);
  return { keyedX509, hasDer, hasLegacy, certificates: await countRows(conn, `SELECT count(*) FROM ${CERT_FACTS}`) };
}

/** The manifest's x509 and files entries in one line (ids only grow; a re-ingest adds rows). */
async function manifestStamp(conn: DuckDBConnection): Promise<string> {
  const [r] = await readRows(conn, `SELECT count(*) AS n, coalesce(max(id), 0) AS last, coalesce(sum(rows_stored), 0) AS rows
    FROM ingest_file WHERE log_type IN ('x509', 'files')`);
  return `${String(r?.n)}/${String(r?.last)}/${String(r?.rows)}`;
}

async function builtFrom(conn: DuckDBConnection, stamp: string): Promise<boolean> {
  const exists = await countRows(conn, `SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '${CERT_BUILT}'`);
  return exists > 0 && (await countRows(conn, `SELECT count(*) FROM temp.${CERT_BUILT} WHERE stamp = ${literal(stamp)}`)) > 0;
}

/**
 * The window's ssl rows (a SQL relation) with: ts, uid, orig_h, resp_h, resp_p, version, established, resumed,
 * status_raw, ssl_subject, ssl_issuer (pre-4.1 leaf names), chain_keys (server chain, leaf first), and
 * valid_ct_logs when the sensor logs it (NULL otherwise).
 */
export async function certSessions(conn: DuckDBConnection, window: Window, inputs: Pick<CertInputs, 'hasLegacy'>): Promise<string> {
  const sslCols = await columnsOf(conn, 'ssl');
  const rows = await logRows(conn, 'ssl', window);
  // pre-4.1 chains are file ids: each position is mapped to its certificate key, order kept, ids x509.log does
  // not know left out (one join per position: the deepest chain of the window sets how many)
  let legacy = '';
  let joins = '';
  if (inputs.hasLegacy) {
    const depth = await countRows(conn, `SELECT coalesce(max(len(cert_chain_fuids)), 0) FROM ${rows} s WHERE coalesce(len(s.cert_chain_fps), 0) = 0`);
    const at = Array.from({ length: depth }, (_, i) => i + 1);
    if (depth > 0) {
      legacy = `WHEN len(s.cert_chain_fuids) > 0 THEN nullif(list_filter([${at.map((i) => `c${i}.key`).join(', ')}], k -> k IS NOT NULL), [])`;
      joins = at.map((i) => `LEFT JOIN ${CERT_FUID} m${i} ON m${i}.fuid = s.cert_chain_fuids[${i}] LEFT JOIN ${CERT_FACTS} c${i} ON c${i}.kid = m${i}.kid`).join('\n      ');
    }
  }
  const ct = sslCols.has('valid_ct_logs') ? 'TRY_CAST(s.valid_ct_logs AS BIGINT)' : 'NULL::BIGINT';
  return `(SELECT s.ts, s.uid, s.id_orig_h AS orig_h, s.id_resp_h AS resp_h, s.id_resp_p AS resp_p, s.version,
      s.established, s.resumed, s.validation_status AS status_raw, s.subject AS ssl_subject, s.issuer AS ssl_issuer,
      CASE WHEN len(s.cert_chain_fps) > 0 THEN s.cert_chain_fps ${legacy} END AS chain_keys,
      ${ct} AS valid_ct_logs
    FROM ${rows} s ${joins})`;
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
