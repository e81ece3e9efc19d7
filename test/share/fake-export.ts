// Shareable exports written by hand for the comparison tests: every figure compare.html draws, at one level
// (`rate`), so a test knows each value; optionally one figure suppressed, CT not available, a hostile feed name.
import type { ShareExport, ShareMetric, ShareSection } from '../../src/share/model.ts';
import { FIGURES } from '../../src/share/compare-charts.ts';
import { shareMethod } from '../../src/share/export.ts';

export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror=window.__pwned=1>',
  formula: '=HYPERLINK("http://x")',
} as const;

export interface FakeOptions {
  suppressInbound?: boolean;
  feedName?: string;
}

export function fakeExport(rate: number, o: FakeOptions = {}): ShareExport {
  const share = (s: number): ShareMetric => ({ count: Math.round(s * 100), share: s });
  const sections: Record<string, ShareSection> = {};
  for (const f of FIGURES) {
    const s = (sections[f.section] ??= { status: 'ok', metrics: {} });
    for (const [m] of f.bars) s.metrics[m] = m.includes('devices') ? { share: rate / 2 } : share(rate);
  }
  const tls = sections['tls-versions']!;
  tls.metrics.outbound_sessions = 100;
  tls.metrics.outbound_devices = { share: 0.25 };
  const suppressed: ShareExport['manifest']['suppressed'] = [];
  if (o.suppressInbound) {
    delete tls.metrics.inbound_rate_tls12_plus;
    suppressed.push({ section: 'tls-versions', metric: 'inbound_rate_tls12_plus', reason: 'fewer_than_k_devices', detail: 'rests on fewer than 5 hospital devices' });
    sections['ct-transparency'] = { status: 'not_available', metrics: {} };
  }
  return {
    format: 'dhai-share-export',
    schema_version: 1,
    dhai_version: '0.1.0',
    generated_at: '2026-01-01T00:00:00.000Z',
    window: { from: '2018-01-01T00:00:00.000Z', to: '2018-01-08T00:00:00.000Z' },
    k: 5,
    feeds: [{ name: o.feedName ?? 'tranco', kind: 'toplist', date: '2018-01-01T00:00:00.000Z', date_source: 'content' }],
    method: shareMethod(5),
    sections,
    manifest: { suppressed, left_out: [{ section: 'exposure', metric: 'exposed_services.dicom', reason: 'not_on_allow_list', count: 1 }], converted: [], renamed_feeds: 0 },
  };
}
