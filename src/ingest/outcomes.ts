// What becomes of a file the ingest does not store as it is: skip outcomes and the reject reasons it reports.
import type { RejectReason } from '../sources/zeek/rejects.ts';
import { PRIVACY_EXCLUDED } from '../store/zeek-schema.ts';
import type { FileOutcome } from './summary.ts';

export function skipOutcome(file: string, reason: string, kind: string, logType?: string): FileOutcome {
  return { path: file, status: 'skipped', skipKind: kind, reason, logType, rowsRead: 0, rowsStored: 0, rowsRejected: 0, closed: false, fastPath: false, rejects: [], skippedLines: [] };
}

export function typeSkip(file: string, logType: string): FileOutcome {
  const why = PRIVACY_EXCLUDED.has(logType)
    ? `${logType} log not ingested: payload-bearing logs are excluded by default (privacy rule); --include ${logType} to store it`
    : `${logType} log not used by the analyses; --include ${logType} to store it`;
  return skipOutcome(file, why, 'log-type', logType);
}

/** A pseudonymised store keeps no log text: examples of rejected and skipped lines keep only their numbers. */
export function withheld(pseudonymised: boolean, list: RejectReason[]): RejectReason[] {
  if (!pseudonymised) return list;
  return list.map((r) => ({ ...r, examples: r.examples.map((e) => ({ line: e.line, text: '(text withheld: pseudonymised ingest)' })) }));
}

export function gzipReject(msg: string): RejectReason {
  return { reason: `gzip stream damaged (${msg}); rows after the damage are lost`, count: 1, examples: [] };
}
