// The manifest of ingested files, read once per run and kept in memory: ids, what each path covered, which
// contents are already stored. New rows are committed in groups (one transaction, then the parts are moved
// into place), because a commit per small hourly file cost more than writing the file; an interrupted group
// is rolled back as a whole at the next open and redone.
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { RejectReason } from '../sources/zeek/rejects.ts';
import type { Store } from '../store/store.ts';
import { VERSION } from '../version.ts';
import type { PreviousIngest } from './file-plan.ts';

export interface ManifestRow {
  id: number; path: string; sha256: string; size: number; coveredBytes: number; coveredSha256: string;
  coveredLines: number | null; parent?: number; logType: string; format: string; gzip: boolean; sensor: string;
  zeekOpen?: string; closed: boolean; rowsRead: number; rowsStored: number; rowsRejected: number;
  linesSkipped: number; fastPath: boolean; part: string | null; rejects: RejectReason[]; skippedLines: RejectReason[];
  /** the staged part to move to `part` once the row is committed */
  staged?: string;
}

const GROUP_ROWS = 200;
const ROWS_PER_INSERT = 100;
// DHAI_INGEST_COMMIT_MS tunes how often (tests set 0: every batch commits at once)
const GROUP_MS = Number(process.env.DHAI_INGEST_COMMIT_MS ?? 1000);

/** `($n+1, …, $n+count[, extra, $last])`: one row of a multi-row VALUES list. */
function placeholders(first: number, count: number, extra?: string, last?: number): string {
  const p = Array.from({ length: count }, (_, i) => `$${first + i + 1}`);
  if (extra) p.push(extra, `$${last}`);
  return `(${p.join(', ')})`;
}

export class Manifest {
  private lastId: number;
  private readonly byContent = new Map<string, string>();
  private readonly byPath = new Map<string, PreviousIngest>();
  private pending: ManifestRow[] = [];
  private lastFlush = performance.now();
  /** a group being committed while the next COPY runs; awaited before the next group and at the end */
  private committing: Promise<void> = Promise.resolve();

  private constructor(lastId: number) {
    this.lastId = lastId;
  }

  static async load(conn: DuckDBConnection): Promise<Manifest> {
    const r = await conn.runAndReadAll(
      `SELECT id, path, sha256, covered_bytes, covered_sha256, covered_lines, gzip FROM ingest_file ORDER BY id`,
    );
    const rows = r.getRows();
    const m = new Manifest(rows.reduce((mx, row) => Math.max(mx, Number(row[0])), 0));
    for (const row of rows) m.remember(Number(row[0]), String(row[1]), String(row[2]), Number(row[3] ?? 0), String(row[4] ?? ''), Number(row[5] ?? 0), Boolean(row[6]));
    return m;
  }

  private remember(id: number, file: string, sha256: string, coveredBytes: number, coveredSha256: string, coveredLines: number | null, gzip: boolean): void {
    if (!this.byContent.has(sha256)) this.byContent.set(sha256, file);
    if (coveredSha256 && !this.byContent.has(coveredSha256)) this.byContent.set(coveredSha256, file);
    if (gzip) return;
    const prev = this.byPath.get(file);
    if (!prev || coveredBytes >= prev.coveredBytes) this.byPath.set(file, { id, sha256, coveredBytes, coveredSha256, coveredLines: coveredLines ?? 0 });
  }

  /** Ids are allocated here: one process writes a store at a time (DuckDB's lock). */
  nextId(): number {
    return ++this.lastId;
  }

  /** The latest row for a path (for a live log, the one that covers the most). */
  previousForPath(file: string): PreviousIngest | undefined {
    return this.byPath.get(file);
  }

  /** A file with this content was ingested before (any path): its path. */
  sameContent(sha256: string): string | undefined {
    return this.byContent.get(sha256);
  }

  /** Queue a row; the group is committed when it is large or old enough (and at the end of the run). */
  async add(store: Store, row: ManifestRow): Promise<void> {
    await this.addMany(store, [row]);
  }

  /** Rows that share one part (a batch) always go into the same transaction. */
  async addMany(store: Store, rows: ManifestRow[]): Promise<void> {
    for (const row of rows) {
      this.pending.push(row);
      this.remember(row.id, row.path, row.sha256, row.coveredBytes, row.coveredSha256, row.coveredLines, row.gzip);
    }
    if (this.pending.length >= GROUP_ROWS || performance.now() - this.lastFlush >= GROUP_MS) {
      // committed in the background: the store's connection is not the writer's, so the next COPY need not wait
      await this.committing;
      this.committing = this.commit(store);
    }
  }

  /** Wait for a group being committed, whatever became of it (a run that fails on its way out). */
  async settle(): Promise<void> {
    await this.committing.catch(() => undefined);
  }

  /** Commit every queued row and wait for it (the end of a run). */
  async flush(store: Store): Promise<void> {
    await this.committing;
    this.committing = this.commit(store);
    await this.committing;
  }

  private async commit(store: Store): Promise<void> {
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    const c = store.conn;
    await c.run('BEGIN TRANSACTION');
    try {
      // many rows per statement: a statement per row cost a round trip each (1920 hourly files, 2 s)
      for (let i = 0; i < group.length; i += ROWS_PER_INSERT) {
        const rows = group.slice(i, i + ROWS_PER_INSERT);
        await c.run(`INSERT INTO ingest_file VALUES ${rows.map((_, k) => placeholders(k * 21, 20, 'now()::TIMESTAMP', k * 21 + 21)).join(', ')}`,
          rows.flatMap((m) => [m.id, m.path, m.sha256, m.size, m.coveredBytes, m.coveredSha256, m.coveredLines, m.parent ?? null, m.logType,
            m.format, m.gzip, m.sensor, m.zeekOpen ?? null, m.closed, m.rowsRead, m.rowsStored, m.rowsRejected,
            m.linesSkipped, m.fastPath, m.part, VERSION]));
      }
      const rejects = group.flatMap((m) => (['rejected', 'skipped'] as const).flatMap((kind) =>
        (kind === 'rejected' ? m.rejects : m.skippedLines).map((r) => [m.id, kind, r.reason, r.count, listValue(r.examples.map((e) => `${e.line}: ${e.text}`))])));
      for (let i = 0; i < rejects.length; i += ROWS_PER_INSERT) {
        const rows = rejects.slice(i, i + ROWS_PER_INSERT);
        await c.run(`INSERT INTO ingest_reject VALUES ${rows.map((_, k) => placeholders(k * 5, 5)).join(', ')}`, rows.flat());
      }
      await c.run('COMMIT');
    } catch (e) {
      await c.run('ROLLBACK');
      throw e;
    }
    // committed: the parts become visible (a kill here is finished by the next open: roll forward)
    for (const m of group) {
      if (!m.part || !m.staged) continue;
      mkdirSync(path.dirname(m.part), { recursive: true });
      renameSync(m.staged, m.part);
    }
  }
}
