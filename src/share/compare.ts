// `dhai compare`: several hospitals' shareable exports side by side, each under a label (the reader's choice
// or the file name). The comparison is built from the exports alone: compare.json (every figure per hospital),
// compare.csv (one row per figure) and compare.html (compare-html.ts; written by compare-write.ts).
import { SECTION_IDS } from '../analyses/types.ts';
import { csvCell } from '../report/csv.ts';
import { VERSION } from '../version.ts';
import type { ShareExport, ShareFeed, ShareMetric } from './model.ts';

export const COMPARE_FORMAT = 'dhai-share-comparison';
export const COMPARE_SCHEMA_VERSION = 1;

export interface LabelledExport {
  label: string;
  /** the file's base name, for the reader */
  file: string;
  data: ShareExport;
}

/** A figure of one hospital: its value, "suppressed" (fewer than k devices), or null (not in the export). */
export type CompareCell = ShareMetric | 'suppressed' | null;

export interface ComparedHospital {
  label: string;
  file: string;
  dhai_version: string;
  generated_at: string;
  window: { from: string | null; to: string | null };
  k: number;
  feeds: ShareFeed[];
  figures: number;
  suppressed: number;
  left_out: number;
}

export interface ComparedSection {
  /** per hospital, in the order of `hospitals`; null when the export has no such section */
  status: ('ok' | 'not_available' | null)[];
  metrics: Record<string, CompareCell[]>;
}

export interface Comparison {
  format: typeof COMPARE_FORMAT;
  schema_version: typeof COMPARE_SCHEMA_VERSION;
  dhai_version: string;
  generated_at: string;
  hospitals: ComparedHospital[];
  sections: Record<string, ComparedSection>;
  /** the rules the exports followed (their method notes, each once) */
  method: string[];
}

/** Section ids in report order, then any a newer dhai exported, alphabetically. */
function sectionOrder(exports: readonly LabelledExport[]): string[] {
  const known: readonly string[] = SECTION_IDS;
  const seen = new Set<string>();
  for (const e of exports) for (const id of Object.keys(e.data.sections)) seen.add(id);
  return [...known.filter((id) => seen.has(id)), ...[...seen].filter((id) => !known.includes(id)).sort()];
}

export function buildComparison(exports: readonly LabelledExport[], now = new Date()): Comparison {
  const labels = new Set<string>();
  for (const e of exports) {
    if (labels.has(e.label)) throw new Error(`two exports are labelled ${e.label}`);
    labels.add(e.label);
  }
  const sections: Record<string, ComparedSection> = {};
  for (const id of sectionOrder(exports)) {
    const names: string[] = [];
    const seen = new Set<string>();
    const add = (n: string) => {
      if (!seen.has(n)) names.push(n);
      seen.add(n);
    };
    for (const e of exports) {
      for (const n of Object.keys(e.data.sections[id as keyof ShareExport['sections']]?.metrics ?? {})) add(n);
      for (const s of e.data.manifest.suppressed) if (s.section === id) add(s.metric);
    }
    const metrics: Record<string, CompareCell[]> = {};
    for (const n of names) {
      metrics[n] = exports.map((e) => {
        const v = e.data.sections[id as keyof ShareExport['sections']]?.metrics[n];
        if (v !== undefined) return v;
        return e.data.manifest.suppressed.some((s) => s.section === id && s.metric === n) ? 'suppressed' : null;
      });
    }
    sections[id] = { status: exports.map((e) => e.data.sections[id as keyof ShareExport['sections']]?.status ?? null), metrics };
  }
  const hospitals = exports.map((e) => ({
    label: e.label,
    file: e.file,
    dhai_version: e.data.dhai_version,
    generated_at: e.data.generated_at,
    window: e.data.window,
    k: e.data.k,
    feeds: e.data.feeds,
    figures: Object.values(e.data.sections).reduce((n, s) => n + Object.keys(s?.metrics ?? {}).length, 0),
    suppressed: e.data.manifest.suppressed.length,
    left_out: e.data.manifest.left_out.reduce((n, l) => n + l.count, 0),
  }));
  const method = [...new Set(exports.flatMap((e) => e.data.method))];
  return { format: COMPARE_FORMAT, schema_version: COMPARE_SCHEMA_VERSION, dhai_version: VERSION, generated_at: now.toISOString(), hospitals, sections, method };
}

/** The number a cell stands for: the share when it has one, else the plain value; null when absent. */
export function cellValue(c: CompareCell | undefined): { kind: 'share' | 'value'; value: number | null } | null {
  if (c === null || c === undefined || c === 'suppressed') return null;
  if (typeof c === 'number') return { kind: 'value', value: c };
  return { kind: 'share', value: c.share };
}

/** One row per figure: section, metric, kind (share 0..1 or value), then one column per hospital. */
export function compareCsv(cmp: Comparison): string {
  const lines = [['section', 'metric', 'kind', ...cmp.hospitals.map((h) => h.label)].map((c) => csvCell(c)).join(',')];
  for (const [id, s] of Object.entries(cmp.sections)) {
    for (const [name, cells] of Object.entries(s.metrics)) {
      const kinds = cells.map(cellValue).filter((v) => v !== null).map((v) => v.kind);
      const kind = kinds[0] ?? '';
      const values = cells.map((c) => (c === 'suppressed' ? csvCell('suppressed') : csvCell(cellValue(c)?.value ?? null)));
      lines.push([csvCell(id), csvCell(name), csvCell(kind), ...values].join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
