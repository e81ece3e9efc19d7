// One indicator value (domain, address, network, `ip:port`, or URL) to a feed entry, for the parsers of
// blocklist and botnet formats.
import { normaliseDomain } from '../domain.ts';
import { parseEndpoint } from '../ip.ts';
import type { DomainEntry, IpEntry } from '../types.ts';

export interface IndicatorContext {
  family?: string | null;
  detail?: string | null;
}

export type IndicatorResult = { ok: true; entry: DomainEntry | IpEntry } | { ok: false; reason: string };

const MAX_DETAIL = 300;

/** Free text from a feed kept for context: trimmed, bounded, `None`/empty as null. */
export function cleanText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  if (t === '' || t === 'None' || t === 'null') return null;
  return t.length > MAX_DETAIL ? `${t.slice(0, MAX_DETAIL)}…` : t;
}

function entryFor(value: string, ctx: IndicatorContext, fromUrl: boolean): IndicatorResult {
  const family = cleanText(ctx.family);
  const detail = cleanText(ctx.detail);
  const ep = parseEndpoint(value);
  if (ep) return { ok: true, entry: { type: 'ip', ...ep, family, detail, fromUrl } };
  const d = normaliseDomain(value);
  if (!d.ok) return d;
  return {
    ok: true,
    entry: { type: 'domain', domain: d.domain, registrable: d.registrable, rank: null, family, detail, fromUrl },
  };
}

/** A bare domain, address, network or `ip:port`. */
export function indicator(value: string, ctx: IndicatorContext = {}): IndicatorResult {
  return entryFor(value.trim(), ctx, false);
}

/** The host of a listed URL (the URL itself goes into `detail` unless the caller gives one). */
export function urlHostIndicator(url: string, ctx: IndicatorContext = {}): IndicatorResult {
  let host: string;
  try {
    host = new URL(url.trim()).hostname;
  } catch {
    return { ok: false, reason: 'invalid URL' };
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '') return { ok: false, reason: 'URL without a host' };
  return entryFor(host, { family: ctx.family, detail: ctx.detail ?? url }, true);
}
