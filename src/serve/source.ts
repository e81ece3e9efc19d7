// What `dhai serve` reads, without ever holding the store: DuckDB locks a store file that an ingest has open
// for writing (a read-only open or ATTACH then fails, and while we hold it the ingest cannot start), so the
// log rows are read straight from the immutable Parquet parts under `<db>.parts/` by an in-memory DuckDB,
// and the store's own tables (manifest, feeds) are copied in by a brief read-only ATTACH whenever the store
// is free. Every request gets its own connection whose log views apply that request's filter.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { storageType } from '../sources/zeek/zeek-types.ts';
import { partsDirOf } from '../store/store.ts';
import { ident, literal } from '../store/sql.ts';
import { CORE_SCHEMAS, TAG_COLUMNS } from '../store/zeek-schema.ts';
import { UsageError } from '../util/errors.ts';

export interface MetaStatus {
  /** when the manifest and feeds were last copied from the store (ISO), null if never */
  copiedAt: string | null;
  /** row counts of the copied tables: changes when an ingest or a feed import changed them */
  signature: string;
  /** why the last copy failed (the store is held by an ingest), null when it worked */
  problem: string | null;
  tables: string[];
}

/** Rows restricted to traffic of these addresses (either end); undefined = no restriction. */
export interface ViewFilter {
  addresses?: readonly string[];
}

const ADDRESS_COLUMNS = ['id_orig_h', 'id_resp_h'];

export class ServeSource {
  private meta: MetaStatus = { copiedAt: null, signature: '', problem: null, tables: [] };
  private lastTry = 0;
  private copiedStamp = '';

  private constructor(
    readonly dbPath: string,
    readonly partsDir: string,
    private readonly instance: DuckDBInstance,
  ) {}

  static async open(dbPath: string, opts: { threads?: number; memoryLimit?: string } = {}): Promise<ServeSource> {
    const partsDir = partsDirOf(dbPath);
    if (!existsSync(dbPath) && !existsSync(partsDir)) throw new UsageError(`no store at ${dbPath} (run dhai ingest first)`);
    const instance = await DuckDBInstance.create(':memory:', { threads: String(opts.threads ?? 2), memory_limit: opts.memoryLimit ?? '1GB' });
    const source = new ServeSource(dbPath, partsDir, instance);
    await source.refreshMeta(true);
    return source;
  }

  status(): MetaStatus {
    return this.meta;
  }

  /** Parquet parts on disk: their count and total size change when an ingest adds or replaces one. */
  dataVersion(): string {
    let files = 0;
    let bytes = 0;
    let newest = 0;
    if (existsSync(this.partsDir)) {
      for (const t of readdirSync(this.partsDir)) {
        if (t.startsWith('.') || !/^[a-z0-9_]+$/.test(t)) continue;
        for (const f of readdirSync(path.join(this.partsDir, t))) {
          if (!f.endsWith('.parquet')) continue;
          const st = statSync(path.join(this.partsDir, t, f), { throwIfNoEntry: false });
          if (!st) continue;
          files++;
          bytes += st.size;
          newest = Math.max(newest, st.mtimeMs);
        }
      }
    }
    return `${files}:${bytes}:${Math.round(newest)}:${this.meta.signature}`;
  }

  /**
   * Copy the store's tables (manifest, feed snapshots …) into memory, at most every `minAgeMs` unless forced.
   * A store held by an ingest is not an error: the previous copy stays and the status says why.
   */
  async refreshMeta(force = false, minAgeMs = 30_000): Promise<MetaStatus> {
    if (!force && Date.now() - this.lastTry < minAgeMs) return this.meta;
    this.lastTry = Date.now();
    if (!existsSync(this.dbPath)) {
      this.meta = { ...this.meta, problem: `no store file at ${this.dbPath}` };
      return this.meta;
    }
    // an unchanged store file (and write-ahead log) holds what was copied last time
    const stamp = [this.dbPath, `${this.dbPath}.wal`].map((f) => statSync(f, { throwIfNoEntry: false })).map((st) => (st ? `${st.size}:${st.mtimeMs}` : '-')).join('/');
    if (this.meta.copiedAt && this.meta.problem === null && stamp === this.copiedStamp) return this.meta;
    const c = await this.instance.connect();
    try {
      await c.run(`ATTACH ${literal(path.resolve(this.dbPath))} AS store_copy (READ_ONLY)`);
    } catch (e) {
      c.closeSync();
      this.meta = { ...this.meta, problem: `the store is in use (an ingest?): manifest and feeds as last copied (${(e as Error).message.split('\n')[0]})` };
      return this.meta;
    }
    try {
      const r = await c.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'store_copy' AND NOT temporary ORDER BY table_name`);
      const tables = r.getRows().map((x) => String(x[0])).filter((t) => /^[a-z0-9_]+$/.test(t));
      await c.run('BEGIN TRANSACTION');
      for (const t of tables) await c.run(`CREATE OR REPLACE TABLE memory.main.${ident(t)} AS SELECT * FROM store_copy.main.${ident(t)}`);
      await c.run('COMMIT');
      const counts: string[] = [];
      for (const t of tables) counts.push(`${t}=${String((await c.runAndReadAll(`SELECT count(*) FROM memory.main.${ident(t)}`)).getRows()[0]?.[0])}`);
      this.meta = { copiedAt: new Date().toISOString(), signature: counts.join(','), problem: null, tables };
      this.copiedStamp = stamp;
    } finally {
      await c.run('DETACH store_copy').catch(() => undefined);
      c.closeSync();
    }
    return this.meta;
  }

  /** A connection whose `conn`, `dns`, `ssl`, `x509`, `files` … are TEMP views over the parts, filtered. */
  async connect(filter: ViewFilter = {}): Promise<DuckDBConnection> {
    const c = await this.instance.connect();
    try {
      if (filter.addresses) {
        await c.run('CREATE TEMP TABLE serve_addresses (addr VARCHAR PRIMARY KEY)');
        const a = await c.createAppender('serve_addresses', 'main', 'temp');
        for (const addr of new Set(filter.addresses)) {
          a.appendVarchar(addr);
          a.endRow();
        }
        a.closeSync();
      }
      for (const [type, body, columns] of this.viewBodies()) {
        const filtered = filter.addresses && ADDRESS_COLUMNS.every((col) => columns.includes(col))
          ? `SELECT * FROM (${body}) WHERE id_orig_h IN (SELECT addr FROM serve_addresses) OR id_resp_h IN (SELECT addr FROM serve_addresses)`
          : body;
        await c.run(`CREATE OR REPLACE TEMP VIEW ${ident(type)} AS ${filtered}`);
      }
    } catch (e) {
      c.closeSync();
      throw e;
    }
    return c;
  }

  /** As the store's own log views (store.ts): the core columns always, plus whatever the parts hold. */
  private viewBodies(): [string, string, string[]][] {
    const types = new Set(Object.keys(CORE_SCHEMAS));
    if (existsSync(this.partsDir)) for (const t of readdirSync(this.partsDir)) if (/^[a-z0-9_]+$/.test(t)) types.add(t);
    const out: [string, string, string[]][] = [];
    for (const t of [...types].sort()) {
      const dir = path.join(this.partsDir, t);
      const hasParts = existsSync(dir) && readdirSync(dir).some((n) => n.endsWith('.parquet'));
      const parquet = `SELECT * FROM read_parquet(${literal(path.join(dir, '*.parquet'))}, union_by_name = true)`;
      const fields = CORE_SCHEMAS[t] ? [...CORE_SCHEMAS[t], ...TAG_COLUMNS] : undefined;
      if (!fields && !hasParts) continue;
      const core = fields ? `SELECT ${fields.map((f) => `NULL::${storageType(f.type)} AS ${ident(f.column)}`).join(', ')} WHERE false` : undefined;
      const body = core ? `${core}${hasParts ? ` UNION ALL BY NAME ${parquet}` : ''}` : parquet;
      // other log types keep their own columns, unknown here: they are not filtered
      out.push([t, body, fields ? fields.map((f) => f.column) : []]);
    }
    return out;
  }

  close(): void {
    this.instance.closeSync();
  }
}
