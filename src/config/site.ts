// The site: what the hospital tells dhai about itself. Loaded from YAML or JSON and validated so that every
// problem names the file, the key and (for YAML) the line.
import { readFileSync } from 'node:fs';
import { parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../util/errors.ts';
import { parseNetwork } from '../privacy/addresses.ts';
import { FINDING_TYPE_NAMES } from '../analyses/finding-types.ts';

/** The device classes dhai knows by name; a site may add its own (lowercase, dashes). */
export const KNOWN_DEVICE_CLASSES = [
  'medical-device',
  'medical-supporting',
  'workstation',
  'server',
  'guest',
  'network',
  'other',
] as const;

// the same strict parser the analyses use: no octal-looking parts, no shortened forms like 10.1/16
const cidr = z.string().refine((s) => {
  try {
    parseNetwork(s.includes('/') ? s : `${s}/${s.includes(':') ? 128 : 32}`);
    return true;
  } catch {
    return false;
  }
}, 'not an IP network in CIDR form (e.g. 10.20.0.0/16)');

const domain = z
  .string()
  .min(1)
  .refine((s) => /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(s), 'not a domain name (e.g. example-hospital.org)');

const dreadValue = z.number().min(0).max(10);

// a calendar date (UTC), e.g. 2026-12-31; YAML's core schema keeps an unquoted date as this string
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date in the form YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a calendar date');

const acceptedRisk = z
  .object({
    /** a finding id (`exposure/exposed-web-console/10.20.1.5:443`) … */
    id: z.string().min(1).optional(),
    /** … or a glob over finding ids (`*` any run of characters, `?` one character) */
    pattern: z.string().min(1).optional(),
    reason: z.string().min(1),
    /** accepted up to and including this day (UTC); afterwards the findings are ranked again */
    expires: isoDate,
  })
  .strict()
  .refine((r) => (r.id === undefined) !== (r.pattern === undefined), 'give either id or pattern (exactly one)');

const siteSchema = z
  .object({
    name: z.string().min(1).optional(),
    networks: z.object({ internal: z.array(cidr).default([]) }).strict().default({ internal: [] }),
    device_classes: z
      .array(
        z
          .object({
            class: z.string().regex(/^[a-z][a-z0-9-]*$/, 'class names are lowercase words joined by dashes'),
            subnets: z.array(cidr).min(1),
            description: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    domains: z.array(domain).default([]),
    internal_cas: z.array(z.string().min(1)).default([]),
    resolvers: z.array(cidr).default([]),
    sensors: z
      .array(z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]+$/), paths: z.array(z.string().min(1)).min(1) }).strict())
      .default([]),
    vendors: z
      .array(
        z
          .object({ name: z.string().min(1), networks: z.array(cidr).default([]), domains: z.array(domain).default([]) })
          .strict(),
      )
      .default([]),
    // DREAD vectors per finding type, overriding dhai's defaults (src/analyses/finding-types.ts); partial is fine
    dread: z
      .partialRecord(
        z.enum(FINDING_TYPE_NAMES),
        z
          .object({
            damage: dreadValue.optional(),
            reproducibility: dreadValue.optional(),
            exploitability: dreadValue.optional(),
            affected_users: dreadValue.optional(),
            discoverability: dreadValue.optional(),
          })
          .strict(),
      )
      .default({}),
    // findings the hospital has accepted: kept out of the ranking until they expire, listed apart
    accepted_risks: z.array(acceptedRisk).default([]),
    supply_chain: z
      .object({ long_session_minutes: z.number().positive().default(60) })
      .strict()
      .default({ long_session_minutes: 60 }),
    // a MaxMind GeoIP2/GeoLite2 Country or City database (.mmdb; relative to this file) for the peer countries of
    // analysis G; dhai never downloads one (`dhai report --geoip FILE` overrides it)
    geoip: z.object({ database: z.string().min(1) }).strict().optional(),
    // DNS categorisation (analysis A): whitelisted = registrable domain within the top `top_n` of the top list
    // named `top_list` (a feed name; default: the top list imported most recently)
    dns: z
      .object({ top_n: z.number().int().positive().default(100000), top_list: z.string().min(1).optional() })
      .strict()
      .default({ top_n: 100000 }),
    // issuer organisations counted as reputable behind unknown-issuer traffic (analysis E); absent: dhai's list
    reputable_vendors: z
      .array(z.object({ name: z.string().min(1), organisations: z.array(z.string().min(1)).min(1) }).strict())
      .optional(),
    // the online CT look-up (analysis F): only `dhai report --ct-lookup` makes requests; these are its settings
    ct_lookup: z
      .object({
        /** `crtsh`, a crt.sh-compatible base URL, or a URL template with {sha256} */
        provider: z.string().min(1).optional(),
        /** certificates with a name under one of these are never looked up */
        private_domains: z.array(domain).default([]),
        /** a "not found" answer is asked again after this many days; "found" is final (CT logs are append-only) */
        ttl_days: z.number().positive().default(30),
        max_requests: z.number().int().nonnegative().default(100),
        requests_per_minute: z.number().positive().default(20),
        timeout_seconds: z.number().positive().default(20),
      })
      .strict()
      .default({ private_domains: [], ttl_days: 30, max_requests: 100, requests_per_minute: 20, timeout_seconds: 20 }),
  })
  .strict();

export type Site = z.infer<typeof siteSchema> & { source?: string };

export const EMPTY_SITE: Site = siteSchema.parse({});

/** Parse and validate a site file; throws UsageError naming the file, key and line. */
export function loadSite(file: string): Site {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read site file ${file}: ${(e as Error).message}`);
  }
  return parseSite(text, file);
}

export function parseSite(text: string, file = 'site'): Site {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new UsageError(`${file}${line ? `:${line}` : ''}: not valid YAML/JSON: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const res = siteSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const keyPath = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    const line = lineOf(doc.contents as YamlNode | null, issue.path as (string | number)[], text);
    const what = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
    throw new UsageError(`${file}${line ? `:${line}` : ''}: ${keyPath || '(top level)'}: ${what}`);
  }
  return { ...res.data, source: file };
}

/** Line (1-based) of the node at `path` in a YAML document, or of the deepest ancestor that exists. */
function lineOf(root: YamlNode | null, path: (string | number)[], text: string): number | undefined {
  let node: unknown = root;
  let offset: number | undefined = (root as { range?: [number] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      node = pair.value;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as { range?: [number] } | undefined)?.range?.[0] ?? offset;
    } else break;
  }
  if (offset === undefined) return undefined;
  return text.slice(0, offset).split('\n').length;
}
