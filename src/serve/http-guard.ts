// Who may talk to `dhai serve`: on a loopback address, only requests that name that address (a DNS-rebinding
// page names its own host, so it is refused); with a token, only requests that carry it (header or the
// HttpOnly cookie set when the page was opened with ?token=). The token is compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { UsageError } from '../util/errors.ts';

export const TOKEN_COOKIE = 'dhai_token';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuse a host other than loopback without a token, and tokens a guesser or a cookie could break. */
export function checkBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && token === undefined) {
    throw new UsageError(`--host ${host} is reachable from other machines: give --token T too (every request must then carry it)`);
  }
  if (token !== undefined && !/^[A-Za-z0-9._~+/=-]{16,256}$/.test(token)) {
    throw new UsageError('--token must be 16 to 256 characters of letters, digits and . _ ~ + / = -');
  }
  if (!isLoopback(host) && host !== '0.0.0.0' && host !== '::' && isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host)) {
    throw new UsageError(`--host ${host}: not an address or host name`);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** Host header values a loopback server answers to: its own address and port, and localhost. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host, 'localhost', '127.0.0.1', '[::1]']);
  if (host === '::1') names.add('[::1]');
  return new Set([...names].map((n) => `${n.includes(':') && !n.startsWith('[') ? `[${n}]` : n}:${port}`));
}
