// What changed since an earlier report (`--previous DIR`): findings that are new or resolved (by their stable
// id), sections whose status changed, and metrics whose value changed. Written to changes.json and shown in
// the HTML.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Metric } from '../analyses/types.ts';
import { UsageError } from '../util/errors.ts';
import type { ReportJson } from './model.ts';
import { reportProblems } from './schema.ts';

export interface FindingRef {
  id: string;
  section: string;
  title: string;
  severity: Finding['severity'];
  score: number;
}

export interface MetricChange {
  section: string;
  metric: string;
  /** null when the metric is new (or was not reported before) */
  before: Metric | null;
  /** null when the metric is no longer reported */
  after: Metric | null;
  /** after − before of the value (share for count-and-share metrics) when both are known */
  difference: number | null;
}

export interface Changes {
  schema_version: 1;
  previous: { generated_at: string; dhai_version: string; window: ReportJson['window'] };
  current: { generated_at: string; dhai_version: string; window: ReportJson['window'] };
  findings: { new: FindingRef[]; resolved: FindingRef[]; unchanged: number };
  sections: { id: string; before: string | null; after: string | null }[];
  metrics: MetricChange[];
}

/** Read and check DIR/report.json of an earlier run. */
export function readPreviousReport(dir: string): ReportJson {
  const file = path.join(dir, 'report.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--previous: cannot read ${file}: ${(e as Error).message}`);
  }
  const version = (raw as { schema_version?: unknown } | null)?.schema_version;
  if (version !== 1) throw new UsageError(`--previous: ${file} has schema_version ${String(version)}; this dhai compares with version 1`);
  const problems = reportProblems(raw);
  if (problems.length > 0) throw new UsageError(`--previous: ${file} is not a valid report.json: ${problems[0]}`);
  return raw as ReportJson;
}

function ref(f: Finding): FindingRef {
  return { id: f.id, section: f.section, title: f.title, severity: f.severity, score: f.dread.score };
}

function valueOf(m: Metric): number | null {
  return typeof m === 'number' ? m : m.share;
}

function sameMetric(a: Metric, b: Metric): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.count === b.count && a.share === b.share;
}

export function compareReports(previous: ReportJson, current: ReportJson): Changes {
  const before = new Map(previous.findings.map((f) => [f.id, f]));
  const after = new Map(current.findings.map((f) => [f.id, f]));
  const sections: Changes['sections'] = [];
  const metrics: MetricChange[] = [];
  const ids = [...new Set([...Object.keys(current.sections), ...Object.keys(previous.sections)])] as (keyof ReportJson['sections'])[];
  for (const id of ids) {
    const b = previous.sections[id];
    const a = current.sections[id];
    if (b?.status !== a?.status) sections.push({ id, before: b?.status ?? null, after: a?.status ?? null });
    const bm = b?.status === 'ok' ? b.metrics : {};
    const am = a?.status === 'ok' ? a.metrics : {};
    for (const name of [...new Set([...Object.keys(am), ...Object.keys(bm)])]) {
      const x = bm[name];
      const y = am[name];
      if (x !== undefined && y !== undefined && sameMetric(x, y)) continue;
      const vx = x === undefined ? null : valueOf(x);
      const vy = y === undefined ? null : valueOf(y);
      const comparable = x !== undefined && y !== undefined && typeof x === typeof y;
      metrics.push({
        section: id,
        metric: name,
        before: x ?? null,
        after: y ?? null,
        difference: comparable && vx !== null && vy !== null ? vy - vx : null,
      });
    }
  }
  return {
    schema_version: 1,
    previous: { generated_at: previous.generated_at, dhai_version: previous.dhai_version, window: previous.window },
    current: { generated_at: current.generated_at, dhai_version: current.dhai_version, window: current.window },
    findings: {
      new: current.findings.filter((f) => !before.has(f.id)).map(ref),
      resolved: previous.findings.filter((f) => !after.has(f.id)).map(ref),
      unchanged: current.findings.filter((f) => before.has(f.id)).length,
    },
    sections,
    metrics,
  };
}
