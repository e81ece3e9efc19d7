// One formatter per log for the chosen output: Zeek TSV (header, rows, footer) or Zeek JSON lines.
import { JsonFormatter } from './json.ts';
import type { LineStore } from './line-store.ts';
import type { LogPath, LogSchema, Schemas, ZeekValue } from './schema.ts';
import { TsvFormatter } from './tsv.ts';

export interface RowFormatter {
  header: ((openSeconds: number) => string) | null;
  footer: ((closeSeconds: number) => string) | null;
  /** Appends one row to `out`, to be sorted by `ts`. */
  write: (out: LineStore, ts: number, v: readonly ZeekValue[]) => void;
}

function formatter(schema: LogSchema, format: 'tsv' | 'json', utf8: boolean): RowFormatter {
  if (format === 'json') {
    const j = new JsonFormatter(schema);
    return { header: null, footer: null, write: (out, ts, v) => j.write(out, ts, v) };
  }
  const t = new TsvFormatter(schema, utf8);
  return { header: (s) => t.header(s), footer: (s) => t.footer(s), write: (out, ts, v) => t.write(out, ts, v) };
}

export type Formatters = Record<LogPath, RowFormatter | null>;

export function formattersFor(schemas: Schemas, format: 'tsv' | 'json', utf8: boolean): Formatters {
  return {
    conn: formatter(schemas.conn, format, utf8),
    dns: formatter(schemas.dns, format, utf8),
    ssl: formatter(schemas.ssl, format, utf8),
    x509: formatter(schemas.x509, format, utf8),
    files: schemas.files ? formatter(schemas.files, format, utf8) : null,
  };
}
