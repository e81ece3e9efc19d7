// The analyses the report runs, in report order. Adding an analysis is adding its file and one line here.
import { certIssues } from './cert-issues.ts';
import { ctTransparency } from './ct-transparency.ts';
import { exposure } from './exposure.ts';
import { supplyChain } from './supply-chain.ts';
import type { Analysis } from './types.ts';

export const ANALYSES: Analysis[] = [
  certIssues,
  ctTransparency,
  exposure,
  supplyChain,
];
