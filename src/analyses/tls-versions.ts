// Analysis B, tls-versions (analyses.md B; paper: TLS 1.2 negotiated 11 points more often than an Internet
// baseline, 47.56 % of inbound devices accepted TLS 1.1 or older at least once). Per direction, the share of
// established sessions negotiating each version and the rate of TLS 1.2 or above; per hospital device (inbound:
// the server, outbound: the client), whether it ever negotiated an obsolete version. Metric names and
// definitions are those of src/simulate/truth/tls.ts (versionMetrics), so the ground truth checks them.
import { isoSql, readRows } from './connections.ts';
import { dreadMethodNotes, makeFinding } from './dread.ts';
import { rateChart, versionsChart } from './tls-charts.ts';
import { OTHER_BUCKETS, VERSION_BUCKET_SQL, sum } from './tls-metrics.ts';
import { DIRECTIONS, MAIN_VERSIONS, TLS_AGG, TLS_OBSOLETE, sessionMethodNotes, tlsSessions } from './tls-sessions.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type Finding, type Metric, type Row, type SectionResult } from './types.ts';

const METHOD = [
  'Obsolete versions: SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1. DTLS 1.0 and TLS 1.3 drafts are neither obsolete nor current: they are counted apart (metrics *_dtlsv10, *_tlsv13_drafts), as are DTLS 1.2/1.3 and sessions whose version Zeek did not name (*_version_unknown); together they make *_other.',
  'Rate of TLS 1.2 or above = sessions negotiating TLS 1.2 or TLS 1.3, over all established sessions of the direction (dhai decides: DTLS and TLS 1.3 drafts are not in the rate, since they are reported apart).',
  'Hospital devices: for inbound sessions the hospital server, for outbound sessions the hospital client (internal sessions have a hospital device at both ends and are reported as sessions only). A device counts as obsolete "at least once" if any of its established sessions in that direction negotiated an obsolete version, resumed sessions included.',
  'Resumed sessions count like fresh ones here: a resumption repeats the version of the session it resumes.',
];

function devicesSql(dir: 'inbound' | 'outbound'): string {
  return `SELECT dev AS device, any_value(dev_class) AS class, sum(n) AS sessions,
      bool_or(obsolete) AS obsolete, bool_or(version = 'DTLSv10') AS dtls10, bool_or(coalesce(is_draft, false)) AS draft
    FROM ${TLS_AGG} WHERE dir = '${dir}' GROUP BY dev`;
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const t = await tlsSessions(ctx);
  const method = [...sessionMethodNotes(t), ...METHOD, ...dreadMethodNotes(['obsolete-tls-inbound'], ctx.site)];
  if (t.first === null) return notAvailable(['ssl.log rows of established sessions with a hospital end inside the report window'], method);
  const conn = ctx.conn;
  const metrics: Record<string, Metric> = {};
  const tables: Record<string, Row[]> = { versions: [], devices_by_class: [] };

  const byDir = await readRows(conn, `SELECT dir, ${VERSION_BUCKET_SQL} AS bucket, any_value(version_label) AS label, sum(n) AS n
    FROM ${TLS_AGG} WHERE dir IN ('inbound', 'outbound', 'internal') GROUP BY ALL ORDER BY dir, bucket`);
  for (const dir of DIRECTIONS) {
    const counts = new Map(byDir.filter((r) => r.dir === dir).map((r) => [String(r.bucket), Number(r.n)]));
    const total = sum(counts.values());
    metrics[`${dir}_sessions`] = total;
    let main = 0;
    for (const v of MAIN_VERSIONS) {
      const c = counts.get(v.toLowerCase()) ?? 0;
      main += c;
      metrics[`${dir}_${v.toLowerCase()}`] = countShare(c, total);
    }
    metrics[`${dir}_other`] = countShare(total - main, total);
    for (const b of OTHER_BUCKETS) metrics[`${dir}_${b}`] = countShare(counts.get(b) ?? 0, total);
    metrics[`${dir}_rate_tls12_plus`] = countShare((counts.get('tlsv12') ?? 0) + (counts.get('tlsv13') ?? 0), total);
    const obsolete = ['sslv2', 'sslv3', 'tlsv10', 'tlsv11'].reduce((a, b) => a + (counts.get(b) ?? 0), 0);
    metrics[`${dir}_obsolete`] = countShare(obsolete, total);
  }
  for (const r of byDir) {
    const total = metrics[`${String(r.dir)}_sessions`] as number;
    tables.versions!.push({ direction: String(r.dir), version: String(r.bucket), label: (r.label as string | null) ?? null, sessions: Number(r.n), share: Number(r.n) / total });
  }

  const findings: Finding[] = [];
  for (const dir of ['inbound', 'outbound'] as const) {
    const devices = await readRows(conn, devicesSql(dir));
    const n = devices.length;
    metrics[`${dir}_devices`] = n;
    metrics[`${dir}_devices_obsolete_at_least_once`] = countShare(devices.filter((d) => d.obsolete === true).length, n);
    metrics[`${dir}_devices_dtlsv10_at_least_once`] = countShare(devices.filter((d) => d.dtls10 === true).length, n);
    metrics[`${dir}_devices_tlsv13_draft_at_least_once`] = countShare(devices.filter((d) => d.draft === true).length, n);
    const classes = [...new Set(devices.map((d) => String(d.class)))].sort();
    for (const cls of classes) {
      const inClass = devices.filter((d) => String(d.class) === cls);
      const obs = inClass.filter((d) => d.obsolete === true).length;
      tables.devices_by_class!.push({ direction: dir, class: cls, devices: inClass.length, obsolete_at_least_once: obs, share: obs / inClass.length });
    }
  }

  // one finding per hospital server that negotiated an obsolete version with an outside client
  const evidence = await readRows(conn, `SELECT dev AS server, port, version, cipher, n AS sessions, peers AS clients,
      example_peers AS example_clients, ${isoSql('first_ts')} AS first_seen, ${isoSql('last_ts')} AS last_seen
    FROM ${TLS_OBSOLETE} WHERE dir = 'inbound' ORDER BY server, port, version, cipher`);
  const byServer = new Map<string, Row[]>();
  for (const e of evidence) {
    const k = String(e.server);
    if (!byServer.has(k)) byServer.set(k, []);
    byServer.get(k)!.push(e as Row);
  }
  for (const [server, rows] of byServer) findings.push(makeFinding('obsolete-tls-inbound', server, rows, ctx));
  tables.obsolete_inbound_evidence = evidence as Row[];

  return {
    status: 'ok', needs: [], method, metrics, tables, findings,
    charts: [versionsChart(metrics, ctx.baseline), rateChart(metrics, ctx.baseline)],
  };
}

export const tlsVersions: Analysis = {
  id: 'tls-versions',
  title: 'TLS versions by direction',
  tables: ['ssl'],
  run,
};

