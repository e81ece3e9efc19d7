// Segmentation: flows between device classes and to/from the Internet; medical devices that talk to the
// Internet or to guest networks; cleartext DICOM/HL7 that crosses classes or leaves the site.
import type { DuckDBConnection } from '@duckdb/node-api';
import { isoSql, readRows } from './connections.ts';
import { CLEARTEXT_CLINICAL_PORTS, sqlNumbers } from './services.ts';
import type { Row } from './types.ts';

export const INTERNET = 'internet';
const NODE = (inside: string, cls: string) => `CASE WHEN ${inside} THEN ${cls} WHEN ${inside} = false THEN '${INTERNET}' END`;

export interface DirectionCounts {
  total: number;
  internal: number;
  inbound: number;
  outbound: number;
  external: number;
  unknown: number;
}

export async function directionCounts(conn: DuckDBConnection, table: string): Promise<DirectionCounts> {
  const [r] = await readRows(conn, `
    SELECT count(*) AS total,
      count(*) FILTER (WHERE o_in AND r_in) AS internal,
      count(*) FILTER (WHERE o_in = false AND r_in) AS inbound,
      count(*) FILTER (WHERE o_in AND r_in = false) AS outbound,
      count(*) FILTER (WHERE o_in = false AND r_in = false) AS external,
      count(*) FILTER (WHERE o_in IS NULL OR r_in IS NULL) AS unknown
    FROM ${table}`);
  return {
    total: Number(r!.total), internal: Number(r!.internal), inbound: Number(r!.inbound), outbound: Number(r!.outbound),
    external: Number(r!.external), unknown: Number(r!.unknown),
  };
}

/** One row per (source class, destination class) with connections, answered ones, bytes, distinct hosts. */
export async function segmentationMatrix(conn: DuckDBConnection, table: string): Promise<Row[]> {
  return readRows(conn, `
    WITH n AS (SELECT ${NODE('o_in', 'o_class')} AS src, ${NODE('r_in', 'r_class')} AS dst, * FROM ${table})
    SELECT src, dst, count(*) AS connections, count(*) FILTER (WHERE answered) AS answered,
      sum(orig_bytes + resp_bytes) AS bytes, count(DISTINCT orig) AS src_hosts, count(DISTINCT resp) AS dst_hosts
    FROM n WHERE src IS NOT NULL AND dst IS NOT NULL AND NOT (src = '${INTERNET}' AND dst = '${INTERNET}')
    GROUP BY src, dst ORDER BY connections DESC, src, dst`);
}

/**
 * Per medical device: its traffic with peers matched by `peerWhere` (applied to the peer's side, `p_in` and
 * `p_class`), in both directions. Only answered connections count as "talking"; unanswered ones are evidence.
 */
async function medicalPeers(conn: DuckDBConnection, table: string, peerWhere: string): Promise<Row[]> {
  return readRows(conn, `
    WITH m AS (
      SELECT orig AS device, 'outbound' AS dir, resp AS peer, r_in AS p_in, r_class AS p_class, * FROM ${table} WHERE o_class = 'medical-device'
      UNION ALL BY NAME
      SELECT resp AS device, 'inbound' AS dir, orig AS peer, o_in AS p_in, o_class AS p_class, * FROM ${table} WHERE r_class = 'medical-device'
    )
    SELECT device AS host,
      count(*) FILTER (WHERE answered AND dir = 'outbound') AS outbound_sessions,
      count(*) FILTER (WHERE answered AND dir = 'inbound') AS inbound_sessions,
      count(*) FILTER (WHERE NOT answered) AS unanswered,
      count(DISTINCT peer) FILTER (WHERE answered) AS peers,
      coalesce(sum(orig_bytes + resp_bytes) FILTER (WHERE answered), 0) AS bytes,
      ${isoSql('min(ts) FILTER (WHERE answered)')} AS first_seen,
      ${isoSql('max(te) FILTER (WHERE answered)')} AS last_seen,
      coalesce(list_sort(list(DISTINCT CAST(resp_p AS VARCHAR) || '/' || proto) FILTER (WHERE answered))[1:10], []) AS ports,
      coalesce(list_sort(list(DISTINCT peer) FILTER (WHERE answered))[1:5], []) AS sample_peers
    FROM m WHERE ${peerWhere}
    GROUP BY device HAVING count(*) FILTER (WHERE answered) > 0 ORDER BY device`);
}

export function medicalInternet(conn: DuckDBConnection, table: string): Promise<Row[]> {
  return medicalPeers(conn, table, 'p_in = false');
}

export function medicalGuest(conn: DuckDBConnection, table: string): Promise<Row[]> {
  return medicalPeers(conn, table, `p_class = 'guest'`);
}

export async function medicalDevicesSeen(conn: DuckDBConnection, table: string): Promise<number> {
  const [r] = await readRows(conn, `SELECT count(DISTINCT a) AS n FROM (
    SELECT orig AS a FROM ${table} WHERE o_class = 'medical-device' UNION ALL SELECT resp FROM ${table} WHERE r_class = 'medical-device')`);
  return Number(r!.n);
}

export interface ClinicalFlows {
  /** answered cleartext DICOM/HL7 sessions seen at all (any direction) */
  sessions: number;
  /** per (orig, resp, port): flows between two inside hosts of different classes, or from inside to outside */
  flows: Row[];
}

/**
 * Cleartext clinical protocols: answered TCP sessions to the DICOM/HL7 ports whose Zeek service is not TLS.
 * "Crossing" means both ends inside with different classes; "off site" means a hospital host sent to an
 * outside responder (sessions from outside into the hospital are the exposure table's).
 */
export async function cleartextClinical(conn: DuckDBConnection, table: string): Promise<ClinicalFlows> {
  const base = `proto = 'tcp' AND resp_p IN ${sqlNumbers(CLEARTEXT_CLINICAL_PORTS)} AND answered
    AND NOT contains(lower(coalesce(service, '')), 'ssl')`;
  const flow = `o_in AND ((r_in AND o_class <> r_class) OR r_in = false)`;
  // one scan: the sessions outside any flow fall into one group with no kind, which only the total counts
  const of = (expr: string) => `CASE WHEN ${flow} THEN ${expr} END`;
  const rows = await readRows(conn, `
    SELECT ${of(`CASE WHEN r_in THEN 'cross-class' ELSE 'off-site' END`)} AS kind, ${of('orig')} AS orig, ${of('resp')} AS resp,
      ${of('resp_p')} AS port, ${of('o_class')} AS orig_class, ${of(`coalesce(r_class, '${INTERNET}')`)} AS resp_class, count(*) AS sessions,
      sum(orig_bytes + resp_bytes) AS bytes, ${isoSql('min(ts)')} AS first_seen, ${isoSql('max(te)')} AS last_seen
    FROM ${table}
    WHERE ${base}
    GROUP BY ALL ORDER BY kind, orig, resp, port`);
  const flows = rows.filter((r) => r.kind !== null);
  return { sessions: rows.reduce((a, r) => a + Number(r.sessions), 0), flows };
}
