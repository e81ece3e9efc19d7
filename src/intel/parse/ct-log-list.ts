// CT log lists as a feed (`--kind ct-log-list`): Chrome's v3 lists (log_list.json, all_logs_list.json) and
// Apple's current_log_list.json, read by the same parser as the shipped table's generator. One malformed log
// (bad shape, a log_id that is not the hash of its key, a key that is no public key) is a rejected entry, not a
// failed import; a text that is no log list at all rejects the file as a whole.
import { ctLogToRecord, readCtLogList, type CtLog, type CtLogProblem } from '../ct-log-list.ts';
import { ParseCollector } from '../text.ts';
import type { CtLogEntry, ParseResult } from '../types.ts';
import { UsageError } from '../../util/errors.ts';

/** The stored format names: which list the content is (the content decides, whichever name was asked for). */
export const CT_LIST_FORMATS = { chrome: 'chrome-ct-json', apple: 'apple-ct-json' } as const;

function toEntry(l: CtLog): CtLogEntry {
  return { type: 'ct-log', ...ctLogToRecord(l), url: l.url, logType: l.logType };
}

/** ISO 8601 UTC without milliseconds, or null when the list's timestamp is not a date. */
function isoDate(s: string | null): string | null {
  if (s === null) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('.000Z', 'Z');
}

/** 1-based line of a problem: where its log_id (else description) is written, 0 when neither is found. */
function lineOf(text: string, p: CtLogProblem): number {
  for (const v of [p.logId, p.description]) {
    if (!v) continue;
    const at = text.indexOf(JSON.stringify(v));
    if (at >= 0) {
      let line = 1;
      for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
      return line;
    }
  }
  return 0;
}

export function parseCtLogListFeed(text: string): ParseResult {
  let read: ReturnType<typeof readCtLogList>;
  try {
    read = readCtLogList(text, 'CT log list');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const out = new ParseCollector('ct-log-list');
    out.reject(0, e.message, text.slice(0, 80));
    return out.result;
  }
  const out = new ParseCollector(read.list.format === 'apple' ? CT_LIST_FORMATS.apple : CT_LIST_FORMATS.chrome);
  for (const p of read.problems) out.reject(lineOf(text, p), p.reason, p.description ?? p.logId ?? p.path);
  for (const l of read.list.logs) out.result.entries.push(toEntry(l));
  out.noteDate(isoDate(read.list.timestamp));
  out.result.version = read.list.version;
  return out.result;
}
