// `--key-file` for the commands that apply a site to a store (report, export --share, baseline export, serve):
// a pseudonymised store holds the site's internal networks and names as pseudonyms, so the site is mapped
// through the key it was ingested with before the analyses look for the hospital in it. One set of checks for
// every command: the store's record (store/pseudonymisation.ts) is read first, with a brief read-only ATTACH
// that never holds the store, so that `dhai serve` (which never opens the store) checks the same way.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Site } from '../config/site.ts';
import { loadKey } from '../privacy/cryptopan.ts';
import { pseudonymisedSite } from '../privacy/site-pseudonyms.ts';
import { keyCheck, readPseudonymisation, siteCheck, type Pseudonymisation } from '../store/pseudonymisation.ts';
import { literal } from '../store/sql.ts';
import { UsageError } from '../util/errors.ts';

/** What a command knows of a store's pseudonymisation before it reads the store. */
export interface StoreKey {
  command: string;
  dbPath: string;
  /** the key from --key-file, checked against the store's record */
  key?: Uint8Array;
  /** the store's record; undefined when the store is not pseudonymised (or, with `unknown`, could not be read) */
  record?: Pseudonymisation;
  /** the record could not be read: the store is held by another process (an ingest) */
  unknown?: string;
}

/**
 * The store's pseudonymisation record, read without holding the store: undefined for a plain store (or no store
 * file: the command's own open then says so); `{ busy }` when another process holds the file for writing.
 */
export async function readStoreRecord(dbPath: string): Promise<{ record?: Pseudonymisation; busy?: string }> {
  if (!existsSync(dbPath)) return {};
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    try {
      await conn.run(`ATTACH ${literal(path.resolve(dbPath))} AS dhai_key_check (READ_ONLY)`);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0]!;
      if (/lock/i.test(msg)) return { busy: msg };
      throw new UsageError(`cannot open store ${dbPath}: ${msg}`);
    }
    await conn.run('USE dhai_key_check');
    const has = Number((await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'dhai_key_check' AND table_name = 'dhai_meta'`)).getRows()[0]![0]) > 0;
    return { record: has ? await readPseudonymisation(conn) : undefined };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Check --key-file against the store before `command` reads it: a pseudonymised store needs its key, a plain
 * store takes none, and the key must be the one the store records. Every refusal is a UsageError (one line,
 * exit 2) naming the store and the flag. A store held by another process cannot be checked: refused when a
 * key was given (it cannot be verified), otherwise returned as `unknown` for the caller to decide.
 */
export async function checkStoreKey(command: string, dbPath: string, keyFile: string | undefined): Promise<StoreKey> {
  const key = keyFile ? loadKey(keyFile) : undefined;
  const { record, busy } = await readStoreRecord(dbPath);
  if (busy) {
    if (key) throw new UsageError(`store ${dbPath} is in use by another process: --key-file cannot be checked against it now (${busy})`);
    return { command, dbPath, unknown: busy };
  }
  if (record && !key) throw keyNeeded(command, dbPath);
  if (key && !record) throw new UsageError(`store ${dbPath} is not pseudonymised: --key-file is only for pseudonymised stores`);
  if (key && record && keyCheck(key) !== record.keyCheck) throw new UsageError(`--key-file: not the key store ${dbPath} was pseudonymised with`);
  return { command, dbPath, key, record };
}

const keyNeeded = (command: string, dbPath: string) => new UsageError(`store ${dbPath} is pseudonymised: give the key it was ingested with to ${command} (--key-file K)`);

/**
 * The site as the analyses should see the store: mapped through the key for a pseudonymised store (its
 * networks and domains as the store holds them), as it is otherwise. Warns through `warn` when the site is not
 * the one the store was pseudonymised with (what it adds was stored unmapped). `k.record` is the record as the
 * store was finally opened: a pseudonymised one without a key is refused here too.
 */
export function siteForStore(site: Site | undefined, k: StoreKey, warn: (line: string) => void): Site | undefined {
  const { key, record } = k;
  // the record as the store was opened (it may have been unreadable before: held by an ingest)
  if (record && !key) throw keyNeeded(k.command, k.dbPath);
  if (!site || !key || !record) return site;
  if (siteCheck(key, site) !== record.siteCheck) {
    warn('dhai: warning: --site differs from the site the store was pseudonymised with (internal networks or domains): addresses and names it adds were stored as they were\n');
  }
  return pseudonymisedSite(site, key, record.scope);
}

export const KEY_FILE_HELP = "the key a pseudonymised store was ingested with: the site's networks and domains are mapped through it";
