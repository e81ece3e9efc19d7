// Charts as SVG without a browser: ECharts' server-side rendering of each analysis' ChartSpec, in the
// colour-blind-safe palette, without animation, checked before it is embedded (chart-safety.ts).
import * as echarts from 'echarts';
import type { ChartSpec } from '../analyses/types.ts';
import { escapeHtml } from './escape.ts';
import { sanitiseOption, svgProblems } from './chart-safety.ts';
import { FONT_STACK, OKABE_ITO, SERIES_COLORS } from './palette.ts';

const SEQUENTIAL_LOW = '#eeeeee';

export interface RenderedChart {
  id: string;
  title: string;
  /** the SVG markup, or null when the chart could not be rendered safely (then `problem` says why) */
  svg: string | null;
  problem?: string;
}

export const CHART_WIDTH = 760;
export const CHART_HEIGHT = 400;

function withHouseStyle(option: Record<string, unknown>): Record<string, unknown> {
  const safe = sanitiseOption(option);
  const textStyle = typeof safe.textStyle === 'object' && safe.textStyle !== null ? safe.textStyle : {};
  // continuous scales (heatmaps) run from light grey to the palette's blue unless the analysis chose palette colours
  const ramp = (vm: unknown) => {
    if (typeof vm !== 'object' || vm === null) return vm;
    const v = vm as { inRange?: { color?: unknown } };
    return v.inRange?.color ? v : { ...v, inRange: { ...v.inRange, color: [SEQUENTIAL_LOW, OKABE_ITO.blue] } };
  };
  const visualMap = safe.visualMap === undefined ? {} : { visualMap: Array.isArray(safe.visualMap) ? safe.visualMap.map(ramp) : ramp(safe.visualMap) };
  return {
    ...safe,
    ...visualMap,
    color: [...SERIES_COLORS],
    animation: false,
    aria: { enabled: false },
    backgroundColor: 'transparent',
    textStyle: { ...textStyle, fontFamily: FONT_STACK },
  };
}

/** Render one chart to SVG (server side); a failure is reported in the result, never thrown. */
export function renderChart(spec: ChartSpec, size: { width?: number; height?: number } = {}): RenderedChart {
  const width = size.width ?? CHART_WIDTH;
  const height = size.height ?? CHART_HEIGHT;
  let chart: echarts.ECharts | undefined;
  try {
    chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
    chart.setOption(withHouseStyle(spec.option));
    const svg = chart.renderToSVGString();
    const problems = svgProblems(svg);
    if (problems.length > 0) return { id: spec.id, title: spec.title, svg: null, problem: `unsafe SVG output (${problems.join(', ')})` };
    // ECharts skips what it does not know (an unknown series type) and returns an empty canvas
    if (!/<(path|text|circle|polyline|polygon|line|ellipse)\b/.test(svg)) return { id: spec.id, title: spec.title, svg: null, problem: 'ECharts drew nothing (an unknown series type?)' };
    // the figure's accessible name is the chart title (escaped: it may carry names from the logs)
    const labelled = svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(spec.title)}" `);
    return { id: spec.id, title: spec.title, svg: labelled };
  } catch (e) {
    return { id: spec.id, title: spec.title, svg: null, problem: `ECharts could not render it: ${(e as Error).message}` };
  } finally {
    chart?.dispose();
  }
}
