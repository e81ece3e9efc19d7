// Findings of analysis E. A hospital server presenting a bad certificate is the hospital's to fix: one finding
// per server (address:port) and problem, its certificates as evidence. Outside servers are not, but hospital
// clients completing sessions with them is (the paper: devices "should have properly closed a session"): one
// finding per problem, the most used certificates as evidence. dhai decides this split.
import { iso } from './cert-inputs.ts';
import { readRows } from './connections.ts';
import { makeFinding } from './dread.ts';
import type { FindingType } from './finding-types.ts';
import type { AnalysisContext, Finding, Row } from './types.ts';

export const ISSUE_FINDING_TYPES: FindingType[] = [
  'self-signed-certificate', 'expired-certificate', 'unknown-issuer-certificate', 'weak-certificate-key', 'weak-certificate-signature',
];

/** Certificates listed as evidence of one outside-servers finding. */
const OUTSIDE_EVIDENCE = 20;

interface Pair {
  server: string;
  inside: boolean;
  row: Row;
  problems: Map<FindingType, number>;
}

export async function issueFindings(ctx: AnalysisContext): Promise<Finding[]> {
  const list = await readRows(ctx.conn, `WITH e AS (
      SELECT resp_h, resp_p, leaf_key, sum(n) FILTER (WHERE eff = 'self_signed') AS ss, sum(n) FILTER (WHERE eff = 'unknown_issuer') AS ui,
        sum(n) FILTER (WHERE eff = 'expired') AS ex
      FROM ci_eff WHERE leaf_key IS NOT NULL GROUP BY ALL),
    g AS (
      SELECT resp_h, resp_p, leaf_key, coalesce(bool_or(resp_inside), false) AS inside, any_value(sha256) AS sha256, any_value(subject) AS subject,
        any_value(issuer) AS issuer, string_agg(DISTINCT status_raw, '; ' ORDER BY status_raw) AS zeek_status, sum(sessions) AS sessions,
        sum(leaf_expired) AS leaf_expired, ${iso('any_value(not_after)')} AS not_after, ${iso('min(first_ts)')} AS first_seen,
        ${iso('max(last_ts)')} AS last_seen, any_value(key_type) AS key_type, any_value(key_length) AS key_length, any_value(sig_alg) AS sig_alg,
        bool_or(weak_key OR coalesce(v_weak_key, false)) AS weak_key, bool_or(sig_md OR sig_sha1 OR v_weak_sig IS NOT NULL) AS weak_sig
      FROM ci_g WHERE leaf_key IS NOT NULL GROUP BY resp_h, resp_p, leaf_key)
    SELECT g.*, coalesce(e.ss, 0) AS ss, coalesce(e.ui, 0) AS ui, greatest(coalesce(e.ex, 0), g.leaf_expired) AS ex
    FROM g LEFT JOIN e ON e.resp_h IS NOT DISTINCT FROM g.resp_h AND e.resp_p IS NOT DISTINCT FROM g.resp_p AND e.leaf_key = g.leaf_key
    WHERE coalesce(e.ss, 0) > 0 OR coalesce(e.ui, 0) > 0 OR coalesce(e.ex, 0) > 0 OR g.leaf_expired > 0 OR g.weak_key OR g.weak_sig
    ORDER BY g.sessions DESC, g.resp_h, g.resp_p, g.leaf_key`);
  const pairs: Pair[] = list.map((r) => {
    const problems = new Map<FindingType, number>();
    if (Number(r.ss) > 0) problems.set('self-signed-certificate', Number(r.ss));
    if (Number(r.ui) > 0) problems.set('unknown-issuer-certificate', Number(r.ui));
    if (Number(r.ex) > 0) problems.set('expired-certificate', Number(r.ex));
    if (r.weak_key === true) problems.set('weak-certificate-key', Number(r.sessions));
    if (r.weak_sig === true) problems.set('weak-certificate-signature', Number(r.sessions));
    const server = `${String(r.resp_h)}:${String(r.resp_p)}`;
    const c = (k: string): Row[string] => r[k] ?? null;
    const row: Row = {
      server, certificate: c('leaf_key'), sha256: c('sha256'), subject: c('subject'), issuer: c('issuer'), zeek_status: c('zeek_status'),
      sessions: c('sessions'), not_after: c('not_after'), key: r.key_type == null ? null : `${String(r.key_type)} ${String(r.key_length)}`,
      sig_alg: c('sig_alg'), first_seen: c('first_seen'), last_seen: c('last_seen'),
    };
    return { server, inside: r.inside === true, row, problems };
  });

  const findings: Finding[] = [];
  const byServer = new Map<string, Map<FindingType, Row[]>>();
  const outside = new Map<FindingType, { rows: Row[]; sessions: number; certs: Set<string> }>();
  for (const p of pairs) {
    for (const [type, n] of p.problems) {
      const evidence = { ...p.row, problem_sessions: n };
      if (p.inside) {
        const m = byServer.get(p.server) ?? new Map<FindingType, Row[]>();
        byServer.set(p.server, m);
        m.set(type, [...(m.get(type) ?? []), evidence]);
      } else {
        const o = outside.get(type) ?? { rows: [], sessions: 0, certs: new Set<string>() };
        outside.set(type, o);
        o.sessions += n;
        o.certs.add(String(p.row.certificate));
        if (o.rows.length < OUTSIDE_EVIDENCE) o.rows.push(evidence);
      }
    }
  }
  for (const [server, types] of [...byServer].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const type of ISSUE_FINDING_TYPES) {
      const rows = types.get(type);
      if (rows) findings.push(makeFinding(type, server, rows, ctx));
    }
  }
  for (const type of ISSUE_FINDING_TYPES) {
    const o = outside.get(type);
    if (!o) continue;
    findings.push(
      makeFinding(type, 'outside-servers', o.rows, ctx, {
        title: `Hospital clients accepted outside servers' certificates (${TYPE_WORDS[type]}): ${o.sessions} sessions, ${o.certs.size} certificates`,
      }),
    );
  }
  return findings;
}

const TYPE_WORDS: Record<string, string> = {
  'self-signed-certificate': 'self-signed',
  'expired-certificate': 'expired',
  'unknown-issuer-certificate': 'unknown issuer',
  'weak-certificate-key': 'weak key',
  'weak-certificate-signature': 'MD5 or SHA-1 signature',
};
