// The CT log list a report verifies embedded SCTs against: the newest stored Chrome list and the newest stored
// Apple list (`dhai feeds update` / `dhai feeds import FILE --kind ct-log-list`), their union when both are
// loaded, else the table shipped in src/intel/generated/ct-logs.ts. Newest means most recently downloaded or
// imported, as for every other feed (a deliberate re-import of an older list makes it current again).
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CT_LOGS_SOURCE, ctLogFromRecord, ctLogListOf, defaultCtLogList, mergeCtLogLists, type CtLog, type CtLogList, type CtLogState } from './ct-log-list.ts';
import { hasFeedTables, snapshotWhere, type FeedSnapshot } from './feed-snapshots.ts';
import { CT_LIST_FORMATS } from './parse/ct-log-list.ts';

export interface StoredCtLogList {
  snapshot: FeedSnapshot;
  /** The list's own version (Chrome "54.12", Apple "364"), when it states one. */
  version: string | null;
  list: CtLogList;
}

const logCount = (n: number): string => `${n} log${n === 1 ? '' : 's'}`;
const nullable = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

async function readList(conn: DuckDBConnection, snapshot: FeedSnapshot, format: CtLogList['format']): Promise<StoredCtLogList> {
  const v = await conn.runAndReadAll(`SELECT version FROM feed_snapshot_version WHERE snapshot_id = $1`, [snapshot.id]);
  const version = nullable(v.getRowObjectsJS()[0]?.version);
  const r = await conn.runAndReadAll(
    `SELECT log_id, key, description, operator, api, state, state_since, interval_start, interval_end, url, log_type
     FROM feed_ct_log WHERE snapshot_id = $1 ORDER BY rowid`,
    [snapshot.id],
  );
  const logs: CtLog[] = r.getRowObjectsJS().map((row) => {
    const start = nullable(row.interval_start);
    const end = nullable(row.interval_end);
    return ctLogFromRecord({
      logId: String(row.log_id),
      key: String(row.key),
      description: String(row.description),
      operator: String(row.operator),
      api: row.api === 'static-ct' ? 'static-ct' : 'rfc6962',
      state: nullable(row.state) as CtLogState | null,
      stateSince: nullable(row.state_since),
      interval: start !== null && end !== null ? { start, end } : null,
      url: nullable(row.url),
      logType: nullable(row.log_type) as CtLog['logType'],
    });
  });
  return { snapshot, version, list: ctLogListOf(format, version, snapshot.feedDateFrom === 'content' ? snapshot.feedDate : null, logs) };
}

/** The newest stored Chrome list, then the newest stored Apple list; empty when none is loaded. */
export async function storedCtLogLists(conn: DuckDBConnection): Promise<StoredCtLogList[]> {
  // a store written before CT log lists were feeds has no such tables (and a read-only one cannot get them)
  if (!(await hasFeedTables(conn, ['feed_snapshot', 'feed_ct_log', 'feed_snapshot_version']))) return [];
  const out: StoredCtLogList[] = [];
  for (const format of ['chrome', 'apple'] as const) {
    const snap = await snapshotWhere(conn, `kind = 'ct-log-list' AND format = $1`, [CT_LIST_FORMATS[format]]);
    if (snap) out.push(await readList(conn, snap, format));
  }
  return out;
}

const LIST_NAME = { chrome: 'Chrome', apple: 'Apple', generated: 'Chrome' } as const;

function describeStored(s: StoredCtLogList): string {
  const snap = s.snapshot;
  const date = snap.feedDate ? `dated ${snap.feedDate} (${snap.feedDateFrom === 'content' ? 'list timestamp' : snap.feedDateFrom === 'http' ? 'HTTP Last-Modified' : 'file name'})` : 'undated';
  // a file is named without its directory: the report need not show where on the analyst's machine it lay
  const from = /^https?:/.test(snap.source) ? `downloaded ${snap.lastSeenAt.slice(0, 10)} from ${snap.source}` : `imported ${snap.lastSeenAt.slice(0, 10)} from ${path.basename(snap.source)}`;
  return `${LIST_NAME[s.list.format]} list version ${s.version ?? 'unknown'}, ${date}, ${logCount(s.list.logs.length)} ` +
    `(feed ${snap.name}, ${from}, sha256 ${snap.sha256.slice(0, 16)}…, signature not checked)`;
}

/** The shipped table, named with the upstream list it was generated from. */
function describeShippedCtLogList(list: CtLogList): string {
  const s = CT_LOGS_SOURCE;
  return `the table shipped with dhai (src/intel/generated/ct-logs.ts), generated from ${LIST_NAME[s.list]} ${s.file} ` +
    `(list version ${s.version ?? 'unknown'}, timestamp ${s.timestamp ?? 'unknown'}, sha256 ${s.sha256.slice(0, 16)}…, ` +
    `signature ${s.signatureVerified ? 'verified' : 'not checked'}), ${logCount(list.logs.length)}`;
}

export interface ReportCtLogList {
  list: CtLogList;
  /** Which list(s) and versions, for the method notes. */
  provenance: string;
  /** The stored lists used; empty when the shipped table (or a caller's list) is. */
  stored: StoredCtLogList[];
}

/**
 * The list for a report: `explicit` when the caller gives one, else the newest stored list(s), else the
 * shipped table. The first list's facts win for a log both lists name (Chrome's, as the shipped table's).
 */
export async function ctLogListForReport(conn: DuckDBConnection, explicit?: CtLogList): Promise<ReportCtLogList> {
  if (explicit) {
    return {
      list: explicit,
      provenance: `a ${explicit.format} list given to the analysis, version ${explicit.version ?? 'unknown'} (${explicit.timestamp ?? 'no timestamp'}), ${logCount(explicit.logs.length)}`,
      stored: [],
    };
  }
  const stored = await storedCtLogLists(conn);
  if (stored.length === 0) {
    const list = defaultCtLogList();
    return { list, provenance: `${describeShippedCtLogList(list)}; no CT log list is loaded (dhai feeds update --source chrome-ct, or dhai feeds import FILE --kind ct-log-list)`, stored };
  }
  const list = stored.length === 1 ? stored[0]!.list : mergeCtLogLists(...stored.map((s) => s.list));
  const parts = stored.map(describeStored);
  const union = stored.length > 1 ? `; their union: ${list.logs.length} distinct logs` : '';
  return { list, provenance: `the newest stored list${stored.length > 1 ? 's' : ''}: ${parts.join('; ')}${union}`, stored };
}
