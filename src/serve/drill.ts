// From a mark on a figure to the rows behind it, for any analysis: the mark's labels (its category on a
// category axis, its series name, its data item's name) are looked up in the section's tables and in its
// findings' evidence, and the rows that carry one of them are returned.
import type { ChartSpec, Finding, Row } from '../analyses/types.ts';
import type { ReportSection } from '../report/model.ts';

export interface MarkLabels {
  /** the labels found for the mark, most specific first */
  labels: string[];
  series: string | null;
}

export interface DrillGroup {
  /** `table <name>` or `finding <id>` */
  source: string;
  title: string;
  total: number;
  rows: Row[];
}

function asList(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
  return typeof v === 'object' && v !== null ? [v as Record<string, unknown>] : [];
}

function labelOf(item: unknown): string | null {
  if (typeof item === 'string' || typeof item === 'number') return String(item);
  if (typeof item === 'object' && item !== null) {
    const o = item as { value?: unknown; name?: unknown };
    if (typeof o.name === 'string') return o.name;
    if (typeof o.value === 'string' || typeof o.value === 'number') return String(o.value);
  }
  return null;
}

function categoryAt(axis: Record<string, unknown> | undefined, index: unknown): string | null {
  if (!axis || axis.type !== 'category' || !Array.isArray(axis.data) || typeof index !== 'number') return null;
  return labelOf(axis.data[index]);
}

/** The labels of data item `dataIndex` of series `seriesIndex` in an ECharts option. */
export function markLabels(option: Record<string, unknown>, seriesIndex: number, dataIndex: number): MarkLabels {
  const series = asList(option.series)[seriesIndex];
  const labels: string[] = [];
  const add = (l: string | null) => {
    if (l !== null && l !== '' && !labels.includes(l)) labels.push(l);
  };
  if (!series) return { labels, series: null };
  const xAxes = asList(option.xAxis);
  const yAxes = asList(option.yAxis);
  const x = xAxes[typeof series.xAxisIndex === 'number' ? series.xAxisIndex : 0];
  const y = yAxes[typeof series.yAxisIndex === 'number' ? series.yAxisIndex : 0];
  const item = Array.isArray(series.data) ? series.data[dataIndex] : undefined;
  const value = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as { value?: unknown }).value : item;
  add(labelOf(item as unknown));
  if (Array.isArray(value)) {
    // [x, y, …] on category axes (heatmaps, scatter over categories): the categories they point at
    add(categoryAt(x, value[0]) ?? (typeof value[0] === 'string' ? value[0] : null));
    add(categoryAt(y, value[1]) ?? (typeof value[1] === 'string' ? value[1] : null));
  } else {
    add(categoryAt(x, dataIndex));
    add(categoryAt(y, dataIndex));
  }
  const name = typeof series.name === 'string' ? series.name : null;
  // a plain number label (a bar's height) finds nothing useful: drop it unless nothing else is known
  const named = labels.filter((l) => !/^-?\d+(\.\d+)?$/.test(l));
  return { labels: named.length > 0 ? named : labels, series: name };
}

function carries(row: Row, labels: readonly string[]): boolean {
  return Object.values(row).some((v) =>
    Array.isArray(v) ? v.some((x) => labels.includes(String(x))) : v !== null && labels.includes(String(v)));
}

/** Rows of the section's tables and findings' evidence that carry one of the labels (at most `limit` each). */
export function drillRows(section: ReportSection, findings: readonly Finding[], mark: MarkLabels, limit = 200): DrillGroup[] {
  const wanted = mark.series && mark.labels.length === 0 ? [mark.series] : mark.labels;
  const groups: DrillGroup[] = [];
  for (const [name, rows] of Object.entries(section.tables)) {
    const hit = rows.filter((r) => carries(r, wanted));
    if (hit.length > 0) groups.push({ source: `table ${name}`, title: name.replace(/[_-]/g, ' '), total: hit.length, rows: hit.slice(0, limit) });
  }
  for (const f of findings) {
    const hit = f.evidence.filter((r) => carries(r, wanted));
    if (hit.length > 0) groups.push({ source: `finding ${f.id}`, title: f.title, total: hit.length, rows: hit.slice(0, limit) });
  }
  return groups;
}

export function chartOf(charts: readonly ChartSpec[] | undefined, id: string): ChartSpec | undefined {
  return charts?.find((c) => c.id === id);
}
