// What to do with one discovered file, decided from the manifest and the pre-scan: store it, store only
// what a live log appended since last time, or skip it (and say why).
import type { ScanResult } from '../sources/zeek/prescan.ts';

export interface PreviousIngest {
  id: number;
  sha256: string;
  coveredBytes: number;
  coveredSha256: string;
  coveredLines: number;
}

export type Plan =
  | { action: 'skip'; reason: string; kind: 'duplicate' | 'unchanged' | 'empty' | 'not-zeek' | 'log-type' | 'damaged' }
  | { action: 'store'; fromByte: number; fromLine: number; parent?: number };

/** The plan from the pre-scan; identical content elsewhere is checked at load time, against the manifest as it grows. */
export function planFromScan(scan: ScanResult, prev: PreviousIngest | undefined): Plan {
  if (scan.size === 0) return { action: 'skip', kind: 'empty', reason: 'empty file' };
  if (scan.gzipError && scan.plainSize === 0) return { action: 'skip', kind: 'damaged', reason: `gzip: ${scan.gzipError}` };
  if (prev && scan.prefixSha256 === prev.coveredSha256) {
    if (scan.coveredBytes <= prev.coveredBytes) return { action: 'skip', kind: 'unchanged', reason: 'already ingested (unchanged since)' };
    return { action: 'store', fromByte: prev.coveredBytes, fromLine: prev.coveredLines + 1, parent: prev.id };
  }
  if (scan.format === 'unknown') {
    return { action: 'skip', kind: 'not-zeek', reason: scan.header.problem ?? 'not a Zeek log (no TSV header, not JSON lines)' };
  }
  return { action: 'store', fromByte: 0, fromLine: 1 };
}
