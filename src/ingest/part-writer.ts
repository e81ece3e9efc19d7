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

/** Which of Zeek's text markers occur in the files (a conversion is only paid for where needed). */
export interface TextMarks {
  empty: boolean;
  backslashes: boolean;
}
const ALL_MARKS: TextMarks = { empty: true, backslashes: true };

export interface PartTarget {
  out: string;
  logType: string;
  sensor: string;
  fileId: number;
}

/** Only the facts that belong to the log type (conn: missed bytes; capture_loss: reports). */
function pick(l: LossFacts, logType: string): LossFacts {
  return logType === 'conn'
    ? { connWithMissedBytes: l.connWithMissedBytes, missedBytes: l.missedBytes }
    : { reports: l.reports, maxPercentLost: l.maxPercentLost, sumPercentLost: l.sumPercentLost };
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
  async fromTsv(file: string, h: ZeekHeader, t: PartTarget, marks: TextMarks = ALL_MARKS): Promise<{ rows: number } | { error: string }> {
    return this.fromTsvFiles([{ file, id: t.fileId }], h, t, marks);
  }

  /**
   * Several small files with the same header in one COPY (hourly logs would otherwise pay DuckDB's per-statement
   * cost each): each row gets its own file's id through the file name.
   */
  async fromTsvFiles(files: { file: string; id: number }[], h: ZeekHeader, t: PartTarget, marks: TextMarks = ALL_MARKS): Promise<{ rows: number } | { error: string }> {
    // the fast path only takes files without \xHH escapes, so a backslash pair is the only escape left
    const text = (x: string) => (marks.backslashes ? `replace(${x}, '\\\\', '\\')` : x);
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
        const elem = inner === 'time' ? TIME_OF('x') : storageType(inner) === 'VARCHAR' ? text('x') : `CAST(x AS ${storageType(inner)})`;
        e = `CASE WHEN ${c} = ${literal(h.emptyField)} THEN []::${storageType(inner)}[] ELSE list_transform(string_split(${c}, ${literal(h.setSeparator)}), x -> ${elem}) END`;
      } else if (type === 'time') e = TIME_OF(c);
      else if (storageType(type) === 'VARCHAR' && marks.empty) e = `CASE WHEN ${c} = ${literal(h.emptyField)} THEN '' ELSE ${text(c)} END`;
      else if (storageType(type) === 'VARCHAR') e = text(c);
      else e = c;
      if (coreType && storageType(coreType) !== storageType(type)) e = `CAST(${e} AS ${storageType(coreType)})`;
      exprs.push(`${e} AS ${ident(name)}`);
    });
    const one = files.length === 1;
    const csv = `read_csv([${files.map((f) => literal(f.file)).join(', ')}], delim = ${literal(h.separator)}, quote = '', escape = '',
      header = false, comment = '#', nullstr = ${literal(h.unsetField)}, auto_detect = false, strict_mode = true,
      filename = ${one ? 'false' : 'true'}, columns = {${readCols.join(', ')}})`;
    const src = one ? csv : `${csv} t JOIN (VALUES ${files.map((f) => `(${literal(f.file)}, ${f.id})`).join(', ')}) ids(fname, fid) ON t.filename = ids.fname`;
    try {
      return { rows: await this.copy(exprs, src, t, one ? undefined : 'fid') };
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
    return (await this.perFile(part, logType)).get(-1)?.loss;
  }

  /**
   * Rows and capture-loss facts per file id of a part (a batch part holds several files); key -1 sums the part.
   */
  async perFile(part: string, logType: string): Promise<Map<number, { rows: number; loss?: LossFacts }>> {
    const facts =
      logType === 'conn'
        ? `count(*) FILTER (WHERE missed_bytes > 0), coalesce(sum(missed_bytes), 0), NULL`
        : logType === 'capture_loss'
          ? `count(*), max(percent_lost), sum(percent_lost)`
          : `NULL, NULL, NULL`;
    const q = (f: string) => `SELECT dhai_file_id, count(*), ${f} FROM read_parquet(${literal(part)}) GROUP BY ALL`;
    let rows;
    try {
      rows = (await this.conn.runAndReadAll(q(facts))).getRows();
    } catch {
      rows = (await this.conn.runAndReadAll(q('NULL, NULL, NULL'))).getRows(); // the loss column is absent from this log's header
    }
    const out = new Map<number, { rows: number; loss?: LossFacts }>();
    const total = { rows: 0, loss: { connWithMissedBytes: 0, missedBytes: 0, reports: 0, sumPercentLost: 0 } as LossFacts };
    for (const r of rows) {
      const loss: LossFacts | undefined =
        r[2] === null ? undefined
          : logType === 'conn' ? { connWithMissedBytes: Number(r[2]), missedBytes: Number(r[3]) }
            : { reports: Number(r[2]), maxPercentLost: r[3] === null ? undefined : Number(r[3]), sumPercentLost: Number(r[4] ?? 0) };
      out.set(Number(r[0]), { rows: Number(r[1]), loss });
      total.rows += Number(r[1]);
      if (loss) {
        const l = total.loss!;
        l.connWithMissedBytes! += loss.connWithMissedBytes ?? 0;
        l.missedBytes! += loss.missedBytes ?? 0;
        l.reports! += loss.reports ?? 0;
        l.sumPercentLost! += loss.sumPercentLost ?? 0;
        if (loss.maxPercentLost !== undefined) l.maxPercentLost = Math.max(l.maxPercentLost ?? 0, loss.maxPercentLost);
      }
    }
    const anyLoss = rows.some((r) => r[2] !== null);
    out.set(-1, { rows: total.rows, loss: anyLoss ? pick(total.loss!, logType) : undefined });
    return out;
  }

  private async copy(exprs: string[], src: string, t: PartTarget, idColumn?: string): Promise<number> {
    const id = idColumn ?? String(t.fileId);
    const sql = `COPY (SELECT ${exprs.join(', ')}, ${literal(t.sensor)} AS dhai_sensor, ${id}::UBIGINT AS dhai_file_id
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
