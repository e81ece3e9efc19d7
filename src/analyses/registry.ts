// The analyses the report runs, in report order. Adding an analysis is adding its file and one line here.
import { exposure } from './exposure.ts';
import { supplyChain } from './supply-chain.ts';
import type { Analysis } from './types.ts';

export const ANALYSES: Analysis[] = [
  exposure,
  supplyChain,
];
