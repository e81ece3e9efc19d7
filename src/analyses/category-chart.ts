// The scaffolding the analyses' charts share: categories along the x axis, values up the y axis, a tooltip for
// the whole column. Each chart keeps its own layout (grid, legend, label rotation) and series; no colours here,
// the report's palette applies.
import type { ChartSpec } from './types.ts';

export interface CategoryChartSpec {
  id: string;
  title: string;
  /** the x axis' labels, in order; a caller that takes them from the logs shortens them (see cert-charts.ts) */
  categories: string[];
  series: Record<string, unknown>[];
  grid: Record<string, number | boolean>;
  /** the value axis' settings (name, min, max, minInterval) */
  yAxis: Record<string, unknown>;
  /** the category axis' settings beyond its labels (axisLabel, name) */
  xAxis?: Record<string, unknown>;
  /** absent: the chart has no legend */
  legend?: Record<string, unknown>;
}

export function categoryChart(c: CategoryChartSpec): ChartSpec {
  return {
    id: c.id,
    title: c.title,
    option: {
      tooltip: { trigger: 'axis' },
      ...(c.legend ? { legend: c.legend } : {}),
      grid: c.grid,
      xAxis: { type: 'category', data: c.categories, ...c.xAxis },
      yAxis: { type: 'value', ...c.yAxis },
      series: c.series,
    },
  };
}
