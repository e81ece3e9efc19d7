// Mozilla server-side TLS tier of what was negotiated: the strictest configuration (modern ⊂ intermediate ⊂ old)
// whose list contains the suite or version, "none" when even "old" does not. A session's tier is the looser of
// its version's and its suite's. The lists are generated/mozilla-tiers.ts.
import { MOZILLA_CONFIGURATIONS } from './generated/mozilla-tiers.ts';

export type MozillaTier = 'modern' | 'intermediate' | 'old' | 'none';

/** Strictest first. */
export const MOZILLA_TIERS: readonly MozillaTier[] = ['modern', 'intermediate', 'old', 'none'];
const CONFIGS = ['modern', 'intermediate', 'old'] as const;

const suiteTier = new Map<number, MozillaTier>();
const versionTier = new Map<string, MozillaTier>();
// walk loosest to strictest so the strictest configuration listing an item wins
for (const name of [...CONFIGS].reverse()) {
  for (const s of MOZILLA_CONFIGURATIONS[name].suites) suiteTier.set(s.code, name);
  for (const v of MOZILLA_CONFIGURATIONS[name].tlsVersions) versionTier.set(v, name);
}

export function mozillaSuiteTier(code: number): MozillaTier {
  return suiteTier.get(code) ?? 'none';
}

/** Tier of a version by Mozilla's name (TLSv1.2); null when Mozilla does not grade it (DTLS, drafts, unknown). */
export function mozillaVersionTier(mozillaName: string | null): MozillaTier | null {
  if (mozillaName === null) return null;
  // SSLv2/SSLv3 are in no 5.x configuration: graded, and failing
  return versionTier.get(mozillaName) ?? 'none';
}

/** The loosest of the given tiers (a TLS 1.0 session with a "modern" suite is "old"). */
export function loosestTier(first: MozillaTier, ...rest: MozillaTier[]): MozillaTier {
  let worst = MOZILLA_TIERS.indexOf(first);
  for (const t of rest) worst = Math.max(worst, MOZILLA_TIERS.indexOf(t));
  return MOZILLA_TIERS[worst] as MozillaTier;
}
