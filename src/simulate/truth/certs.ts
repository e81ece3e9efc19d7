// Ground truth for sections E (cert-issues) and F (ct-transparency): validation outcomes of fresh sessions,
// certificate facts, and which distinct server certificates the CT fingerprint feed lists. Definitions in
// METRICS.md; certificates are told apart by fingerprint.
import { getDomainWithoutSuffix } from 'tldts';
import { certNames, type Cert } from '../model/certs.ts';
import { cs, SiteFacts, snake, type Metrics } from './metrics.ts';
import type { SessionFacts } from './tls.ts';

/**
 * Issuer organisations counted as reputable when their certificates' issuer is unknown to the monitor (the
 * paper names Apple, Microsoft, Samsung and IBM). Matched against the O= of the leaf's issuer.
 */
export const REPUTABLE_ISSUER_ORGS = ['Apple Inc.', 'Microsoft Corporation', 'Samsung Electronics Co., Ltd.', 'International Business Machines Corporation'];

export type StatusCategory = 'ok' | 'unknown_issuer' | 'self_signed' | 'expired' | 'not_yet_valid' | 'other_failure' | 'unavailable';

const categoryCache = new Map<string, StatusCategory>();

/** validation_status → category; OpenSSL 1.1 and 3.x spellings. */
export function statusCategory(status: string | undefined): StatusCategory {
  if (status === undefined) return 'unavailable';
  let c = categoryCache.get(status);
  if (c === undefined) categoryCache.set(status, (c = categorise(status)));
  return c;
}

function categorise(status: string): StatusCategory {
  if (status === '') return 'unavailable';
  const s = status.toLowerCase();
  if (s === 'ok') return 'ok';
  if (s === 'unable to get local issuer certificate' || s === 'unable to get issuer certificate' || s === 'unable to verify the first certificate') return 'unknown_issuer';
  if (/^self[- ]signed certificate( in certificate chain)?$/.test(s)) return 'self_signed';
  if (s === 'certificate has expired') return 'expired';
  if (s === 'certificate is not yet valid') return 'not_yet_valid';
  return 'other_failure';
}

/** The O= value of a distinguished name as OpenSSL prints it (backslash escapes removed). */
export function dnOrg(dn: string): string | null {
  const m = /(?:^|,)O=((?:[^,\\]|\\.)*)/.exec(dn);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : null;
}

export class CertTruth {
  private readonly status: Record<string, number> = {};
  private readonly distinct: Record<string, Set<string>> = {};
  private readonly leaves = new Map<string, Cert>();
  /** Leaf certificates hospital hosts presented. */
  private readonly hospitalServed = new Set<Cert>();
  private fresh = 0;
  private expiredSessions = 0;
  private noIssuer = 0;
  private reputable = 0;

  constructor(private readonly site: SiteFacts) {}

  session(s: SessionFacts): void {
    const leaf = s.chain?.certs[0];
    if (leaf) {
      this.leaves.set(leaf.sha256, leaf);
      if (s.respInside) this.hospitalServed.add(leaf);
    }
    if (!s.established || s.resumed) return;
    this.fresh++;
    const cat = statusCategory(s.status);
    this.status[cat] = (this.status[cat] ?? 0) + 1;
    if (!leaf) return;
    if (cat === 'unknown_issuer' || cat === 'self_signed') this.add(cat, leaf);
    if (cat === 'unknown_issuer') {
      if (leaf.issuer === '') {
        this.noIssuer++;
        this.add('no_issuer', leaf);
      }
      if (REPUTABLE_ISSUER_ORGS.includes(dnOrg(leaf.issuer) ?? '')) this.reputable++;
    }
    if (leaf.notAfter * 1e6 < s.ts) {
      this.expiredSessions++;
      this.add('expired', leaf);
    }
  }

  private add(kind: string, leaf: Cert): void {
    (this.distinct[kind] ??= new Set()).add(leaf.sha256);
  }

  /** DNS names in certificates that hospital hosts presented (rule d of section A). */
  hospitalCertNames(): Set<string> {
    const names = new Set<string>();
    for (const c of this.hospitalServed) for (const n of certNames(c)) names.add(n);
    return names;
  }

  issueMetrics(): Metrics {
    const st = this.status;
    const f = this.fresh;
    const m: Metrics = { fresh_sessions: f };
    for (const c of ['ok', 'unknown_issuer', 'self_signed', 'expired', 'not_yet_valid', 'other_failure', 'unavailable']) m[`status_${c}`] = cs(st[c] ?? 0, f);
    const issues = (st.unknown_issuer ?? 0) + (st.self_signed ?? 0) + (st.expired ?? 0);
    m.sessions_with_issue = cs(issues, f);
    m.issue_unknown_issuer = cs(st.unknown_issuer ?? 0, issues);
    m.issue_self_signed = cs(st.self_signed ?? 0, issues);
    m.issue_expired = cs(st.expired ?? 0, issues);
    m.unknown_issuer_no_issuer = cs(this.noIssuer, st.unknown_issuer ?? 0);
    m.unknown_issuer_reputable = cs(this.reputable, st.unknown_issuer ?? 0);
    m.sessions_expired_cert = cs(this.expiredSessions, f);
    const size = (k: string) => this.distinct[k]?.size ?? 0;
    m.certs_unknown_issuer = size('unknown_issuer');
    m.certs_self_signed = size('self_signed');
    m.certs_no_issuer = size('no_issuer');
    m.certs_expired = size('expired');
    const medicalDomains = [...this.site.domains, ...this.site.vendorDomains];
    let medical = 0;
    for (const fp of this.distinct.expired ?? []) if (certNames(this.leaves.get(fp)!).some((n) => SiteFacts.under(n.replace(/^\*\./, ''), medicalDomains))) medical++;
    m.certs_expired_medical = cs(medical, size('expired'));
    m.certs_expired_non_medical = cs(size('expired') - medical, size('expired'));
    return m;
  }

  ctMetrics(topList: readonly string[]): Metrics {
    const leaves = [...this.leaves.values()];
    const logged = (c: Cert) => c.inCt;
    const m: Metrics = { certs_total: leaves.length, certs_logged: cs(leaves.filter(logged).length, leaves.length) };
    const self = leaves.filter((c) => c.subject === c.issuer);
    m.certs_self_signed = self.length;
    m.certs_self_signed_logged = cs(self.filter(logged).length, self.length);
    const hospital = leaves.filter((c) => certNames(c).some((n) => SiteFacts.under(n.replace(/^\*\./, ''), this.site.domains)));
    m.hospital_certs = hospital.length;
    m.hospital_certs_logged = cs(hospital.filter(logged).length, hospital.length);
    // services: labels of the top 500 registrable domains, 5+ characters, matched in subjects
    const labels: string[] = [];
    for (const d of topList.slice(0, 500)) {
      const label = getDomainWithoutSuffix(d, { allowPrivateDomains: false })?.toLowerCase();
      if (label && label.length >= 5 && !labels.includes(label)) labels.push(label);
    }
    let kept = 0;
    let below = 0;
    const perService: Metrics = {};
    for (const label of labels.sort()) {
      const certs = leaves.filter((c) => c.subject.toLowerCase().includes(label));
      if (certs.length < 10) continue;
      kept++;
      const share = cs(certs.filter(logged).length, certs.length);
      if (share.share < 0.9) below++;
      perService[`service_${snake(label)}_logged`] = share;
    }
    m.services_kept = kept;
    m.services_kept_below_90pct = below;
    return { ...m, ...perService };
  }
}
