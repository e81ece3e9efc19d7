// Zeek's ASCII (TSV) writer, reproduced: the eight-line header, `#close` footer, `-` for unset fields,
// `(empty)` for empty strings and containers, `,` between container elements, and the escaping of
// threading/formatters/Ascii.cc + ODesc: a backslash doubles, control bytes and bytes that are not valid
// UTF-8 become `\xhh` (lower-case hex), the separators inside a value become `\x09` / `\x2c`, and a value
// that spells `-` or `(empty)` gets its first character escaped so it cannot be mistaken for the markers.
import type { LineStore } from './line-store.ts';
import type { LogSchema, ZeekType, ZeekValue } from './schema.ts';

const HEXDIGITS = '0123456789abcdef';
const TAB = 0x09;
const COMMA = 0x2c;
const DASH = 0x2d;

function hexByte(b: number): string {
  return `\\x${HEXDIGITS[b >> 4]}${HEXDIGITS[b & 15]}`;
}

/**
 * Escapes one string value. `utf8`: valid UTF-8 passes through (LogAscii::enable_utf_8 = T); otherwise every
 * byte >= 0x80 is written as `\xhh`, as Zeek did before that default. Characters U+DC80..U+DCFF stand for
 * raw bytes that are not valid UTF-8 (see schema.ts).
 */
export function escapeTsvString(s: string, inContainer: boolean, utf8: boolean): string {
  if (s === '') return '(empty)';
  if (s === '-') return '\\x2d';
  if (s === '(empty)') return '\\x28empty)';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f || (inContainer && c === COMMA)) out += hexByte(c);
    else if (c < 0x80) out += s[i];
    else if (c >= 0xdc80 && c <= 0xdcff) out += hexByte(c - 0xdc00);
    else if (utf8) {
      // a valid code point: keep it (surrogate pairs stay together)
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += s[i];
    } else {
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
        i++;
      }
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out += hexByte(b);
    }
  }
  return out;
}

const PAD6 = ['', '0', '00', '000', '0000', '00000', '000000'];

/** Microseconds as Zeek prints time and interval: seconds with exactly six decimals. */
export function formatMicros(us: number): string {
  const neg = us < 0;
  const a = neg ? -us : us;
  const s = Math.floor(a / 1e6);
  const f = String(a - s * 1e6);
  return `${neg ? '-' : ''}${s}.${PAD6[6 - f.length]}${f}`;
}

/** `#open` / `#close` stamps: Zeek writes `%Y-%m-%d-%H-%M-%S` (the sensor runs in UTC here). */
export function zeekStamp(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-');
}

// Column kinds, so a row is written by one loop over a switch (monomorphic, inlinable) rather than by a
// call through a different closure per column.
const enum Kind {
  Micros,
  Uint,
  Bool,
  Ascii,
  Str,
  List,
}

function kindOf(type: ZeekType): Kind {
  if (type.startsWith('set[') || type.startsWith('vector[')) return Kind.List;
  switch (type) {
    case 'time':
    case 'interval':
      return Kind.Micros;
    case 'count':
    case 'port':
      return Kind.Uint;
    case 'bool':
      return Kind.Bool;
    case 'addr':
    case 'enum':
      // addresses and enum identifiers never hold bytes that need escaping
      return Kind.Ascii;
    default:
      return Kind.Str;
  }
}

function writeString(out: LineStore, s: string, inContainer: boolean, utf8: boolean): void {
  if (s.length === 0 || s === '-' || s === '(empty)' || !out.plain(s, inContainer ? COMMA : -1, -1)) out.utf8(escapeTsvString(s, inContainer, utf8));
}

export class TsvFormatter {
  private readonly head: string;
  private readonly kinds: Kind[];
  /** For list columns: the kind of their elements. */
  private readonly elements: Kind[];

  constructor(
    private readonly schema: LogSchema,
    private readonly utf8: boolean,
  ) {
    this.kinds = schema.types.map(kindOf);
    this.elements = schema.types.map((t) => kindOf(t.replace(/^(set|vector)\[(.*)\]$/, '$2') as ZeekType));
    this.head = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${schema.path}`].join('\n');
  }

  header(openSeconds: number): string {
    return `${this.head}\n#open\t${zeekStamp(openSeconds)}\n#fields\t${this.schema.names.join('\t')}\n#types\t${this.schema.types.join('\t')}\n`;
  }

  footer(closeSeconds: number): string {
    return `#close\t${zeekStamp(closeSeconds)}\n`;
  }

  /** Appends one row, sorted later by `ts`. */
  write(out: LineStore, ts: number, values: readonly ZeekValue[]): void {
    const kinds = this.kinds;
    out.begin(ts);
    for (let i = 0; i < kinds.length; i++) {
      if (i > 0) out.byte(TAB);
      const v = values[i];
      if (v === undefined) {
        out.byte(DASH);
        continue;
      }
      switch (kinds[i]) {
        case Kind.Micros:
          out.micros(v as number);
          break;
        case Kind.Uint:
          out.uint(v as number);
          break;
        case Kind.Bool:
          out.byte(v ? 0x54 : 0x46);
          break;
        case Kind.Ascii:
          out.ascii(v as string);
          break;
        case Kind.Str:
          writeString(out, v as string, false, this.utf8);
          break;
        default:
          this.writeList(out, v as readonly (string | number)[], this.elements[i]!);
      }
    }
    out.end();
  }

  private writeList(out: LineStore, a: readonly (string | number)[], el: Kind): void {
    if (a.length === 0) return out.ascii('(empty)');
    for (let i = 0; i < a.length; i++) {
      if (i > 0) out.byte(COMMA);
      const v = a[i]!;
      if (el === Kind.Micros) out.micros(v as number);
      else if (el === Kind.Uint) out.uint(v as number);
      else if (el === Kind.Ascii) out.ascii(v as string);
      else writeString(out, v as string, true, this.utf8);
    }
  }
}
