// Writes one Parquet part per input file. It runs in a scratch in-memory DuckDB, apart from the store: if
// DuckDB's CSV reader ever fails hard on hostile input, only the scratch instance is lost, never the store.
import { rmSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ZeekHeader } from '../sources/zeek/header.ts';
import type { Column } from '../sources/zeek/lines.ts';
import { safeColumn } from '../sources/zeek/lines.ts';
import { containerInner, csvReadType, storageType } from '../sources/zeek/zeek-types.ts';
import { ident, literal } from '../store/sql.ts';
import { CORE_SCHEMAS, LEAF_KEY_COLUMN, leafKeySql } from '../store/zeek-schema.ts';
import { PseudonymSql, type StoredColumn } from './pseudonymise-sql.ts';
import type { IngestPseudonymiser } from './pseudonymise.ts';

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
  /** a backslash occurs: text values are decoded (`\\` and `\xHH`) */
  backslashes: boolean;
}

// Zeek's TSV escapes decoded in SQL exactly as unescapeZeek (values.ts) decodes them: `\xHH` is a byte, `\\` a
// backslash, any other backslash stays; text that is not UTF-8 once decoded is kept as written. Only values
// holding a backslash pay for the regular expression.
const ESCAPE_TOKENS = String.raw`\\x[0-9a-fA-F]{2}|\\\\|[^\\]+|\\`;
const ZEEK_TEXT_MACRO = String.raw`CREATE OR REPLACE MACRO zeek_text(v) AS CASE WHEN contains(v, '\') THEN
  coalesce(try(decode(list_reduce(list_transform(regexp_extract_all(v, '${ESCAPE_TOKENS}'),
    t -> CASE WHEN t = '\\' THEN unhex('5c') WHEN t[1] = '\' AND strlen(t) = 4 THEN unhex(t[3:4]) ELSE encode(t) END),
    (a, b) -> a || b))), v) ELSE v END`;
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

// Parquet dictionaries per log type: conn.log and ssl.log are mostly high-cardinality numbers and hashes, whose
// dictionaries DuckDB builds and then abandons; a limit of 4096 entries gives up early (measured on the bench
// corpus: conn 10 %, ssl 5-20 % less CPU for parts 3-7 % larger). dns.log's repeating names keep the default
// (its parts grew 25 % under the limit).
const DICTIONARY_LIMIT: Record<string, number> = { conn: 4096, ssl: 4096 };

const TIME_OF = (x: string) => `make_timestamp(CAST(round(CAST(${x} AS DOUBLE) * 1000000) AS BIGINT))`;

/** ssl rows with their leaf-certificate key (zeek-schema.ts); a file's own column of that name is replaced. */
function withLeafKey(select: string, names: string[]): string {
  const key = `${leafKeySql(names)} AS ${LEAF_KEY_COLUMN}`;
  return names.includes(LEAF_KEY_COLUMN) ? `SELECT * REPLACE (${key}) FROM (${select})` : `SELECT *, ${key} FROM (${select})`;
}

export class PartWriter {
  private constructor(
    private instance: DuckDBInstance,
    private conn: DuckDBConnection,
    private readonly settings: Record<string, string>,
    private readonly pseudonyms?: PseudonymSql,
  ) {}

  /** With `pseudonymiser`, every part is written with the pseudonymised columns replaced (ingest/pseudonymise.ts). */
  static async create(opts: { threads?: number; memoryLimit?: string; pseudonymiser?: IngestPseudonymiser } = {}): Promise<PartWriter> {
    const settings = { threads: String(opts.threads ?? 2), memory_limit: opts.memoryLimit ?? '1GB', preserve_insertion_order: 'true' };
    const pseudonyms = opts.pseudonymiser ? new PseudonymSql(opts.pseudonymiser) : undefined;
    const instance = await DuckDBInstance.create(':memory:', settings);
    return new PartWriter(instance, await PartWriter.connect(instance, pseudonyms), settings, pseudonyms);
  }

  private static async connect(instance: DuckDBInstance, pseudonyms?: PseudonymSql): Promise<DuckDBConnection> {
    const conn = await instance.connect();
    await conn.run(ZEEK_TEXT_MACRO);
    // the log rows are always the probe side: DuckDB's estimate of a TSV scan can be lower than a map table's
    // size, and it then built a hash table of the whole batch (RSS over 1 GiB, measured) to probe with the map
    await conn.run(`SET disabled_optimizers = 'build_side_probe_side'`);
    await pseudonyms?.attach(conn);
    return conn;
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
    const text = (x: string) => (marks.backslashes ? `zeek_text(${x})` : x);
    const core = CORE_SCHEMAS[t.logType] ?? [];
    const readCols: string[] = [];
    const stored: StoredColumn[] = [];
    h.fields.forEach((field, i) => {
      const c = `c${i}`;
      const type = h.types[i]!;
      const name = safeColumn(field);
      const coreType = core.find((f) => f.column === name)?.type;
      readCols.push(`${literal(c)}: ${literal(csvReadType(type))}`);
      const inner = containerInner(type);
      // the stored value from the column's text (a function: pseudonymisation may rewrite the text first; the
      // empty marker is then still looked for in the column itself, so that the rewritten text is used once)
      const build = (raw: string, marker = raw): string => {
        let e: string;
        if (inner !== undefined) {
          const split = `string_split(${raw}, ${literal(h.setSeparator)})`;
          // a lambda per element only where one is needed: list casts cost half as much (measured on dns.log)
          const list = inner === 'time' ? `list_transform(${split}, x -> ${TIME_OF('x')})`
            : storageType(inner) !== 'VARCHAR' ? `CAST(${split} AS ${storageType(inner)}[])`
              : marks.backslashes ? `list_transform(${split}, x -> ${text('x')})` : split;
          e = `CASE WHEN ${marker} = ${literal(h.emptyField)} THEN []::${storageType(inner)}[] ELSE ${list} END`;
        } else if (type === 'time') e = TIME_OF(raw);
        else if (storageType(type) === 'VARCHAR' && marks.empty) e = `CASE WHEN ${marker} = ${literal(h.emptyField)} THEN '' ELSE ${text(raw)} END`;
        else if (storageType(type) === 'VARCHAR') e = text(raw);
        else e = raw;
        return coreType && storageType(coreType) !== storageType(type) ? `CAST(${e} AS ${storageType(coreType)})` : e;
      };
      const format = { separator: inner !== undefined ? h.setSeparator : undefined, empty: h.emptyField };
      stored.push({ name, expr: build(c), zeekType: coreType ?? type, text: { raw: c, format, build: (x) => build(x, c), marks } });
    });
    const one = files.length === 1;
    const csv = `read_csv([${files.map((f) => literal(f.file)).join(', ')}], delim = ${literal(h.separator)}, quote = '', escape = '',
      header = false, comment = '#', nullstr = ${literal(h.unsetField)}, auto_detect = false, strict_mode = true,
      filename = ${one ? 'false' : 'true'}, columns = {${readCols.join(', ')}})`;
    const src = one ? csv : `${csv} t JOIN (VALUES ${files.map((f) => `(${literal(f.file)}, ${f.id})`).join(', ')}) ids(fname, fid) ON t.filename = ids.fname`;
    try {
      return { rows: await this.copy(stored, src, t, one ? undefined : 'fid') };
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
    const stored: StoredColumn[] = [];
    for (const col of columns) {
      const inner = containerInner(col.type);
      const readType = col.type === 'time' ? 'BIGINT' : inner === 'time' ? 'BIGINT[]' : storageType(col.type);
      readCols.push(`${literal(col.column)}: ${literal(readType)}`);
      const c = ident(col.column);
      const e = col.type === 'time' ? `make_timestamp(${c})` : inner === 'time' ? `list_transform(${c}, x -> make_timestamp(x))` : c;
      stored.push({ name: col.column, expr: e, zeekType: col.type });
    }
    const src = `read_json(${literal(file)}, format = 'newline_delimited', records = true, columns = {${readCols.join(', ')}})`;
    return this.copy(stored, src, t);
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

  private async copy(stored: StoredColumn[], src: string, t: PartTarget, idColumn?: string): Promise<number> {
    const id = idColumn ?? String(t.fileId);
    // pseudonymisation replaces some expressions and joins the run's map tables to the source
    const { exprs, joins } = this.pseudonyms?.apply(t.logType, stored) ?? { exprs: stored.map((c) => `${c.expr} AS ${ident(c.name)}`), joins: '' };
    const base = `SELECT ${exprs.join(', ')}, ${literal(t.sensor)} AS dhai_sensor, ${id}::UBIGINT AS dhai_file_id FROM ${src}${joins}`;
    const select = t.logType === 'ssl' ? withLeafKey(base, stored.map((c) => c.name)) : base;
    let r;
    try {
      const dict = DICTIONARY_LIMIT[t.logType];
      r = await this.conn.runAndReadAll(`COPY (${select}) TO ${literal(t.out)} (FORMAT parquet${dict ? `, DICTIONARY_SIZE_LIMIT ${dict}` : ''})`);
    } catch (e) {
      // what Node mapped is in its cache either way; a broken instance reloads it all (connect)
      await this.pseudonyms?.flush(this.conn).catch(() => undefined);
      throw e;
    }
    // what Node mapped during the COPY joins the map tables for the next ones
    await this.pseudonyms?.flush(this.conn);
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
    this.conn = await PartWriter.connect(this.instance, this.pseudonyms);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
