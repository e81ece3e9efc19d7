// One HTTP download of a feed with Node's fetch: conditional GET (ETag / Last-Modified), a timeout over the
// whole exchange, a size ceiling enforced while reading (a Content-Length that lies does not get past it),
// and detection of bodies cut short.
import { VERSION } from '../version.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface DownloadOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs: number;
  maxBytes: number;
  fetchImpl?: FetchLike;
}

export type DownloadResult =
  | { status: 'ok'; httpStatus: number; body: Uint8Array; etag: string | null; lastModified: string | null }
  | { status: 'not-modified'; httpStatus: 304; etag: string | null; lastModified: string | null };

export type DownloadFailure = 'http' | 'timeout' | 'too-large' | 'truncated' | 'network';

export class FeedDownloadError extends Error {
  override name = 'FeedDownloadError';
  constructor(
    message: string,
    readonly reason: DownloadFailure,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

class Timeout extends Error {}

function causeText(e: unknown): string {
  const err = e as Error & { cause?: { message?: string; code?: string } };
  const cause = err.cause ? ` (${err.cause.code ?? err.cause.message ?? ''})` : '';
  return `${err.message}${cause}`;
}

export async function downloadFeed(url: string, opts: DownloadOptions): Promise<DownloadResult> {
  const doFetch: FetchLike = opts.fetchImpl ?? ((u, init) => fetch(u, init));
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new Timeout()), opts.timeoutMs);
  const timedOut = () => ctrl.signal.aborted && ctrl.signal.reason instanceof Timeout;
  const headers: Record<string, string> = { 'user-agent': `dhai/${VERSION}` };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  try {
    let res: Response;
    try {
      res = await doFetch(url, { headers, signal: ctrl.signal, redirect: 'follow' });
    } catch (e) {
      if (timedOut()) throw new FeedDownloadError(`no answer within ${opts.timeoutMs} ms`, 'timeout');
      throw new FeedDownloadError(`request failed: ${causeText(e)}`, 'network');
    }
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'not-modified', httpStatus: 304, etag: etag ?? opts.etag ?? null, lastModified: lastModified ?? opts.lastModified ?? null };
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel();
      throw new FeedDownloadError(`HTTP ${res.status} ${res.statusText}`.trim(), 'http', res.status);
    }
    const lengthHeader = res.headers.get('content-length');
    const declared = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    if (declared !== null && declared > opts.maxBytes) {
      ctrl.abort();
      throw new FeedDownloadError(`Content-Length ${declared} exceeds the ${opts.maxBytes}-byte limit`, 'too-large', res.status);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > opts.maxBytes) {
            ctrl.abort();
            throw new FeedDownloadError(`body exceeds the ${opts.maxBytes}-byte limit`, 'too-large', res.status);
          }
          chunks.push(value);
        }
      } catch (e) {
        if (e instanceof FeedDownloadError) throw e;
        if (timedOut()) throw new FeedDownloadError(`body not complete within ${opts.timeoutMs} ms (${total} bytes read)`, 'timeout', res.status);
        const of = declared !== null ? ` of ${declared}` : '';
        throw new FeedDownloadError(`connection lost after ${total}${of} bytes: ${causeText(e)}`, 'truncated', res.status);
      }
    }
    // Content-Length counts encoded bytes: comparable only when the body was not content-decoded
    const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
    if (declared !== null && !encoded && total !== declared) {
      throw new FeedDownloadError(`body has ${total} bytes, Content-Length said ${declared}`, 'truncated', res.status);
    }
    const body = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.byteLength;
    }
    return { status: 'ok', httpStatus: res.status, body, etag, lastModified };
  } finally {
    clearTimeout(timer);
  }
}
