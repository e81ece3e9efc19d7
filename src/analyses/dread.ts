// The findings model every section uses: a finding's DREAD vector (the type's default from finding-types.ts,
// overridden per type in the site config), its score (the mean of the five, 0..10), its severity from the
// score, its remediation; and the hospital's accepted risks, which keep matching findings out of the ranking
// until they expire and list them apart.
//
// Severity bands (dhai decides; a band's lower bound is inclusive):
//   critical >= 8.0   high >= 6.0   medium >= 4.0   low >= 2.0   info < 2.0
// Finding ids are `<section>/<type>/<subject>`, e.g. `exposure/exposed-remote-access/10.20.1.5:3389`, stable
// between runs so that an accepted risk can name one.
import type { Site } from '../config/site.ts';
import { DREAD_DIMENSIONS, FINDING_TYPES, type DreadVector, type FindingType } from './finding-types.ts';
import type { DreadScore, Finding, Row } from './types.ts';

export type Severity = Finding['severity'];

export const SEVERITY_BANDS: readonly { min: number; severity: Severity }[] = [
  { min: 8, severity: 'critical' },
  { min: 6, severity: 'high' },
  { min: 4, severity: 'medium' },
  { min: 2, severity: 'low' },
  { min: 0, severity: 'info' },
];

export function severityOf(score: number): Severity {
  for (const b of SEVERITY_BANDS) if (score >= b.min) return b.severity;
  return 'info';
}

/** The mean of the five dimensions, rounded to two decimals (so 5.8 is 5.8, not 5.800000000000001). */
export function dreadScore(v: DreadVector): DreadScore {
  const sum = DREAD_DIMENSIONS.reduce((s, d) => s + v[d], 0);
  return { ...v, score: Math.round((sum / DREAD_DIMENSIONS.length) * 100) / 100 };
}

/** The vector used for a type at this site: the default, with the site's overrides for that type. */
export function vectorFor(type: FindingType, site: Pick<Site, 'dread'>): DreadVector {
  const override = site.dread?.[type] ?? {};
  const v = { ...FINDING_TYPES[type].vector };
  for (const d of DREAD_DIMENSIONS) {
    const o = override[d];
    if (o !== undefined) v[d] = o;
  }
  return v;
}

export function findingId(type: FindingType, subject: string): string {
  return `${FINDING_TYPES[type].section}/${type}/${subject}`;
}

/**
 * A finding of `type` about `subject` (a host, `host:port`, `orig->resp:port`, `vendor/host` …), with the
 * site's DREAD vector, its severity, the type's remediation, and the evidence rows behind it.
 */
export function makeFinding(
  type: FindingType,
  subject: string,
  evidence: Row[],
  ctx: { site: Pick<Site, 'dread'> },
  opts: { title?: string } = {},
): Finding {
  const def = FINDING_TYPES[type];
  const dread = dreadScore(vectorFor(type, ctx.site));
  return {
    id: findingId(type, subject),
    section: def.section,
    title: opts.title ?? `${def.title}: ${subject}`,
    severity: severityOf(dread.score),
    dread,
    evidence,
    remediation: def.remediation,
  };
}

/** Method notes documenting the vectors of the types a section reports (and where the site changed them). */
export function dreadMethodNotes(types: readonly FindingType[], site: Pick<Site, 'dread'>): string[] {
  const notes = [
    'Each finding carries a DREAD score: the mean of damage, reproducibility, exploitability, affected users and ' +
      'discoverability (0..10 each); severity from the score: critical ≥ 8, high ≥ 6, medium ≥ 4, low ≥ 2, else info (dhai decides).',
  ];
  for (const type of types) {
    const v = vectorFor(type, site);
    const s = dreadScore(v);
    const changed = site.dread?.[type] ? ' (site override)' : '';
    notes.push(
      `${type} = ${s.score}${changed}: ` +
        DREAD_DIMENSIONS.map((d) => `${d.replace('_', ' ')} ${v[d]} (${FINDING_TYPES[type].why[d]})`).join(', ') + '.',
    );
  }
  return notes;
}

// ---- accepted risks ----

export type AcceptedRiskRule = Site['accepted_risks'][number];

/** `*` any run of characters (including `/`), `?` exactly one; everything else literal. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function ruleMatches(rule: AcceptedRiskRule, findingIdText: string): boolean {
  if (rule.id !== undefined) return rule.id === findingIdText;
  return rule.pattern !== undefined && globToRegExp(rule.pattern).test(findingIdText);
}

/** The first instant the acceptance no longer holds: the start of the day after `expires` (UTC). */
export function acceptanceEnds(rule: AcceptedRiskRule): Date {
  const d = new Date(`${rule.expires}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

export interface AcceptedFinding {
  finding: Finding;
  /** the rule's id or pattern */
  rule: string;
  reason: string;
  expires: string;
}

export interface ExpiredAcceptance {
  finding_id: string;
  rule: string;
  reason: string;
  expired: string;
}

export interface RiskOutcome {
  /** findings to rank: those no rule accepts, plus those whose acceptance has expired */
  active: Finding[];
  /** findings a rule accepts now, listed apart */
  accepted: AcceptedFinding[];
  /** acceptances that have run out (their findings are back in `active`) */
  expired: ExpiredAcceptance[];
  /** rules that matched no finding (a typo, or a risk that is gone) */
  unused: string[];
}

/**
 * Partition findings by the site's accepted risks at `now` (the report's generation time). A finding matched
 * by a current rule is accepted (the first current rule in file order names the reason); one matched only by
 * expired rules is active again and its lapsed acceptance is reported.
 */
export function applyAcceptedRisks(findings: readonly Finding[], site: Pick<Site, 'accepted_risks'>, now: Date): RiskOutcome {
  const rules = site.accepted_risks ?? [];
  const used = new Set<number>();
  const out: RiskOutcome = { active: [], accepted: [], expired: [], unused: [] };
  for (const f of findings) {
    let current: AcceptedRiskRule | undefined;
    let lapsed: AcceptedRiskRule | undefined;
    rules.forEach((r, i) => {
      if (!ruleMatches(r, f.id)) return;
      used.add(i);
      if (now < acceptanceEnds(r)) current ??= r;
      else lapsed ??= r;
    });
    if (current) {
      out.accepted.push({ finding: f, rule: current.id ?? current.pattern!, reason: current.reason, expires: current.expires });
    } else {
      out.active.push(f);
      if (lapsed) out.expired.push({ finding_id: f.id, rule: lapsed.id ?? lapsed.pattern!, reason: lapsed.reason, expired: lapsed.expires });
    }
  }
  rules.forEach((r, i) => {
    if (!used.has(i)) out.unused.push(r.id ?? r.pattern!);
  });
  return out;
}
