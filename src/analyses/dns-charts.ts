// The charts of analysis A as ECharts options (rendered to SVG by the report): the share of requests and of
// distinct names in each category (the paper's DNS figure), the categories per device class, and per day.
// No colours here: the report's palette applies, in the categories' order.
import { CATEGORIES, type Category } from './dns-pairs.ts';
import { categoryChart } from './category-chart.ts';
import type { ChartSpec } from './types.ts';

export const CATEGORY_LABELS: Record<Category, string> = {
  botnet: 'botnet',
  blacklisted: 'blacklisted',
  self_associated: 'self-associated',
  whitelisted: 'whitelisted',
  uncategorised: 'uncategorised',
};

const pct = (count: number, total: number) => (total > 0 ? Math.round((count / total) * 1e6) / 1e4 : 0);

export interface CategoryCounts {
  requests: Record<Category, number>;
  names: Record<Category, number>;
}

/** Categories shown: all of them, except whitelisted when no top list was loaded. */
export function shownCategories(haveTopList: boolean): Category[] {
  return CATEGORIES.filter((c) => haveTopList || c !== 'whitelisted');
}

export function categoriesChart(c: CategoryCounts, cats: readonly Category[]): ChartSpec {
  const totalReq = cats.reduce((s, k) => s + c.requests[k], 0);
  const totalNames = cats.reduce((s, k) => s + c.names[k], 0);
  return categoryChart({
    id: 'dns-categories',
    title: 'DNS requests and distinct names by category (% of all)',
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 60 },
    categories: cats.map((k) => CATEGORY_LABELS[k]),
    xAxis: { axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { name: '%', max: 100 },
    series: [
      { name: 'requests', type: 'bar', data: cats.map((k) => pct(c.requests[k], totalReq)), label: { show: true, position: 'top' } },
      { name: 'distinct names', type: 'bar', data: cats.map((k) => pct(c.names[k], totalNames)), label: { show: true, position: 'top' } },
    ],
  });
}

/** Stacked 100 % bars: the category mix of each device class's requests. */
export function perClassChart(byClass: Map<string, Record<Category, number>>, cats: readonly Category[]): ChartSpec {
  const classes = [...byClass.keys()];
  const total = (cls: string) => cats.reduce((s, k) => s + byClass.get(cls)![k], 0);
  return categoryChart({
    id: 'dns-categories-by-class',
    title: 'DNS request categories per device class (% of the class\'s requests)',
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 50, bottom: 80 },
    categories: classes,
    xAxis: { axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { name: '%', max: 100 },
    series: cats.map((k) => ({
      name: CATEGORY_LABELS[k],
      type: 'bar',
      stack: 'share',
      data: classes.map((cls) => pct(byClass.get(cls)![k], total(cls))),
    })),
  });
}

/** Requests per UTC day, stacked by category. */
export function perDayChart(byDay: Map<string, Record<Category, number>>, cats: readonly Category[]): ChartSpec {
  const days = [...byDay.keys()].sort();
  return categoryChart({
    id: 'dns-categories-by-day',
    title: 'DNS requests per day (UTC) by category',
    legend: { top: 0 },
    grid: { left: 70, right: 20, top: 50, bottom: 60 },
    categories: days,
    yAxis: { name: 'requests' },
    series: cats.map((k) => ({
      name: CATEGORY_LABELS[k],
      type: 'line',
      stack: 'requests',
      areaStyle: {},
      showSymbol: days.length <= 31,
      data: days.map((d) => byDay.get(d)![k]),
    })),
  });
}
