// The shareable export's contract (schemas/share-export.schema.json), checked when an export is written and
// when `dhai compare` reads one: a file that does not match is refused with one line naming the file and place.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';
import type { ShareExport } from './model.ts';

export const SHARE_SCHEMA_PATH = new URL('../../schemas/share-export.schema.json', import.meta.url);

let cached: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(SHARE_SCHEMA_PATH, 'utf8')) as object;
  cached = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  return cached;
}

/**
 * The errors worth reading: ajv reports every failed branch of a oneOf ("must be number", "must be null"…),
 * so keep the deepest places, and there the errors that are not about a branch's type.
 */
function describe(errors: ErrorObject[] | null | undefined): string[] {
  const real = (errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const deepest = Math.max(0, ...real.map(depth));
  const at = real.filter((e) => depth(e) === deepest);
  const specific = at.filter((e) => e.keyword !== 'type');
  return [...new Set((specific.length ? specific : at).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
    return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  }))].slice(0, 3);
}

/** Problems with an export, or [] when it matches the schema. */
export function shareProblems(value: unknown): string[] {
  const v = validator();
  return v(value) ? [] : describe(v.errors);
}

export function parseShareExport(text: string, file: string): ShareExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${safeText(file)}: not valid JSON: ${(e as Error).message}`);
  }
  const kind = (raw as { format?: unknown } | null)?.format;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || kind !== 'dhai-share-export') {
    throw new UsageError(`${safeText(file)}: not a dhai shareable export (write one with dhai export --share)`);
  }
  const problems = shareProblems(raw);
  if (problems.length > 0) throw new UsageError(`${safeText(file)}: not a valid shareable export: ${safeText(problems.join('; '))}`);
  return raw as ShareExport;
}

export function loadShareExport(file: string): ShareExport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${safeText(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseShareExport(text, file);
}
