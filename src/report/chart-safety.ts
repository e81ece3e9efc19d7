// ECharts' SVG renderer escapes text content but writes attribute values as given (zrender svg/core.js,
// createElementOpen). So before rendering, option values that can reach an attribute (colours, fonts,
// images, links) are restricted; after rendering, the SVG is checked against a whitelist of elements and
// attributes. A chart that fails the check is not embedded.
import { FONT_STACK, OKABE_ITO } from './palette.ts';

const ALLOWED_COLORS = new Set([...Object.values(OKABE_ITO)].map((c) => c.toLowerCase()));
const COLOR_KEYS = new Set(['color', 'backgroundColor', 'borderColor', 'shadowColor', 'textBorderColor', 'textShadowColor', 'fill', 'stroke']);
const FONT_KEYS = new Set(['fontStyle', 'fontWeight']);
/** Components that draw arbitrary elements or images, or exist only for interaction. */
const DROPPED_COMPONENTS = ['graphic', 'toolbox', 'brush', 'timeline'];
const DROPPED_KEYS = new Set(['link', 'sublink', 'image', 'decal', 'backgroundImage']);

/** Greys (#rgb / #rrggbb with equal channels), transparent and the palette: the only explicit colours kept. */
function allowedColor(v: string): boolean {
  const c = v.trim().toLowerCase();
  if (c === 'transparent' || c === 'none' || ALLOWED_COLORS.has(c)) return true;
  const m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$|^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(c);
  if (!m) return false;
  const [r, g, b] = m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
  return r === g && g === b;
}

function clean(value: unknown, key: string): unknown {
  if (typeof value === 'string') {
    if (COLOR_KEYS.has(key)) return allowedColor(value) ? value : undefined;
    if (key === 'fontFamily') return FONT_STACK;
    if (FONT_KEYS.has(key)) return /^[a-z0-9 -]{1,20}$/i.test(value) ? value : undefined;
    if (key === 'symbol' && /^image:\/\//i.test(value.trim())) return 'circle';
    return value;
  }
  if (Array.isArray(value)) {
    if (!COLOR_KEYS.has(key)) return value.map((v) => clean(v, ''));
    // a list of colours (a palette, a visualMap ramp): keep the allowed ones, drop the list if none is
    const kept = value.filter((v) => typeof v === 'string' && allowedColor(v));
    return kept.length > 0 ? kept : undefined;
  }
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DROPPED_KEYS.has(k)) continue;
      // a colour given as a gradient or pattern object is replaced by the palette
      if (COLOR_KEYS.has(k) && typeof v === 'object' && v !== null && !Array.isArray(v)) continue;
      const c = clean(v, k);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return value;
}

/** A copy of an ECharts option made safe to render to SVG: see the module comment. */
export function sanitiseOption(option: Record<string, unknown>): Record<string, unknown> {
  const out = clean(option, '') as Record<string, unknown>;
  for (const c of DROPPED_COMPONENTS) delete out[c];
  return out;
}

const ALLOWED_TAGS = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan',
  'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop', 'style', 'title', 'desc', 'mask']);
const ALLOWED_ATTRS = new Set(['width', 'height', 'xmlns', 'xmlns:xlink', 'version', 'baseProfile', 'viewBox', 'x', 'y', 'x1', 'x2',
  'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'd', 'points', 'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width',
  'stroke-opacity', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit',
  'opacity', 'transform', 'style', 'class', 'id', 'clip-path', 'mask', 'dominant-baseline', 'text-anchor', 'xml:space',
  'paint-order', 'pointer-events', 'offset', 'stop-color', 'stop-opacity', 'gradientUnits', 'gradientTransform',
  'clipPathUnits', 'role', 'aria-label', 'font-size', 'font-family', 'font-weight', 'font-style', 'visibility', 'display']);
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z_:][A-Za-z0-9_:.-]*(?:="[^"<>]*")?)*)\s*(\/?)>/y;
const ATTR = /\s+([A-Za-z_:][A-Za-z0-9_:.-]*)(?:="([^"<>]*)")?/g;
const URL_REF = /url\(\s*(?!#)/i;

/** Problems that keep a rendered SVG out of the page; [] when every element and attribute is whitelisted. */
export function svgProblems(svg: string): string[] {
  const problems: string[] = [];
  let i = 0;
  let inStyle = false;
  while (i < svg.length && problems.length < 5) {
    const lt = svg.indexOf('<', i);
    if (lt < 0) break;
    if (inStyle && /@import|expression\(|javascript:/i.test(svg.slice(i, lt))) problems.push('style element with an import or script');
    if (inStyle && URL_REF.test(svg.slice(i, lt))) problems.push('style element with an external url()');
    if (inStyle && svg.startsWith('<![CDATA[', lt)) {
      // zrender wraps its hover rules in CDATA: checked like the rest of the style text
      const end = svg.indexOf(']]>', lt);
      const css = end < 0 ? '' : svg.slice(lt + 9, end);
      if (end < 0 || css.includes('<') || /@import|expression\(|javascript:/i.test(css) || URL_REF.test(css)) problems.push('style element with unsafe content');
      i = end < 0 ? svg.length : end + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(svg);
    if (!m) {
      problems.push(`unparsable markup at ${lt}`);
      break;
    }
    const [, close, name = '', attrs = ''] = m;
    if (!ALLOWED_TAGS.has(name)) problems.push(`element <${name}>`);
    if (name === 'style') inStyle = close !== '/';
    for (const a of attrs.matchAll(ATTR)) {
      const [, attr = '', val = ''] = a;
      if (!ALLOWED_ATTRS.has(attr) && !/^ecmeta_[a-z_]+$/.test(attr)) problems.push(`attribute ${attr}`);
      if (URL_REF.test(val) || /javascript:|expression\(/i.test(val)) problems.push(`attribute ${attr} with a url or script`);
    }
    i = TAG.lastIndex;
  }
  return problems;
}
