// Analysis E, cert-issues (analyses.md E; paper §D "Certificate usage"): what the sensor's certificate
// validation said about fresh sessions, the certificate facts behind it, and, where the sensor logged DER, our
// own chain verification against a root store plus the site's internal CAs. Metric names and definitions are
// those of the simulator's ground truth (src/simulate/truth/certs.ts).
import { latestTopList } from './cert-feeds.ts';
import { CERT_FACTS, weakKeySql, weakSigSql } from './cert-inputs.ts';
import { issueCharts } from './cert-charts.ts';
import { issueFindings, ISSUE_FINDING_TYPES } from './cert-issues-findings.ts';
import { loadIssueData, type IssueData } from './cert-issues-data.ts';
import { issueTables } from './cert-issues-tables.ts';
import { OWNERS } from './cert-leaves.ts';
import { CERT_DEFAULTS, describeVendors, reputableVendors } from './cert-options.ts';
import { trustSources } from './cert-verify.ts';
import { readRows } from './connections.ts';
import { dreadMethodNotes } from './dread.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type Metric, type SectionResult } from './types.ts';

/** Zeek's validation categories (analyses.md E), in report order. */
export const ZEEK_CATEGORIES = ['ok', 'unknown_issuer', 'self_signed', 'expired', 'not_yet_valid', 'other_failure', 'unavailable'] as const;
/** dhai's categories add "internal CA, expected". */
export const EFFECTIVE_CATEGORIES = ['ok', 'internal_ca', 'unknown_issuer', 'self_signed', 'expired', 'not_yet_valid', 'other_failure', 'unavailable'] as const;

function method(ctx: AnalysisContext, data: IssueData | null, roots: string, popular: string | null): string[] {
  const opts = ctx.certs ?? {};
  const notes = [
    'Fresh sessions: established and not resumed (ssl.log); a session whose establishment is unknown is not counted.',
    'Zeek\'s validation_status is normalised into ok, unknown issuer, self-signed (leaf or in the chain), expired, not yet valid, other failure and unavailable (unset: TLS 1.3 hides the certificate, or validate-certs was not loaded); OpenSSL 1.1 and 3.x spellings and Zeek\'s own messages are recognised, the raw text is kept in the statuses table.',
    'Sessions with an issue are those Zeek reported as unknown issuer, self-signed or expired (the paper\'s 9.03 %); the issue_* shares divide by them.',
    'A session\'s certificate is its chain\'s first (server) certificate; its facts come from x509.log joined by fingerprint across files and days (before Zeek 4.1: by file id, identified through files.log hashes).',
    'Expired / not yet valid certificate: the server certificate\'s validity compared with each session\'s own time, whatever Zeek\'s status said.',
    'No issuer: the server certificate\'s issuer name is empty (x509.log, or ssl.log before Zeek 4.1).',
    `Reputable issuer: the first O= of the server certificate's issuer belongs to one of ${describeVendors(reputableVendors(opts, ctx.site))} (compared word by word, case and punctuation folded; dhai decides, configurable: the site's reputable_vendors).`,
    'Expired certificates by owner, first match wins (dhai decides): site = a name (most specific CN that looks like a host name, or a SAN) under the site\'s domains; vendor = under a configured vendor\'s domains; popular = its registrable domain is in the top list; other. Medical = site or vendor.',
    popular ? `Popular services: the first ${opts.popularTopN ?? CERT_DEFAULTS.popularTopN} entries of the top list ${popular}.` : 'No top list is loaded: no certificate counts as a popular service (dhai feeds import FILE --kind toplist).',
    'Weak keys: RSA or DSA below 2048 bits, EC below 224 bits, anywhere in the presented chain (NIST SP 800-131A\'s 112-bit floor). Weak signatures: MD2/MD4/MD5 or SHA-1 on a chain certificate that is not self-issued (a root\'s own signature is not relied upon).',
    'The hospital\'s own certificates (expiry calendar): a name under the site\'s domains, or presented by a hospital address; days are counted from the end of the window.',
  ];
  if (data?.verification) {
    notes.push(
      `Our own verification (x509.log logged DER for ${data.verification.verified} distinct server certificates of fresh sessions): chains built from every CA certificate in the store and verified with node:crypto against ${roots}${(ctx.site.internal_cas.length ? ` plus the site's ${ctx.site.internal_cas.length} internal CA file(s)` : '')}; each certificate verified once, at its first fresh session, and each session then judged against the path's validity at its own time. A chain ending at an internal CA is "internal CA, expected"; a bad signature, or an issuer that may not issue (no CA basic constraint or keyCertSign, pathLenConstraint exceeded: OpenSSL's "invalid CA certificate"), is "other failure".`,
    );
  } else {
    notes.push(`No DER certificates were logged (x509 \`cert\` column): the categories are Zeek's; chains of the site's internal CAs are recognised by name (issuer or chain subject equal to an internal CA's subject)${ctx.site.internal_cas.length ? '' : ', and the site lists none'}.`);
  }
  notes.push('Findings: one per hospital server and problem; certificates of outside servers that hospital clients accepted are one finding per problem, with the certificates as evidence (dhai decides).');
  return [...notes, ...dreadMethodNotes(ISSUE_FINDING_TYPES, ctx.site)];
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const opts = ctx.certs ?? {};
  const sources = trustSources(ctx.site, opts);
  const top = await latestTopList(ctx.conn, opts.popularTopN ?? CERT_DEFAULTS.popularTopN);
  const popular = top ? new Set(top.domains.map((d) => d.registrable ?? d.domain)) : undefined;
  const data = await loadIssueData(ctx, sources, { reputable: reputableVendors(opts, ctx.site), popular });
  const notes = method(ctx, data, sources.roots.source, top ? `${top.name} (${top.date})` : null);
  if (data.fresh === 0) return notAvailable(['ssl.log with established, not resumed sessions in the window'], notes);
  const { conn } = ctx;
  const f = data.fresh;
  const metrics: Record<string, Metric> = { fresh_sessions: f };

  const zeek = new Map((await readRows(conn, `SELECT cat, sum(sessions) AS n, count(DISTINCT leaf_key) AS certs FROM ci_g GROUP BY cat`)).map((r) => [String(r.cat), r]));
  const zn = (c: string): number => Number(zeek.get(c)?.n ?? 0);
  for (const c of ZEEK_CATEGORIES) metrics[`status_${c}`] = countShare(zn(c), f);
  const issues = zn('unknown_issuer') + zn('self_signed') + zn('expired');
  metrics.sessions_with_issue = countShare(issues, f);
  metrics.issue_unknown_issuer = countShare(zn('unknown_issuer'), issues);
  metrics.issue_self_signed = countShare(zn('self_signed'), issues);
  metrics.issue_expired = countShare(zn('expired'), issues);

  const a = (await readRows(conn, `SELECT
      coalesce(sum(sessions) FILTER (WHERE cat = 'unknown_issuer' AND no_issuer), 0) AS ui_no_issuer,
      coalesce(sum(sessions) FILTER (WHERE cat = 'unknown_issuer' AND vendor IS NOT NULL), 0) AS ui_reputable,
      coalesce(sum(leaf_expired), 0) AS expired_sessions, coalesce(sum(leaf_nyv), 0) AS nyv_sessions,
      coalesce(sum(sessions) FILTER (WHERE has_facts), 0) AS with_facts,
      count(DISTINCT leaf_key) AS certs,
      count(DISTINCT leaf_key) FILTER (WHERE cat = 'unknown_issuer') AS certs_ui,
      count(DISTINCT leaf_key) FILTER (WHERE cat = 'self_signed') AS certs_ss,
      count(DISTINCT leaf_key) FILTER (WHERE cat = 'unknown_issuer' AND no_issuer) AS certs_no_issuer,
      count(DISTINCT leaf_key) FILTER (WHERE leaf_nyv > 0) AS certs_nyv,
      coalesce(sum(sessions) FILTER (WHERE weak_key), 0) AS weak_key_sessions,
      coalesce(sum(sessions) FILTER (WHERE sig_md), 0) AS sig_md_sessions,
      coalesce(sum(sessions) FILTER (WHERE sig_sha1), 0) AS sig_sha1_sessions
    FROM ci_g`))[0]!;
  const ui = zn('unknown_issuer');
  metrics.unknown_issuer_no_issuer = countShare(Number(a.ui_no_issuer), ui);
  metrics.unknown_issuer_reputable = countShare(Number(a.ui_reputable), ui);
  metrics.sessions_expired_cert = countShare(Number(a.expired_sessions), f);
  metrics.sessions_not_yet_valid_cert = countShare(Number(a.nyv_sessions), f);
  metrics.sessions_with_x509 = countShare(Number(a.with_facts), f);
  metrics.certs_fresh = Number(a.certs);
  metrics.certs_unknown_issuer = Number(a.certs_ui);
  metrics.certs_self_signed = Number(a.certs_ss);
  metrics.certs_no_issuer = Number(a.certs_no_issuer);
  metrics.certs_not_yet_valid = Number(a.certs_nyv);

  const owners = new Map((await readRows(conn, `SELECT owner, count(*) AS n FROM (SELECT DISTINCT leaf_key, owner FROM ci_g WHERE leaf_expired > 0) GROUP BY owner`)).map((r) => [String(r.owner), Number(r.n)]));
  const expiredCerts = [...owners.values()].reduce((s, n) => s + n, 0);
  const medical = (owners.get('site') ?? 0) + (owners.get('vendor') ?? 0);
  metrics.certs_expired = expiredCerts;
  metrics.certs_expired_medical = countShare(medical, expiredCerts);
  metrics.certs_expired_non_medical = countShare(expiredCerts - medical, expiredCerts);
  for (const o of OWNERS) metrics[`certs_expired_${o}`] = countShare(owners.get(o) ?? 0, expiredCerts);

  metrics.sessions_weak_key = countShare(Number(a.weak_key_sessions), f);
  metrics.sessions_sig_md5 = countShare(Number(a.sig_md_sessions), f);
  metrics.sessions_sig_sha1 = countShare(Number(a.sig_sha1_sessions), f);
  const weak = (await readRows(conn, `SELECT count(DISTINCT u.key) FILTER (WHERE ${weakKeySql('x')}) AS weak_key,
      count(DISTINCT u.key) FILTER (WHERE x.subject IS DISTINCT FROM x.issuer AND ${weakSigSql('x')} = 'md') AS sig_md,
      count(DISTINCT u.key) FILTER (WHERE x.subject IS DISTINCT FROM x.issuer AND ${weakSigSql('x')} = 'sha1') AS sig_sha1
    FROM (SELECT DISTINCT unnest(chain_keys) AS key FROM ci_g) u JOIN ${CERT_FACTS} x ON x.key = u.key`))[0]!;
  metrics.certs_weak_key = Number(weak.weak_key);
  metrics.certs_sig_md5 = Number(weak.sig_md);
  metrics.certs_sig_sha1 = Number(weak.sig_sha1);

  const eff = new Map((await readRows(conn, `SELECT eff, sum(n) AS n FROM ci_eff GROUP BY eff`)).map((r) => [String(r.eff), Number(r.n)]));
  for (const c of EFFECTIVE_CATEGORIES) metrics[`effective_${c}`] = countShare(eff.get(c) ?? 0, f);
  if (data.verification) {
    const ver = new Map((await readRows(conn, `SELECT eff, sum(n) AS n FROM ci_eff WHERE verified GROUP BY eff`)).map((r) => [String(r.eff), Number(r.n)]));
    const vTotal = [...ver.values()].reduce((s, n) => s + n, 0);
    metrics.verified_sessions = countShare(vTotal, f);
    metrics.verified_certs = data.verification.verified;
    for (const c of EFFECTIVE_CATEGORIES.filter((x) => x !== 'unavailable')) metrics[`verified_${c}`] = countShare(ver.get(c) ?? 0, vTotal);
  }

  const tables = await issueTables(conn, data, ui);
  const cal = tables.hospital_expiry ?? [];
  metrics.hospital_certs_seen = cal.length;
  metrics.hospital_certs_expired = cal.filter((r) => r.band === 'expired').length;
  for (const d of [30, 60, 90]) metrics[`hospital_certs_expiring_${d}d`] = cal.filter((r) => typeof r.days_left === 'number' && r.days_left >= 0 && r.days_left <= d).length;

  const findings = await issueFindings(ctx);
  return { status: 'ok', needs: [], method: notes, metrics, tables, findings, charts: issueCharts(metrics, tables) };
}

export const certIssues: Analysis = {
  id: 'cert-issues',
  title: 'Certificate problems',
  tables: ['ssl'],
  run,
};
