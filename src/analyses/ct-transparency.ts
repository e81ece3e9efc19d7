// Analysis F, ct-transparency (analyses.md F; paper §E and Fig. 9): how many of the distinct server
// certificates seen on the wire are in Certificate Transparency logs, overall, for the hospital's own domains,
// and per popular service. Metric names and definitions are those of the simulator's ground truth
// (src/simulate/truth/certs.ts).
import { ctLogListForReport } from '../intel/ct-log-store.ts';
import { ctFingerprintFeeds, latestTopList } from './cert-feeds.ts';
import { ctEvidenceChart, ctServiceChart } from './cert-charts.ts';
import { iso } from './cert-inputs.ts';
import { CERT_DEFAULTS, reputableVendors } from './cert-options.ts';
import { trustSources } from './cert-verify.ts';
import { readRows } from './connections.ts';
import { loadCtData } from './ct-data.ts';
import { applyOnlineLookup, onlineMethodNote } from './ct-online.ts';
import { loggedNotSeen } from './ct-reverse.ts';
import { serviceMetricName, servicesFromTopList } from './ct-services.ts';
import { dreadMethodNotes, makeFinding } from './dread.ts';
import { TempTable } from './temp-table.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type ChartSpec, type Metric, type Row, type SectionResult } from './types.ts';

const TABLE_LIMIT = 200;

const EVIDENCE_NEEDS =
  'CT evidence: a set of logged fingerprints (dhai feeds import FILE --kind ct-fingerprints), Zeek\'s valid_ct_logs in ssl.log ' +
  '(policy/protocols/ssl/validate-sct), or DER certificates in x509.log (the `cert` column, policy/protocols/ssl/log-certs-base64) for embedded SCTs';

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const { conn, site } = ctx;
  const opts = ctx.certs ?? {};
  const sources = trustSources(site, opts);
  // the newest stored Chrome / Apple lists (dhai feeds), else the shipped table
  const { list: logs, provenance: logsProvenance } = await ctLogListForReport(conn, opts.ctLogList);
  const feeds = await ctFingerprintFeeds(conn);
  const data = await loadCtData(conn, ctx.window, feeds, sources, logs, { site, reputable: reputableVendors(opts, site) });
  // only when asked (and then it may make requests); otherwise it reads answers an earlier run stored, if any
  const online = data.certificates > 0 ? await applyOnlineLookup(conn, opts.ctLookup) : null;
  const notes: string[] = [
    'Distinct certificates: the server (first) certificate of every ssl.log session in the window that shows one, told apart by SHA-256 fingerprint (before Zeek 4.1: by the files.log hash of the certificate).',
    'A certificate counts as logged when any evidence says so: an embedded SCT whose signature verifies against a known log, Zeek\'s valid_ct_logs > 0, its SHA-256 or SHA-1 in an imported ct-fingerprints set, or a stored online look-up answer "found".',
    `CT log list for SCTs: ${logsProvenance}.`,
    feeds.snapshots.length
      ? `CT fingerprint sets: ${feeds.snapshots.map((s) => `${s.name} (${s.date}, ${s.entries} fingerprints)`).join('; ')}.`
      : 'No ct-fingerprints set is imported.',
    data.zeekCt ? 'The sensor logs valid_ct_logs (SCTs from the TLS extension, OCSP and the certificate, verified by Zeek).' : 'The sensor does not log valid_ct_logs.',
    data.sct
      ? `Embedded SCTs were checked for the ${data.sct.certificates} certificates logged as DER (issuer keys from the store, the site's internal CAs and ${sources.roots.source}).`
      : 'No DER certificates were logged: embedded SCTs could not be checked.',
    onlineMethodNote(online),
    'The hospital\'s certificates: a name (most specific CN that looks like a host name, or a SAN) under one of the site\'s domains. Self-signed: subject equal to issuer.',
    `Services (Fig. 9): the first ${opts.serviceTopN ?? CERT_DEFAULTS.serviceTopN} domains of the latest top list, each reduced to its registrable domain without the public suffix, names shorter than ${opts.serviceMinLength ?? CERT_DEFAULTS.serviceMinLength} characters dropped; a certificate belongs to a service when the name occurs in its subject${opts.servicesInSans ? ' or a SAN DNS name' : ''} (case-insensitive); services with fewer than ${opts.serviceMinCerts ?? CERT_DEFAULTS.serviceMinCerts} distinct certificates are not reported.`,
    'Findings: a hospital certificate that a client validated as ok (so issued by a publicly trusted CA) with no CT evidence (dhai decides).',
    ...dreadMethodNotes(['certificate-not-in-ct'], site),
  ];
  if (data.certificates === 0) return notAvailable(['ssl.log sessions with a server certificate (cert_chain_fps, or cert_chain_fuids before Zeek 4.1)'], notes);
  if (!feeds.relation && !data.zeekCt && !data.sct && !online) return notAvailable([EVIDENCE_NEEDS], notes);

  const t = (await readRows(conn, `SELECT count(*) AS n, count(*) FILTER (WHERE logged) AS logged,
      count(*) FILTER (WHERE self_signed) AS ss, count(*) FILTER (WHERE self_signed AND logged) AS ss_logged,
      count(*) FILTER (WHERE hospital) AS h, count(*) FILTER (WHERE hospital AND logged) AS h_logged,
      count(*) FILTER (WHERE by_sct) AS by_sct, count(*) FILTER (WHERE by_zeek) AS by_zeek, count(*) FILTER (WHERE by_feed) AS by_feed,
      ${online ? 'count(*) FILTER (WHERE by_online) AS by_online, count(*) FILTER (WHERE online_answered) AS answered,' : '0 AS by_online, 0 AS answered,'}
      count(*) FILTER (WHERE has_der) AS der, count(*) FILTER (WHERE scts > 0) AS with_scts
    FROM ct_cert`))[0]!;
  const n = Number(t.n);
  const metrics: Record<string, Metric> = {
    certs_total: n,
    certs_logged: countShare(Number(t.logged), n),
    certs_self_signed: Number(t.ss),
    certs_self_signed_logged: countShare(Number(t.ss_logged), Number(t.ss)),
    hospital_certs: Number(t.h),
    hospital_certs_logged: countShare(Number(t.h_logged), Number(t.h)),
    hospital_certs_not_logged: countShare(Number(t.h) - Number(t.h_logged), Number(t.h)),
    certs_logged_by_sct: countShare(Number(t.by_sct), n),
    certs_logged_by_zeek: countShare(Number(t.by_zeek), n),
    certs_logged_by_feed: countShare(Number(t.by_feed), n),
    certs_logged_by_online: countShare(Number(t.by_online), n),
    certs_not_looked_up: countShare(n - Number(t.answered), n),
    certs_with_der: countShare(Number(t.der), n),
    certs_with_embedded_scts: countShare(Number(t.with_scts), n),
  };
  const tables: Record<string, Row[]> = {};
  const charts: ChartSpec[] = [];
  tables.evidence = [
    { evidence: 'embedded SCT verified', available: data.sct !== null, certificates: Number(t.by_sct) },
    { evidence: 'Zeek valid_ct_logs > 0', available: data.zeekCt, certificates: Number(t.by_zeek) },
    { evidence: 'in a CT fingerprint set', available: feeds.relation !== null, certificates: Number(t.by_feed) },
    { evidence: 'online look-up (stored answers)', available: online !== null, certificates: Number(t.by_online) },
    { evidence: 'any (logged)', available: true, certificates: Number(t.logged) },
  ];
  if (online) {
    const r = online.run;
    tables.online_lookup = [{
      provider: online.provider?.name ?? null, endpoint: online.provider?.endpoint ?? null, looked_up_this_run: online.enabled,
      candidates: online.candidates, private_skipped: online.privateSkipped, unnamed_skipped: online.unnamedSkipped, cached: online.cached,
      asked: r?.asked ?? 0, found: r?.found ?? 0, not_found: r?.notFound ?? 0, failed: r?.errors ?? 0, left_for_later: online.notAsked,
      stopped: r?.stopped ?? null, answers_used: online.answered, answers_found: online.found, first_answer: online.firstAnswer, last_answer: online.lastAnswer,
    }];
  }
  charts.push(ctEvidenceChart(online ? tables.evidence : tables.evidence.slice(0, 3).concat(tables.evidence.slice(4))));

  const top = await latestTopList(conn, opts.serviceTopN ?? CERT_DEFAULTS.serviceTopN);
  if (top) {
    const services = servicesFromTopList(top, opts.serviceTopN ?? CERT_DEFAULTS.serviceTopN, opts.serviceMinLength ?? CERT_DEFAULTS.serviceMinLength);
    const st = await TempTable.create(conn, 'ct_services', [['service', 'VARCHAR']]);
    for (const s of services) st.row([s]);
    st.close();
    const match = opts.servicesInSans ? '(contains(lower(c.subject), s.service) OR contains(c.san_text, s.service))' : 'contains(lower(c.subject), s.service)';
    const rows = await readRows(conn, `SELECT s.service, count(*) AS certificates, count(*) FILTER (WHERE c.logged) AS logged
      FROM ct_services s JOIN ct_cert c ON ${match} GROUP BY s.service
      HAVING count(*) >= ${Math.max(1, Math.trunc(opts.serviceMinCerts ?? CERT_DEFAULTS.serviceMinCerts))} ORDER BY s.service`);
    tables.services = rows.map((r) => {
      const share = Number(r.logged) / Number(r.certificates);
      return { service: r.service ?? null, certificates: Number(r.certificates), logged: Number(r.logged), share, below_90pct: share < 0.9 };
    });
    metrics.services_considered = services.length;
    metrics.services_kept = tables.services.length;
    metrics.services_kept_below_90pct = tables.services.filter((r) => r.below_90pct).length;
    for (const r of tables.services) metrics[serviceMetricName(String(r.service))] = countShare(Number(r.logged), Number(r.certificates));
    notes.push(`Top list: ${top.name} (${top.date}); ${services.length} services from its first ${top.domains.length} domains.`);
    if (tables.services.length) charts.push(ctServiceChart(tables.services, Number(t.h) > 0 ? Number(t.h_logged) / Number(t.h) : null));
  } else notes.push('No top list is loaded: per-service rates are not reported (dhai feeds import FILE --kind toplist).');

  tables.hospital_not_logged = (await readRows(conn, `SELECT key AS certificate, sha256, subject, issuer, names, zeek_ok AS validated_ok,
      has_der, scts, sct_unverified, sct_unknown_log, ${iso('not_after')} AS not_after, sessions, servers,
      ${iso('first_ts')} AS first_seen, ${iso('last_ts')} AS last_seen, ${online ? 'online_lookup' : `'not looked up' AS online_lookup`}
    FROM ct_cert WHERE hospital AND NOT logged ORDER BY zeek_ok DESC, sessions DESC, certificate LIMIT ${TABLE_LIMIT}`)) as Row[];
  tables.hospital_certs = (await readRows(conn, `SELECT key AS certificate, subject, issuer, logged, by_sct, by_zeek, by_feed, ${online ? 'by_online' : 'false AS by_online'}, zeek_ok AS validated_ok, sessions
    FROM ct_cert WHERE hospital ORDER BY sessions DESC, certificate LIMIT ${TABLE_LIMIT}`)) as Row[];

  const reverse = await loggedNotSeen(conn, feeds, site.domains, TABLE_LIMIT);
  if (reverse) {
    tables.hospital_logged_not_seen = reverse.rows;
    metrics.hospital_ct_certs_not_seen = reverse.total;
    notes.push(`The reverse: ${reverse.total} certificates that the imported CT results list for the site's domains (names written after the fingerprint on a ct-fingerprints line) appear in no x509.log row and among no server certificate of the window; lines without names cannot be placed and are left out.`);
  }

  const findings = tables.hospital_not_logged
    .filter((r) => r.validated_ok === true)
    .map((r) => makeFinding('certificate-not-in-ct', String(r.sha256 ?? r.certificate), [r], ctx, { title: `Hospital certificate not in Certificate Transparency: ${String(r.names || r.subject)}` }));
  return { status: 'ok', needs: [], method: notes, metrics, tables, findings, charts };
}

export const ctTransparency: Analysis = {
  id: 'ct-transparency',
  title: 'Certificate Transparency',
  tables: ['ssl'],
  run,
};
