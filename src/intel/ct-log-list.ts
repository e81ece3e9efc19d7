// Certificate Transparency log lists: Chrome's log_list.json v3 (RFC 6962 `logs` and static-CT `tiled_logs`)
// and Apple's list (same shape, v4 schema). A log's id is the SHA-256 of its key: we recompute it and refuse a
// list whose ids disagree (read as a feed, only that log is dropped), since SCT verification trusts exactly
// that mapping.
import { createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../util/errors.ts';
import { childrenOf, expect, readTlv, TAG } from '../x509/der.ts';
import { CT_LOGS, CT_LOGS_SOURCE } from './generated/ct-logs.ts';

export const CT_LOG_STATES = ['pending', 'qualified', 'usable', 'readonly', 'retired', 'rejected'] as const;
export type CtLogState = (typeof CT_LOG_STATES)[number];

/** The facts dhai keeps about a log (also the shape of the generated default table, with the key in base64). */
export interface CtLogRecord {
  logId: string;
  key: string;
  description: string;
  operator: string;
  /** `static-ct`: a tiled log (static-ct-api); `rfc6962`: the classic HTTP API. Both sign SCTs the same way. */
  api: 'rfc6962' | 'static-ct';
  state: CtLogState | null;
  /** When the log entered `state` (ISO 8601). */
  stateSince: string | null;
  /** Certificates whose notAfter falls in [start, end) are accepted (ISO 8601); null when unrestricted. */
  interval: { start: string; end: string } | null;
}

export interface CtLog extends Omit<CtLogRecord, 'key'> {
  /** DER SubjectPublicKeyInfo. */
  key: Buffer;
  url: string | null;
  logType: 'prod' | 'test' | 'monitoring_only' | null;
}

export interface CtLogList {
  format: 'chrome' | 'apple' | 'generated';
  version: string | null;
  timestamp: string | null;
  logs: CtLog[];
  /** Look-up by base64 log id (what an SCT carries). */
  get(logId: string): CtLog | undefined;
}

const stateSchema = z.object({ timestamp: z.string() });
const logSchema = z.object({
  description: z.string().default(''),
  log_id: z.string(),
  key: z.string(),
  url: z.string().optional(),
  submission_url: z.string().optional(),
  log_type: z.enum(['prod', 'test', 'monitoring_only']).optional(),
  state: z.record(z.string(), stateSchema).optional(),
  temporal_interval: z.object({ start_inclusive: z.string(), end_exclusive: z.string() }).optional(),
});
// entries are checked one by one (readCtLogList keeps the good ones), so the outer shapes take them unchecked
const operatorSchema = z.object({
  name: z.string(),
  logs: z.array(z.unknown()).default([]),
  tiled_logs: z.array(z.unknown()).default([]),
});
const listSchema = z.object({
  version: z.union([z.string(), z.number()]).optional(),
  log_list_timestamp: z.string().optional(),
  assetVersion: z.number().optional(),
  $schema: z.string().optional(),
  operators: z.array(z.unknown()),
});

/** A part of a list that cannot be used, and why; the rest of the list still can. */
export interface CtLogProblem {
  /** Where in the JSON (`operators.3.logs.7`). */
  path: string;
  description: string | null;
  logId: string | null;
  reason: string;
}

function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0]!;
  return `not a CT log list: ${[prefix, ...issue.path.map(String)].filter(Boolean).join('.')}: ${issue.message}`;
}

/**
 * Read a Chrome (v3) or Apple log list keeping every usable log: a malformed operator or log, a log_id that
 * is not the hash of the key, or a key that is no public key becomes a problem and the rest is kept. A text
 * that is not a log list at all throws UsageError naming `source`.
 */
export function readCtLogList(text: string | Buffer, source = 'CT log list'): { list: CtLogList; problems: CtLogProblem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.toString());
  } catch (e) {
    throw new UsageError(`${source}: not JSON: ${(e as Error).message}`);
  }
  const res = listSchema.safeParse(raw);
  if (!res.success) throw new UsageError(`${source}: ${firstIssue(res.error, '')}`);
  const list = res.data;
  const logs: CtLog[] = [];
  const problems: CtLogProblem[] = [];
  list.operators.forEach((rawOp, i) => {
    const op = operatorSchema.safeParse(rawOp);
    if (!op.success) {
      problems.push({ path: `operators.${i}`, description: null, logId: null, reason: firstIssue(op.error, `operators.${i}`) });
      return;
    }
    for (const [api, field] of [['rfc6962', 'logs'], ['static-ct', 'tiled_logs']] as const) {
      op.data[field].forEach((rawLog, j) => {
        const at = `operators.${i}.${field}.${j}`;
        const l = logSchema.safeParse(rawLog);
        if (!l.success) {
          const o = (typeof rawLog === 'object' && rawLog !== null ? rawLog : {}) as Record<string, unknown>;
          const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
          problems.push({ path: at, description: str(o.description), logId: str(o.log_id), reason: firstIssue(l.error, at) });
          return;
        }
        const log = toLog(l.data, op.data.name, api);
        if (typeof log === 'string') problems.push({ path: at, description: l.data.description, logId: l.data.log_id, reason: log });
        else logs.push(log);
      });
    }
  });
  const format = list.log_list_timestamp !== undefined ? 'chrome' : list.assetVersion !== undefined || /apple/i.test(list.$schema ?? '') ? 'apple' : 'chrome';
  return { list: ctLogListOf(format, list.version === undefined ? null : String(list.version), list.log_list_timestamp ?? null, logs), problems };
}

/** Parse a Chrome (v3) or Apple log list. Throws UsageError naming `source` on any malformed entry. */
export function parseCtLogList(text: string | Buffer, source = 'CT log list'): CtLogList {
  const { list, problems } = readCtLogList(text, source);
  if (problems[0]) throw new UsageError(`${source}: ${problems[0].reason}`);
  return list;
}

/** The log, or why it cannot be used. */
function toLog(l: z.infer<typeof logSchema>, operator: string, api: CtLog['api']): CtLog | string {
  const key = Buffer.from(l.key, 'base64');
  const logId = createHash('sha256').update(key).digest('base64');
  if (logId !== l.log_id) return `log "${l.description}" has log_id ${l.log_id} but its key hashes to ${logId}`;
  if (!isSpki(key)) return `log "${l.description}": its key is not a DER SubjectPublicKeyInfo`;
  const [stateName, state] = Object.entries(l.state ?? {})[0] ?? [];
  return {
    logId,
    key,
    description: l.description,
    operator,
    api,
    url: l.url ?? l.submission_url ?? null,
    logType: l.log_type ?? null,
    state: (CT_LOG_STATES as readonly string[]).includes(stateName ?? '') ? (stateName as CtLogState) : null,
    stateSince: state?.timestamp ?? null,
    interval: l.temporal_interval ? { start: l.temporal_interval.start_inclusive, end: l.temporal_interval.end_exclusive } : null,
  };
}

/**
 * The shape of a SubjectPublicKeyInfo (SEQUENCE of an AlgorithmIdentifier SEQUENCE and a BIT STRING, nothing
 * after it). A structural check: loading every key with createPublicKey costs ~90 µs each, and SCT
 * verification loads the keys it needs anyway.
 */
function isSpki(key: Buffer): boolean {
  try {
    const outer = expect(readTlv(key, 0), TAG.SEQUENCE, 'SubjectPublicKeyInfo');
    if (outer.end !== key.length) return false;
    const [alg, bits, ...rest] = childrenOf(key, outer);
    expect(alg, TAG.SEQUENCE, 'algorithm');
    expect(bits, TAG.BIT_STRING, 'subjectPublicKey');
    return rest.length === 0;
  } catch {
    return false;
  }
}

/** A list of these logs, indexed by log id (a later log with the same id replaces an earlier one in the index). */
export function ctLogListOf(format: CtLogList['format'], version: string | null, timestamp: string | null, logs: CtLog[]): CtLogList {
  const byId = new Map(logs.map((l) => [l.logId, l]));
  return { format, version, timestamp, logs, get: (id) => byId.get(id) };
}

/** A stored or generated record as a log (the key decoded from base64). */
export function ctLogFromRecord(r: CtLogRecord & { url?: string | null; logType?: CtLog['logType'] }): CtLog {
  return { ...r, key: Buffer.from(r.key, 'base64'), url: r.url ?? null, logType: r.logType ?? null };
}

/** `openssl dgst -sha256 -verify PUBKEY -signature SIG FILE`: a SHA-256 signature over the file's exact bytes. */
export function verifyLogListSignature(data: Buffer, signature: Buffer, publicKeyPem: string | Buffer): boolean {
  try {
    return verify('sha256', data, publicKeyPem, signature);
  } catch {
    return false;
  }
}

/** Read a list file; with a signature and key, refuse it unless the signature verifies. */
export function loadCtLogList(file: string, check?: { signatureFile: string; publicKeyFile: string }): CtLogList & { signatureVerified: boolean } {
  const read = (f: string): Buffer => {
    try {
      return readFileSync(f);
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
  };
  const data = read(file);
  if (check && !verifyLogListSignature(data, read(check.signatureFile), read(check.publicKeyFile))) {
    throw new UsageError(`${file}: signature ${check.signatureFile} does not verify with ${check.publicKeyFile}`);
  }
  return { ...parseCtLogList(data, file), signatureVerified: check !== undefined };
}

/** Union of several lists (Chrome and Apple share most logs); the first list's facts win for a shared log. */
export function mergeCtLogLists(...lists: CtLogList[]): CtLogList {
  const seen = new Map<string, CtLog>();
  for (const list of lists) for (const log of list.logs) if (!seen.has(log.logId)) seen.set(log.logId, log);
  const first = lists[0];
  return ctLogListOf(first?.format ?? 'chrome', first?.version ?? null, first?.timestamp ?? null, [...seen.values()]);
}

/** The shipped snapshot (src/intel/generated/ct-logs.ts); its provenance is CT_LOGS_SOURCE. */
export function defaultCtLogList(): CtLogList {
  return ctLogListOf('generated', CT_LOGS_SOURCE.version, CT_LOGS_SOURCE.timestamp, CT_LOGS.map((r) => ctLogFromRecord(r)));
}

export { CT_LOGS_SOURCE };

/** The facts of one log as the generated table and the feed store keep them (the key as base64). */
export function ctLogToRecord(l: CtLog): CtLogRecord {
  return {
    logId: l.logId,
    key: l.key.toString('base64'),
    description: l.description,
    operator: l.operator,
    api: l.api,
    state: l.state,
    stateSince: l.stateSince,
    interval: l.interval,
  };
}

/** The generated module's text for a parsed list: facts only, with a header naming source, version and generator. */
export function renderCtLogsModule(list: CtLogList, source: { file: string; sha256: string; signatureVerified: boolean }): string {
  const records = list.logs.map(ctLogToRecord);
  const meta = {
    list: list.format,
    file: source.file,
    sha256: source.sha256,
    version: list.version,
    timestamp: list.timestamp,
    signatureVerified: source.signatureVerified,
    generator: 'scripts/gen-ct-logs.ts',
  };
  return [
    `// Generated by scripts/gen-ct-logs.ts from ${source.file} (${list.format} CT log list, version ${list.version ?? 'unknown'},`,
    `// list timestamp ${list.timestamp ?? 'unknown'}, sha256 ${source.sha256.slice(0, 16)}…, signature ${source.signatureVerified ? 'verified' : 'not checked'}).`,
    '// Do not edit: regenerate with `node --import tsx scripts/gen-ct-logs.ts LIST.json [--sig FILE --pubkey FILE]`.',
    "import type { CtLogRecord } from '../ct-log-list.ts';",
    '',
    `export const CT_LOGS_SOURCE = ${JSON.stringify(meta, null, 2)} as const;`,
    '',
    'export const CT_LOGS: readonly CtLogRecord[] = [',
    ...records.map((r) => `  ${JSON.stringify(r)},`),
    '];',
    '',
  ].join('\n');
}
