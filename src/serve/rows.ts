// The log rows of one address (either end) in the filter's window: the evidence under any figure.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Filter } from './filter.ts';

export const RAW_TABLES = ['conn', 'ssl', 'dns', 'files'];

export async function rawRows(conn: DuckDBConnection, table: string, address: string, filter: Filter, limit: number): Promise<{ rows: Record<string, unknown>[]; more: boolean }> {
  if (!RAW_TABLES.includes(table)) throw new Error(`not a table with addresses: ${table}`);
  const where = ['(id_orig_h = $1 OR id_resp_h = $1)'];
  const params: string[] = [address];
  if (filter.from) {
    params.push(filter.from.toISOString().replace('T', ' ').replace('Z', ''));
    where.push(`ts >= $${params.length}::TIMESTAMP`);
  }
  if (filter.to) {
    params.push(filter.to.toISOString().replace('T', ' ').replace('Z', ''));
    where.push(`ts < $${params.length}::TIMESTAMP`);
  }
  // the table name is one of RAW_TABLES (checked above), never text from the request
  const r = await conn.runAndReadAll(`SELECT * EXCLUDE (dhai_file_id) FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ts LIMIT ${limit + 1}`, params);
  const rows = r.getRowObjectsJson() as Record<string, unknown>[];
  // columns no row of this result fills are left out
  const used = new Set<string>();
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (v !== null) used.add(k);
  const slim = rows.slice(0, limit).map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => used.has(k))));
  return { rows: slim, more: rows.length > limit };
}
