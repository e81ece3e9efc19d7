// Charts of analyses E and F as ECharts options (the report renders them to SVG in its own palette). Labels
// taken from certificates (issuer organisations, services) are attacker-controlled text: the renderer
// escapes text content, and they are shortened here so a long name cannot swamp the chart.
import { categoryChart } from './category-chart.ts';
import type { ChartSpec, Metric, Row } from './types.ts';

const LABEL_MAX = 32;
const short = (s: unknown): string => {
  const t = String(s ?? '');
  return t.length > LABEL_MAX ? `${t.slice(0, LABEL_MAX - 1)}…` : t;
};
const shareOf = (m: Metric | undefined): number => (typeof m === 'object' && m.share !== null ? m.share : 0);
const pct = (x: number): number => Math.round(x * 10000) / 100;

const CATEGORY_LABELS: Record<string, string> = {
  ok: 'ok', internal_ca: 'internal CA', unknown_issuer: 'unknown issuer', self_signed: 'self-signed', expired: 'expired',
  not_yet_valid: 'not yet valid', other_failure: 'other failure', unavailable: 'unavailable',
};

export function issueCharts(metrics: Record<string, Metric>, tables: Record<string, Row[]>): ChartSpec[] {
  const cats = Object.keys(CATEGORY_LABELS);
  const charts: ChartSpec[] = [
    categoryChart({
      id: 'cert-issues-categories',
      title: 'Fresh sessions by certificate validation outcome (% of fresh sessions)',
      legend: { top: 0, itemGap: 30 },
      grid: { left: 50, right: 20, top: 40, bottom: 70 },
      categories: cats.map((c) => CATEGORY_LABELS[c]!),
      xAxis: { axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { name: '%', max: 100 },
      series: [
        { name: 'sensor (validation_status)', type: 'bar', data: cats.map((c) => (c === 'internal_ca' ? 0 : pct(shareOf(metrics[`status_${c}`])))) },
        { name: 'dhai (own verification, internal CAs)', type: 'bar', data: cats.map((c) => pct(shareOf(metrics[`effective_${c}`]))) },
      ],
    }),
  ];
  const orgs = (tables.unknown_issuer_orgs ?? []).slice(0, 10).reverse();
  if (orgs.length > 0) {
    charts.push({
      id: 'cert-issues-unknown-issuer-orgs',
      title: 'Issuer organisations behind unknown-issuer sessions (top 10, % of that traffic)',
      option: {
        tooltip: { trigger: 'axis' },
        legend: { top: 0, itemGap: 30 },
        grid: { left: 20, right: 40, top: 40, bottom: 30, containLabel: true },
        xAxis: { type: 'value', name: '%' },
        yAxis: { type: 'category', data: orgs.map((r) => short(r.issuer_org)) },
        series: [
          { name: 'reputable vendor', type: 'bar', stack: 'o', data: orgs.map((r) => (r.reputable ? pct(Number(r.share)) : 0)) },
          { name: 'other issuer', type: 'bar', stack: 'o', data: orgs.map((r) => (r.reputable ? 0 : pct(Number(r.share)))) },
        ],
      },
    });
  }
  const cal = tables.hospital_expiry ?? [];
  if (cal.length > 0) {
    const bands = ['expired', 'within 30 days', 'within 60 days', 'within 90 days', 'later', 'unknown'];
    charts.push(categoryChart({
      id: 'cert-issues-expiry-calendar',
      title: "The hospital's own certificates by expiry (from the end of the window)",
      grid: { left: 50, right: 20, top: 30, bottom: 40 },
      categories: bands,
      yAxis: { name: 'certificates', minInterval: 1 },
      series: [{ name: 'certificates', type: 'bar', data: bands.map((b) => cal.filter((r) => r.band === b).length) }],
    }));
  }
  return charts;
}

/** Fig. 9: per-service share of certificates in CT, with the hospital's share as a level line. */
export function ctServiceChart(services: Row[], hospitalShare: number | null): ChartSpec {
  const sorted = [...services].sort((a, b) => Number(b.share) - Number(a.share) || String(a.service).localeCompare(String(b.service)));
  return categoryChart({
    id: 'ct-transparency-services',
    title: 'Share of certificates in CT logs: top-list services and the hospital',
    legend: { top: 0, itemGap: 30 },
    grid: { left: 50, right: 30, top: 40, bottom: 90 },
    categories: sorted.map((r) => short(r.service)),
    xAxis: { name: 'services of the top list', nameLocation: 'middle', nameGap: 70, axisLabel: { rotate: 45, interval: 0 } },
    yAxis: { min: 0, max: 1, name: 'share in CT' },
    series: [
      {
        name: 'top services',
        type: 'scatter',
        data: sorted.map((r) => Number(r.share)),
        ...(hospitalShare === null
          ? {}
          : { markLine: { symbol: 'none', label: { formatter: 'hospital', position: 'insideEndTop' }, data: [{ name: 'hospital', yAxis: Math.round(hospitalShare * 10000) / 10000 }] } }),
      },
    ],
  });
}

export function ctEvidenceChart(rows: Row[]): ChartSpec {
  return {
    id: 'ct-transparency-evidence',
    title: 'Distinct certificates found logged, by evidence',
    option: {
      tooltip: { trigger: 'axis' },
      grid: { left: 180, right: 30, top: 20, bottom: 30 },
      xAxis: { type: 'value', name: 'certificates', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => String(r.evidence)) },
      series: [{ name: 'certificates', type: 'bar', data: rows.map((r) => Number(r.certificates)) }],
    },
  };
}
