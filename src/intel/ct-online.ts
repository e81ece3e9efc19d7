// The opt-in online Certificate Transparency look-up: ask a CT search service whether it knows a certificate,
// by its SHA-256 fingerprint alone (no name, no address ever goes into a request). Requests go one at a time,
// spaced by a rate limit, each with a timeout and a ceiling on the answer's size (src/intel/download.ts), and a
// run stops early when the service throttles or keeps failing. Only `dhai report --ct-lookup` starts one.
//
// crt.sh (crtsh/certwatch_db, fnc/web_apis.fnc and fnc/download_cert.fnc; crtsh/mod_certwatch): `?q=<sha256>`
// resolves to the single-certificate page, for which JSON output is not offered (`output=json` there raises
// "Unsupported output type", which mod_certwatch serves as HTTP 503). `?d=<sha256>` returns the certificate as
// PEM (application/pkix-cert) when crt.sh holds it and nothing otherwise, which Apache answers with 404. So the
// crt.sh provider asks `?d=`, and counts "found" only when the PEM it gets back hashes to the fingerprint asked.
import { createHash } from 'node:crypto';
import { UsageError } from '../util/errors.ts';
import { certificatesFromPem } from '../x509/pem.ts';
import { FeedDownloadError, downloadFeed, type FetchLike } from './download.ts';

export type CtAnswer = { outcome: 'found'; detail: string | null } | { outcome: 'not-found' } | { outcome: 'error'; reason: string; httpStatus: number | null };

/** A CT search service. Add one by implementing this: the rest (limits, cache, report) is shared. */
export interface CtLookupProvider {
  /** Stable name stored with every answer (the cache is per provider). */
  readonly name: string;
  /** Where the requests go, for the report's provenance. */
  readonly endpoint: string;
  /** The URL asking about one certificate; `sha256` is 64 lower-case hex digits and the only input. */
  requestUrl(sha256: string): string;
  /** The answer to one request: a 2xx body, or the HTTP status of any other answer (body discarded). */
  interpret(answer: { status: number; body: Uint8Array | null }, sha256: string): CtAnswer;
}

/** crt.sh or a server with its interface (a mirror): `?d=<sha256>` returns the certificate's PEM, or 404. */
export function crtShProvider(base = 'https://crt.sh/'): CtLookupProvider {
  const url = new URL(base);
  return {
    name: url.host === 'crt.sh' ? 'crt.sh' : `crt.sh-compatible ${url.host}`,
    endpoint: url.href,
    requestUrl: (sha256) => {
      const u = new URL(url.href);
      u.search = `?d=${sha256}`;
      return u.href;
    },
    interpret: ({ status, body }, sha256) => {
      if (status === 404) return { outcome: 'not-found' };
      if (status < 200 || status > 299 || body === null) return { outcome: 'error', reason: `HTTP ${status}`, httpStatus: status };
      const ders = certificatesFromPem(Buffer.from(body).toString('latin1'));
      if (ders.some((d) => createHash('sha256').update(d).digest('hex') === sha256)) {
        const page = new URL(url.href);
        page.search = `?sha256=${sha256}`;
        return { outcome: 'found', detail: page.href };
      }
      return { outcome: 'error', reason: ders.length ? 'the certificate returned has another fingerprint' : 'the answer holds no PEM certificate', httpStatus: status };
    },
  };
}

/**
 * A service reached through a URL template with `{sha256}`: 404, or an empty JSON array, means not found; a
 * non-empty JSON array (crt.sh-style records, the first one's `id` kept) or object means found.
 */
export function templateProvider(template: string): CtLookupProvider {
  const url = new URL(template.replace('{sha256}', '0'));
  return {
    name: `template ${url.host}`,
    endpoint: template,
    requestUrl: (sha256) => template.replace('{sha256}', sha256),
    interpret: ({ status, body }) => {
      if (status === 404) return { outcome: 'not-found' };
      if (status < 200 || status > 299 || body === null) return { outcome: 'error', reason: `HTTP ${status}`, httpStatus: status };
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(body).toString('utf8'));
      } catch {
        return { outcome: 'error', reason: 'the answer is not JSON', httpStatus: status };
      }
      if (Array.isArray(json)) {
        if (json.length === 0) return { outcome: 'not-found' };
        const id = (json[0] as { id?: unknown } | null)?.id;
        return { outcome: 'found', detail: typeof id === 'number' || typeof id === 'string' ? `id ${String(id).slice(0, 40)}` : null };
      }
      if (json !== null && typeof json === 'object') return { outcome: 'found', detail: null };
      return { outcome: 'error', reason: 'the answer is neither a JSON array nor an object', httpStatus: status };
    },
  };
}

/** `crtsh`, an http(s) URL template with {sha256}, or the base URL of a crt.sh-compatible server. */
export function resolveCtProvider(spec: string): CtLookupProvider {
  const s = spec.trim();
  if (s === 'crtsh' || s === 'crt.sh') return crtShProvider();
  let url: URL;
  try {
    url = new URL(s.replace('{sha256}', '0'));
  } catch {
    throw new UsageError(`--ct-lookup: ${JSON.stringify(spec)} is neither "crtsh" nor an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--ct-lookup: only http and https URLs are supported, not ${url.protocol}`);
  if (url.username || url.password) throw new UsageError('--ct-lookup: no credentials in the URL');
  return s.includes('{sha256}') ? templateProvider(s) : crtShProvider(s);
}

export interface CtLookupLimits {
  /** Requests in one run at most; certificates beyond wait for a later run. */
  maxRequests: number;
  requestsPerMinute: number;
  timeoutMs: number;
  /** Largest answer accepted. */
  maxBytes: number;
  /** A "not found" answer is reused for this long; "found" answers are reused for good. */
  ttlMs: number;
}

/** What the report asks for: which service, the limits, and the domains never to look up. */
export interface CtLookupSettings {
  provider: CtLookupProvider;
  limits: CtLookupLimits;
  /** Certificates with a name under one of these (lower case) are never looked up. */
  privateDomains: readonly string[];
  fetchImpl?: FetchLike;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Certificates are a few KiB of PEM; a JSON record list of one certificate stays far below this. */
const CT_LOOKUP_MAX_BYTES = 256 * 1024;
/** A service that fails this many times in a row is not asked again in the same run. */
const CT_LOOKUP_MAX_CONSECUTIVE_FAILURES = 3;

/** The settings from the site's `ct_lookup` block, with the provider given on the command line (else the site's, else crt.sh). */
export function ctLookupSettings(
  site: { ct_lookup: { provider?: string; private_domains: string[]; ttl_days: number; max_requests: number; requests_per_minute: number; timeout_seconds: number } },
  flag: string | true,
): CtLookupSettings {
  const c = site.ct_lookup;
  const spec = flag === true ? (c.provider ?? 'crtsh') : flag;
  return {
    provider: resolveCtProvider(spec),
    limits: {
      maxRequests: c.max_requests,
      requestsPerMinute: c.requests_per_minute,
      timeoutMs: Math.round(c.timeout_seconds * 1000),
      maxBytes: CT_LOOKUP_MAX_BYTES,
      ttlMs: c.ttl_days * 86_400_000,
    },
    privateDomains: [...new Set(c.private_domains.map((d) => d.toLowerCase().replace(/\.$/, '')))],
  };
}

/** Ask about one certificate. Never throws for what the network or the service does: that is an `error` answer. */
async function askOne(settings: CtLookupSettings, sha256: string): Promise<CtAnswer> {
  const { provider, limits } = settings;
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256 fingerprint: ${sha256}`);
  try {
    const dl = await downloadFeed(provider.requestUrl(sha256), { timeoutMs: limits.timeoutMs, maxBytes: limits.maxBytes, fetchImpl: settings.fetchImpl });
    if (dl.status !== 'ok') return { outcome: 'error', reason: 'HTTP 304 to an unconditional request', httpStatus: 304 };
    return provider.interpret({ status: dl.httpStatus, body: dl.body }, sha256);
  } catch (e) {
    if (!(e instanceof FeedDownloadError)) throw e;
    if (e.reason === 'http' && e.httpStatus !== null) return provider.interpret({ status: e.httpStatus, body: null }, sha256);
    return { outcome: 'error', reason: `${e.reason}: ${e.message}`, httpStatus: e.httpStatus };
  }
}

export interface CtLookupRun {
  asked: number;
  found: number;
  notFound: number;
  errors: number;
  /** why the run stopped before asking about every certificate, or null */
  stopped: string | null;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Ask about each fingerprint in turn (at most `maxRequests`), starting requests no closer together than the
 * rate allows; `onAnswer` stores each answer as it comes, so an interrupted run keeps what it learnt.
 */
export async function lookUpFingerprints(
  settings: CtLookupSettings,
  sha256s: readonly string[],
  onAnswer: (sha256: string, answer: CtAnswer) => Promise<void>,
): Promise<CtLookupRun> {
  const run: CtLookupRun = { asked: 0, found: 0, notFound: 0, errors: 0, stopped: null };
  const interval = 60_000 / settings.limits.requestsPerMinute;
  const sleep = settings.sleep ?? defaultSleep;
  let failuresInRow = 0;
  let last = -Infinity;
  for (const sha of sha256s) {
    if (run.asked >= settings.limits.maxRequests) {
      run.stopped = `the per-run limit of ${settings.limits.maxRequests} requests was reached`;
      break;
    }
    const wait = last + interval - performance.now();
    if (wait > 0) await sleep(wait);
    last = performance.now();
    const answer = await askOne(settings, sha);
    run.asked++;
    await onAnswer(sha, answer);
    if (answer.outcome === 'found') run.found++;
    else if (answer.outcome === 'not-found') run.notFound++;
    else run.errors++;
    failuresInRow = answer.outcome === 'error' ? failuresInRow + 1 : 0;
    if (answer.outcome === 'error' && answer.httpStatus === 429) {
      run.stopped = 'the service asked us to slow down (HTTP 429)';
      break;
    }
    if (failuresInRow >= CT_LOOKUP_MAX_CONSECUTIVE_FAILURES) {
      run.stopped = `${failuresInRow} failures in a row (last: ${answer.outcome === 'error' ? answer.reason : ''})`;
      break;
    }
  }
  return run;
}
