// `dhai serve`: the report as a local web page over node:http, filtered by date range, device class and
// device, with a drill-down from any mark of a figure to the rows behind it. Read-only (see source.ts), GET
// only, a strict Content-Security-Policy, and nothing loaded from anywhere but this server.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Analysis, ChartSpec } from '../analyses/types.ts';
import { EMPTY_SITE, type Site } from '../config/site.ts';
import type { LoadedBaseline } from '../report/baseline.ts';
import { buildReport, type BuildResult } from '../report/build.ts';
import { renderChart, type RenderedChart } from '../report/charts.ts';
import { parseAddress } from '../privacy/addresses.ts';
import { UsageError } from '../util/errors.ts';
import { deviceClasses, listDevices, type Device } from './devices.ts';
import { chartOf, drillRows, markLabels } from './drill.ts';
import { allowedHosts, bearer, checkBind, cookieValue, isLoopback, TOKEN_COOKIE, tokenMatches } from './http-guard.ts';
import { parseFilter, filterKey, describeFilter, type Filter } from './filter.ts';
import { ServeSource } from './source.ts';
import { rawRows, RAW_TABLES } from './rows.ts';

export interface ServeOptions {
  db: string;
  host?: string;
  port?: number;
  token?: string;
  site?: Site;
  siteSha256?: string | null;
  baseline?: LoadedBaseline;
  /** the analyses to run (default: the registry) */
  analyses?: readonly Analysis[];
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export const SERVE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const ASSETS = new URL('../../assets/serve/', import.meta.url);
const asset = (name: string) => readFileSync(new URL(name, ASSETS));
const STATIC: Record<string, { type: string; body: Buffer }> = {
  '/': { type: 'text/html; charset=utf-8', body: asset('index.html') },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: asset('app.js') },
  '/app.css': { type: 'text/css; charset=utf-8', body: asset('app.css') },
};

interface Computed {
  built: BuildResult;
  charts: Record<string, RenderedChart[]>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Content-Security-Policy': SERVE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  checkBind(host, opts.token);
  const site = opts.site ?? EMPTY_SITE;
  const source = await ServeSource.open(opts.db);
  const cache = new Map<string, Promise<Computed>>();
  let queue: Promise<unknown> = Promise.resolve();
  let devices: { version: string; list: Device[] } | undefined;

  // one analysis run at a time: they share the machine's memory and cores
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const deviceList = async (): Promise<Device[]> => {
    const version = source.dataVersion();
    if (devices?.version === version) return devices.list;
    const list = await serial(async () => {
      const c = await source.connect();
      try {
        return await listDevices(c, site);
      } finally {
        c.closeSync();
      }
    });
    devices = { version, list };
    return list;
  };

  const compute = async (filter: Filter): Promise<Computed> => {
    // the copy replaces tables the analyses read: never while they run
    await serial(() => source.refreshMeta());
    const key = `${source.dataVersion()}|${filterKey(filter)}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = (async () => {
        let addresses: string[] | undefined;
        if (filter.deviceClass !== undefined || filter.device !== undefined) {
          const all = await deviceList();
          addresses = all.filter((d) => (filter.deviceClass === undefined || d.class === filter.deviceClass) && (filter.device === undefined || d.address === filter.device)).map((d) => d.address);
          // a device the conn log does not list as inside can still be asked for by address
          if (filter.device !== undefined && filter.deviceClass === undefined && addresses.length === 0) addresses = [filter.device];
        }
        const built = await serial(async () => {
          const c = await source.connect({ addresses });
          try {
            return await buildReport({ conn: c, site, siteSha256: opts.siteSha256 ?? null, baseline: opts.baseline, window: { from: filter.from, to: filter.to }, analyses: opts.analyses });
          } finally {
            c.closeSync();
          }
        });
        const charts: Record<string, RenderedChart[]> = {};
        for (const id of built.order) charts[id] = (built.charts[id] ?? []).map((spec: ChartSpec) => renderChart(spec));
        return { built, charts };
      })();
      hit.catch(() => cache.delete(key));
      cache.set(key, hit);
      while (cache.size > 8) cache.delete(cache.keys().next().value!);
    }
    return hit;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, port: number): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET');
    if (!opts.token && isLoopback(host) && !allowedHosts(host, port).has(req.headers.host ?? '')) throw new HttpError(421, 'unexpected Host header');
    const url = new URL(req.url ?? '/', 'http://serve.invalid');
    if (opts.token) {
      const given = url.pathname === '/' ? url.searchParams.get('token') ?? undefined : undefined;
      if (given !== undefined) {
        if (!tokenMatches(given, opts.token)) throw new HttpError(401, 'wrong token');
        // keep the token out of the address bar and history: a cookie carries it from now on
        url.searchParams.delete('token');
        send(res, 303, 'text/plain; charset=utf-8', 'see /', {
          Location: `/${url.searchParams.size > 0 ? `?${url.searchParams.toString()}` : ''}`,
          'Set-Cookie': `${TOKEN_COOKIE}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`,
        });
        return;
      }
      if (!tokenMatches(bearer(req) ?? cookieValue(req, TOKEN_COOKIE), opts.token)) throw new HttpError(401, 'a token is required (open the page as /?token=…)');
    }
    const fixed = STATIC[url.pathname];
    if (fixed) return send(res, 200, fixed.type, fixed.body);
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/meta': {
        const status = await serial(() => source.refreshMeta());
        const list = await deviceList();
        return sendJson(res, 200, { site: site.name ?? null, classes: deviceClasses(site), devices: list.slice(0, 1000), devicesTotal: list.length, status });
      }
      case '/api/report': {
        const filter = parseFilter(q);
        const { built, charts } = await compute(filter);
        return sendJson(res, 200, { report: built.json, order: built.order, charts, filterText: describeFilter(filter) });
      }
      case '/api/drill': {
        const filter = parseFilter(q);
        const { built } = await compute(filter);
        const section = q.get('section') ?? '';
        const s = built.json.sections[section as keyof typeof built.json.sections];
        const spec = chartOf(built.charts[section as keyof typeof built.charts], q.get('chart') ?? '');
        const series = Number(q.get('series'));
        const index = Number(q.get('index'));
        if (!s || !spec || !Number.isInteger(series) || !Number.isInteger(index) || series < 0 || index < 0) throw new HttpError(400, 'unknown section, chart or mark');
        const mark = markLabels(spec.option, series, index);
        const groups = drillRows(s, built.json.findings.filter((f) => f.section === section), mark);
        const addresses = mark.labels.filter((l) => parseAddress(l) !== undefined);
        return sendJson(res, 200, { ...mark, groups, addresses });
      }
      case '/api/rows': {
        const filter = parseFilter(q);
        const table = q.get('table') ?? '';
        const address = q.get('address') ?? '';
        if (!RAW_TABLES.includes(table)) throw new HttpError(400, `table must be one of ${RAW_TABLES.join(', ')}`);
        if (parseAddress(address) === undefined) throw new HttpError(400, 'address must be an IP address');
        const result = await serial(async () => {
          const c = await source.connect();
          try {
            return await rawRows(c, table, address, filter, 200);
          } finally {
            c.closeSync();
          }
        });
        return sendJson(res, 200, result);
      }
      default:
        throw new HttpError(404, 'not found');
    }
  };

  const server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    handle(req, res, port).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : e instanceof UsageError ? 400 : 500;
      const message = status === 500 ? `internal error: ${(e as Error).message}` : (e as Error).message;
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8470, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.catch(() => undefined);
      source.close();
    },
  };
}
