// The charts of the TLS sections as ECharts options (rendered to SVG by the report; no colours here, the
// report's palette applies). Values are percentages; a baseline series is drawn only when the baseline
// publishes at least one of its values, and a value it does not publish is left empty, never filled in.
import { categoryChart } from './category-chart.ts';
import { baselineValue, pct } from './tls-metrics.ts';
import type { Baseline, ChartSpec, CountShare, Metric, SectionId } from './types.ts';

const EMPTY = '-'; // ECharts' "no value" marker: the bar is not drawn

function share(metrics: Record<string, Metric>, name: string): number | null {
  const m = metrics[name];
  if (m === undefined) return null;
  return typeof m === 'number' ? m : (m as CountShare).share;
}

type Series = { name: string; type: 'bar'; data: (number | string)[] };

function seriesOf(name: string, values: (number | null)[]): Series {
  return { name, type: 'bar', data: values.map((v) => (v === null ? EMPTY : (pct(v) as number))) };
}

/** Hospital series, then the baseline's series for the same metric names when it publishes any of them. */
function withBaseline(label: string, names: string[], metrics: Record<string, Metric>, baseline: Baseline | undefined, section: SectionId): Series[] {
  const out = [seriesOf(label, names.map((n) => share(metrics, n)))];
  const base = names.map((n) => baselineValue(baseline, section, n));
  if (baseline && base.some((v) => v !== null)) out.push(seriesOf(`${label}, baseline`, base));
  return out;
}

function barChart(id: string, title: string, categories: string[], series: Series[]): ChartSpec {
  return categoryChart({
    id, title, categories, series,
    // one legend entry per line: server-side rendering measures text only roughly, so a row of entries can overlap
    legend: { bottom: 0, left: 'center', orient: 'vertical' },
    grid: { left: 55, right: 20, top: 30, bottom: 40 + 20 * series.length },
    xAxis: { axisLabel: { interval: 0 } },
    yAxis: { name: '%', min: 0, max: 100 },
  });
}

const VERSION_LABELS: [string, string][] = [
  ['sslv2', 'SSL 2.0'], ['sslv3', 'SSL 3.0'], ['tlsv10', 'TLS 1.0'], ['tlsv11', 'TLS 1.1'], ['tlsv12', 'TLS 1.2'], ['tlsv13', 'TLS 1.3'], ['other', 'other'],
];

export function versionsChart(metrics: Record<string, Metric>, baseline?: Baseline): ChartSpec {
  const series = (['inbound', 'outbound'] as const).flatMap((dir) =>
    withBaseline(dir === 'inbound' ? 'Inbound' : 'Outbound', VERSION_LABELS.map(([k]) => `${dir}_${k}`), metrics, baseline, 'tls-versions'));
  return barChart('tls-versions-by-direction', 'Established sessions by negotiated version, inbound vs outbound (% of the direction)', VERSION_LABELS.map(([, l]) => l), series);
}

export function rateChart(metrics: Record<string, Metric>, baseline?: Baseline): ChartSpec {
  const series = [
    ...withBaseline('TLS 1.2+ rate', ['inbound_rate_tls12_plus', 'outbound_rate_tls12_plus'], metrics, baseline, 'tls-versions'),
    ...withBaseline('Devices with TLS 1.1 or below at least once', ['inbound_devices_obsolete_at_least_once', 'outbound_devices_obsolete_at_least_once'], metrics, baseline, 'tls-versions'),
  ];
  return barChart('tls-rate-by-direction', 'TLS 1.2+ rate and devices with an obsolete version, by direction (paper Fig. 7)', ['Inbound', 'Outbound'], series);
}

export function classChart(metrics: Record<string, Metric>, baseline?: Baseline): ChartSpec {
  const classes = ['recommended', 'secure', 'weak', 'insecure'];
  const tiers = ['modern', 'intermediate', 'old', 'none'];
  const cats = [...classes.map((c) => `class: ${c}`), ...tiers.map((t) => `Mozilla: ${t}`)];
  const names = [...classes.map((c) => `class_${c}`), ...tiers.map((t) => `mozilla_${t}`)];
  return barChart('cipher-suite-classes', 'Fresh sessions by suite class and Mozilla tier (% of fresh sessions)', cats, withBaseline('Hospital', names, metrics, baseline, 'cipher-quality'));
}

export function hashChart(metrics: Record<string, Metric>, baseline?: Baseline): ChartSpec {
  const hashes: [string, string][] = [['md5', 'MD5'], ['sha1', 'SHA-1'], ['sha256', 'SHA-256'], ['sha384', 'SHA-384'], ['sha512', 'SHA-512'], ['other', 'other']];
  const series = [
    ...withBaseline('Suite hash', hashes.map(([k]) => `suite_hash_${k}`), metrics, baseline, 'cipher-quality'),
    ...withBaseline('Certificate signature', hashes.map(([k]) => `cert_sig_${k}`), metrics, baseline, 'cipher-quality'),
  ];
  return barChart('cipher-hash-algorithms', 'Hash algorithms of fresh sessions: suite MAC/PRF hash and leaf certificate signature (hospital vs baseline)', hashes.map(([, l]) => l), series);
}

export interface TimelineDevice {
  first: string;
  last: string;
  /** UTC days (YYYY-MM-DD) with at least one obsolete-version session */
  obsoleteDays: string[];
}

/**
 * Paper Fig. 8: one line per device from its first to its last session, a mark on each day it negotiated an
 * obsolete version; devices sorted by first activity and placed on a 0–100 percentile axis so that the chart
 * does not state how many devices there are.
 */
export function timelineChart(id: string, title: string, devices: TimelineDevice[]): ChartSpec {
  const n = devices.length;
  const y = (i: number) => Math.round(((i + 1) / n) * 10000) / 100;
  const lines: (string | [string, number])[] = [];
  const marks: [string, number][] = [];
  devices.forEach((d, i) => {
    if (i > 0) lines.push(EMPTY);
    lines.push([d.first, y(i)], [d.last, y(i)]);
    for (const day of d.obsoleteDays) marks.push([`${day}T12:00:00Z`, y(i)]);
  });
  return {
    id,
    title,
    option: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      grid: { left: 55, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'time', name: 'date (UTC)' },
      yAxis: { type: 'value', name: 'device percentile', min: 0, max: 100 },
      series: [
        { name: 'Days active (first to last session)', type: 'line', data: lines, connectNulls: false, showSymbol: false, lineStyle: { width: 1 } },
        { name: 'Obsolete-version sessions (day)', type: 'scatter', data: marks, symbolSize: 4 },
      ],
    },
  };
}
