// What to do with one discovered file, decided from the manifest and the pre-scan: store it, store only
// what a live log appended since last time, or skip it (and say why).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ScanResult } from '../sources/zeek/prescan.ts';

export interface PreviousIngest {
  id: number;
  sha256: string;
  coveredBytes: number;
  coveredSha256: string;
  coveredLines: number;
}

/** The latest manifest row for a path (for a live log, the one that covers the most). */
export async function previousForPath(conn: DuckDBConnection, file: string): Promise<PreviousIngest | undefined> {
  const r = await conn.runAndReadAll(
    `SELECT id, sha256, covered_bytes, covered_sha256, covered_lines FROM ingest_file
     WHERE path = $1 AND gzip = false ORDER BY covered_bytes DESC, id DESC LIMIT 1`,
    [file],
  );
  const row = r.getRows()[0];
  if (!row) return undefined;
  return {
    id: Number(row[0]),
    sha256: String(row[1]),
    coveredBytes: Number(row[2] ?? 0),
    coveredSha256: String(row[3] ?? ''),
    coveredLines: Number(row[4] ?? 0),
  };
}

/** A file with the same content was ingested before (any path): its path, else undefined. */
export async function sameContent(conn: DuckDBConnection, sha256: string): Promise<string | undefined> {
  const r = await conn.runAndReadAll(`SELECT path FROM ingest_file WHERE sha256 = $1 OR covered_sha256 = $1 LIMIT 1`, [sha256]);
  const row = r.getRows()[0];
  return row ? String(row[0]) : undefined;
}

export type Plan =
  | { action: 'skip'; reason: string; kind: 'duplicate' | 'unchanged' | 'empty' | 'not-zeek' | 'log-type' | 'damaged' }
  | { action: 'store'; fromByte: number; fromLine: number; parent?: number };

export function planFromScan(scan: ScanResult, prev: PreviousIngest | undefined, duplicateOf: string | undefined): Plan {
  if (scan.size === 0) return { action: 'skip', kind: 'empty', reason: 'empty file' };
  if (scan.gzipError && scan.plainSize === 0) return { action: 'skip', kind: 'damaged', reason: `gzip: ${scan.gzipError}` };
  if (prev && scan.prefixSha256 === prev.coveredSha256) {
    if (scan.coveredBytes <= prev.coveredBytes) return { action: 'skip', kind: 'unchanged', reason: 'already ingested (unchanged since)' };
    return { action: 'store', fromByte: prev.coveredBytes, fromLine: prev.coveredLines + 1, parent: prev.id };
  }
  if (duplicateOf) return { action: 'skip', kind: 'duplicate', reason: `already ingested (same content as ${duplicateOf})` };
  if (scan.format === 'unknown') {
    return { action: 'skip', kind: 'not-zeek', reason: scan.header.problem ?? 'not a Zeek log (no TSV header, not JSON lines)' };
  }
  return { action: 'store', fromByte: 0, fromLine: 1 };
}
