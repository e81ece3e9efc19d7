// Writes one Parquet part per input file. It runs in a scratch in-memory DuckDB, apart from the store: if
// DuckDB's CSV reader ever fails hard on hostile input, only the scratch instance is lost, never the store.
import { rmSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ZeekHeader } from '../sources/zeek/header.ts';
import type { Column } from '../sources/zeek/lines.ts';
import { safeColumn } from '../sources/zeek/lines.ts';
import { containerInner, csvReadType, storageType } from '../sources/zeek/zeek-types.ts';
import { ident, literal } from '../store/sql.ts';
import { CORE_SCHEMAS } from '../store/zeek-schema.ts';

export interface LossFacts {
  connWithMissedBytes?: number;
  missedBytes?: number;
  reports?: number;
  maxPercentLost?: number;
  sumPercentLost?: number;
}

export interface PartTarget {
  out: string;
  logType: string;
  sensor: string;
  fileId: number;
}

const TIME_OF = (x: string) => `make_timestamp(CAST(round(CAST(${x} AS DOUBLE) * 1000000) AS BIGINT))`;

export class PartWriter {
  private constructor(
    private instance: DuckDBInstance,
    private conn: DuckDBConnection,
    private readonly settings: Record<string, string>,
  ) {}

  static async create(threads = 2, memoryLimit = '1GB'): Promise<PartWriter> {
    const settings = { threads: String(threads), memory_limit: memoryLimit, preserve_insertion_order: 'true' };
    const instance = await DuckDBInstance.create(':memory:', settings);
    return new PartWriter(instance, await instance.connect(), settings);
  }

  /**
   * DuckDB reads the TSV file itself (the pre-scan found nothing it could misread). Returns the rows
   * written, or the error that sends the file down the line-by-line path.
   */
  async fromTsv(file: string, h: ZeekHeader, t: PartTarget, emptyMarks = true): Promise<{ rows: number } | { error: string }> {
    const core = CORE_SCHEMAS[t.logType] ?? [];
    const readCols: string[] = [];
    const exprs: string[] = [];
    h.fields.forEach((field, i) => {
      const c = `c${i}`;
      const type = h.types[i]!;
      const name = safeColumn(field);
      const coreType = core.find((f) => f.column === name)?.type;
      readCols.push(`${literal(c)}: ${literal(csvReadType(type))}`);
      let e: string;
      const inner = containerInner(type);
      if (inner !== undefined) {
        const elem = inner === 'time' ? TIME_OF('x') : storageType(inner) === 'VARCHAR' ? 'x' : `CAST(x AS ${storageType(inner)})`;
        e = `CASE WHEN ${c} = ${literal(h.emptyField)} THEN []::${storageType(inner)}[] ELSE list_transform(string_split(${c}, ${literal(h.setSeparator)}), x -> ${elem}) END`;
      } else if (type === 'time') e = TIME_OF(c);
      else if (storageType(type) === 'VARCHAR' && emptyMarks) e = `CASE WHEN ${c} = ${literal(h.emptyField)} THEN '' ELSE ${c} END`;
      else e = c;
      if (coreType && storageType(coreType) !== storageType(type)) e = `CAST(${e} AS ${storageType(coreType)})`;
      exprs.push(`${e} AS ${ident(name)}`);
    });
    const src = `read_csv(${literal(file)}, delim = ${literal(h.separator)}, quote = '', escape = '', header = false,
      comment = '#', nullstr = ${literal(h.unsetField)}, auto_detect = false, strict_mode = true,
      columns = {${readCols.join(', ')}})`;
    try {
      return { rows: await this.copy(exprs, src, t) };
    } catch (e) {
      rmSync(t.out, { force: true });
      await this.recoverIfBroken(e as Error);
      return { error: (e as Error).message.split('\n')[0]! };
    }
  }

  /** Store canonical JSON lines written by the line-by-line path (values already validated). */
  async fromCanonical(file: string, columns: Column[], t: PartTarget): Promise<number> {
    if (columns.length === 0) return 0;
    const readCols: string[] = [];
    const exprs: string[] = [];
    for (const col of columns) {
      const inner = containerInner(col.type);
      const readType = col.type === 'time' ? 'BIGINT' : inner === 'time' ? 'BIGINT[]' : storageType(col.type);
      readCols.push(`${literal(col.column)}: ${literal(readType)}`);
      const c = ident(col.column);
      const e = col.type === 'time' ? `make_timestamp(${c})` : inner === 'time' ? `list_transform(${c}, x -> make_timestamp(x))` : c;
      exprs.push(`${e} AS ${c}`);
    }
    const src = `read_json(${literal(file)}, format = 'newline_delimited', records = true, columns = {${readCols.join(', ')}})`;
    return this.copy(exprs, src, t);
  }

  /** Capture-loss facts of a written part: conn.log's missed_bytes, capture_loss.log's percent_lost. */
  async lossFacts(part: string, logType: string): Promise<LossFacts | undefined> {
    const sql =
      logType === 'conn'
        ? `SELECT count(*) FILTER (WHERE missed_bytes > 0), coalesce(sum(missed_bytes), 0) FROM read_parquet(${literal(part)})`
        : logType === 'capture_loss'
          ? `SELECT count(*), max(percent_lost), sum(percent_lost) FROM read_parquet(${literal(part)})`
          : undefined;
    if (!sql) return undefined;
    try {
      const row = (await this.conn.runAndReadAll(sql)).getRows()[0]!;
      return logType === 'conn'
        ? { connWithMissedBytes: Number(row[0]), missedBytes: Number(row[1]) }
        : { reports: Number(row[0]), maxPercentLost: row[1] === null ? undefined : Number(row[1]), sumPercentLost: Number(row[2] ?? 0) };
    } catch {
      return undefined; // the column is absent from this log's header
    }
  }

  private async copy(exprs: string[], src: string, t: PartTarget): Promise<number> {
    const sql = `COPY (SELECT ${exprs.join(', ')}, ${literal(t.sensor)} AS dhai_sensor, ${t.fileId}::UBIGINT AS dhai_file_id
      FROM ${src}) TO ${literal(t.out)} (FORMAT parquet)`;
    const r = await this.conn.runAndReadAll(sql);
    return Number(r.getRows()[0]?.[0] ?? 0);
  }

  /** After an internal DuckDB error the instance is unusable: start a fresh one. */
  private async recoverIfBroken(e: Error): Promise<void> {
    if (!/INTERNAL|FATAL|invalidated/i.test(e.message)) return;
    try {
      this.conn.closeSync();
      this.instance.closeSync();
    } catch {
      // already unusable
    }
    this.instance = await DuckDBInstance.create(':memory:', this.settings);
    this.conn = await this.instance.connect();
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
