// Hospital hosts that external addresses reached on the watched services (services.ts): completed sessions
// per host and port, attempts that never completed ("probed") apart, and every inbound port for context.
import type { DuckDBConnection } from '@duckdb/node-api';
import { isoSql, readRows } from './connections.ts';
import { MEDICAL_CLASSES, WATCHED_SERVICES, sqlNumbers, sqlStrings, watchedByPort } from './services.ts';
import type { FindingType } from './finding-types.ts';
import type { Row } from './types.ts';

/** `10.1.2.3:104`, `[2001:db8::1]:104`: a service endpoint as finding subjects and tables write it. */
export function endpoint(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The finding an exposed service raises: the port's, except that DICOM on its cleartext ports with every
 * completed session in TLS is DICOM-TLS (some archives run TLS on 104 or 11112).
 */
export function exposureFinding(s: InboundService): FindingType {
  const w = watchedByPort(s.port)!;
  if (w.key === 'dicom' && s.sessions > 0 && s.tls_sessions === s.sessions) return 'exposed-dicom-tls';
  return w.finding;
}

export interface InboundService {
  host: string;
  port: number;
  service: string;
  key: string;
  class: string;
  sessions: number;
  /** completed sessions Zeek identified as TLS (service ssl) */
  tls_sessions: number;
  peers: number;
  first_seen: string | null;
  last_seen: string | null;
  orig_bytes: number;
  resp_bytes: number;
  sample_peers: string[];
  probes: number;
  probe_peers: number;
  probe_first: string | null;
  probe_last: string | null;
  probe_states: string[];
}

/** The connections of the watched services: inbound TCP to their ports, web consoles only on medical hosts. */
export function watchedWhere(): string {
  const ports = WATCHED_SERVICES.map((s) => s.port);
  const medicalPorts = WATCHED_SERVICES.filter((s) => s.medicalOnly).map((s) => s.port);
  return `o_in = false AND r_in AND proto = 'tcp' AND resp_p IN ${sqlNumbers(ports)}
      AND (resp_p NOT IN ${sqlNumbers(medicalPorts)} OR r_class IN ${sqlStrings(MEDICAL_CLASSES)})`;
}

export async function watchedInbound(conn: DuckDBConnection, table: string): Promise<InboundService[]> {
  const rows = await readRows(conn, `
    SELECT resp AS host, resp_p AS port, r_class AS class,
      count(*) FILTER (WHERE completed) AS sessions,
      count(*) FILTER (WHERE completed AND contains(lower(coalesce(service, '')), 'ssl')) AS tls_sessions,
      count(DISTINCT orig) FILTER (WHERE completed) AS peers,
      ${isoSql('min(ts) FILTER (WHERE completed)')} AS first_seen,
      ${isoSql('max(te) FILTER (WHERE completed)')} AS last_seen,
      coalesce(sum(orig_bytes) FILTER (WHERE completed), 0) AS orig_bytes,
      coalesce(sum(resp_bytes) FILTER (WHERE completed), 0) AS resp_bytes,
      coalesce(list_sort(list(DISTINCT orig) FILTER (WHERE completed))[1:5], []) AS sample_peers,
      count(*) FILTER (WHERE probed) AS probes,
      count(DISTINCT orig) FILTER (WHERE probed) AS probe_peers,
      ${isoSql('min(ts) FILTER (WHERE probed)')} AS probe_first,
      ${isoSql('max(ts) FILTER (WHERE probed)')} AS probe_last,
      coalesce(list_sort(list(DISTINCT conn_state) FILTER (WHERE probed)), []) AS probe_states
    FROM ${table} WHERE ${watchedWhere()}
    GROUP BY resp, resp_p, r_class
    ORDER BY resp_p, resp`);
  return rows.map((r) => {
    const w = watchedByPort(Number(r.port))!;
    return {
      host: String(r.host), port: Number(r.port), service: w.label, key: w.key, class: String(r.class),
      sessions: Number(r.sessions), tls_sessions: Number(r.tls_sessions), peers: Number(r.peers), first_seen: r.first_seen as string | null, last_seen: r.last_seen as string | null,
      orig_bytes: Number(r.orig_bytes), resp_bytes: Number(r.resp_bytes), sample_peers: (r.sample_peers as string[]) ?? [],
      probes: Number(r.probes), probe_peers: Number(r.probe_peers), probe_first: r.probe_first as string | null,
      probe_last: r.probe_last as string | null, probe_states: (r.probe_states as string[]) ?? [],
    };
  });
}

/** `countries`: the peers' countries with their peer counts, when a GeoIP database was given. */
export function exposedRow(s: InboundService, listedBy: string[] | null, countries: string[] | null): Row {
  const row: Row = {
    host: s.host, port: s.port, service: s.service, class: s.class, first_seen: s.first_seen, last_seen: s.last_seen,
    sessions: s.sessions, tls_sessions: s.tls_sessions, peers: s.peers, bytes: s.orig_bytes + s.resp_bytes, orig_bytes: s.orig_bytes, resp_bytes: s.resp_bytes,
    sample_peers: s.sample_peers, probes: s.probes,
  };
  if (countries) row.peer_countries = countries;
  if (listedBy) row.listed_by = listedBy;
  return row;
}

export function probedRow(s: InboundService, countries: string[] | null): Row {
  const row: Row = {
    host: s.host, port: s.port, service: s.service, class: s.class, attempts: s.probes, peers: s.probe_peers,
    first_seen: s.probe_first, last_seen: s.probe_last, states: s.probe_states, also_completed: s.sessions > 0,
  };
  if (countries) row.peer_countries = countries;
  return row;
}

/** Every inbound port external addresses tried, answered or not (context beyond the watched list). */
export async function inboundPorts(conn: DuckDBConnection, table: string, limit = 50): Promise<Row[]> {
  return readRows(conn, `
    SELECT proto, resp_p AS port, count(DISTINCT resp) FILTER (WHERE answered) AS hosts_answering,
      count(*) FILTER (WHERE answered) AS answered, count(*) FILTER (WHERE NOT answered) AS unanswered,
      count(DISTINCT orig) AS peers
    FROM ${table} WHERE o_in = false AND r_in
    GROUP BY proto, resp_p ORDER BY answered DESC, unanswered DESC, proto, port LIMIT ${Math.trunc(limit)}`);
}

export interface InboundTotals {
  inbound: number;
  answered: number;
  probed: number;
  probePeers: number;
}

export async function inboundTotals(conn: DuckDBConnection, table: string): Promise<InboundTotals> {
  const [r] = await readRows(conn, `
    SELECT count(*) AS inbound, count(*) FILTER (WHERE answered) AS answered, count(*) FILTER (WHERE probed) AS probed,
      count(DISTINCT orig) FILTER (WHERE probed) AS probe_peers
    FROM ${table} WHERE o_in = false AND r_in`);
  return { inbound: Number(r!.inbound), answered: Number(r!.answered), probed: Number(r!.probed), probePeers: Number(r!.probe_peers) };
}
