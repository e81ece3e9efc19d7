// Converting one raw Zeek value (a TSV token or a JSON value) into dhai's canonical form, or saying why not.
import { containerInner, epochToMicros, validScalar } from './zeek-types.ts';

/** A converted value ready for JSON.stringify; times are microseconds since the epoch. */
export type Canon = string | number | boolean | null | Canon[];

export class BadValue extends Error {}

/**
 * Decode Zeek's TSV escapes: `\xHH` for bytes and `\\` for a backslash (x509 subjects write `O=Imgur\\, Inc.`).
 * If the bytes are not UTF-8 the escaped text is kept (lossless and safe).
 */
export function unescapeZeek(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s.charCodeAt(i) === 92 && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (s.charCodeAt(i) === 92 && s.charCodeAt(i + 1) === 92) {
      bytes.push(92);
      i += 2;
    } else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      i += ch.length;
    }
  }
  const buf = Buffer.from(bytes);
  const text = buf.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buf) ? text : s;
}

/** A TSV token of a scalar Zeek type → canonical value. Throws BadValue. */
export function scalarFromToken(type: string, token: string): Canon {
  if (!validScalar(type, token)) throw new BadValue(`not a valid ${type}`);
  switch (type) {
    case 'time':
      return epochToMicros(Number(token));
    case 'interval':
    case 'double':
      return Number(token);
    case 'count':
    case 'int':
      // kept as text when beyond 2^53 so no digit is lost; DuckDB casts it
      return Number.isSafeInteger(Number(token)) ? Number(token) : token;
    case 'port':
      return Number(token);
    case 'bool':
      return token === 'T';
    default:
      return unescapeZeek(token);
  }
}

/** A TSV field → canonical value, honouring the header's unset, empty and set-separator markers. */
export function fromToken(
  type: string,
  token: string,
  marks: { unset: string; empty: string; setSep: string },
): Canon {
  if (token === marks.unset) return null;
  const inner = containerInner(type);
  if (inner !== undefined) {
    if (token === marks.empty) return [];
    return token.split(marks.setSep).map((t) => scalarFromToken(inner, t));
  }
  if (token === marks.empty) {
    if (type === 'string' || type === 'enum' || type === 'pattern' || type === 'subnet') return '';
    throw new BadValue(`empty value for a ${type}`);
  }
  return scalarFromToken(type, token);
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/;

/** JSON logs write times as epoch seconds or ISO 8601 (JSON::TS_ISO8601); both → microseconds. */
export function timeFromJson(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return epochToMicros(v);
  if (typeof v === 'string') {
    if (validScalar('time', v)) return epochToMicros(Number(v));
    const m = ISO.exec(v);
    if (m) {
      const [, y, mo, d, h, mi, s, frac = '', tz = 'Z'] = m;
      let ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
      if (tz !== 'Z') {
        const sign = tz.startsWith('-') ? -1 : 1;
        const digits = tz.slice(1).replace(':', '');
        ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
      }
      if (!Number.isNaN(ms)) return ms * 1000 + Number(frac.padEnd(6, '0').slice(0, 6));
    }
  }
  throw new BadValue('not a time (epoch seconds or ISO 8601)');
}

/** A JSON value of a known Zeek type → canonical value. */
export function fromJson(type: string, v: unknown): Canon {
  if (v === null || v === undefined) return null;
  const inner = containerInner(type);
  if (inner !== undefined) {
    if (!Array.isArray(v)) throw new BadValue(`expected a list for a ${type}`);
    return v.map((x) => fromJson(inner, x));
  }
  if (type === 'time') return timeFromJson(v);
  if (type === 'bool') {
    if (typeof v !== 'boolean') throw new BadValue('not a boolean');
    return v;
  }
  if (type === 'string' || type === 'enum' || type === 'addr' || type === 'subnet' || type === 'pattern') {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }
  const token = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
  return scalarFromToken(type, token);
}

/** The Zeek type to give a JSON field the schema does not know, from its first value. */
export function inferJsonType(v: unknown): string {
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') && v.length ? 'vector[double]' : 'vector[string]';
  return 'string';
}
