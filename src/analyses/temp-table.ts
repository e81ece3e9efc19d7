// A temp table filled from JS values through an appender (never string-built SQL): how per-certificate results
// computed in JS (names, vendors, our own verification) join the SQL of the certificate analyses.
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

export type TempColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'BOOLEAN' | 'DOUBLE';
export type TempCell = string | number | boolean | null;

function append(a: DuckDBAppender, type: TempColumnType, v: TempCell): void {
  if (v === null) a.appendNull();
  else if (type === 'VARCHAR') a.appendVarchar(String(v));
  else if (type === 'INTEGER') a.appendInteger(Number(v));
  else if (type === 'BIGINT') a.appendBigInt(BigInt(Math.trunc(Number(v))));
  else if (type === 'DOUBLE') a.appendDouble(Number(v));
  else a.appendBoolean(Boolean(v));
}

/** A writer for one temp table; the column names and types come from the calling code, never from data. */
export class TempTable {
  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: TempColumnType[],
  ) {}

  static async create(conn: DuckDBConnection, name: string, columns: readonly (readonly [string, TempColumnType])[]): Promise<TempTable> {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns.map(([c, t]) => `${c} ${t}`).join(', ')})`);
    const appender = await conn.createAppender(name, 'main', 'temp');
    return new TempTable(appender, columns.map(([, t]) => t));
  }

  row(values: readonly TempCell[]): void {
    this.types.forEach((t, i) => append(this.appender, t, values[i] ?? null));
    this.appender.endRow();
  }

  close(): void {
    this.appender.closeSync();
  }
}
