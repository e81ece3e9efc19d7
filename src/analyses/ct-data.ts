// The tables behind analysis F (ct-transparency):
//   ct_pairs  the window's ssl rows with a server certificate, grouped by (certificate, server): one scan
//   ct_sct    embedded SCTs of certificates logged as DER, verified against a CT log list (JS)
//   ct_cert   one row per distinct server certificate with each kind of CT evidence and its names' owner
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CtFeeds } from './cert-feeds.ts';
import { CERT_FACTS, certSessions, loadCertFacts, type CertInputs } from './cert-inputs.ts';
import { loadLeafInfo, type LeafContext } from './cert-leaves.ts';
import { derIssuerPool, verifyDerScts, type TrustSources } from './cert-verify.ts';
import { columnsOf } from './cert-inputs.ts';
import { countRows } from './connections.ts';
import type { Window } from './inputs.ts';
import type { CtLogList } from '../intel/ct-log-list.ts';

export interface CtData {
  inputs: CertInputs;
  certificates: number;
  /** the sensor logs valid_ct_logs (policy/protocols/ssl/validate-sct) */
  zeekCt: boolean;
  /** certificates whose embedded SCTs we checked (they had DER); null when no DER was logged */
  sct: { certificates: number; unparsable: number; cryptoMs: number } | null;
}

export async function loadCtData(
  conn: DuckDBConnection,
  window: Window,
  feeds: CtFeeds,
  sources: TrustSources,
  logs: CtLogList,
  leafCtx: Omit<LeafContext, 'internalCaNames'>,
): Promise<CtData> {
  const inputs = await loadCertFacts(conn);
  const sessions = await certSessions(conn, window, inputs);
  const zeekCt = (await columnsOf(conn, 'ssl')).has('valid_ct_logs');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ct_pairs AS
    SELECT s.chain_keys[1] AS key, s.resp_h, s.resp_p, count(*) AS sessions, max(s.valid_ct_logs) AS valid_ct_logs,
      bool_or(lower(trim(s.status_raw)) = 'ok') AS zeek_ok, min(s.ts) AS first_ts, max(s.ts) AS last_ts,
      any_value(s.ssl_subject) AS ssl_subject, any_value(s.ssl_issuer) AS ssl_issuer
    FROM ${sessions} s WHERE s.chain_keys[1] IS NOT NULL GROUP BY ALL`);
  const certificates = await countRows(conn, 'SELECT count(DISTINCT key) FROM ct_pairs');
  await loadLeafInfo(conn, `SELECT key, any_value(ssl_subject) AS ssl_subject, any_value(ssl_issuer) AS ssl_issuer FROM ct_pairs GROUP BY key`, 'ct_leaf', leafCtx);

  let sct: CtData['sct'] = null;
  if (inputs.hasDer) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ct_want AS SELECT DISTINCT p.key FROM ct_pairs p JOIN ${CERT_FACTS} x ON x.key = p.key AND x.has_der`);
    if ((await countRows(conn, 'SELECT count(*) FROM ct_want')) > 0) {
      const pool = await derIssuerPool(conn, inputs.keyedX509);
      sct = await verifyDerScts(conn, inputs.keyedX509, 'ct_want', 'ct_sct', sources, pool, logs);
    }
  }
  const sctCols = sct
    ? 'sc.key IS NOT NULL AS has_der, coalesce(sc.scts, 0) AS scts, coalesce(sc.sct_verified, 0) AS sct_verified, coalesce(sc.sct_failed, 0) + coalesce(sc.sct_no_issuer, 0) AS sct_unverified, coalesce(sc.sct_unknown_log, 0) AS sct_unknown_log, sc.sct_logs'
    : 'false AS has_der, 0 AS scts, 0 AS sct_verified, 0 AS sct_unverified, 0 AS sct_unknown_log, NULL::VARCHAR AS sct_logs';
  const sha256 = `coalesce(x.sha256, ${sct ? 'sc.sha256, ' : ''}CASE WHEN regexp_matches(p.key, '^[0-9a-fA-F]{64}$') THEN lower(p.key) END)`;
  const sha1 = `coalesce(x.sha1${sct ? ', sc.sha1' : ''})`;
  const feedJoin = feeds.relation
    ? `LEFT JOIN (SELECT DISTINCT sha256 FROM ${feeds.relation} WHERE sha256 IS NOT NULL) f2 ON f2.sha256 = c.sha256
       LEFT JOIN (SELECT DISTINCT sha1 FROM ${feeds.relation} WHERE sha1 IS NOT NULL) f1 ON f1.sha1 = c.sha1`
    : '';
  const byFeed = feeds.relation ? '(f2.sha256 IS NOT NULL OR f1.sha1 IS NOT NULL)' : 'false';
  await conn.run(`CREATE OR REPLACE TEMP TABLE ct_cert AS
    WITH p AS (
      SELECT key, sum(sessions) AS sessions, max(valid_ct_logs) AS valid_ct_logs, bool_or(zeek_ok) AS zeek_ok,
        min(first_ts) AS first_ts, max(last_ts) AS last_ts, any_value(ssl_subject) AS ssl_subject, any_value(ssl_issuer) AS ssl_issuer,
        count(*) AS servers
      FROM ct_pairs GROUP BY key),
    c AS (
      SELECT p.key, ${sha256} AS sha256, ${sha1} AS sha1, coalesce(x.subject, p.ssl_subject) AS subject,
        coalesce(x.issuer, p.ssl_issuer) AS issuer, x.san_dns, lower(coalesce(list_aggr(x.san_dns, 'string_agg', ' '), '')) AS san_text,
        x.not_after, p.sessions, p.servers, p.zeek_ok, p.first_ts, p.last_ts, coalesce(p.valid_ct_logs, 0) AS valid_ct_logs,
        l.owner, l.names, ${sctCols}
      FROM p LEFT JOIN ${CERT_FACTS} x ON x.key = p.key LEFT JOIN ct_leaf l ON l.key = p.key
      ${sct ? 'LEFT JOIN ct_sct sc ON sc.key = p.key' : ''})
    SELECT c.*, c.owner = 'site' AS hospital, coalesce(c.subject = c.issuer, false) AS self_signed,
      c.sct_verified > 0 AS by_sct, c.valid_ct_logs > 0 AS by_zeek, ${byFeed} AS by_feed,
      c.sct_verified > 0 OR c.valid_ct_logs > 0 OR ${byFeed} AS logged
    FROM c ${feedJoin}`);
  return { inputs, certificates, zeekCt, sct };
}
