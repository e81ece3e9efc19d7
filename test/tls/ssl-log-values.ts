// Collects the TLS-related values of every ssl.log under a directory, for the "no unknowns" test. Deliberately
// independent of src/sources/zeek: a small reader for Zeek TSV (also concatenated header blocks, btest's extra
// first line, .gz) and JSON lines, keeping only ssl records.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const NAME_FIELDS = ['version', 'cipher', 'curve', 'validation_status', 'client_record_version', 'server_record_version'] as const;
export const NAME_LIST_FIELDS = ['client_cipher_suites'] as const;
// ssl-log-ext (policy/protocols/ssl/ssl-log-ext) logs these as lists of code points
export const CODE_LIST_FIELDS = ['client_ciphers', 'client_curves', 'client_supported_versions', 'server_supported_version'] as const;
type Field = (typeof NAME_FIELDS)[number] | (typeof NAME_LIST_FIELDS)[number] | (typeof CODE_LIST_FIELDS)[number];

export interface SslValues {
  files: string[];
  records: number;
  /** field -> value -> count */
  values: Map<Field, Map<string, number>>;
}

const SKIP_EXT = /\.(pcap|pcapng|pem|der|sig|csv|crt|key|json\.gz)$/i;

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (!SKIP_EXT.test(e.name)) out.push(p);
  }
}

function add(v: SslValues, field: Field, raw: unknown): void {
  if (raw === null || raw === undefined) return;
  const items = Array.isArray(raw) ? raw.map(String) : [String(raw)];
  const list = (NAME_LIST_FIELDS as readonly string[]).includes(field) || (CODE_LIST_FIELDS as readonly string[]).includes(field);
  for (const item of items) {
    for (const value of list && !Array.isArray(raw) ? item.split(',') : [item]) {
      if (value === '-' || value === '(empty)' || value === '') continue;
      let m = v.values.get(field);
      if (!m) v.values.set(field, (m = new Map()));
      m.set(value, (m.get(value) ?? 0) + 1);
    }
  }
}

const ALL_FIELDS: readonly Field[] = [...NAME_FIELDS, ...NAME_LIST_FIELDS, ...CODE_LIST_FIELDS];

function scanText(v: SslValues, file: string, text: string): boolean {
  let fields: string[] | null = null;
  let pathName: string | null = null;
  let found = false;
  const sslByName = /(^|\/)ssl[^/]*$/.test(file);
  for (const line of text.split('\n')) {
    if (line.startsWith('#path\t')) pathName = line.slice(6).trim();
    else if (line.startsWith('#fields\t')) fields = line.slice(8).split('\t');
    else if (line.startsWith('#') || line === '') continue;
    else if (line.startsWith('{')) {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const isSsl = o._path === 'ssl' || (o._path === undefined && sslByName && ('cipher' in o || 'version' in o));
      if (!isSsl) continue;
      found = true;
      v.records++;
      for (const f of ALL_FIELDS) add(v, f, o[f]);
    } else if (fields && pathName === 'ssl') {
      found = true;
      v.records++;
      const cells = line.replace(/\r$/, '').split('\t');
      for (const f of ALL_FIELDS) {
        const i = fields.indexOf(f);
        if (i >= 0) add(v, f, cells[i]);
      }
    }
  }
  return found;
}

export function collectSslValues(root: string): SslValues {
  const files: string[] = [];
  walk(root, files);
  const v: SslValues = { files: [], records: 0, values: new Map() };
  for (const file of files.sort()) {
    const buf = readFileSync(file);
    const text = file.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    if (scanText(v, file, text)) v.files.push(path.relative(root, file));
  }
  return v;
}
