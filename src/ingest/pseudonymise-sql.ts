// The SQL side of pseudonymisation at ingest (what is replaced: ingest/pseudonymise.ts). The COPY that writes a
// Parquet part replaces the pseudonymised columns as it converts them:
//
//   TSV (fast path):  LEFT JOIN the run's map table on the field's text as the file holds it; a text not met
//                     before that the SQL pre-filter cannot rule out goes to Node through a DuckDB scalar function
//                     (a scalar comes back as the value to store, a set as its text with each element mapped)
//   JSON lines (the careful path): the same on the converted value; lists element by element
//
// so each distinct value is mapped once per run in Node, and a row costs a hash probe and, unless the map tables
// hold its value, the pre-filter. The values Node mapped during a COPY are loaded into the map tables after it.
// Measured on conn.log of the bench corpus against the design this replaced, a first pass that collects each
// batch's distinct values re-parses the TSV (+65 % CPU) and materialising the batch in DuckDB first costs +60 %.
// Original values never leave the process: the map tables live in the writer's in-memory DuckDB.
import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection, type DuckDBVarCharVector } from '@duckdb/node-api';
import { ident, literal } from '../store/sql.ts';
import { formatKey, pseudonymKind, type IngestPseudonymiser, type PseudonymKind, type TextFormat } from './pseudonymise.ts';

const KINDS: PseudonymKind[] = ['address', 'network', 'name', 'answer'];
const valueFn = (kind: PseudonymKind) => `dhai_pseudonym_${kind}`;
const textFn = (kind: PseudonymKind) => `dhai_pseudonym_${kind}_text`;
const valueTable = (kind: PseudonymKind) => `dhai_pseudonym_value_${kind}`;
const textTable = (kind: PseudonymKind) => `dhai_pseudonym_text_${kind}`;
export interface StoredColumn {
  name: string;
  /** the SQL expression that converts the source column */
  expr: string;
  /** the Zeek type the column is stored as (the core schema's when the column is a core one) */
  zeekType: string;
  /**
   * read from TSV text: the text column, how it is written, and the conversion of a text standing for it (the
   * column's own text, or what pseudonymisation made of it: the same whenever it is the empty marker)
   */
  text?: { raw: string; format: TextFormat; build: (text: string) => string; marks: { empty: boolean; backslashes: boolean } };
}

export class PseudonymSql {
  constructor(private readonly p: IngestPseudonymiser) {}

  /** Register the scalar functions on a (new) connection and load every value met so far into its map tables. */
  async attach(conn: DuckDBConnection): Promise<void> {
    const formats = new Map<string, TextFormat>();
    await conn.run(`CREATE OR REPLACE TEMP TABLE dhai_pseudonym_incoming (k VARCHAR, f VARCHAR, v VARCHAR)`);
    for (const kind of KINDS) {
      this.register(conn, valueFn(kind), 1, (x) => this.p.map(kind, x[0]!));
      this.register(conn, textFn(kind), 2, ([text, f]) => {
        let format = formats.get(f!);
        if (!format) {
          const [separator, empty] = JSON.parse(f!) as [string | null, string];
          formats.set(f!, (format = { separator: separator ?? undefined, empty }));
        }
        return this.p.mapText(kind, text!, format);
      });
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${valueTable(kind)} (k VARCHAR PRIMARY KEY, v VARCHAR NOT NULL)`);
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${textTable(kind)} (k VARCHAR, f VARCHAR, v VARCHAR NOT NULL, PRIMARY KEY (k, f))`);
    }
    await this.load(conn, true);
  }

  /** A VARCHAR function of `arity` VARCHAR arguments computed in Node (NULL in, NULL out). */
  private register(conn: DuckDBConnection, name: string, arity: number, f: (args: (string | null)[]) => string): void {
    conn.registerScalarFunction(
      DuckDBScalarFunction.create({
        name,
        returnType: VARCHAR,
        parameterTypes: Array<typeof VARCHAR>(arity).fill(VARCHAR),
        mainFunction: (_info, input, output) => {
          const args = Array.from({ length: arity }, (_, i) => input.getColumnVector(i) as DuckDBVarCharVector);
          const o = output as DuckDBVarCharVector;
          const n = input.rowCount;
          // one argument array for the whole vector: a new one per row cost a fifth of a call (0.80 → 0.63 s for
          // 649 k calls, measured)
          const values = new Array<string | null>(arity);
          for (let i = 0; i < n; i++) {
            for (let a = 0; a < arity; a++) values[a] = args[a]!.getItem(i);
            o.setItem(i, values[0] === null ? null : f(values));
          }
          o.flush();
        },
      }),
    );
  }

  /** After a COPY (finished or not): the values Node mapped during it join the map tables. */
  async flush(conn: DuckDBConnection): Promise<void> {
    await this.load(conn, false);
  }

  private async load(conn: DuckDBConnection, all: boolean): Promise<void> {
    for (const kind of KINDS) {
      await this.append(conn, valueTable(kind), this.p.takeValues(kind, all).map(([k, v]) => [k, '', v]));
      await this.append(conn, textTable(kind), this.p.takeTexts(kind, all));
    }
  }

  /** Rows [k, f, v] into a map table (a key already there keeps its row: the same value). */
  private async append(conn: DuckDBConnection, table: string, rows: string[][]): Promise<void> {
    if (rows.length === 0) return;
    const app = await conn.createAppender('dhai_pseudonym_incoming', 'main', 'temp');
    for (const row of rows) {
      for (const v of row) app.appendVarchar(v);
      app.endRow();
    }
    app.closeSync();
    const cols = table.startsWith('dhai_pseudonym_text_') ? 'k, f, v' : 'k, v';
    await conn.run(`INSERT OR IGNORE INTO ${table} SELECT ${cols} FROM dhai_pseudonym_incoming`);
    await conn.run('DELETE FROM dhai_pseudonym_incoming');
  }

  /**
   * The select list for `columns` with the pseudonymised ones replaced, and the joins (of the run's map tables)
   * to append to the source. The joins attach to the source itself, below the conversions: joins above them
   * made DuckDB carry every converted column through each join (a conn.log batch's projection took 0.17 s
   * instead of 0.04 s, measured).
   */
  apply(logType: string, columns: readonly StoredColumn[]): { exprs: string[]; joins: string } {
    const exprs: string[] = [];
    let joins = '';
    const join = (table: string, on: string) => {
      const m = `dhai_m${exprs.length}`;
      joins += ` LEFT JOIN ${table} ${m} ON ${on.replaceAll('$m', m)}`;
      return m;
    };
    for (const c of columns) {
      const kind = pseudonymKind(logType, c.name, c.zeekType);
      let e = c.expr;
      const scalar = !/^(set|vector)\[/.test(c.zeekType);
      if (kind && c.text && scalar) {
        // a scalar: text without escapes that is not the empty marker is the value itself, joined as such
        const { raw, format, marks } = c.text;
        const m = join(valueTable(kind), `$m.k = ${raw}`);
        // escapes and the empty marker only where the pre-scan found them in the files
        const special = [marks.backslashes && `contains(${raw}, '\\')`, marks.empty && `${raw} = ${literal(format.empty)}`].filter(Boolean);
        const decode = special.length ? `WHEN ${special.join(' OR ')} THEN ${textFn(kind)}(${raw}, ${literal(formatKey(format))})` : '';
        e = `CASE ${decode} WHEN ${m}.v IS NOT NULL THEN ${m}.v WHEN ${this.p.maybeSql(kind, raw)} THEN ${valueFn(kind)}(${raw}) ELSE ${raw} END`;
      } else if (kind && c.text) {
        // a set: its text mapped element by element (joined when met before), then converted as usual
        const { raw, format, build } = c.text;
        const f = literal(formatKey(format));
        const m = join(textTable(kind), `$m.k = ${raw} AND $m.f = ${f}`);
        const ask = `${this.p.maybeTextSql(kind, raw, format)} AND ${raw} <> ${literal(format.empty)}`;
        e = build(`coalesce(${m}.v, CASE WHEN ${ask} THEN ${textFn(kind)}(${raw}, ${f}) ELSE ${raw} END)`);
      } else if (kind) {
        const v = `(${c.expr})`;
        const call = (x: string) => `CASE WHEN ${this.p.maybeSql(kind, x)} THEN ${valueFn(kind)}(${x}) ELSE ${x} END`;
        e = scalar ? `coalesce(${join(valueTable(kind), `$m.k = ${v}`)}.v, ${call(v)})` : `list_transform(${v}, x -> ${call('x')})`;
      }
      exprs.push(`${e} AS ${ident(c.name)}`);
    }
    return { exprs, joins };
  }
}
