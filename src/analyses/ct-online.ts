// The online CT look-up as a step of analysis F. It runs only when the report was asked for it (`certs.ctLookup`,
// set by `dhai report --ct-lookup`) and then only for certificates with no other CT evidence, whose SHA-256 is
// known, and none of whose names falls under the site's private domains; hospital certificates first, then the
// most used, so a per-run limit spends its requests where the report needs them. Answers are kept in the store
// (src/intel/ct-online-cache.ts) and, once there, count as evidence in every later report of that store, like
// an imported fingerprint set. The network side lives in src/intel/ct-online.ts; this file only chooses.
import type { DuckDBConnection } from '@duckdb/node-api';
import { CT_LOOKUP_BEST, ensureCtLookupTable, freshAnswers, hasCtLookupTable, storeCtAnswer } from '../intel/ct-online-cache.ts';
import { lookUpFingerprints, type CtLookupRun, type CtLookupSettings } from '../intel/ct-online.ts';
import { certificateNames, dnFirst, underDomains } from './cert-names.ts';
import { readRows } from './connections.ts';
import { TempTable } from './temp-table.ts';

export interface OnlineStep {
  /** this report was asked to look certificates up */
  enabled: boolean;
  provider: { name: string; endpoint: string } | null;
  /** certificates without other CT evidence and with a known SHA-256 */
  candidates: number;
  /** of those, never looked up: a name under a private domain */
  privateSkipped: number;
  /** of those, never looked up: no name known to check against the private domains */
  unnamedSkipped: number;
  /** of those, answered earlier by this provider and not asked again */
  cached: number;
  run: CtLookupRun | null;
  /** of those, left for a later run (limit reached, or the run stopped) */
  notAsked: number;
  /** certificates of the report with a stored answer (any provider), and of them found */
  answered: number;
  found: number;
  /** dates of the stored answers used (YYYY-MM-DD) */
  firstAnswer: string | null;
  lastAnswer: string | null;
}

/** True when a certificate's names, or its subject's text, touch one of the private domains (lower case). */
export function touchesPrivate(subject: string | null, sanDns: readonly string[], privateDomains: readonly string[]): boolean {
  if (privateDomains.length === 0) return false;
  const cn = dnFirst(subject, 'CN')?.toLowerCase();
  const names = [...certificateNames(subject, sanDns), ...(cn ? [cn] : [])];
  if (names.some((n) => underDomains(n, privateDomains))) return true;
  // conservative: a private domain anywhere in the subject (an O= or OU= that spells it) also keeps it private
  const text = (subject ?? '').toLowerCase();
  return privateDomains.some((d) => text.includes(d));
}

/** Ask about the candidates of TEMP TABLE ct_cert (see ct-data.ts) and store the answers. */
async function lookUp(conn: DuckDBConnection, settings: CtLookupSettings, step: OnlineStep, status: Map<string, string>): Promise<void> {
  const rows = await readRows(conn, `SELECT key, sha256, subject, san_dns FROM ct_cert
    WHERE NOT logged AND regexp_full_match(coalesce(sha256, ''), '[0-9a-f]{64}')
    ORDER BY hospital DESC, sessions DESC, sha256`);
  step.candidates = rows.length;
  const askable: { key: string; sha256: string }[] = [];
  for (const r of rows) {
    const subject = r.subject === null || r.subject === undefined ? null : String(r.subject);
    // readRows hands lists over as arrays: every SAN is checked, not only the CN
    const san = Array.isArray(r.san_dns) ? r.san_dns.map((x) => String(x)) : [];
    const key = String(r.key);
    if (touchesPrivate(subject, san, settings.privateDomains)) {
      step.privateSkipped++;
      status.set(key, 'private domain: never looked up');
    } else if (subject === null && san.length === 0) {
      step.unnamedSkipped++;
      status.set(key, 'names unknown: not looked up');
    } else askable.push({ key, sha256: String(r.sha256) });
  }
  try {
    await ensureCtLookupTable(conn);
  } catch (e) {
    throw new Error(`the online CT look-up keeps its answers in the store, which must be open for writing: ${(e as Error).message.split('\n')[0]}`);
  }
  const want = await TempTable.create(conn, 'ct_online_want', [['sha256', 'VARCHAR']]);
  for (const a of askable) want.row([a.sha256]);
  want.close();
  const now = settings.now ?? (() => new Date());
  const fresh = await freshAnswers(conn, 'ct_online_want', settings.provider.name, now(), settings.limits.ttlMs);
  const toAsk = askable.filter((a) => !fresh.has(a.sha256));
  step.cached = askable.length - toAsk.length;
  const keyOf = new Map(toAsk.map((a) => [a.sha256, a.key]));
  const answered = new Set<string>();
  step.run = await lookUpFingerprints(settings, toAsk.map((a) => a.sha256), async (sha, answer) => {
    answered.add(sha);
    if (answer.outcome === 'error') status.set(keyOf.get(sha)!, `look-up failed: ${answer.reason}`);
    else await storeCtAnswer(conn, settings.provider.name, sha, answer.outcome === 'found', answer.outcome === 'found' ? answer.detail : null, now());
  });
  for (const a of toAsk) if (!answered.has(a.sha256)) status.set(a.key, 'not looked up: left for a later run');
  step.notAsked = toAsk.length - answered.size;
}

/**
 * Run the look-up when `settings` is given, then add to TEMP TABLE ct_cert what the stored answers say:
 * by_online, logged (any evidence), online_lookup (the answer or why there is none). Returns null, leaving
 * ct_cert as it is, when the look-up is off and the store holds no answers.
 */
export async function applyOnlineLookup(conn: DuckDBConnection, settings: CtLookupSettings | undefined): Promise<OnlineStep | null> {
  if (!settings && !(await hasCtLookupTable(conn))) return null;
  const step: OnlineStep = {
    enabled: settings !== undefined,
    provider: settings ? { name: settings.provider.name, endpoint: settings.provider.endpoint } : null,
    candidates: 0, privateSkipped: 0, unnamedSkipped: 0, cached: 0, run: null, notAsked: 0, answered: 0, found: 0, firstAnswer: null, lastAnswer: null,
  };
  const status = new Map<string, string>();
  if (settings) await lookUp(conn, settings, step, status);
  const st = await TempTable.create(conn, 'ct_online_status', [['key', 'VARCHAR'], ['status', 'VARCHAR']]);
  for (const [k, v] of status) st.row([k, v]);
  st.close();
  await conn.run(`CREATE OR REPLACE TEMP TABLE ct_cert AS
    SELECT c.* REPLACE (c.logged OR coalesce(o.found, false) AS logged), coalesce(o.found, false) AS by_online,
      o.sha256 IS NOT NULL AS online_answered, strftime(o.asked_at, '%Y-%m-%d') AS online_date,
      CASE WHEN o.sha256 IS NOT NULL THEN (CASE WHEN o.found THEN 'found' ELSE 'not found' END) || ' (' || o.provider || ', ' || strftime(o.asked_at, '%Y-%m-%d') || ')'
        ELSE coalesce(s.status, 'not looked up') END AS online_lookup
    FROM ct_cert c LEFT JOIN ${CT_LOOKUP_BEST} o ON o.sha256 = c.sha256 LEFT JOIN ct_online_status s ON s.key = c.key`);
  const t = (await readRows(conn, `SELECT count(*) FILTER (WHERE online_answered) AS answered, count(*) FILTER (WHERE by_online) AS found,
      min(online_date) AS first, max(online_date) AS last FROM ct_cert`))[0]!;
  step.answered = Number(t.answered);
  step.found = Number(t.found);
  step.firstAnswer = t.first === null ? null : String(t.first);
  step.lastAnswer = t.last === null ? null : String(t.last);
  return step;
}

/** The method note: what was asked, of whom, and what the stored answers contribute. */
export function onlineMethodNote(step: OnlineStep | null): string {
  if (!step) {
    return 'Online look-up: not performed (it is opt-in: dhai report --ct-lookup) and no earlier answers are stored, so every certificate is "not looked up". A certificate logged only after issuance and never presented with an SCT can then be counted as not logged: the rate is a lower bound.';
  }
  const used = `Stored answers used: ${step.answered} certificates (${step.found} found)${step.firstAnswer ? `, asked ${step.firstAnswer === step.lastAnswer ? `on ${step.firstAnswer}` : `between ${step.firstAnswer} and ${step.lastAnswer}`}` : ''}; a "found" answer of any provider counts as evidence.`;
  if (!step.enabled) return `Online look-up: not performed in this run (dhai report --ct-lookup). ${used}`;
  const r = step.run!;
  return [
    `Online look-up (asked for with --ct-lookup): ${step.provider!.name} at ${step.provider!.endpoint}, by SHA-256 fingerprint only, one request at a time.`,
    `Of ${step.candidates} certificates with no other CT evidence, ${step.privateSkipped} have a name under the site's private domains and ${step.unnamedSkipped} no known name: never looked up; ${step.cached} had a recent answer and were not asked again;`,
    `${r.asked} were asked (${r.found} found, ${r.notFound} not found, ${r.errors} failed)${step.notAsked ? `, ${step.notAsked} are left for a later run${r.stopped ? ` (${r.stopped})` : ''}` : ''}.`,
    used,
    'A search service knows certificates that were submitted to a CT log (a final certificate whose precertificate alone was logged may be unknown to it), so "not found" is not proof of absence.',
  ].join(' ');
}
