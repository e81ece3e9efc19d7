// The tables behind analysis E (cert-issues), built in three steps so that ssl.log is scanned once (twice with
// DER certificates) whatever its size:
//   ci_groups  fresh sessions grouped by (chain, raw status, server): counts, expiry of the leaf at each
//              session's time, and (with DER) expiry of the verified path at each session's time
//   ci_g       each group with Zeek's category, the leaf's facts and names, the chain's weak crypto, our own
//              verification, and whether the server is a hospital host
//   ci_eff     sessions split by dhai's effective category (our verification where DER was logged, Zeek's
//              status otherwise, with chains of the site's internal CAs recognised by name)
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadTlsKnowledge } from '../tls/knowledge-sql.ts';
import { CERT_FACTS, FRESH, certSessions, loadCertFacts, weakKeySql, weakSigSql, type CertInputs } from './cert-inputs.ts';
import { loadLeafInfo, type LeafContext } from './cert-leaves.ts';
import { derIssuerPool, verifyDerLeaves, type DerLeafStats, type TrustSources } from './cert-verify.ts';
import { countRows, readRows } from './connections.ts';
import type { Window } from './inputs.ts';
import { classifyAddresses } from './site-context.ts';
import type { AnalysisContext } from './types.ts';
import { TempTable } from './temp-table.ts';

export interface IssueData {
  inputs: CertInputs;
  fresh: number;
  /** distinct server certificates of fresh sessions */
  leaves: number;
  /** null when no leaf of a fresh session was logged as DER */
  verification: DerLeafStats | null;
  /** the end of the window: the requested end, else the last fresh session */
  windowEnd: Date | null;
}

async function buildGroups(conn: DuckDBConnection, sessions: string, verified: boolean): Promise<void> {
  const pathCols = verified
    ? `count(*) FILTER (WHERE s.ts > make_timestamp(v.path_not_after_us)) AS path_expired,
       count(*) FILTER (WHERE s.ts <= make_timestamp(v.path_not_after_us) AND s.ts < make_timestamp(v.path_not_before_us)) AS path_nyv`
    : '0::BIGINT AS path_expired, 0::BIGINT AS path_nyv';
  await conn.run(`CREATE OR REPLACE TEMP TABLE ci_groups AS
    SELECT s.chain_keys, s.chain_keys[1] AS leaf_key, s.status_raw, s.resp_h, s.resp_p,
      count(*) AS sessions,
      count(*) FILTER (WHERE s.ts > x.not_after) AS leaf_expired,
      count(*) FILTER (WHERE s.ts < x.not_before) AS leaf_nyv,
      ${pathCols},
      min(s.ts) AS first_ts, max(s.ts) AS last_ts,
      any_value(s.ssl_subject) AS ssl_subject, any_value(s.ssl_issuer) AS ssl_issuer
    FROM ${sessions} s
    LEFT JOIN ${CERT_FACTS} x ON x.key = s.chain_keys[1]
    ${verified ? 'LEFT JOIN ci_verify v ON v.key = s.chain_keys[1]' : ''}
    WHERE ${FRESH}
    GROUP BY s.chain_keys, s.status_raw, s.resp_h, s.resp_p`);
}

/** Weak keys, MD5/SHA-1 signatures and internal-CA names along each distinct presented chain. */
async function buildChains(conn: DuckDBConnection, internalCaNames: ReadonlySet<string>): Promise<void> {
  const names = await TempTable.create(conn, 'ci_internal_names', [['subject', 'VARCHAR']]);
  for (const n of internalCaNames) names.row([n]);
  names.close();
  // the self-issued top of a presented chain is a root: its own signature is never relied upon
  await conn.run(`CREATE OR REPLACE TEMP TABLE ci_chain AS
    WITH u AS (SELECT chain_keys, unnest(chain_keys) AS key FROM (SELECT DISTINCT chain_keys FROM ci_groups WHERE chain_keys IS NOT NULL))
    SELECT u.chain_keys,
      coalesce(bool_or(${weakKeySql('x')}), false) AS weak_key,
      bool_or(x.subject IS DISTINCT FROM x.issuer AND ${weakSigSql('x')} = 'md') AS sig_md,
      bool_or(x.subject IS DISTINCT FROM x.issuer AND ${weakSigSql('x')} = 'sha1') AS sig_sha1,
      bool_or(x.subject IN (SELECT subject FROM ci_internal_names)) AS internal_named
    FROM u LEFT JOIN ${CERT_FACTS} x ON x.key = u.key
    GROUP BY u.chain_keys`);
}

async function buildJoined(conn: DuckDBConnection, verified: boolean): Promise<void> {
  const v = verified
    ? 'v.trust, v.weak_key AS v_weak_key, v.weak_sig AS v_weak_sig, v.self_signed AS v_self_signed, v.path AS v_path'
    : 'NULL::VARCHAR AS trust, NULL::BOOLEAN AS v_weak_key, NULL::VARCHAR AS v_weak_sig, NULL::VARCHAR AS v_self_signed, NULL::VARCHAR AS v_path';
  await conn.run(`CREATE OR REPLACE TEMP TABLE ci_g AS
    SELECT g.*, coalesce(t.category, 'unavailable') AS cat, coalesce(t.detail, 'not logged') AS status_detail,
      coalesce(t.known, true) AS status_known,
      l.issuer_org, l.vendor, l.owner, coalesce(l.no_issuer, false) AS no_issuer,
      coalesce(l.internal_named, false) OR coalesce(c.internal_named, false) AS internal_named, l.names,
      x.key IS NOT NULL AS has_facts, coalesce(x.subject, g.ssl_subject) AS subject, coalesce(x.issuer, g.ssl_issuer) AS issuer,
      x.not_before, x.not_after, x.sha256, x.key_type, x.key_length, x.sig_alg,
      coalesce(c.weak_key, false) AS weak_key, coalesce(c.sig_md, false) AS sig_md, coalesce(c.sig_sha1, false) AS sig_sha1,
      ${v}, a.inside AS resp_inside
    FROM ci_groups g
    LEFT JOIN tls_validation t ON t.status = lower(trim(g.status_raw))
    LEFT JOIN ci_leaf l ON l.key = g.leaf_key
    LEFT JOIN ci_chain c ON c.chain_keys = g.chain_keys
    LEFT JOIN ${CERT_FACTS} x ON x.key = g.leaf_key
    ${verified ? 'LEFT JOIN ci_verify v ON v.key = g.leaf_key' : ''}
    LEFT JOIN addr_class a ON a.addr = g.resp_h`);
  // dhai's category: verification splits a group by each session's time; otherwise Zeek's category, with
  // an internal CA recognised by name turning "unknown issuer" / "self-signed in chain" into internal_ca
  await conn.run(`CREATE OR REPLACE TEMP TABLE ci_eff AS
    SELECT leaf_key, resp_h, resp_p, resp_inside, cat AS zeek_cat, trust IS NOT NULL AS verified, e.cat AS eff, e.n AS n
    FROM (SELECT *, unnest(CASE
        WHEN trust IS NULL THEN [{'cat': CASE WHEN internal_named AND cat IN ('unknown_issuer', 'self_signed') THEN 'internal_ca' ELSE cat END, 'n': sessions}]
        WHEN trust IN ('unknown_issuer', 'self_signed') THEN [{'cat': trust, 'n': sessions}]
        WHEN trust IN ('bad_signature', 'invalid_ca') THEN [{'cat': 'other_failure', 'n': sessions}]
        ELSE [{'cat': 'expired', 'n': path_expired}, {'cat': 'not_yet_valid', 'n': path_nyv}, {'cat': trust, 'n': sessions - path_expired - path_nyv}]
      END) AS e FROM ci_g)
    WHERE e.n > 0`);
}

export async function loadIssueData(
  ctx: Pick<AnalysisContext, 'conn' | 'site'> & { window: Window },
  sources: TrustSources,
  leafCtx: Omit<LeafContext, 'site' | 'internalCaNames'>,
): Promise<IssueData> {
  const { conn, site } = ctx;
  const inputs = await loadCertFacts(conn);
  const sessions = await certSessions(conn, ctx.window, inputs);
  let verification: DerLeafStats | null = null;
  if (inputs.hasDer) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ci_want AS
      SELECT s.chain_keys[1] AS key, min(s.ts) AS first_at FROM ${sessions} s
      JOIN ${CERT_FACTS} x ON x.key = s.chain_keys[1] AND x.has_der WHERE ${FRESH} GROUP BY 1`);
    if ((await countRows(conn, 'SELECT count(*) FROM ci_want')) > 0) {
      const pool = await derIssuerPool(conn, inputs.keyedX509);
      verification = await verifyDerLeaves(conn, inputs.keyedX509, 'ci_want', 'ci_verify', sources, pool);
    }
  }
  await buildGroups(conn, sessions, verification !== null);
  const fresh = await countRows(conn, 'SELECT coalesce(sum(sessions), 0) FROM ci_groups');
  const internalCaNames = new Set([...(sources.internalCas ?? [])].map((c) => c.subject.text));
  const leaves = await loadLeafInfo(
    conn,
    `SELECT leaf_key AS key, any_value(ssl_subject) AS ssl_subject, any_value(ssl_issuer) AS ssl_issuer FROM ci_groups WHERE leaf_key IS NOT NULL GROUP BY leaf_key`,
    'ci_leaf',
    { ...leafCtx, site, internalCaNames },
  );
  const statuses = await readRows(conn, 'SELECT DISTINCT status_raw FROM ci_groups WHERE status_raw IS NOT NULL');
  await loadTlsKnowledge(conn, { validationStatuses: statuses.map((r) => String(r.status_raw)) });
  await buildChains(conn, internalCaNames);
  await classifyAddresses(conn, site, 'SELECT DISTINCT resp_h FROM ci_groups');
  await buildJoined(conn, verification !== null);
  const end = ctx.window.to ?? (await readRows(conn, 'SELECT epoch_ms(max(last_ts)) AS t FROM ci_groups'))[0]?.t;
  const windowEnd = end instanceof Date ? end : end === null || end === undefined ? null : new Date(Number(end));
  return { inputs, fresh, leaves, verification, windowEnd };
}
