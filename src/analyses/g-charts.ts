// The charts of analysis G as ECharts options (rendered to SVG by the report): exposure per service (bar),
// the segmentation matrix (heatmap), vendor reach (stacked bar). No colours here: the report's palette applies.
import { categoryChart, type CategoryChartSpec } from './category-chart.ts';
import type { ChartSpec, Row } from './types.ts';
import type { InboundService } from './exposure-inbound.ts';
import { INTERNET } from './exposure-segmentation.ts';
import { SERVICE_KEYS, WATCHED_SERVICES } from './services.ts';

// services and vendors: hosts counted per category, long category names slanted
const HOSTS_PER_CATEGORY: Pick<CategoryChartSpec, 'legend' | 'grid' | 'xAxis' | 'yAxis'> = {
  legend: { top: 0 },
  grid: { left: 50, right: 20, top: 40, bottom: 70 },
  xAxis: { axisLabel: { rotate: 35, interval: 0 } },
  yAxis: { name: 'hosts', minInterval: 1 },
};

const CLASS_ORDER = ['medical-device', 'medical-supporting'];

/** Device classes in a stable order: the medical ones first, then alphabetical, unclassified and the Internet last. */
export function orderNodes(nodes: Iterable<string>): string[] {
  const rank = (n: string) => (CLASS_ORDER.includes(n) ? CLASS_ORDER.indexOf(n) : n === 'unclassified' ? 1000 : n === INTERNET ? 1001 : 10);
  return [...new Set(nodes)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function exposureByServiceChart(services: InboundService[]): ChartSpec {
  const labels = SERVICE_KEYS.map((k) => WATCHED_SERVICES.find((s) => s.key === k)!.label);
  const hosts = SERVICE_KEYS.map((k) => new Set(services.filter((s) => s.key === k && s.sessions > 0).map((s) => s.host)).size);
  const probedOnly = SERVICE_KEYS.map((k) => services.filter((s) => s.key === k && s.sessions === 0 && s.probes > 0).length);
  return categoryChart({
    id: 'exposure-by-service',
    title: 'Hospital services reached from the Internet',
    ...HOSTS_PER_CATEGORY,
    categories: labels,
    series: [
      { name: 'hosts that completed inbound sessions', type: 'bar', data: hosts },
      { name: 'host:ports only probed', type: 'bar', data: probedOnly },
    ],
  });
}

export function segmentationChart(matrix: Row[]): ChartSpec {
  const nodes = orderNodes(matrix.flatMap((r) => [String(r.src), String(r.dst)]));
  const data = matrix.map((r) => [nodes.indexOf(String(r.dst)), nodes.indexOf(String(r.src)), Number(r.connections)]);
  const max = Math.max(1, ...data.map((d) => d[2]!));
  return {
    id: 'segmentation-matrix',
    title: 'Connections between device classes and the Internet (rows: from, columns: to)',
    option: {
      tooltip: { position: 'top' },
      grid: { left: 140, right: 30, top: 20, bottom: 110 },
      xAxis: { type: 'category', data: nodes, name: 'to', axisLabel: { rotate: 35, interval: 0 } },
      yAxis: { type: 'category', data: nodes, name: 'from' },
      visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [{ name: 'connections', type: 'heatmap', data, label: { show: true } }],
    },
  };
}

export function vendorReachChart(reach: Row[]): ChartSpec {
  const vendors = [...new Set(reach.map((r) => String(r.vendor)))].sort();
  const classes = orderNodes(reach.map((r) => String(r.class)));
  const series = classes.map((cls) => ({
    name: cls,
    type: 'bar',
    stack: 'hosts',
    data: vendors.map((v) => new Set(reach.filter((r) => r.vendor === v && r.class === cls).map((r) => String(r.host))).size),
  }));
  return categoryChart({
    id: 'vendor-reach',
    title: 'Hospital hosts each vendor reaches, by device class',
    ...HOSTS_PER_CATEGORY,
    categories: vendors,
    series,
  });
}
