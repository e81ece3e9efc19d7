// Zeek's JSON writer (LogAscii::use_json = T), reproduced from threading/formatters/JSON.cc: one object per
// line, no spaces, unset fields left out, empty containers as [], time and interval as rapidjson doubles
// (shortest round-trip form, `.0` on whole numbers), ports and counts as integers. Strings go through
// Zeek's UTF-8 escaping first (bytes that are not valid UTF-8, and control bytes, become the text `\xhh`),
// then through JSON's own escaping.
import type { LineStore } from './line-store.ts';
import type { LogSchema, ZeekType, ZeekValue } from './schema.ts';

const HEXDIGITS = '0123456789abcdef';
const QUOTE = 0x22;

export function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\\\x${HEXDIGITS[c >> 4]}${HEXDIGITS[c & 15]}`;
    else if (c >= 0xdc80 && c <= 0xdcff) {
      const b = c - 0xdc00;
      out += `\\\\x${HEXDIGITS[b >> 4]}${HEXDIGITS[b & 15]}`;
    } else out += s[i];
  }
  return `${out}"`;
}

/** A double as rapidjson's Writer::Double prints it. */
export function jsonDouble(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? `${s}.0` : s;
}

// Column kinds, so a row is written by one loop over a switch rather than a call per column.
const enum Kind {
  Double,
  Bool,
  Uint,
  Str,
}

function kindOf(type: ZeekType): Kind {
  switch (type.replace(/^(set|vector)\[(.*)\]$/, '$2')) {
    case 'time':
    case 'interval':
      return Kind.Double;
    case 'bool':
      return Kind.Bool;
    case 'count':
    case 'port':
      return Kind.Uint;
    default:
      return Kind.Str;
  }
}

function writeValue(out: LineStore, kind: Kind, v: string | number | boolean): void {
  switch (kind) {
    case Kind.Double:
      return out.ascii(jsonDouble((v as number) / 1e6));
    case Kind.Bool:
      return out.ascii(v ? 'true' : 'false');
    case Kind.Uint:
      return out.uint(v as number);
    default: {
      const m = out.mark();
      out.byte(QUOTE);
      if (out.plain(v as string, QUOTE, -1)) out.byte(QUOTE);
      else {
        out.reset(m);
        out.utf8(jsonString(v as string));
      }
    }
  }
}

export class JsonFormatter {
  private readonly keys: string[];
  private readonly kinds: Kind[];
  private readonly containers: boolean[];

  constructor(schema: LogSchema) {
    this.keys = schema.names.map((n) => `${jsonString(n)}:`);
    this.kinds = schema.types.map(kindOf);
    this.containers = schema.types.map((t) => t.startsWith('set[') || t.startsWith('vector['));
  }

  /** Appends one object, sorted later by `ts`. */
  write(out: LineStore, ts: number, values: readonly ZeekValue[]): void {
    out.begin(ts);
    out.byte(0x7b);
    let first = true;
    for (let i = 0; i < this.kinds.length; i++) {
      const v = values[i];
      if (v === undefined) continue;
      if (!first) out.byte(0x2c);
      first = false;
      out.ascii(this.keys[i]!);
      const kind = this.kinds[i]!;
      if (this.containers[i]) {
        const a = v as readonly (string | number)[];
        out.byte(0x5b);
        for (let j = 0; j < a.length; j++) {
          if (j > 0) out.byte(0x2c);
          writeValue(out, kind, a[j]!);
        }
        out.byte(0x5d);
      } else writeValue(out, kind, v as string | number | boolean);
    }
    out.byte(0x7d);
    out.end();
  }
}
