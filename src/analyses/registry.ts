// The analyses the report runs, in report order. Adding an analysis is adding its file and one line here.
import { certIssues } from './cert-issues.ts';
import { cipherQuality } from './cipher-quality.ts';
import { ctTransparency } from './ct-transparency.ts';
import { dnsCategories } from './dns-categories.ts';
import { exposure } from './exposure.ts';
import { obsoleteDevices } from './obsolete-devices.ts';
import { supplyChain } from './supply-chain.ts';
import { tlsReportCards } from './tls-report-cards.ts';
import { tlsVersions } from './tls-versions.ts';
import type { Analysis } from './types.ts';

export const ANALYSES: Analysis[] = [
  dnsCategories,
  tlsVersions,
  cipherQuality,
  obsoleteDevices,
  tlsReportCards,
  certIssues,
  ctTransparency,
  exposure,
  supplyChain,
];
