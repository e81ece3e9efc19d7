// The figures of `dhai compare`: the ones the report draws (DNS categories, TLS 1.2+ rate by direction, obsolete
// share, suite classes, hash algorithms, CT rates, certificate problems), as grouped bars with one series per
// hospital. A suppressed or missing figure leaves its bar out, never drawn as 0. No colours here: the report's
// palette applies (src/report/charts.ts).
import type { ChartSpec } from '../analyses/types.ts';
import { cellValue, type Comparison } from './compare.ts';

export interface FigureDef {
  id: string;
  section: string;
  title: string;
  /** metric name and axis label of each bar group */
  bars: readonly (readonly [string, string])[];
}

const EMPTY = '-'; // ECharts' "no value" marker: the bar is not drawn

export const FIGURES: readonly FigureDef[] = [
  {
    id: 'dns-categories', section: 'dns-categories', title: 'DNS requests by category (% of requests)',
    bars: [['requests_botnet', 'botnet'], ['requests_blacklisted', 'blacklisted'], ['requests_self_associated', 'self-associated'], ['requests_whitelisted', 'whitelisted'], ['requests_uncategorised', 'uncategorised']],
  },
  {
    id: 'tls-rate', section: 'tls-versions', title: 'Rate of TLS 1.2 or above by direction (% of established sessions)',
    bars: [['inbound_rate_tls12_plus', 'inbound'], ['outbound_rate_tls12_plus', 'outbound'], ['internal_rate_tls12_plus', 'internal']],
  },
  {
    id: 'tls-obsolete', section: 'tls-versions', title: 'TLS 1.1 or older: % of sessions by direction, and % of devices that used it at least once',
    bars: [['inbound_obsolete', 'inbound sessions'], ['outbound_obsolete', 'outbound sessions'], ['internal_obsolete', 'internal sessions'],
      ['inbound_devices_obsolete_at_least_once', 'inbound devices'], ['outbound_devices_obsolete_at_least_once', 'outbound devices']],
  },
  {
    id: 'cipher-classes', section: 'cipher-quality', title: 'Fresh sessions by suite class and Mozilla tier (% of fresh sessions)',
    bars: [['class_recommended', 'recommended'], ['class_secure', 'secure'], ['class_weak', 'weak'], ['class_insecure', 'insecure'],
      ['mozilla_modern', 'Mozilla modern'], ['mozilla_intermediate', 'Mozilla intermediate'], ['mozilla_old', 'Mozilla old'], ['mozilla_none', 'Mozilla none']],
  },
  {
    id: 'suite-hashes', section: 'cipher-quality', title: 'MAC/PRF hash of the negotiated suite (% of fresh sessions)',
    bars: [['suite_hash_md5', 'MD5'], ['suite_hash_sha1', 'SHA-1'], ['suite_hash_sha256', 'SHA-256'], ['suite_hash_sha384', 'SHA-384'], ['suite_hash_secure', 'SHA-256 or SHA-384']],
  },
  {
    id: 'cert-signature-hashes', section: 'cipher-quality', title: 'Signature hash of the leaf certificate (% of fresh sessions with a certificate)',
    bars: [['cert_sig_md5', 'MD5'], ['cert_sig_sha1', 'SHA-1'], ['cert_sig_sha256', 'SHA-256'], ['cert_sig_sha384', 'SHA-384'], ['cert_sig_sha512', 'SHA-512'], ['cert_sig_other', 'other']],
  },
  {
    id: 'ct-rates', section: 'ct-transparency', title: 'Certificates in Certificate Transparency logs (% of distinct certificates of each kind)',
    bars: [['certs_logged', 'all certificates'], ['hospital_certs_logged', "the hospital's own"], ['certs_self_signed_logged', 'self-signed']],
  },
  {
    id: 'cert-problems', section: 'cert-issues', title: 'Certificate problems (% of fresh sessions, by Zeek validation status)',
    bars: [['sessions_with_issue', 'any of the three'], ['status_unknown_issuer', 'unknown issuer'], ['status_self_signed', 'self-signed'], ['status_expired', 'expired'],
      ['status_not_yet_valid', 'not yet valid'], ['status_other_failure', 'other failure']],
  },
];

/** A share as a percentage with the report's precision; plain values are not drawn on a percent axis. */
function pct(cell: Parameters<typeof cellValue>[0]): number | string {
  const v = cellValue(cell);
  if (!v || v.kind !== 'share' || v.value === null) return EMPTY;
  return Math.round(v.value * 1e6) / 1e4;
}

/** The chart of one figure, or null when no hospital's export has any of its values. */
export function figureChart(def: FigureDef, cmp: Comparison): ChartSpec | null {
  const metrics = cmp.sections[def.section]?.metrics ?? {};
  const series = cmp.hospitals.map((h, i) => ({
    name: h.label,
    type: 'bar',
    data: def.bars.map(([m]) => pct(metrics[m]?.[i] ?? null)),
  }));
  if (!series.some((s) => s.data.some((d) => d !== EMPTY))) return null;
  return {
    id: def.id,
    title: def.title,
    option: {
      tooltip: { trigger: 'axis' },
      // one legend entry per line: server-side rendering measures text only roughly, so a row of entries can overlap
      legend: { bottom: 0, left: 'center', orient: 'vertical' },
      grid: { left: 55, right: 20, top: 30, bottom: 70 + 20 * series.length },
      xAxis: { type: 'category', data: def.bars.map(([, l]) => l), axisLabel: { interval: 0, rotate: def.bars.length > 5 ? 25 : 0 } },
      yAxis: { type: 'value', name: '%', min: 0, max: 100 },
      series,
    },
  };
}
