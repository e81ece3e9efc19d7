// Readers for the upstream files the TLS tables are generated from. Each returns plain facts and throws on a
// shape it does not recognise, so a changed upstream format stops the generator instead of silently dropping rows.
import { csvObjects } from './csv.ts';

export type IanaRecommended = 'Y' | 'N' | 'D';

export interface IanaEntry {
  code: number;
  /** The Description column, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or "Reserved". */
  description: string;
  dtlsOk: boolean | null;
  recommended: IanaRecommended | null;
  reference: string;
  comment: string;
}

/** RFC 8701 GREASE values: both bytes equal and of the form 0x?A. */
export function isGrease(code: number): boolean {
  const hi = code >> 8;
  const lo = code & 0xff;
  return code <= 0xffff && hi === lo && (lo & 0x0f) === 0x0a;
}

function yn(value: string): boolean | null {
  if (value === 'Y') return true;
  if (value === 'N') return false;
  return null;
}

function recommended(value: string): IanaRecommended | null {
  return value === 'Y' || value === 'N' || value === 'D' ? value : null;
}

const SKIP = /^(Unassigned|Reserved for Private Use|Reserved to avoid conflicts)/;

/** tls-parameters-4.csv: single code points only ("0xC0,0x2F"); ranges are unassigned or reserved blocks. */
export function readIanaCipherSuites(csv: string): IanaEntry[] {
  const out: IanaEntry[] = [];
  for (const row of csvObjects(csv, ['Value', 'Description', 'DTLS-OK', 'Recommended', 'Reference'])) {
    const value = row.Value as string;
    const description = (row.Description as string).trim();
    const m = /^0x([0-9A-F]{2}),0x([0-9A-F]{2})$/i.exec(value);
    if (!m) {
      if (!SKIP.test(description)) throw new Error(`cipher-suite registry: range ${value} is neither unassigned nor reserved: ${description}`);
      continue;
    }
    if (description === 'Unassigned') continue;
    const code = parseInt(`${m[1]}${m[2]}`, 16);
    out.push({
      code, description, dtlsOk: yn(row['DTLS-OK'] as string), recommended: recommended(row.Recommended as string),
      reference: row.Reference as string, comment: row.Comment ?? '',
    });
  }
  return out;
}

/** tls-parameters-8.csv (Supported Groups): decimal values; "Reserved" at 0 and at the GREASE values. */
export function readIanaGroups(csv: string): IanaEntry[] {
  const out: IanaEntry[] = [];
  for (const row of csvObjects(csv, ['Value', 'Description', 'DTLS-OK', 'Recommended', 'Reference'])) {
    const value = row.Value as string;
    const description = (row.Description as string).trim();
    if (!/^\d+$/.test(value)) {
      if (!SKIP.test(description)) throw new Error(`groups registry: range ${value} is neither unassigned nor reserved: ${description}`);
      continue;
    }
    if (description === 'Unassigned') continue;
    out.push({
      code: Number(value), description, dtlsOk: yn(row['DTLS-OK'] as string), recommended: recommended(row.Recommended as string),
      reference: row.Reference as string, comment: row.Comment ?? '',
    });
  }
  return out;
}

export interface ZeekConsts {
  versions: { code: number; name: string }[];
  ciphers: { code: number; name: string }[];
  curves: { code: number; name: string }[];
}

// Zeek's &default for version_strings; versions.ts implements it, so a change upstream must be noticed.
export const ZEEK_DRAFT_FORMULA = 'if ( i/0xFF == 0x7F ) # TLS 1.3 draft';

/** consts.zeek: `const NAME = 0x....;` constants, and the `table[count] of string` tables that name them. */
export function readZeekConsts(text: string): ZeekConsts {
  const constants = new Map<string, number>();
  for (const m of text.matchAll(/^\s*const\s+(\w+)\s*=\s*(0x[0-9A-Fa-f]+|\d+)\s*;/gm)) {
    constants.set(m[1] as string, Number(m[2]));
  }
  const table = (tableName: string): { code: number; name: string }[] => {
    const start = text.indexOf(`const ${tableName}: table[count] of string = {`);
    if (start < 0) throw new Error(`consts.zeek has no table ${tableName}`);
    const end = text.indexOf('}', start);
    const body = text.slice(start, end);
    const rows: { code: number; name: string }[] = [];
    for (const m of body.matchAll(/\[\s*(\w+)\s*\]\s*=\s*"([^"]*)"/g)) {
      const key = m[1] as string;
      const code = /^(0x[0-9A-Fa-f]+|\d+)$/.test(key) ? Number(key) : constants.get(key);
      if (code === undefined) throw new Error(`consts.zeek ${tableName}: unknown constant ${key}`);
      rows.push({ code, name: m[2] as string });
    }
    if (rows.length === 0) throw new Error(`consts.zeek table ${tableName} is empty`);
    return rows;
  };
  if (!text.includes(ZEEK_DRAFT_FORMULA) || !text.includes('return fmt("TLSv13-draft%d", i % 0x7F );')) {
    throw new Error('consts.zeek: the TLS 1.3 draft naming in version_strings changed; update src/tls/versions.ts');
  }
  return { versions: table('version_strings'), ciphers: table('cipher_desc'), curves: table('ec_curves') };
}

export type MozillaConfigName = 'modern' | 'intermediate' | 'old';

export interface MozillaGuidelines {
  version: string;
  href: string;
  configurations: Record<MozillaConfigName, { tlsVersions: string[]; suites: string[]; curves: string[] }>;
}

/** Mozilla's server-side TLS guidelines JSON (ssl-config-generator `src/static/guidelines/5.x.json`). */
export function readMozillaGuidelines(json: string): MozillaGuidelines {
  const doc = JSON.parse(json) as {
    version?: unknown; href?: unknown;
    configurations?: Record<string, { tls_versions?: unknown; ciphersuites?: unknown; ciphers?: { iana?: unknown }; tls_curves?: unknown }>;
  };
  const strings = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`Mozilla guidelines: ${what} is not a list of strings`);
    return v as string[];
  };
  const configs = {} as MozillaGuidelines['configurations'];
  for (const name of ['modern', 'intermediate', 'old'] as const) {
    const c = doc.configurations?.[name];
    if (!c) throw new Error(`Mozilla guidelines lack the "${name}" configuration (5.x has all three; 6.0 dropped "old")`);
    configs[name] = {
      tlsVersions: strings(c.tls_versions, `${name}.tls_versions`),
      // TLS 1.3 suites are listed apart from the IANA-named TLS 1.2 list
      suites: [...strings(c.ciphersuites, `${name}.ciphersuites`), ...strings(c.ciphers?.iana, `${name}.ciphers.iana`)],
      curves: strings(c.tls_curves, `${name}.tls_curves`),
    };
  }
  if (typeof doc.version !== 'number' && typeof doc.version !== 'string') throw new Error('Mozilla guidelines lack a version');
  return { version: String(doc.version), href: typeof doc.href === 'string' ? doc.href : '', configurations: configs };
}
