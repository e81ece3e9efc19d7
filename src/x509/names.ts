// Distinguished names: Zeek's text form, decoded values for the analyses, and a canonical key for matching
// an issuer to a subject. Name values are attacker-controlled: the text form escapes every byte that is not
// printable ASCII, exactly as OpenSSL's X509_NAME_print_ex(XN_FLAG_RFC2253) does for Zeek.
import { childrenOf, contentOf, DerError, expect, oidAt, rawOf, TAG, type Tlv } from './der.ts';
import { NAME_ATTRIBUTES } from './oids.ts';

export interface NameAttribute {
  /** OpenSSL short name (CN, O, OU, …) or the dotted OID when unknown. */
  type: string;
  oid: string;
  /** The value decoded to Unicode (UTF8String as UTF-8, BMP as UTF-16BE, 8-bit types as Latin-1). */
  value: string;
  /** Index of the RDN (SET) this attribute belongs to, in encoded order. */
  rdn: number;
}

export interface DistinguishedName {
  /** Zeek's rendering: most specific RDN first, `,` between RDNs, `+` inside one, OpenSSL escapes. */
  text: string;
  /** Attributes in encoded order (least specific first). */
  attributes: NameAttribute[];
  /** Common names in encoded order; Zeek's `certificate.cn` is the last one. */
  cn: string[];
  o: string[];
  ou: string[];
  /** Canonical form for issuer/subject matching (RFC 5280 §7.1, as OpenSSL canonicalises). */
  key: string;
  empty: boolean;
}

// OpenSSL's tag2nbyte: bytes per character of each universal string type; others are dumped as #hex.
const CHAR_WIDTH: Readonly<Record<number, number>> = { 12: 0, 18: 1, 19: 1, 20: 1, 22: 1, 23: 1, 24: 1, 26: 1, 28: 4, 30: 2 };

export function parseName(buf: Buffer, name: Tlv): DistinguishedName {
  expect(name, TAG.SEQUENCE, 'Name');
  const attributes: NameAttribute[] = [];
  const textParts: { rdn: number; text: string }[] = [];
  const keyParts: string[] = [];
  childrenOf(buf, name).forEach((set, rdn) => {
    expect(set, TAG.SET, 'RelativeDistinguishedName');
    const setKeys: string[] = [];
    for (const atv of childrenOf(buf, set)) {
      const [typeTlv, valueTlv] = childrenOf(buf, expect(atv, TAG.SEQUENCE, 'AttributeTypeAndValue'));
      const oid = oidAt(buf, typeTlv, 'attribute type');
      if (!valueTlv) throw new DerError('attribute without value');
      const short = NAME_ATTRIBUTES[oid];
      const width = valueTlv.cls === 0 ? CHAR_WIDTH[valueTlv.tag] : undefined;
      const bytes = contentOf(buf, valueTlv);
      const codes = width === undefined ? null : codePoints(bytes, width);
      const value = codes ? codes.map((c) => String.fromCodePoint(c)).join('') : '#' + rawOf(buf, valueTlv).toString('hex');
      attributes.push({ type: short ?? oid, oid, value, rdn });
      // Unknown attribute types are dumped as DER hex by OpenSSL whatever their value (XN_FLAG_DUMP_UNKNOWN_FIELDS).
      const shown = short && codes ? escapeRfc2253(width === 0 ? Array.from(bytes) : codes, width === 0) : '#' + rawOf(buf, valueTlv).toString('hex').toUpperCase();
      textParts.push({ rdn, text: `${short ?? oid}=${shown}` });
      setKeys.push(`${oid}=${codes ? canonical(value) : rawOf(buf, valueTlv).toString('hex')}`);
    }
    keyParts.push(setKeys.sort().join('+'));
  });
  let text = '';
  for (let i = textParts.length - 1; i >= 0; i--) {
    const part = textParts[i]!;
    if (i < textParts.length - 1) text += textParts[i + 1]!.rdn === part.rdn ? '+' : ',';
    text += part.text;
  }
  const pick = (t: string): string[] => attributes.filter((a) => a.type === t).map((a) => a.value);
  return { text, attributes, cn: pick('CN'), o: pick('O'), ou: pick('OU'), key: keyParts.join(','), empty: attributes.length === 0 };
}

/** Character codes of a string value (width 0 is UTF-8; invalid UTF-8 falls back to bytes, losing nothing). */
function codePoints(bytes: Buffer, width: number): number[] | null {
  const out: number[] = [];
  if (width === 0) {
    const s = bytes.toString('utf8');
    return Buffer.from(s, 'utf8').equals(bytes) ? Array.from(s, (c) => c.codePointAt(0)!) : Array.from(bytes);
  }
  if (bytes.length % width !== 0) return null;
  for (let i = 0; i < bytes.length; i += width) {
    let c = 0;
    for (let j = 0; j < width; j++) c = c * 256 + bytes[i + j]!;
    if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) return null;
    out.push(c);
  }
  return out;
}

// Characters RFC 2253 escapes with a backslash wherever they appear (OpenSSL's charmap ESC_2253 class).
const BACKSLASH_ESCAPED = new Set([...',+"\\<>;'].map((c) => c.charCodeAt(0)));

/**
 * OpenSSL's do_buf/do_esc_char with ASN1_STRFLGS_RFC2253. UTF8String is read one byte per character
 * (`bytewise`); other types are converted to UTF-8 first. Every resulting byte is then escaped or kept.
 */
function escapeRfc2253(chars: number[], bytewise: boolean): string {
  let out = '';
  const last = chars.length - 1;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c >= 0x80 && !bytewise) {
      for (const b of Buffer.from(String.fromCodePoint(c), 'utf8')) out += hexEscape(b);
    } else if (c >= 0x7f || c < 0x20) out += hexEscape(c);
    else if (BACKSLASH_ESCAPED.has(c) || (i === 0 && (c === 0x23 || c === 0x20)) || (i === last && c === 0x20)) out += '\\' + String.fromCharCode(c);
    else out += String.fromCharCode(c);
  }
  return out;
}

function hexEscape(b: number): string {
  return (b < 16 ? '\\0' : '\\') + b.toString(16).toUpperCase();
}

/** RFC 5280 §7.1 comparison form: trimmed, inner whitespace collapsed, ASCII case folded. */
function canonical(value: string): string {
  return value.trim().replace(/\s+/g, ' ').replace(/[A-Z]/g, (c) => c.toLowerCase());
}
