// Analysis D, obsolete-devices (analyses.md D, paper Fig. 8): for each inbound hospital server and each outbound
// hospital client, first and last session, the UTC days with an obsolete-version session, the last obsolete use
// and a status; devices ranked by risk with the evidence (peer, version, cipher, times), and a finding for each
// device whose obsolete use is current (tls-findings.ts). Metric names and the status rules are those of
// src/simulate/truth/tls.ts (obsoleteMetrics).
import { isoSql, readRows } from './connections.ts';
import { dreadMethodNotes } from './dread.ts';
import { timelineChart } from './tls-charts.ts';
import { OBSOLETE_FINDING_NOTES, OBSOLETE_FINDING_TYPES, obsoleteFindings } from './tls-findings.ts';
import { TLS_AGG, TLS_OBSOLETE, sessionMethodNotes, tlsSessions } from './tls-sessions.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type Finding, type Metric, type Row, type SectionResult } from './types.ts';

export const STATUSES = ['only_obsolete', 'persisting', 'stopped', 'dormant', 'never'] as const;
export type ObsoleteStatus = (typeof STATUSES)[number];

const DAY_US = 86_400_000_000;

export interface ObservationWindow {
  /** microseconds since the epoch */
  startUs: number;
  endUs: number;
  tailStartUs: number;
}

/**
 * The observation window: the report's --from/--to when given, else whole UTC days from the first to the last
 * established session; its tail is the last tenth, at least one day.
 */
export function observationWindow(firstUs: number, lastUs: number, from?: Date, to?: Date): ObservationWindow {
  const startUs = from ? from.getTime() * 1000 : Math.floor(firstUs / DAY_US) * DAY_US;
  const endUs = to ? to.getTime() * 1000 : (Math.floor(lastUs / DAY_US) + 1) * DAY_US;
  return { startUs, endUs, tailStartUs: endUs - Math.max(DAY_US, (endUs - startUs) / 10) };
}

export interface DeviceHistory {
  sessions: number;
  obsolete: number;
  lastUs: number;
  /** null when no obsolete session */
  lastObsoleteUs: number | null;
}

/** analyses.md D, first match wins; "dormant" (obsolete earlier, device silent in the tail) is the case the spec leaves open. */
export function obsoleteStatus(d: DeviceHistory, w: ObservationWindow): ObsoleteStatus {
  if (d.obsolete === 0 || d.lastObsoleteUs === null) return 'never';
  if (d.obsolete === d.sessions) return 'only_obsolete';
  if (d.lastObsoleteUs >= w.tailStartUs) return 'persisting';
  if (d.lastUs >= w.tailStartUs) return 'stopped';
  return 'dormant';
}

const METHOD = [
  'Devices: each hospital server of inbound sessions (an outside client) and, separately, each hospital client of outbound sessions; every established session counts, resumed ones included.',
  'Obsolete: SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1. Days are UTC days.',
  'Observation window: the report window when --from and --to are given, else whole UTC days from the first to the last established session with a hospital end. Its tail is the last tenth of the window, at least one day.',
  'Status, first match wins: never (no obsolete session); only obsolete (every session obsolete); persisting (an obsolete session within the tail); stopped (obsolete sessions earlier, none in the tail, though the device had sessions in the tail: patched, or its clients stopped asking); dormant (dhai decides: obsolete sessions earlier and no session at all in the tail, so whether it changed cannot be told).',
  'Evidence: per device, port, version and suite of its obsolete sessions: the session count, the UTC days with such a session, how many distinct peers (outside clients of a server, outside servers of a client), the first five peers in address order, and the first and last time.',
  'Risk ranking (dhai decides): by status (only obsolete, persisting, stopped, dormant, never), then the oldest version negotiated (SSL 2.0 first), then the number of obsolete sessions, then the address.',
  'Only established sessions are logged with a version, so "stopped" cannot tell a patched server from one whose clients no longer ask for an old version (paper, Section VI-C).',
  'The timeline (paper Fig. 8) places devices on a percentile axis sorted by first activity so that it does not disclose how many there are.',
];

interface DeviceRow extends DeviceHistory {
  device: string;
  class: string | null;
  first: string;
  last: string;
  firstUs: number;
  obsoleteDays: string[];
  firstObsolete: string | null;
  lastObsolete: string | null;
  worstOrdinal: number | null;
  worstVersion: string | null;
  worstLabel: string | null;
  versions: string[];
}

async function devices(ctx: AnalysisContext, dir: 'inbound' | 'outbound'): Promise<DeviceRow[]> {
  const rows = await readRows(ctx.conn, `SELECT dev AS device, any_value(dev_class) AS class, sum(n) AS sessions,
      coalesce(sum(n) FILTER (WHERE obsolete), 0) AS obsolete,
      epoch_us(min(first_ts)) AS first_us, epoch_us(max(last_ts)) AS last_us, epoch_us(max(last_ts) FILTER (WHERE obsolete)) AS last_obs_us,
      ${isoSql('min(first_ts)')} AS first, ${isoSql('max(last_ts)')} AS last,
      ${isoSql('min(first_ts) FILTER (WHERE obsolete)')} AS first_obsolete, ${isoSql('max(last_ts) FILTER (WHERE obsolete)')} AS last_obsolete,
      list_transform(list_sort(list_distinct(flatten(list(obsolete_days)))), d -> strftime(d, '%Y-%m-%d')) AS days,
      min(ordinal) FILTER (WHERE obsolete) AS worst_ordinal, arg_min(version, ordinal) FILTER (WHERE obsolete) AS worst_version,
      arg_min(version_label, ordinal) FILTER (WHERE obsolete) AS worst_label,
      list(DISTINCT coalesce(version, '-') ORDER BY coalesce(version, '-')) AS versions
    FROM ${TLS_AGG} WHERE dir = '${dir}' GROUP BY dev`);
  return rows.map((r) => ({
    device: String(r.device), class: (r.class as string | null) ?? null, sessions: Number(r.sessions), obsolete: Number(r.obsolete),
    firstUs: Number(r.first_us), lastUs: Number(r.last_us), lastObsoleteUs: r.last_obs_us === null ? null : Number(r.last_obs_us),
    first: String(r.first), last: String(r.last), obsoleteDays: (r.days as string[] | null) ?? [],
    firstObsolete: (r.first_obsolete as string | null) ?? null, lastObsolete: (r.last_obsolete as string | null) ?? null,
    worstOrdinal: r.worst_ordinal === null ? null : Number(r.worst_ordinal), worstVersion: (r.worst_version as string | null) ?? null,
    worstLabel: (r.worst_label as string | null) ?? null,
    versions: (r.versions as string[]) ?? [],
  }));
}

function rankDevices(list: DeviceRow[], w: ObservationWindow): (DeviceRow & { status: ObsoleteStatus })[] {
  const withStatus = list.map((d) => ({ ...d, status: obsoleteStatus(d, w) }));
  return withStatus.sort((a, b) =>
    STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) ||
    (a.worstOrdinal ?? 99) - (b.worstOrdinal ?? 99) ||
    b.obsolete - a.obsolete ||
    (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const t = await tlsSessions(ctx);
  const method = [...sessionMethodNotes(t), ...METHOD, ...OBSOLETE_FINDING_NOTES, ...dreadMethodNotes(OBSOLETE_FINDING_TYPES, ctx.site)];
  if (t.first === null || t.last === null) return notAvailable(['ssl.log rows of established sessions with a hospital end inside the report window'], method);
  const toUs = (iso: string) => Date.parse(iso) * 1000;
  const w = observationWindow(toUs(t.first), toUs(t.last), ctx.window.from, ctx.window.to);
  const metrics: Record<string, Metric> = {};
  const tables: Record<string, Row[]> = {};
  const charts = [];
  const findings: Finding[] = [];
  const evidence = (await readRows(ctx.conn, `SELECT dir AS direction, dev AS device, port, version, cipher, n AS sessions, days AS obsolete_days,
      peers, example_peers, ${isoSql('first_ts')} AS first_seen, ${isoSql('last_ts')} AS last_seen
    FROM ${TLS_OBSOLETE} WHERE dir IN ('inbound', 'outbound') ORDER BY direction, device, port, version, cipher`)) as Row[];
  for (const dir of ['inbound', 'outbound'] as const) {
    const ranked = rankDevices(await devices(ctx, dir), w);
    findings.push(...obsoleteFindings(dir, ranked, evidence, ctx));
    metrics[`${dir}_devices`] = ranked.length;
    for (const s of ['never', 'only_obsolete', 'persisting', 'stopped', 'dormant'] as const) {
      metrics[`${dir}_status_${s}`] = countShare(ranked.filter((d) => d.status === s).length, ranked.length);
    }
    tables[dir === 'inbound' ? 'inbound_servers' : 'outbound_clients'] = ranked.map((d, i) => ({
      rank: i + 1, device: d.device, class: d.class, status: d.status, first_session: d.first, last_session: d.last,
      sessions: d.sessions, obsolete_sessions: d.obsolete, obsolete_days: d.obsoleteDays.length, obsolete_day_list: d.obsoleteDays,
      first_obsolete: d.firstObsolete, last_obsolete: d.lastObsolete, worst_version: d.worstVersion, versions: d.versions,
    }));
    const byFirst = [...ranked].sort((a, b) => a.firstUs - b.firstUs || (a.device < b.device ? -1 : 1));
    charts.push(timelineChart(`obsolete-timeline-${dir}`,
      dir === 'inbound'
        ? 'Hospital servers (inbound): first to last session, and days with an obsolete version (paper Fig. 8)'
        : 'Hospital clients (outbound): first to last session, and days with an obsolete version',
      byFirst.map((d) => ({ first: d.first, last: d.last, obsoleteDays: d.obsoleteDays }))));
  }
  metrics.window_days = Math.round((w.endUs - w.startUs) / DAY_US * 1e6) / 1e6;
  metrics.tail_days = (w.endUs - w.tailStartUs) / DAY_US;

  tables.obsolete_evidence = evidence;

  return { status: 'ok', needs: [], method, metrics, tables, findings, charts };
}

export const obsoleteDevices: Analysis = {
  id: 'obsolete-devices',
  title: 'Obsolete TLS versions over time, per device',
  tables: ['ssl'],
  run,
};
