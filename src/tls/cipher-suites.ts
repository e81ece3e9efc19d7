// Look up what Zeek logged in ssl.log `cipher` (or a client's offered list): by Zeek's name, the IANA name, a
// case-insensitive match of either, or `unknown-<code>` by code point (an older Zeek may not name a suite the
// registry has since assigned). Adds the class and the Mozilla tier to the generated facts.
import { classifySuite, hashQuality, type CipherClass, type HashQuality } from './cipher-class.ts';
import type { CipherSuiteFacts } from './facts.ts';
import { CIPHER_SUITES } from './generated/cipher-suites.ts';
import { mozillaSuiteTier, type MozillaTier } from './mozilla-tier.ts';
import { parseSuiteName, type SuiteDecomposition } from './suite-name.ts';

export interface CipherSuiteInfo extends CipherSuiteFacts {
  /** The name Zeek logs, else the IANA name. */
  name: string;
  /** null for signalling values and GREASE, which are never a negotiated suite. */
  class: CipherClass | null;
  classReasons: string[];
  hashQuality: HashQuality | null;
  mozillaTier: MozillaTier;
}

function annotate(f: CipherSuiteFacts): CipherSuiteInfo {
  const verdict = f.suite ? classifySuite(f.suite) : null;
  return {
    ...f,
    name: f.zeek ?? f.iana ?? `unknown-${f.code}`,
    class: verdict?.class ?? null,
    classReasons: verdict?.reasons ?? [],
    hashQuality: f.suite ? hashQuality(f.suite.hash) : null,
    mozillaTier: mozillaSuiteTier(f.code),
  };
}

const ALL: readonly CipherSuiteInfo[] = CIPHER_SUITES.map(annotate);
const byCode = new Map(ALL.map((s) => [s.code, s]));
const byName = new Map<string, CipherSuiteInfo>();
const byFolded = new Map<string, CipherSuiteInfo>();
for (const s of ALL) {
  for (const n of [s.zeek, s.iana]) {
    if (!n) continue;
    byName.set(n, s);
    byFolded.set(n.toUpperCase(), s);
  }
}

export function allCipherSuites(): readonly CipherSuiteInfo[] {
  return ALL;
}

export function cipherSuiteByCode(code: number): CipherSuiteInfo | null {
  return byCode.get(code) ?? null;
}

/** The table entry for a logged cipher string; null when the table does not know it. */
export function lookupCipherSuite(logged: string): CipherSuiteInfo | null {
  const name = logged.trim();
  const hit = byName.get(name) ?? byFolded.get(name.toUpperCase());
  if (hit) return hit;
  const unknown = /^unknown-(\d+)$/.exec(name);
  return unknown ? cipherSuiteByCode(Number(unknown[1])) : null;
}

export interface CipherAssessment {
  logged: string;
  /** table: a generated-table entry; parsed: not in the table but a well-formed suite name; unknown: neither. */
  source: 'table' | 'parsed' | 'unknown';
  suite: SuiteDecomposition | null;
  class: CipherClass | 'unknown';
  reasons: string[];
  mozillaTier: MozillaTier;
}

/** Class of any logged cipher string, falling back to reading the name when the table lacks it. */
export function assessCipher(logged: string): CipherAssessment {
  const info = lookupCipherSuite(logged);
  if (info) {
    return {
      logged, source: 'table', suite: info.suite, class: info.class ?? 'unknown',
      reasons: info.class ? info.classReasons : [`${info.kind} value, not a cipher suite`], mozillaTier: info.mozillaTier,
    };
  }
  const parsed = parseSuiteName(logged.trim());
  if (parsed?.kind === 'suite') {
    const v = classifySuite(parsed.decomposition);
    return { logged, source: 'parsed', suite: parsed.decomposition, class: v.class, reasons: v.reasons, mozillaTier: 'none' };
  }
  return { logged, source: 'unknown', suite: null, class: 'unknown', reasons: ['not a known cipher suite'], mozillaTier: 'none' };
}
