// Analysis C, cipher-quality (analyses.md C; paper: MD5 < 1.5 %, secure hashes 72 % vs 62 % for the baseline,
// SHA-1 about 10 points below). Over fresh sessions (established, not resumed, a suite logged): the suite class,
// the Mozilla tier of version + suite, forward secrecy, AEAD, the suite's MAC/PRF hash, the signature hash of
// the leaf certificate (x509 sig_alg) and the post-quantum key-exchange share. Metric names and definitions are
// those of src/simulate/truth/tls.ts (cipherMetrics); extra metrics break down what those leave out.
import { isoSql, readRows } from './connections.ts';
import { dreadMethodNotes, makeFinding } from './dread.ts';
import { classChart, hashChart } from './tls-charts.ts';
import { countsBy, sum } from './tls-metrics.ts';
import { TLS_AGG, sessionMethodNotes, tlsSessions } from './tls-sessions.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type Finding, type Metric, type Row, type SectionResult } from './types.ts';

/** Fresh session with a suite: the population of every figure here (truth: `resumed || !cipher` is skipped). */
const FRESH = `dir IN ('inbound', 'outbound', 'internal') AND NOT resumed AND nullif(trim(cipher), '') IS NOT NULL`;

const TIER_RANK = `CASE coalesce(%s, 'none') WHEN 'modern' THEN 0 WHEN 'intermediate' THEN 1 WHEN 'old' THEN 2 ELSE 3 END`;
/** The looser of the version's and the suite's tier; DTLS, drafts and unknown versions have no Mozilla tier: none. */
const SESSION_TIER = `(['modern', 'intermediate', 'old', 'none'])[greatest(${TIER_RANK.replace('%s', 'version_tier')}, ${TIER_RANK.replace('%s', 'suite_tier')}) + 1]`;
const SUITE_HASH = `CASE WHEN suite_hash IS NULL THEN 'unknown' WHEN suite_hash IN ('MD5', 'SHA1', 'SHA256', 'SHA384', 'SHA512') THEN lower(suite_hash) ELSE 'other' END`;
/** The signature hash named in x509 sig_alg, as the ground truth groups it (first match: md5, sha1, sha256, sha384, sha512). */
const SIG_HASH = `CASE WHEN sig_alg IS NULL THEN 'unknown' WHEN contains(lower(sig_alg), 'md5') THEN 'md5' WHEN contains(lower(sig_alg), 'sha1') THEN 'sha1'
  WHEN contains(lower(sig_alg), 'sha256') THEN 'sha256' WHEN contains(lower(sig_alg), 'sha384') THEN 'sha384'
  WHEN contains(lower(sig_alg), 'sha512') THEN 'sha512' ELSE 'other' END`;

const METHOD = [
  'Fresh session: established and not resumed, with a negotiated suite logged (a resumed session repeats the suite and certificate of the session it resumes, so counting it would weight long-lived clients twice).',
  'Suite classes (dhai decides, after established graders; first match wins): insecure = NULL cipher, anonymous, EXPORT, DES, RC4, an MD5 MAC or a key under 112 bits; recommended = every TLS 1.3 suite; weak = static-RSA key exchange, 3DES or another 64-bit-block cipher, CBC mode, SHA-1 MAC; recommended = forward secrecy and AEAD; secure = the rest. Suites the IANA registry and Zeek do not name are "unknown".',
  "Mozilla tier of a session: the strictest of Mozilla's server-side TLS configurations (modern ⊂ intermediate ⊂ old) that allows both its version and its suite; none when even \"old\" does not (SSL 3.0, DTLS, RC4 …).",
  'Suite hash: the hash the suite name states (the HMAC hash of non-AEAD suites, the PRF/HKDF hash of AEAD and TLS 1.3 suites); secure = SHA-256/384/512, the "secure hashes" of the paper.',
  "Certificate signature hash: the hash named in x509 sig_alg of the leaf (first certificate of the server's chain), over fresh sessions whose chain was logged; a leaf whose x509 row is missing counts as unknown. TLS 1.3 encrypts the certificate, so its sessions have no chain: they are counted apart (fresh_sessions_no_certificate_tls13), not as failures.",
  'Post-quantum key exchange: the negotiated group (ssl.log curve) is a post-quantum or hybrid group (X25519MLKEM768, X25519Kyber768Draft00 and kin).',
  'Findings: one per hospital server (responder inside) that negotiated an insecure-class suite; weak suites are graded in tls-report-cards rather than raised one by one.',
];

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const t = await tlsSessions(ctx);
  const method = [...sessionMethodNotes(t), ...METHOD, ...dreadMethodNotes(['weak-cipher-suite'], ctx.site)];
  if (t.first === null) return notAvailable(['ssl.log rows of established sessions with a hospital end inside the report window'], method);
  const conn = ctx.conn;
  const metrics: Record<string, Metric> = {};
  const tables: Record<string, Row[]> = {};

  const classes = await countsBy(conn, `coalesce(suite_class, 'unknown')`, FRESH);
  const total = sum(classes.values());
  metrics.fresh_sessions = total;
  for (const c of ['insecure', 'weak', 'secure', 'recommended', 'unknown']) metrics[`class_${c}`] = countShare(classes.get(c) ?? 0, total);

  const tiers = await countsBy(conn, SESSION_TIER, FRESH);
  for (const tier of ['modern', 'intermediate', 'old', 'none']) metrics[`mozilla_${tier}`] = countShare(tiers.get(tier) ?? 0, total);

  const hashes = await countsBy(conn, SUITE_HASH, FRESH);
  for (const h of ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'other', 'unknown']) metrics[`suite_hash_${h}`] = countShare(hashes.get(h) ?? 0, total);
  metrics.suite_hash_secure = countShare((hashes.get('sha256') ?? 0) + (hashes.get('sha384') ?? 0) + (hashes.get('sha512') ?? 0), total);

  const flags = await readRows(conn, `SELECT
      coalesce(sum(n) FILTER (WHERE forward_secrecy), 0) AS fs, coalesce(sum(n) FILTER (WHERE aead), 0) AS aead,
      coalesce(sum(n) FILTER (WHERE post_quantum), 0) AS pq,
      coalesce(sum(n) FILTER (WHERE NOT has_leaf AND version = 'TLSv13'), 0) AS nocert13,
      coalesce(sum(n) FILTER (WHERE NOT has_leaf AND version IS DISTINCT FROM 'TLSv13'), 0) AS nocert
    FROM ${TLS_AGG} WHERE ${FRESH}`);
  const f = flags[0]!;
  metrics.forward_secrecy = countShare(Number(f.fs), total);
  metrics.aead = countShare(Number(f.aead), total);
  metrics.pq_kex = countShare(Number(f.pq), total);
  metrics.fresh_sessions_no_certificate_tls13 = countShare(Number(f.nocert13), total);
  metrics.fresh_sessions_no_certificate_other = countShare(Number(f.nocert), total);

  const sigs = await countsBy(conn, SIG_HASH, `${FRESH} AND has_leaf`);
  const certs = sum(sigs.values());
  metrics.cert_sig_sessions = certs;
  for (const h of ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'other', 'unknown']) metrics[`cert_sig_${h}`] = countShare(sigs.get(h) ?? 0, certs);

  metrics.fresh_sessions_no_cipher = Number((await readRows(conn, `SELECT coalesce(sum(n), 0) AS n FROM ${TLS_AGG}
    WHERE dir IN ('inbound', 'outbound', 'internal') AND NOT resumed AND nullif(trim(cipher), '') IS NULL`))[0]!.n);

  tables.suites = (await readRows(conn, `SELECT cipher, coalesce(suite_class, 'unknown') AS class, key_exchange, authentication, bulk_cipher AS cipher_name,
      cipher_bits, cipher_mode AS mode, suite_hash AS hash, aead, forward_secrecy, suite_tier AS mozilla_suite_tier, sum(n) AS sessions
    FROM ${TLS_AGG} WHERE ${FRESH} GROUP BY ALL ORDER BY sessions DESC, cipher`)).map((r) => ({ ...r, share: Number(r.sessions) / total }) as Row);
  tables.by_direction = (await readRows(conn, `SELECT dir AS direction, coalesce(suite_class, 'unknown') AS class, sum(n) AS sessions
    FROM ${TLS_AGG} WHERE ${FRESH} GROUP BY ALL ORDER BY direction, class`)) as Row[];
  tables.certificate_signatures = (await readRows(conn, `SELECT coalesce(sig_alg, '(no x509 row)') AS sig_alg, ${SIG_HASH} AS hash, sum(n) AS sessions
    FROM ${TLS_AGG} WHERE ${FRESH} AND has_leaf GROUP BY ALL ORDER BY sessions DESC, sig_alg`)) as Row[];

  // hospital servers that negotiated an insecure suite
  const evidence = await readRows(conn, `SELECT dev AS server, port, dir AS direction, version, cipher, sum(n) AS sessions,
      ${isoSql('min(first_ts)')} AS first_seen, ${isoSql('max(last_ts)')} AS last_seen
    FROM ${TLS_AGG} WHERE ${FRESH} AND dir IN ('inbound', 'internal') AND suite_class = 'insecure'
    GROUP BY ALL ORDER BY server, port, direction, version, cipher`);
  const byServer = new Map<string, Row[]>();
  for (const e of evidence) {
    const k = String(e.server);
    if (!byServer.has(k)) byServer.set(k, []);
    byServer.get(k)!.push(e as Row);
  }
  const findings: Finding[] = [...byServer].map(([server, rows]) => makeFinding('weak-cipher-suite', server, rows, ctx));
  tables.insecure_suite_servers = evidence as Row[];

  return { status: 'ok', needs: [], method, metrics, tables, findings, charts: [classChart(metrics, ctx.baseline), hashChart(metrics, ctx.baseline)] };
}

export const cipherQuality: Analysis = {
  id: 'cipher-quality',
  title: 'Cipher-suite quality and hash algorithms',
  // x509 is optional: without it the leaf signature hashes are "unknown"
  tables: ['ssl'],
  run,
};
