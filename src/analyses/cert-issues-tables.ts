// The tables of analysis E: categories three ways (Zeek, our verification, dhai's effective view), the raw
// validation texts, the issuers behind unknown-issuer traffic, certificates without an issuer, expired
// certificates by owner, the expiry calendar of the hospital's own certificates, and weak chain crypto.
// Long lists are cut to their most used rows; the counts in the metrics cover everything.
import type { DuckDBConnection } from '@duckdb/node-api';
import { OWNERS } from './cert-leaves.ts';
import type { IssueData } from './cert-issues-data.ts';
import { CERT_FACTS, iso, weakKeySql, weakSigSql } from './cert-inputs.ts';
import { readRows } from './connections.ts';
import type { Row } from './types.ts';

/** Rows kept in the long per-certificate tables. */
export const TABLE_LIMIT = 200;
const DAY_MS = 86_400_000;

type Cell = Row[string];
const share = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function rows(list: Record<string, Cell>[]): Row[] {
  return list as Row[];
}

export async function issueTables(conn: DuckDBConnection, data: IssueData, unknownIssuerSessions: number): Promise<Record<string, Row[]>> {
  const f = data.fresh;
  const t: Record<string, Row[]> = {};

  const zeek = await readRows(conn, `SELECT cat AS category, sum(sessions) AS sessions, count(DISTINCT leaf_key) AS certificates FROM ci_g GROUP BY cat`);
  const eff = await readRows(conn, `SELECT eff AS category, sum(n) AS sessions, count(DISTINCT leaf_key) AS certificates,
      sum(n) FILTER (WHERE verified) AS verified_sessions, count(DISTINCT leaf_key) FILTER (WHERE verified) AS verified_certificates
    FROM ci_eff GROUP BY eff`);
  const cats = ['ok', 'internal_ca', 'unknown_issuer', 'self_signed', 'expired', 'not_yet_valid', 'other_failure', 'unavailable'];
  t.categories = cats.map((c) => {
    const z = zeek.find((r) => r.category === c);
    const e = eff.find((r) => r.category === c);
    const zs = Number(z?.sessions ?? 0);
    const es = Number(e?.sessions ?? 0);
    return {
      category: c,
      zeek_sessions: c === 'internal_ca' ? null : zs,
      zeek_share: c === 'internal_ca' ? null : share(zs, f),
      zeek_certificates: c === 'internal_ca' ? null : Number(z?.certificates ?? 0),
      verified_sessions: data.verification ? Number(e?.verified_sessions ?? 0) : null,
      verified_certificates: data.verification ? Number(e?.verified_certificates ?? 0) : null,
      effective_sessions: es,
      effective_share: share(es, f),
      effective_certificates: Number(e?.certificates ?? 0),
    };
  });

  t.statuses = rows(await readRows(conn, `SELECT status_raw AS raw, cat AS category, status_detail AS detail, status_known AS known,
      sum(sessions) AS sessions, sum(sessions) / ${f}::DOUBLE AS share
    FROM ci_g GROUP BY ALL ORDER BY sessions DESC, raw NULLS LAST LIMIT ${TABLE_LIMIT}`));

  t.unknown_issuer_orgs = rows(await readRows(conn, `SELECT coalesce(issuer_org, CASE WHEN no_issuer THEN '(no issuer)' ELSE '(no organisation)' END) AS issuer_org,
      vendor, vendor IS NOT NULL AS reputable, sum(sessions) AS sessions, sum(sessions) / ${Math.max(unknownIssuerSessions, 1)}::DOUBLE AS share,
      count(DISTINCT leaf_key) AS certificates, count(DISTINCT resp_h) AS servers
    FROM ci_g WHERE cat = 'unknown_issuer' GROUP BY ALL ORDER BY sessions DESC, issuer_org LIMIT ${TABLE_LIMIT}`));

  t.no_issuer_certs = rows(await readRows(conn, `SELECT any_value(sha256) AS sha256, leaf_key AS certificate, any_value(subject) AS subject,
      any_value(names) AS names, sum(sessions) AS sessions, sum(sessions) / ${Math.max(unknownIssuerSessions, 1)}::DOUBLE AS share_of_unknown_issuer,
      count(DISTINCT resp_h) AS servers, ${iso('min(first_ts)')} AS first_seen, ${iso('max(last_ts)')} AS last_seen
    FROM ci_g WHERE cat = 'unknown_issuer' AND no_issuer GROUP BY leaf_key ORDER BY sessions DESC, certificate LIMIT ${TABLE_LIMIT}`));

  t.expired_certs = rows(await readRows(conn, `SELECT leaf_key AS certificate, any_value(subject) AS subject, any_value(names) AS names,
      any_value(owner) AS owner, ${iso('any_value(not_after)')} AS not_after, sum(leaf_expired) AS sessions_after_expiry,
      count(DISTINCT resp_h) AS servers, bool_or(resp_inside) AS hospital_server, ${iso('max(last_ts)')} AS last_seen
    FROM ci_g WHERE leaf_expired > 0 GROUP BY leaf_key ORDER BY sessions_after_expiry DESC, certificate LIMIT ${TABLE_LIMIT}`));

  const byOwner = await readRows(conn, `SELECT owner, count(DISTINCT leaf_key) AS certificates, sum(leaf_expired) AS sessions FROM ci_g WHERE leaf_expired > 0 GROUP BY owner`);
  const totalExpired = byOwner.reduce((s, r) => s + Number(r.certificates), 0);
  t.expired_by_owner = OWNERS.map((o) => {
    const r = byOwner.find((x) => x.owner === o);
    return { owner: o, medical: o === 'site' || o === 'vendor', certificates: Number(r?.certificates ?? 0), share: share(Number(r?.certificates ?? 0), totalExpired), sessions: Number(r?.sessions ?? 0) };
  });

  t.hospital_expiry = await hospitalCalendar(conn, data.windowEnd);

  t.weak_crypto = rows(await readRows(conn, `WITH u AS (SELECT unnest(chain_keys) AS key, sessions FROM ci_g)
    SELECT x.key AS certificate, x.subject, x.key_type, x.key_length, x.sig_alg, ${weakKeySql('x')} AS weak_key,
      CASE WHEN x.subject IS DISTINCT FROM x.issuer THEN ${weakSigSql('x')} END AS weak_signature, sum(u.sessions) AS sessions
    FROM u JOIN ${CERT_FACTS} x ON x.key = u.key
    WHERE ${weakKeySql('x')} OR (x.subject IS DISTINCT FROM x.issuer AND ${weakSigSql('x')} IS NOT NULL)
    GROUP BY ALL ORDER BY sessions DESC, certificate LIMIT ${TABLE_LIMIT}`));

  if (data.verification) {
    t.verification = rows(await readRows(conn, `SELECT zeek_cat AS zeek_category, eff AS dhai_category, sum(n) AS sessions, count(DISTINCT leaf_key) AS certificates
      FROM ci_eff WHERE verified GROUP BY ALL ORDER BY sessions DESC, zeek_category, dhai_category`));
    t.verified_certs = rows(await readRows(conn, `SELECT leaf_key AS certificate, any_value(subject) AS subject, any_value(trust) AS trust,
        any_value(v_self_signed) AS self_signed, any_value(v_weak_key) AS weak_key, any_value(v_weak_sig) AS weak_signature,
        any_value(v_path) AS path, any_value(cat) AS zeek_category, sum(sessions) AS sessions
      FROM ci_g WHERE trust IS NOT NULL AND trust <> 'ok' GROUP BY leaf_key ORDER BY sessions DESC, certificate LIMIT ${TABLE_LIMIT}`));
  }
  return t;
}

/** The hospital's own certificates (named under the site's domains, or served by a hospital address) by expiry. */
async function hospitalCalendar(conn: DuckDBConnection, end: Date | null): Promise<Row[]> {
  const list = await readRows(conn, `SELECT leaf_key AS certificate, any_value(subject) AS subject, any_value(names) AS names,
      bool_or(owner = 'site') AS site_name, coalesce(bool_or(resp_inside), false) AS hospital_server,
      epoch_ms(any_value(not_after)) AS not_after_ms, ${iso('any_value(not_after)')} AS not_after,
      list(DISTINCT resp_h || ':' || resp_p ORDER BY resp_h || ':' || resp_p) FILTER (WHERE resp_inside) AS servers,
      sum(sessions) AS sessions, ${iso('max(last_ts)')} AS last_seen
    FROM ci_g WHERE leaf_key IS NOT NULL GROUP BY leaf_key HAVING bool_or(owner = 'site') OR bool_or(resp_inside)
    ORDER BY not_after_ms NULLS LAST, certificate`);
  return list.map((r) => {
    const na = r.not_after_ms === null ? null : Number(r.not_after_ms);
    const days = na === null || end === null ? null : Math.floor((na - end.getTime()) / DAY_MS);
    const band = days === null ? 'unknown' : na! < end!.getTime() ? 'expired' : days <= 30 ? 'within 30 days' : days <= 60 ? 'within 60 days' : days <= 90 ? 'within 90 days' : 'later';
    const servers = Array.isArray(r.servers) ? (r.servers as string[]).slice(0, 10) : [];
    return {
      certificate: r.certificate, subject: r.subject, names: r.names, site_name: r.site_name, hospital_server: r.hospital_server,
      not_after: r.not_after, days_left: days, band, servers, sessions: r.sessions, last_seen: r.last_seen,
    } as Row;
  });
}
