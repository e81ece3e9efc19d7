// Analysis D (second part), tls-report-cards: one card per hospital TLS server (a responder inside, address and
// port) with the versions and suites its sessions negotiated, the best and worst of each, and an SSL Labs-style
// grade computed from what was negotiated (tls-grade.ts), each deduction with its reason. The grade is an upper
// bound: active scanners (testssl.sh, sslyze, SSL Labs) probe every version and suite a server accepts, which a
// hospital must never do to clinical devices; a passive view sees only what clients asked for. Servers graded C
// or worse are findings (tls-findings.ts).
import { categoryChart } from './category-chart.ts';
import { isoSql, readRows } from './connections.ts';
import { dreadMethodNotes } from './dread.ts';
import { GRADE_FINDING_NOTES, GRADE_FINDING_TYPES, gradeFindings } from './tls-findings.ts';
import { GRADES, gradeServer, type Grade, type NegotiatedCombo } from './tls-grade.ts';
import { TLS_AGG, sessionMethodNotes, tlsSessions } from './tls-sessions.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type ChartSpec, type Metric, type Row, type SectionResult } from './types.ts';

const METHOD = [
  'A card per hospital server: an inside responder (address and port) of inbound or internal sessions; every established session counts, resumed ones included.',
  'The grade is an UPPER BOUND: it is computed only from the versions and suites clients actually negotiated; a server may accept older versions or weaker suites that no client asked for during the window, which an active scan would find.',
  'Score after the SSL Labs SSL Server Rating Guide (2009q): protocol 30 % (mean of the best and worst version negotiated: SSL 2.0 0, SSL 3.0 80, TLS 1.0 90, TLS 1.1 95, TLS 1.2 and 1.3 100; DTLS as the TLS version it derives from), key exchange 30 % (mean of best and worst RSA-equivalent strength of the certificate key and ephemeral group: < 512 bits 20, < 1024 40, < 2048 80, < 4096 90, else 100; anonymous 0, export 40), cipher strength 40 % (0 bits 0, < 128 20, < 256 80, else 100); a zero anywhere makes the total zero; A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E ≥ 20, else F.',
  'When no certificate key or ephemeral group was logged for a server (TLS 1.3 with a group Zeek does not size, resumptions only), key exchange is not scored and protocol and cipher are re-weighted 3:4.',
  'Caps (dhai decides, after the rating guide\'s later rules): F for SSL 2.0, EXPORT, NULL or anonymous suites, or an RSA key under 1024 bits; C for SSL 3.0, RC4 or a 64-bit block cipher; B for TLS 1.0/1.1 (SSL Labs\' rule since 2020), a suite without forward secrecy or an RSA key under 2048 bits; A- when no AEAD suite was negotiated. No A+: it needs facts (HSTS) a TLS log does not hold.',
];

interface ComboRow extends NegotiatedCombo {
  server: string;
  port: number;
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const t = await tlsSessions(ctx);
  const method = [...sessionMethodNotes(t), ...METHOD, ...GRADE_FINDING_NOTES, ...dreadMethodNotes(GRADE_FINDING_TYPES, ctx.site)];
  if (t.first === null) return notAvailable(['ssl.log rows of established sessions with a hospital end inside the report window'], method);
  const conn = ctx.conn;
  const where = `dir IN ('inbound', 'internal')`;
  // ordered: among combinations of equal score the grade names the first as the weakest, so the text is stable
  const combos = (await readRows(conn, `SELECT dev AS server, port, version, ordinal, cipher, cipher_bits, bulk_cipher, block_bits,
      key_exchange, authentication, export_suite, forward_secrecy, aead, curve_family, curve_bits, key_type, key_length, sum(n) AS sessions
    FROM ${TLS_AGG} WHERE ${where} GROUP BY ALL ORDER BY ALL`)).map((r): ComboRow => ({
    server: String(r.server), port: Number(r.port), version: (r.version as string | null) ?? null, ordinal: r.ordinal === null ? null : Number(r.ordinal),
    cipher: (r.cipher as string | null) ?? null, cipherBits: r.cipher_bits === null ? null : Number(r.cipher_bits), bulkCipher: (r.bulk_cipher as string | null) ?? null,
    blockBits: r.block_bits === null ? null : Number(r.block_bits), keyExchange: (r.key_exchange as string | null) ?? null,
    authentication: (r.authentication as string | null) ?? null, exportSuite: r.export_suite as boolean | null, forwardSecrecy: r.forward_secrecy as boolean | null,
    aead: r.aead as boolean | null, curveFamily: (r.curve_family as string | null) ?? null, curveBits: r.curve_bits === null ? null : Number(r.curve_bits),
    keyType: (r.key_type as string | null) ?? null, keyBits: r.key_length === null ? null : Number(r.key_length), sessions: Number(r.sessions),
  }));
  const summary = await readRows(conn, `SELECT dev AS server, port, any_value(dev_class) AS class, list(DISTINCT dir ORDER BY dir) AS directions,
      sum(n) AS sessions, ${isoSql('min(first_ts)')} AS first_seen, ${isoSql('max(last_ts)')} AS last_seen,
      arg_max(version, ordinal) AS best_version, arg_min(version, ordinal) AS worst_version,
      list(DISTINCT coalesce(version, '-') ORDER BY coalesce(version, '-')) AS versions,
      list(DISTINCT coalesce(cipher, '-') ORDER BY coalesce(cipher, '-')) AS suites,
      list(DISTINCT coalesce(suite_class, 'unknown')) AS classes
    FROM ${TLS_AGG} WHERE ${where} GROUP BY ALL`);
  const byServer = new Map<string, ComboRow[]>();
  for (const c of combos) {
    const k = `${c.server}|${c.port}`;
    if (!byServer.has(k)) byServer.set(k, []);
    byServer.get(k)!.push(c);
  }
  const classOrder = ['recommended', 'secure', 'weak', 'insecure', 'unknown'];
  const cards = summary.map((s) => {
    const g = gradeServer(byServer.get(`${String(s.server)}|${Number(s.port)}`) ?? []);
    const classes = ((s.classes as string[]) ?? []).sort((a, b) => classOrder.indexOf(a) - classOrder.indexOf(b));
    return {
      server: String(s.server), port: Number(s.port), class: (s.class as string | null) ?? null, directions: s.directions as string[],
      sessions: Number(s.sessions), first_seen: s.first_seen as string, last_seen: s.last_seen as string,
      versions: s.versions as string[], best_version: (s.best_version as string | null) ?? null, worst_version: (s.worst_version as string | null) ?? null,
      suites: s.suites as string[], best_suite_class: classes[0] ?? null, worst_suite_class: classes[classes.length - 1] ?? null,
      grade: g.grade, grade_is_upper_bound: true, graded: g.graded, score: g.score, protocol_score: g.protocolScore, key_exchange_score: g.keyExchangeScore,
      cipher_score: g.cipherScore, deductions: g.deductions,
    };
  });
  cards.sort((a, b) => GRADES.indexOf(b.grade) - GRADES.indexOf(a.grade) || a.score - b.score || b.sessions - a.sessions ||
    (a.server < b.server ? -1 : a.server > b.server ? 1 : a.port - b.port));

  const metrics: Record<string, Metric> = { servers: cards.length };
  for (const g of GRADES) metrics[`grade_${gradeKey(g)}`] = countShare(cards.filter((c) => c.grade === g).length, cards.length);
  const inbound = cards.filter((c) => c.directions.includes('inbound'));
  metrics.inbound_servers = inbound.length;
  metrics.inbound_grade_b_or_worse = countShare(inbound.filter((c) => GRADES.indexOf(c.grade) >= GRADES.indexOf('B')).length, inbound.length);

  const negotiated = (await readRows(conn, `SELECT dev AS server, port, version, cipher, sum(n) AS sessions,
      ${isoSql('min(first_ts)')} AS first_seen, ${isoSql('max(last_ts)')} AS last_seen
    FROM ${TLS_AGG} WHERE ${where} GROUP BY ALL ORDER BY server, port, sessions DESC, version, cipher`)) as Row[];
  const findings = gradeFindings(cards, negotiated, ctx);

  return {
    status: 'ok', needs: [], method, metrics, tables: { report_cards: cards as Row[] }, findings,
    charts: [gradeChart(cards.map((c) => c.grade))],
  };
}

/** `A+` → `a_plus`, `A-` → `a_minus` (metric names are lower-case words). */
export function gradeKey(g: Grade): string {
  return g.toLowerCase().replace('+', '_plus').replace('-', '_minus');
}

function gradeChart(grades: Grade[]): ChartSpec {
  const n = grades.length;
  return categoryChart({
    id: 'tls-report-card-grades',
    title: 'Hospital TLS servers by grade from negotiated sessions (upper bound; % of servers)',
    categories: [...GRADES],
    grid: { left: 55, right: 20, top: 30, bottom: 40 },
    yAxis: { name: '%', min: 0, max: 100 },
    series: [{ name: 'servers', type: 'bar', data: GRADES.map((g) => Math.round((grades.filter((x) => x === g).length / n) * 10000) / 100) }],
  });
}

export const tlsReportCards: Analysis = {
  id: 'tls-report-cards',
  title: 'TLS report cards of hospital servers',
  tables: ['ssl'],
  run,
};
