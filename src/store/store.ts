// The store: a DuckDB file holding the manifest, feeds and metadata, and beside it a folder of Parquet
// parts holding the log rows (one part per ingested file). The log tables (`conn`, `dns`, `ssl`, `x509`,
// `files`, …) are views over those parts. Why Parquet parts: DuckDB writes Parquet ~1.6x faster than it fills
// a table in its own file (measured; see bench/ingest.ts), and immutable parts let readers work while an
// ingest runs. A part becomes visible only by an atomic rename after its manifest row is committed.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../util/errors.ts';
import { LEAF_KEY_SINCE, migrate } from './migrations.ts';
import { keyCheck, readPseudonymisation, type Pseudonymisation } from './pseudonymisation.ts';
import { ident, literal } from './sql.ts';
import { CORE_SCHEMAS, DERIVED_COLUMNS, LEAF_KEY_COLUMN, TAG_COLUMNS, leafKeySql } from './zeek-schema.ts';
import { storageType } from '../sources/zeek/zeek-types.ts';

export interface Store {
  readonly dbPath: string;
  readonly partsDir: string;
  readonly readOnly: boolean;
  readonly conn: DuckDBConnection;
  /** set when the store holds pseudonymised data (store/pseudonymisation.ts) */
  readonly pseudonymisation?: Pseudonymisation;
  /** recreate the log views after parts were added */
  refreshViews(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  readOnly?: boolean;
  threads?: number;
  memoryLimit?: string;
  /**
   * The key a pseudonymised store was ingested with: checked against the store's record. Without it a
   * read-only open of a pseudonymised store is refused (its analyses would misread the data), and with it a
   * store that is not pseudonymised is.
   */
  pseudonymKey?: Uint8Array;
}

export function partsDirOf(dbPath: string): string {
  return `${path.resolve(dbPath)}.parts`;
}
export function stagingDirOf(dbPath: string): string {
  return path.join(partsDirOf(dbPath), '.staging');
}
export function partPath(dbPath: string, logType: string, fileId: number): string {
  return path.join(partsDirOf(dbPath), logType, `${fileId}.parquet`);
}
export function stagedPartPath(dbPath: string, logType: string, fileId: number): string {
  return path.join(stagingDirOf(dbPath), `${fileId}.${logType}.parquet`);
}

export async function openStore(dbPath: string, opts: OpenOptions = {}): Promise<Store> {
  const readOnly = opts.readOnly ?? false;
  if (readOnly && !existsSync(dbPath)) throw new UsageError(`no store at ${dbPath} (run dhai ingest first)`);
  if (!readOnly) mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(dbPath, {
      access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE',
      threads: String(opts.threads ?? 2),
      memory_limit: opts.memoryLimit ?? '1GB',
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) throw new UsageError(`store ${dbPath} is in use by another process (${msg.split('\n')[0]})`);
    throw new UsageError(`cannot open store ${dbPath}: ${msg.split('\n')[0]}`);
  }
  const conn = await instance.connect();
  const partsDir = partsDirOf(dbPath);
  if (!readOnly) {
    await migrate(conn);
    mkdirSync(stagingDirOf(dbPath), { recursive: true });
    await reconcileParts(conn, dbPath);
  }
  const pseudonymisation = await checkPseudonymisation(conn, dbPath, readOnly, opts.pseudonymKey).catch((e: unknown) => {
    conn.closeSync();
    instance.closeSync();
    throw e;
  });
  const store: Store = {
    dbPath,
    partsDir,
    readOnly,
    conn,
    pseudonymisation,
    refreshViews: () => createLogViews(conn, partsDir, readOnly),
    close: async () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
  await store.refreshViews();
  return store;
}

async function checkPseudonymisation(conn: DuckDBConnection, dbPath: string, readOnly: boolean, key?: Uint8Array): Promise<Pseudonymisation | undefined> {
  const hasMeta = Number((await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'dhai_meta'`)).getRows()[0]![0]) > 0;
  const p = hasMeta ? await readPseudonymisation(conn) : undefined;
  if (key) {
    if (!p) throw new UsageError(`store ${dbPath} is not pseudonymised: --key-file is only for pseudonymised stores`);
    if (keyCheck(key) !== p.keyCheck) throw new UsageError(`--key-file: not the key store ${dbPath} was pseudonymised with`);
  } else if (p && readOnly) {
    throw new UsageError(`store ${dbPath} is pseudonymised: give the key it was ingested with (dhai report --key-file K)`);
  }
  return p;
}

/**
 * Finish what an interrupted ingest left: a staged part whose manifest row was committed is moved into place
 * (roll forward); one without a committed row is deleted (roll back), as is any visible part the manifest
 * does not know. So a SIGKILL at any point leaves either the whole file or nothing.
 */
async function reconcileParts(conn: DuckDBConnection, dbPath: string): Promise<void> {
  const r = await conn.runAndReadAll('SELECT id, log_type FROM ingest_file');
  const known = new Map<number, string>(r.getRows().map((row) => [Number(row[0]), String(row[1])]));
  const staging = stagingDirOf(dbPath);
  for (const name of readdirSync(staging)) {
    const m = /^(\d+)\.([a-z0-9_]+)\.parquet$/.exec(name);
    const full = path.join(staging, name);
    if (m && known.get(Number(m[1])) === m[2]) {
      mkdirSync(path.dirname(partPath(dbPath, m[2]!, Number(m[1]))), { recursive: true });
      renameSync(full, partPath(dbPath, m[2]!, Number(m[1])));
    } else rmSync(full, { recursive: true, force: true });
  }
  const parts = partsDirOf(dbPath);
  for (const type of readdirSync(parts)) {
    if (type.startsWith('.')) continue;
    for (const name of readdirSync(path.join(parts, type))) {
      const m = /^(\d+)\.parquet$/.exec(name);
      if (!m || known.get(Number(m[1])) !== type) rmSync(path.join(parts, type, name), { force: true });
    }
  }
}

function emptyCoreSelect(logType: string): string {
  const fields = [...(CORE_SCHEMAS[logType] ?? []), ...TAG_COLUMNS, ...(DERIVED_COLUMNS[logType] ?? [])];
  return `SELECT ${fields.map((f) => `NULL::${storageType(f.type)} AS ${ident(f.column)}`).join(', ')} WHERE false`;
}

/** Every part of a log type's directory. */
const allParts = (dir: string) => `SELECT * FROM read_parquet(${literal(path.join(dir, '*.parquet'))}, union_by_name = true)`;

/** The first file id whose ssl part carries the leaf key (Infinity: a store not migrated to version 3 has none). */
async function leafKeySince(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT value FROM dhai_meta WHERE key = $1`, [LEAF_KEY_SINCE]).catch(() => undefined);
  const v = r?.getRows()[0]?.[0];
  return v === undefined ? Infinity : Number(v);
}

/**
 * ssl's parts: those written before the leaf key existed (file id below the mark) have it computed from the
 * chain lists; the others are read as they are. Only a store ingested across the upgrade pays for the lists.
 */
async function sslParts(conn: DuckDBConnection, dir: string): Promise<string> {
  const since = await leafKeySince(conn);
  const ids = readdirSync(dir).map((n) => /^(\d+)\.parquet$/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]));
  const old = ids.filter((id) => id < since);
  const read = (files: number[]) => `SELECT * FROM read_parquet([${files.map((id) => literal(path.join(dir, `${id}.parquet`))).join(', ')}], union_by_name = true)`;
  if (old.length === 0) return ` UNION ALL BY NAME ${allParts(dir)}`;
  const fresh = ids.filter((id) => id >= since);
  const oldRows = `SELECT * REPLACE (${leafKeySql(['cert_chain_fps', 'cert_chain_fuids'])} AS ${LEAF_KEY_COLUMN}) FROM (${emptyCoreSelect('ssl')} UNION ALL BY NAME ${read(old)})`;
  return `${fresh.length ? ` UNION ALL BY NAME ${read(fresh)}` : ''} UNION ALL BY NAME ${oldRows}`;
}

async function createLogViews(conn: DuckDBConnection, partsDir: string, readOnly: boolean): Promise<void> {
  const types = new Set(Object.keys(CORE_SCHEMAS));
  if (existsSync(partsDir)) for (const t of readdirSync(partsDir)) if (/^[a-z0-9_]+$/.test(t)) types.add(t);
  // read-only: the catalog cannot change, so the views live in the session (and follow a moved store)
  const kind = readOnly ? 'TEMP VIEW' : 'VIEW';
  for (const t of [...types].sort()) {
    const dir = path.join(partsDir, t);
    const hasParts = existsSync(dir) && readdirSync(dir).some((n) => n.endsWith('.parquet'));
    const parts = !hasParts ? '' : t === 'ssl' ? await sslParts(conn, dir)
      : ` UNION ALL BY NAME ${allParts(dir)}`;
    const core = CORE_SCHEMAS[t] ? emptyCoreSelect(t) : undefined;
    if (!core && !hasParts) continue;
    const body = core ? `${core}${parts}` : allParts(dir);
    await conn.run(`CREATE OR REPLACE ${kind} ${ident(t)} AS ${body}`);
  }
}
