// A comparison baseline (another hospital, an Internet measurement, or the paper's published figures): a JSON
// file in the `Baseline` shape, validated with a message naming the file and the key.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SECTION_IDS, type Baseline, type Metric } from '../analyses/types.ts';
import { UsageError } from '../util/errors.ts';

const metric = z.union([
  z.number().finite(),
  z.object({ count: z.number().int().nonnegative(), share: z.number().min(0).max(1).nullable() }).strict(),
]);

const baselineSchema = z
  .object({
    name: z.string().min(1),
    source: z.string().min(1),
    sections: z.partialRecord(z.enum(SECTION_IDS), z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/), metric)),
    /** free text beside the figures (how they were read from the source); not used by dhai */
    notes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export interface LoadedBaseline {
  baseline: Baseline;
  sha256: string;
  file: string;
}

export function parseBaseline(text: string, file = 'baseline'): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const res = baselineSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const where = issue.path.map(String).join('.') || '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
    throw new UsageError(`${file}: ${where}: ${what}`);
  }
  const { name, source, sections } = res.data;
  return { name, source, sections: sections as Baseline['sections'] };
}

export function loadBaseline(file: string): LoadedBaseline {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read baseline file ${file}: ${(e as Error).message}`);
  }
  return { baseline: parseBaseline(bytes.toString('utf8'), file), sha256: createHash('sha256').update(bytes).digest('hex'), file };
}

export interface Comparison {
  /** 'share': both sides read as fractions 0..1; 'value': plain numbers (counts, rates, scores) */
  kind: 'share' | 'value';
  value: number | null;
  baseline: number;
  /** value − baseline, null when the value is unknown */
  difference: number | null;
}

/**
 * A report metric beside the baseline's. A baseline may publish a share without its count (the paper gives
 * percentages only), so a count-and-share metric compares by share with either form; a plain number compares
 * with a plain number.
 */
export function compareMetric(value: Metric, base: Metric): Comparison | null {
  if (typeof value === 'number') {
    if (typeof base !== 'number') return null;
    return { kind: 'value', value, baseline: base, difference: value - base };
  }
  const b = typeof base === 'number' ? base : base.share;
  if (b === null || b < 0 || b > 1) return null;
  return { kind: 'share', value: value.share, baseline: b, difference: value.share === null ? null : value.share - b };
}
