// report.json's contract, checked in the product as well as in the tests: build() validates every section an
// analysis returns (an invalid one becomes "not available" with the reason) and the whole report before
// anything is written.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

export const REPORT_SCHEMA_PATH = new URL('../../schemas/report.schema.json', import.meta.url);

interface Validators {
  report: ValidateFunction;
  section: ValidateFunction;
  finding: ValidateFunction;
}

let cached: Validators | undefined;

function validators(): Validators {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addSchema(schema);
  const get = (ref: string): ValidateFunction => {
    const v = ajv.getSchema(ref);
    if (!v) throw new Error(`report schema: no ${ref}`);
    return v;
  };
  cached = { report: get(schema.$id), section: get(`${schema.$id}#/$defs/section`), finding: get(`${schema.$id}#/$defs/finding`) };
  return cached;
}

/**
 * The few errors that say what is wrong: ajv reports every failed branch of a oneOf/anyOf ("must be number",
 * "must be null", …), so keep, per place, the errors that are not about the branch's type, deepest place first.
 */
function describe(errors: ErrorObject[] | null | undefined): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors ?? []) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const places = [...byPath.entries()].sort((a, b) => b[0].split('/').length - a[0].split('/').length);
  const out: string[] = [];
  const covered: string[] = [];
  for (const [where, errs] of places) {
    // a parent whose child already explains the problem adds nothing
    if (covered.some((c) => c.startsWith(`${where}/`))) continue;
    const specific = errs.filter((e) => e.keyword !== 'type');
    for (const e of (specific.length > 0 ? specific : errs).slice(0, 2)) out.push(`${where || '/'} ${e.message ?? 'is invalid'}`);
    covered.push(where);
    if (out.length >= 5) break;
  }
  return out;
}

/** Problems with a whole report.json, or [] when it matches the schema. */
export function reportProblems(report: unknown): string[] {
  const v = validators().report;
  return v(report) ? [] : describe(v.errors);
}

export function sectionProblems(section: unknown): string[] {
  const v = validators().section;
  return v(section) ? [] : describe(v.errors);
}

export function findingProblems(finding: unknown): string[] {
  const v = validators().finding;
  return v(finding) ? [] : describe(v.errors);
}
