// Findings of section D: obsolete-devices (a hospital device whose obsolete TLS use is current) and
// tls-report-cards (a hospital server whose grade from negotiated sessions is C or worse). Which devices and
// grades raise one is dhai's decision, stated in the sections' method notes (FINDING_NOTES below).
import { makeFinding } from './dread.ts';
import { FINDING_TYPES, type FindingType } from './finding-types.ts';
import type { Grade } from './tls-grade.ts';
import type { AnalysisContext, Finding, Row } from './types.ts';

export const OBSOLETE_FINDING_TYPES: FindingType[] = ['obsolete-tls-server-still', 'obsolete-tls-client-still'];
export const GRADE_FINDING_TYPES: FindingType[] = ['tls-grade-f', 'tls-grade-low'];

export const OBSOLETE_FINDING_NOTES = [
  'Findings (dhai decides): one per hospital device whose obsolete use is current, status only obsolete or persisting: inbound servers as obsolete-tls-server-still, outbound clients as obsolete-tls-client-still, in the risk order of the tables. Stopped and dormant devices raise none here (tls-versions reports every inbound server that negotiated an obsolete version at all). The evidence is the device\'s obsolete (port, version, suite) combinations with their sessions, days, peers and times.',
];
export const GRADE_FINDING_NOTES = [
  'Findings (dhai decides): one per server graded C, D or E (tls-grade-low) or F (tls-grade-f). The grade is an upper bound, so the finding is conservative: an active scan can only grade the server lower. B (TLS 1.0/1.1, no forward secrecy, RSA under 2048 bits) raises none here: tls-versions, cipher-quality and cert-issues report those causes. A server with no known version or suite is not graded and raises none. The evidence lists each deduction, then each negotiated version and suite with its sessions and times.',
];

/** A row's cell, null when absent. */
const cell = (r: Row, k: string): Row[string] => r[k] ?? null;

export interface ObsoleteDevice {
  device: string;
  class: string | null;
  status: string;
  worstLabel: string | null;
  obsoleteDays: string[];
  lastObsolete: string | null;
}

/** One finding per device whose obsolete use is current; `evidence` rows are tls_obsolete rows of the direction. */
export function obsoleteFindings(dir: 'inbound' | 'outbound', ranked: readonly ObsoleteDevice[], evidence: readonly Row[], ctx: AnalysisContext): Finding[] {
  const type: FindingType = dir === 'inbound' ? 'obsolete-tls-server-still' : 'obsolete-tls-client-still';
  const peers = dir === 'inbound' ? 'clients' : 'servers';
  const byDevice = new Map<string, Row[]>();
  for (const e of evidence) {
    if (e.direction !== dir) continue;
    const rows = byDevice.get(String(e.device)) ?? [];
    byDevice.set(String(e.device), rows);
    const row: Row = {};
    for (const k of ['port', 'version', 'cipher', 'sessions', 'obsolete_days']) row[k] = cell(e, k);
    row[peers] = cell(e, 'peers');
    row[`example_${peers}`] = cell(e, 'example_peers');
    for (const k of ['first_seen', 'last_seen']) row[k] = cell(e, k);
    rows.push(row);
  }
  return ranked
    .filter((d) => d.status === 'only_obsolete' || d.status === 'persisting')
    .map((d) => {
      const days = d.obsoleteDays.length;
      const what = `${d.class ?? 'no class'}; ${d.status === 'only_obsolete' ? 'only obsolete versions' : 'persisting'}; oldest ${d.worstLabel ?? 'unknown'}; ` +
        `obsolete on ${days} day${days === 1 ? '' : 's'}, last ${(d.lastObsolete ?? '').slice(0, 10)}`;
      return makeFinding(type, d.device, byDevice.get(d.device) ?? [], ctx, { title: `${FINDING_TYPES[type].title}: ${d.device} (${what})` });
    });
}

export interface GradedCard {
  server: string;
  port: number;
  grade: Grade;
  graded: boolean;
  deductions: string[];
}

/** One finding per graded server at C or below; `negotiated` rows: server, port, version, cipher, sessions, first_seen, last_seen. */
export function gradeFindings(cards: readonly GradedCard[], negotiated: readonly Row[], ctx: AnalysisContext): Finding[] {
  const byServer = new Map<string, Row[]>();
  for (const n of negotiated) {
    const k = `${String(n.server)}:${String(n.port)}`;
    const rows = byServer.get(k) ?? [];
    byServer.set(k, rows);
    const row: Row = { item: 'negotiated', detail: null };
    for (const k of ['version', 'cipher', 'sessions', 'first_seen', 'last_seen']) row[k] = cell(n, k);
    rows.push(row);
  }
  const out: Finding[] = [];
  for (const c of cards) {
    if (!c.graded || !['C', 'D', 'E', 'F'].includes(c.grade)) continue;
    const type: FindingType = c.grade === 'F' ? 'tls-grade-f' : 'tls-grade-low';
    const subject = `${c.server}:${c.port}`;
    const deductions: Row[] = c.deductions.map((d) => ({ item: 'deduction', detail: d, version: null, cipher: null, sessions: null, first_seen: null, last_seen: null }));
    out.push(makeFinding(type, subject, [...deductions, ...(byServer.get(subject) ?? [])], ctx, {
      title: `${FINDING_TYPES[type].title}: ${subject} (${c.grade} at best)`,
    }));
  }
  return out;
}
