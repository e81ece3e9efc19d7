// Key-by-key comparison of a section's ground truth (ground-truth.json, src/simulate/METRICS.md) with the
// metrics the analysis reported: every ground-truth key must be present and equal.
import type { Metric } from '../../src/analyses/types.ts';

export type TruthMetric = number | { count: number; share: number };

/** One line per disagreement; empty when the section matches its ground truth. */
export function compareTruth(section: string, truth: Record<string, TruthMetric>, got: Record<string, Metric>): string[] {
  const problems: string[] = [];
  for (const [k, t] of Object.entries(truth)) {
    const g = got[k];
    if (g === undefined) problems.push(`${section}.${k}: missing (truth ${JSON.stringify(t)})`);
    else if (typeof t === 'number') {
      if (g !== t) problems.push(`${section}.${k}: ${JSON.stringify(g)} ≠ truth ${t}`);
    } else if (typeof g === 'number' || g.count !== t.count) {
      problems.push(`${section}.${k}: ${JSON.stringify(g)} ≠ truth ${JSON.stringify(t)}`);
    } else if (g.share === null ? !(t.count === 0 && t.share === 0) : Math.abs(g.share - t.share) > 1e-9) {
      // report.json writes an empty denominator's share as null, the ground truth as 0
      problems.push(`${section}.${k}: share ${g.share} ≠ truth ${t.share}`);
    }
  }
  return problems;
}
