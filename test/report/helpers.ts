// A small store for the report tests: a real Zeek capture (RITA's proxy logs, from ../shared/fixtures) plus a
// dns.log and an x509.log written here whose names and subjects carry script and formula payloads, ingested
// with the real ingest; and test-only analyses (never registered) that read them back with SQL.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Analysis, AnalysisContext, Finding, SectionResult } from '../../src/analyses/types.ts';
import { countShare, notAvailable } from '../../src/analyses/types.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { fixture } from '../helpers/shared.ts';

export const PAYLOADS = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror=window.__pwned=1>',
  formula: '=HYPERLINK("http://x")',
  svg: "'><svg onload=window.__pwned=1>",
} as const;

const DNS_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'rtt', 'query', 'qclass', 'qclass_name', 'qtype', 'qtype_name', 'rcode', 'rcode_name', 'AA', 'TC', 'RD', 'RA', 'Z', 'answers', 'TTLs', 'rejected'];
const DNS_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'count', 'interval', 'string', 'count', 'string', 'count', 'string', 'count', 'string', 'bool', 'bool', 'bool', 'bool', 'count', 'vector[string]', 'vector[interval]', 'bool'];
const X509_FIELDS = ['ts', 'fingerprint', 'certificate.version', 'certificate.serial', 'certificate.subject', 'certificate.issuer', 'certificate.not_valid_before', 'certificate.not_valid_after', 'certificate.key_alg', 'certificate.sig_alg', 'certificate.key_type', 'certificate.key_length', 'certificate.exponent', 'certificate.curve', 'san.dns', 'san.uri', 'san.email', 'san.ip', 'basic_constraints.ca', 'basic_constraints.path_len', 'host_cert', 'client_cert'];
const X509_TYPES = ['time', 'string', 'count', 'string', 'string', 'string', 'time', 'time', 'string', 'string', 'string', 'count', 'string', 'string', 'vector[string]', 'vector[string]', 'vector[string]', 'vector[addr]', 'bool', 'count', 'bool', 'bool'];

function header(p: string, fields: string[], types: string[]): string {
  return ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${p}`, '#open\t2018-01-01-00-00-00',
    `#fields\t${fields.join('\t')}`, `#types\t${types.join('\t')}`].join('\n') + '\n';
}

/** dns.log and x509.log (Zeek 6 layout) whose query names and certificate subjects are the payloads. */
export function writeHostileLogs(dir: string): string {
  const logs = path.join(dir, 'hostile');
  mkdirSync(logs, { recursive: true });
  const names = Object.values(PAYLOADS);
  let dns = header('dns', DNS_FIELDS, DNS_TYPES);
  names.forEach((q, i) => {
    dns += [`${1514764800 + i}.000000`, `Cdns${i}`, '10.20.1.5', '53000', '10.20.0.53', '53', 'udp', String(100 + i), '0.001', q, '1', 'C_INTERNET', '1', 'A', '0', 'NOERROR', 'F', 'F', 'T', 'T', '0', '93.184.216.34', '60.000000', 'F'].join('\t') + '\n';
  });
  writeFileSync(path.join(logs, 'dns.log'), `${dns}#close\t2018-01-01-01-00-00\n`);
  let x509 = header('x509', X509_FIELDS, X509_TYPES);
  names.forEach((s, i) => {
    x509 += [`${1514764900 + i}.000000`, `${'ab'.repeat(31)}${i.toString(16).padStart(2, '0')}`, '3', `0${i}`, `CN=${s},O=Evil`, 'CN=Some CA,O=CA', '1514000000.000000', '1600000000.000000', 'rsaEncryption', 'sha256WithRSAEncryption', 'rsa', '2048', '65537', '-', `host${i}.example`, '-', '-', '-', 'F', '-', 'T', 'F'].join('\t') + '\n';
  });
  writeFileSync(path.join(logs, 'x509.log'), `${x509}#close\t2018-01-01-01-00-00\n`);
  return logs;
}

/** A store holding the RITA proxy capture and the hostile logs. */
export async function buildTestStore(dir: string): Promise<string> {
  const db = path.join(dir, 'store.duckdb');
  const hostile = writeHostileLogs(dir);
  const s = await runIngest({ paths: [fixture('zeek-tsv', 'rita-proxy'), hostile], db });
  if (s.rowsStored === 0) throw new Error('test store: nothing ingested');
  return db;
}

/** The report window as SQL over `ts` (from inclusive, to exclusive); Date ISO text is safe to inline. */
function windowWhere(ctx: AnalysisContext): string {
  const parts = ['true'];
  if (ctx.window.from) parts.push(`ts >= '${ctx.window.from.toISOString()}'::TIMESTAMP`);
  if (ctx.window.to) parts.push(`ts < '${ctx.window.to.toISOString()}'::TIMESTAMP`);
  return parts.join(' AND ');
}

async function rows(ctx: AnalysisContext, sql: string): Promise<Record<string, unknown>[]> {
  return (await ctx.conn.runAndReadAll(sql)).getRowObjectsJS();
}

const dread = (d: number, r: number, e: number, a: number, di: number) => ({ damage: d, reproducibility: r, exploitability: e, affected_users: a, discoverability: di, score: (d + r + e + a + di) / 5 });

/** Reads real rows (versions from the capture, hostile names from the written logs) and reports them. */
export const hostileAnalysis: Analysis = {
  id: 'tls-versions',
  title: 'Test: versions and hostile names',
  tables: ['ssl', 'dns', 'x509'],
  async run(ctx): Promise<SectionResult> {
    const w = windowWhere(ctx);
    const versions = await rows(ctx, `SELECT version, count(*) AS n FROM ssl WHERE version IS NOT NULL AND ${w} GROUP BY version ORDER BY n DESC, version`);
    const clients = await rows(ctx, `SELECT id_orig_h AS client, count(*) AS n FROM ssl WHERE ${w} GROUP BY 1 ORDER BY n DESC, client`);
    const total = versions.reduce((s, r) => s + Number(r.n), 0);
    const names = await rows(ctx, `SELECT query AS name, 'dns' AS source FROM dns WHERE query LIKE '%<%' OR query LIKE '=%' OR query LIKE '%''%'
      UNION ALL SELECT certificate_subject, 'x509' FROM x509 WHERE certificate_subject LIKE '%Evil%' ORDER BY source, name`);
    const hostileNames = names.map((r) => String(r.name));
    const finding = (i: number, severity: Finding['severity'], d: ReturnType<typeof dread>): Finding => ({
      id: `tls-versions/hostile/${i}`,
      section: 'tls-versions',
      title: `Hostile name seen: ${hostileNames[i]}`,
      severity,
      dread: d,
      evidence: names.filter((_, j) => j % 3 === i % 3).map((r) => ({ name: String(r.name), source: String(r.source), seen: 1 })),
      remediation: `Block ${PAYLOADS.formula} and ${PAYLOADS.script} at the resolver.`,
    });
    return {
      status: 'ok',
      needs: [],
      method: [`Counted established sessions per version; a name is hostile when it carries markup, e.g. ${PAYLOADS.img}.`],
      metrics: {
        sessions: total,
        ...Object.fromEntries(versions.map((r) => [`version_${String(r.version).toLowerCase()}`, countShare(Number(r.n), total)])),
        hostile_names: countShare(names.length, names.length + total),
      },
      tables: {
        versions: versions.map((r) => ({ version: String(r.version), sessions: Number(r.n) })),
        clients: clients.map((r) => ({ client: String(r.client), sessions: Number(r.n) })),
        hostile: names.map((r, i) => ({ name: String(r.name), source: String(r.source), rank: i + 1, tags: [PAYLOADS.formula, 'plain'] })),
      },
      findings: [finding(0, 'medium', dread(5, 5, 5, 5, 5)), finding(1, 'high', dread(8, 8, 8, 8, 8)), finding(2, 'low', dread(5, 5, 5, 5, 5)), finding(3, 'critical', dread(5, 5, 5, 5, 5))],
      charts: [
        {
          id: 'versions',
          title: `Sessions by version ${PAYLOADS.script}`,
          option: { xAxis: { type: 'category', data: versions.map((r) => String(r.version)) }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: 'sessions', data: versions.map((r) => Number(r.n)) }] },
        },
        {
          id: 'clients',
          title: 'Sessions by client',
          option: { xAxis: { type: 'category', data: clients.map((r) => String(r.client)) }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: 'sessions', data: clients.map((r) => Number(r.n)) }] },
        },
        {
          id: 'hostile',
          title: `Hostile names ${PAYLOADS.img}`,
          option: {
            title: { text: PAYLOADS.script },
            legend: {},
            xAxis: { type: 'category', data: hostileNames },
            yAxis: { type: 'value' },
            series: [{ type: 'bar', name: PAYLOADS.img, data: hostileNames.map((_, i) => i + 1), itemStyle: { color: `red" onload="window.__pwned=1` }, label: { show: true } }],
          },
        },
      ],
    };
  },
};

/** Needs files.log, which the test store does not have. */
export const needsFilesAnalysis: Analysis = {
  id: 'supply-chain',
  title: 'Test: needs files.log',
  tables: ['files'],
  run: () => Promise.reject(new Error('must not run without its table')),
};

export const throwingAnalysis: Analysis = {
  id: 'exposure',
  title: 'Test: throws',
  tables: ['conn'],
  run: () => Promise.reject(new Error(`boom ${PAYLOADS.script}`)),
};

export const invalidAnalysis: Analysis = {
  id: 'cert-issues',
  title: 'Test: returns a share above 1',
  tables: [],
  run: () => Promise.resolve({ status: 'ok', needs: [], method: [], metrics: { bad: { count: 3, share: 1.5 } }, tables: {}, findings: [], charts: [] }),
};

export const unavailableAnalysis: Analysis = {
  id: 'dns-categories',
  title: 'Test: no top list',
  tables: ['dns'],
  run: () => Promise.resolve(notAvailable(['a top list (dhai feeds import FILE --kind toplist)'], ['Whitelisting needs a popularity list.'])),
};

export const TEST_ANALYSES: Analysis[] = [hostileAnalysis, unavailableAnalysis, needsFilesAnalysis, throwingAnalysis, invalidAnalysis];
