// The input of analyses B, C and D (tls-versions, cipher-quality, obsolete-devices, tls-report-cards): ONE pass
// over ssl.log folds the window's established sessions into groups, from which TEMP TABLEs tls_agg (what the four
// sections query) and tls_obsolete (the peers of obsolete-version use) are derived; both are orders of magnitude
// smaller than ssl. Each row's side of the hospital is decided in the pass (inside-sql.ts), and the pass groups by
//   orig inside, resp inside, hospital device (server of inbound/internal sessions, client of outbound ones),
//   responder port, version, cipher, curve, resumed, whether a chain was logged, the leaf's facts (an integer
//   for the signature algorithm and key of the server's certificate, from x509),
// with the session count, first/last time and, for obsolete-version sessions, the distinct outside peers and UTC
// days of each group (lists). Every figure is a count, a minimum, a maximum or a distinct count over those lists,
// so it survives the folding. Why this shape (bench/tls.ts, 20 M rows): reading ssl's columns is most of the
// cost, so the log is read once, and its leaf certificate is the scalar dhai_leaf_key written at ingest (reading
// the two chain lists cost more CPU than the nine other columns together); each grouping key is paid on every
// row, so the keys are booleans, short strings, the port and one small integer for the leaf (joined to its
// facts after the pass), and the obsolete sessions' peers and days are per-group distinct lists, not keys (as
// keys: 50x the groups, 460,877 vs 9,236, and ~4% more CPU for the whole build); the direction, device classes
// and TLS knowledge tables (src/tls) are joined on the groups, never on the rows. Built once per connection,
// window, site and store state.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { LEAF_KEY_COLUMN } from '../store/zeek-schema.ts';
import { loadTlsKnowledge } from '../tls/knowledge-sql.ts';
import { countRows, readRows, sideSql } from './connections.ts';
import { logRows } from './inputs.ts';
import { insideSql } from './inside-sql.ts';
import { UNCLASSIFIED, classifyAddresses, directionSql } from './site-context.ts';
import type { AnalysisContext } from './types.ts';

export const TLS_AGG = 'tls_agg';
/** Obsolete-version sessions by direction, device, port, version and cipher, with their peers. */
export const TLS_OBSOLETE = 'tls_obsolete';
const PASS = 'tls_pass';
const LEAF = 'tls_leaf';

/** analyses.md: SSLv2, SSLv3, TLS 1.0, TLS 1.1 (the strings Zeek writes). */
export const OBSOLETE_VERSIONS = ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11'] as const;
/** The versions reported one by one; everything else (DTLS, TLS 1.3 drafts, unknown-N, no version) is "other". */
export const MAIN_VERSIONS = ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13'] as const;
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface TlsSessions {
  table: string;
  /** groups in tls_agg */
  groups: number;
  /** established sessions in the window (all directions, external and undecided included) */
  sessions: number;
  /** how inside was decided */
  insideFrom: 'site' | 'local_orig';
  /** earliest and latest established session with at least one end inside (ISO), null when none */
  first: string | null;
  last: string | null;
}

const memo = new WeakMap<DuckDBConnection, { key: string; result: Promise<TlsSessions> }>();

async function storeState(conn: DuckDBConnection): Promise<string> {
  const r = await readRows(conn, `SELECT count(*) AS n, max(id) AS m, coalesce(sum(rows_stored), 0) AS rows FROM ingest_file`);
  return JSON.stringify(r[0]);
}

/** tls_agg for this context, built on first use (each section calls this; only the first pays for the pass). */
export async function tlsSessions(ctx: AnalysisContext): Promise<TlsSessions> {
  const key = JSON.stringify({
    from: ctx.window.from?.toISOString() ?? null,
    to: ctx.window.to?.toISOString() ?? null,
    networks: ctx.site.networks.internal,
    classes: ctx.site.device_classes,
    store: await storeState(ctx.conn),
  });
  const hit = memo.get(ctx.conn);
  if (hit && hit.key === key && (await tableExists(ctx.conn, TLS_AGG))) return hit.result;
  const result = build(ctx.conn, ctx.site, ctx.window);
  memo.set(ctx.conn, { key, result });
  result.catch(() => memo.delete(ctx.conn));
  return result;
}

async function tableExists(conn: DuckDBConnection, name: string): Promise<boolean> {
  return (await countRows(conn, `SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '${name}'`)) > 0;
}

/**
 * Leaf certificate facts by chain key: the SHA-256 fingerprint (Zeek ≥ 4.1) or the file id (older Zeek), with
 * `fid` numbering the distinct (sig_alg, key_type, key_length) so that the pass carries one integer per row.
 */
async function loadLeafFacts(conn: DuckDBConnection): Promise<void> {
  // x509 is not windowed: Zeek logs a certificate once (per day at most), possibly before the session
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${LEAF} AS
    SELECT key, sig_alg, key_type, key_length, dense_rank() OVER (ORDER BY sig_alg, key_type, key_length)::INTEGER AS fid
    FROM (SELECT key, any_value(sig_alg) AS sig_alg, any_value(key_type) AS key_type, any_value(key_length) AS key_length
      FROM (SELECT coalesce(fingerprint, id) AS key, certificate_sig_alg AS sig_alg, certificate_key_type AS key_type,
              certificate_key_length AS key_length
            FROM x509 WHERE coalesce(fingerprint, id) IS NOT NULL)
      GROUP BY key)`);
}

/**
 * The columns derived from one session's ends (SQL over o, r, p, o_in, r_in and obs): direction; the hospital
 * device (the server of inbound and internal sessions, the client of outbound ones); the port of hospital
 * servers; and for obsolete-version sessions the other end and the server port.
 */
function deriveSql(obs: string): string {
  return `${dirSql} AS dir, ${DEV_SQL} AS dev, ${PORT_SQL} AS port, ${peerSql(obs)} AS peer, ${obsPortSql(obs)} AS obs_port`;
}

const dirSql = `CASE WHEN o_in IS NULL OR r_in IS NULL THEN 'unknown' ELSE ${directionSql('o_in', 'r_in')} END`;
const DEV_SQL = 'CASE WHEN o_in AND NOT r_in THEN o WHEN r_in THEN r END';
const PORT_SQL = 'CASE WHEN r_in THEN p END';
const peerSql = (obs: string) => `CASE WHEN ${obs} THEN (CASE WHEN r_in THEN o WHEN o_in THEN r END) END`;
const obsPortSql = (obs: string) => `CASE WHEN ${obs} THEN p END`;
const GROUP_COLS = 'version, cipher, curve, resumed, has_leaf, fid';
// the pass keys the raw leaf and fid of resumed sessions too (a CASE on every row cost ~8% of the pass's CPU, more
// than the few groups it would save); a resumed session has no leaf of its own, so both are dropped here
const FROM_PASS = 'version, cipher, curve, resumed, leaf_logged AND NOT resumed AS has_leaf, CASE WHEN NOT resumed THEN fid END AS fid';

async function build(conn: DuckDBConnection, site: Site, window: AnalysisContext['window']): Promise<TlsSessions> {
  await loadLeafFacts(conn);
  const rows = await logRows(conn, 'ssl', window);
  const ins = insideSql(site);
  const useLocal = !ins.hasNetworks;
  const obsolete = (col: string) => `${col} IN (${OBSOLETE_VERSIONS.map((v) => `'${v}'`).join(', ')})`;
  // without internal networks, Zeek's local_orig/local_resp from conn.log (one row per uid) decide inside
  const local = useLocal
    ? `LEFT JOIN (SELECT uid, bool_or(local_orig) AS lo, bool_or(local_resp) AS lr FROM conn
         WHERE uid IN (SELECT uid FROM ${rows} WHERE established IS TRUE) GROUP BY uid) c ON c.uid = s.uid`
    : '';
  const lo = useLocal ? 'c.lo' : 'NULL::BOOLEAN';
  const lr = useLocal ? 'c.lr' : 'NULL::BOOLEAN';
  const inside = (col: string, localCol: string) => (useLocal ? `CASE WHEN ${ins.inside(col)} THEN true ELSE ${localCol} END` : ins.inside(col));
  // rows with an IPv6 end, when the site lists IPv6 prefixes, keep both ends and are decided after the pass; every
  // grouping key costs on every row, so the keys of undecided rows exist only when there can be such rows. The
  // server port is keyed as it is (hospital servers' port and obsolete sessions' port derive from it after the
  // pass: two CASEs per row cost ~11% of the pass's CPU, the outside ports add no groups on the bench store)
  const keys = ins.deferV6
    ? `CASE WHEN pending THEN NULL ELSE o_in END AS o_in, CASE WHEN pending THEN NULL ELSE r_in END AS r_in,
       CASE WHEN pending THEN NULL ELSE dev END AS dev, CASE WHEN pending THEN o END AS po, CASE WHEN pending THEN r END AS pr,
       CASE WHEN pending THEN lo END AS plo, CASE WHEN pending THEN lr END AS plr`
    : 'o_in, r_in, dev, NULL::VARCHAR AS po, NULL::VARCHAR AS pr, NULL::BOOLEAN AS plo, NULL::BOOLEAN AS plr';
  const pending = ins.deferV6 ? `(contains(s.id_orig_h, ':') OR contains(s.id_resp_h, ':'))` : 'false';
  // the pass over ssl: every later figure is a sum, minimum or maximum over these groups, or a distinct count over
  // their lists (the peers and days of obsolete sessions: see the header)
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${PASS} AS
    WITH x AS (
      SELECT s.ts, s.id_orig_h AS o, s.id_resp_h AS r, s.id_resp_p AS p, s.version, s.cipher, s.curve, s.resumed IS TRUE AS resumed,
        s.${LEAF_KEY_COLUMN} AS chain_key,
        ${pending} AS pending, ${inside('s.id_orig_h', lo)} AS o_in, ${inside('s.id_resp_h', lr)} AS r_in,
        ${obsolete('s.version')} AS obs, ${lo} AS lo, ${lr} AS lr
      FROM ${rows} s ${local}
      WHERE s.established IS TRUE
    ), d AS (
      SELECT x.*, l.fid, ${DEV_SQL} AS dev, ${peerSql('obs')} AS peer
      FROM x LEFT JOIN (SELECT key, fid FROM ${LEAF}) l ON l.key = x.chain_key
    )
    SELECT ${keys}, p, version, cipher, curve, resumed, chain_key IS NOT NULL AS leaf_logged, fid, count(*)::BIGINT AS n,
      min(ts) AS first_ts, max(ts) AS last_ts, list(DISTINCT peer) FILTER (WHERE peer IS NOT NULL${ins.deferV6 ? ' AND NOT pending' : ''}) AS peers,
      list(DISTINCT CAST(ts AS DATE)) FILTER (WHERE obs) AS days
    FROM d GROUP BY ALL`);

  await conn.run('DROP TABLE IF EXISTS addr_class');
  await classifyAddresses(conn, site, `SELECT dev FROM ${PASS} UNION SELECT po FROM ${PASS} UNION SELECT pr FROM ${PASS}`);
  const observed = await readRows(conn, `SELECT list(DISTINCT version) AS v, list(DISTINCT cipher) AS c, list(DISTINCT curve) AS k FROM ${PASS}`);
  const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : []);
  await loadTlsKnowledge(conn, { versions: list(observed[0]?.v), ciphers: list(observed[0]?.c), curves: list(observed[0]?.k) });

  // the groups with their direction; the undecided rows decided on their distinct addresses (site-context.ts), as
  // the pass decides the others
  const decided = `(SELECT ${dirSql} AS dir, dev, ${PORT_SQL} AS port, ${obsPortSql(obsolete('version'))} AS obs_port,
      ${FROM_PASS}, n, first_ts, last_ts, peers, days
    FROM ${PASS} WHERE po IS NULL
    UNION ALL
    SELECT dir, dev, port, obs_port, ${GROUP_COLS}, n, first_ts, last_ts, CASE WHEN peer IS NOT NULL THEN [peer] END AS peers, days
    FROM (SELECT ${deriveSql(obsolete('version'))}, ${FROM_PASS}, n, first_ts, last_ts, days
      FROM (SELECT q.* EXCLUDE (o_in, r_in), q.po AS o, q.pr AS r, ${sideSql('ao', 'q.plo')} AS o_in, ${sideSql('ar', 'q.plr')} AS r_in
            FROM ${PASS} q LEFT JOIN addr_class ao ON ao.addr = q.po LEFT JOIN addr_class ar ON ar.addr = q.pr
            WHERE q.po IS NOT NULL)))`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${TLS_AGG} AS
    SELECT d.*, CASE WHEN d.dev IS NOT NULL THEN coalesce(a.class, '${UNCLASSIFIED}') END AS dev_class,
      f.sig_alg, f.key_type, f.key_length,
      coalesce(v.obsolete, false) AS obsolete, v.reported_apart, v.family, v.is_draft, v.ordinal, v.label AS version_label,
      v.mozilla_tier AS version_tier,
      su.class AS suite_class, su.mozilla_tier AS suite_tier, su.hash AS suite_hash, su.hash_quality, su.aead, su.forward_secrecy,
      su.cipher_bits, su.key_exchange, su.authentication, su.export AS export_suite, su.mode AS cipher_mode, su.block_bits, su.cipher AS bulk_cipher,
      cu.post_quantum, cu.family AS curve_family, cu.bits AS curve_bits
    FROM (SELECT dir, dev, port, ${GROUP_COLS}, sum(n)::BIGINT AS n, min(first_ts) AS first_ts, max(last_ts) AS last_ts,
            list_sort(list_distinct(flatten(list(days)))) AS obsolete_days
          FROM ${decided} GROUP BY ALL) d
    LEFT JOIN (SELECT DISTINCT fid, sig_alg, key_type, key_length FROM ${LEAF}) f ON f.fid = d.fid
    LEFT JOIN addr_class a ON a.addr = d.dev
    LEFT JOIN tls_versions v ON v.version = trim(d.version)
    LEFT JOIN tls_suites su ON su.name = trim(d.cipher)
    LEFT JOIN tls_curves cu ON cu.name = trim(d.curve)`);

  // the evidence of obsolete use, peers included (section D's evidence, tls-versions' findings)
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${TLS_OBSOLETE} AS
    SELECT dir, dev, port, version, cipher, n, len(peers) AS peers, peers[1:5] AS example_peers, len(days) AS days, first_ts, last_ts
    FROM (SELECT dir, dev, obs_port AS port, version, cipher, sum(n)::BIGINT AS n, list_sort(list_distinct(flatten(list(peers)))) AS peers,
            list_distinct(flatten(list(days))) AS days, min(first_ts) AS first_ts, max(last_ts) AS last_ts
          FROM ${decided} WHERE ${obsolete('version')} AND dir IN ('inbound', 'outbound', 'internal')
          GROUP BY dir, dev, obs_port, version, cipher)`);
  await conn.run(`DROP TABLE IF EXISTS ${PASS}`);

  const stats = await readRows(conn, `SELECT count(*) AS groups, coalesce(sum(n), 0) AS sessions,
      strftime(min(first_ts) FILTER (WHERE dir IN ('inbound', 'outbound', 'internal')), '%Y-%m-%dT%H:%M:%S.%fZ') AS first,
      strftime(max(last_ts) FILTER (WHERE dir IN ('inbound', 'outbound', 'internal')), '%Y-%m-%dT%H:%M:%S.%fZ') AS last
    FROM ${TLS_AGG}`);
  const st = stats[0]!;
  return {
    table: TLS_AGG, groups: Number(st.groups), sessions: Number(st.sessions), insideFrom: useLocal ? 'local_orig' : 'site',
    first: (st.first as string | null) ?? null, last: (st.last as string | null) ?? null,
  };
}

/** Method notes every TLS section shares. */
export function sessionMethodNotes(t: TlsSessions): string[] {
  return [
    'Sessions are ssl.log rows with established = T inside the report window, each Zeek uid once when several sensors saw it.',
    t.insideFrom === 'site'
      ? "Inside means the site's internal networks (and device-class subnets): inbound = an outside client to a hospital server, outbound = a hospital client to an outside server, internal = both inside."
      : "The site lists no internal networks: inside is taken from Zeek's local_orig/local_resp in conn.log (joined by uid); sessions whose connection has no such flags have no direction and are left out.",
    'Sessions where neither end is inside (external) are left out of every TLS figure.',
  ];
}
