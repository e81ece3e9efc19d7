// Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2008; the eight colours as published,
// https://jfly.uni-koeln.de/color/), ordered so that neighbouring series differ most; yellow comes last
// because it is faint on white paper.
export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  bluishGreen: '#009E73',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  skyBlue: '#56B4E9',
  yellow: '#F0E442',
  black: '#000000',
} as const;

export const SERIES_COLORS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
  OKABE_ITO.yellow,
];

/** Severity is always written out as a word too; the colour only helps. */
export const SEVERITY_COLORS: Record<'critical' | 'high' | 'medium' | 'low' | 'info', string> = {
  critical: OKABE_ITO.vermillion,
  high: OKABE_ITO.orange,
  medium: OKABE_ITO.reddishPurple,
  low: OKABE_ITO.skyBlue,
  info: '#999999',
};

/** A font stack without quotes: ECharts writes it into an SVG attribute unescaped. */
export const FONT_STACK = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
