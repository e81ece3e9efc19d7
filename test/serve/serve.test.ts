// dhai serve over HTTP on 127.0.0.1: filters change what the analyses see, a mark of a figure leads to its
// rows, the log rows of an address come back, and the guards hold (Host header, token, GET only, strict CSP).
// It must also keep serving while an ingest holds the store file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/serve/server.ts';
import { checkBind } from '../../src/serve/http-guard.ts';
import { markLabels } from '../../src/serve/drill.ts';
import { openStore } from '../../src/store/store.ts';
import { UsageError } from '../../src/util/errors.ts';
import { needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { buildTestStore, PAYLOADS, TEST_ANALYSES } from '../report/helpers.ts';
import { TEST_SITE } from './serve-site.ts';


interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(server: RunningServer, pathAndQuery: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: pathAndQuery, method, headers: { host: u.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const json = <T>(r: Reply): T => JSON.parse(r.body) as T;

void test('serve: filters, drill-down, raw rows and guards', { skip: needsShared }, async () => {
  const db = await buildTestStore(tmpDir());
  const server = await startServer({ db, port: 0, site: TEST_SITE, analyses: TEST_ANALYSES });
  try {
    const page = await get(server, '/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(page.body, /https?:\/\//);

    const meta = json<{ classes: string[]; devices: { address: string; class: string }[]; status: { copiedAt: string | null } }>(await get(server, '/api/meta'));
    assert.deepEqual(meta.classes, ['workstation', 'server', 'medical-supporting', 'unclassified']);
    assert.deepEqual(meta.devices.map((d) => `${d.address} ${d.class}`).sort(), ['10.136.0.16 server', '10.136.0.18 workstation']);
    assert.ok(meta.status.copiedAt, 'manifest copied from the free store');

    type ReportReply = { report: { sections: Record<string, { metrics: Record<string, { count: number } | number> }>; inputs: { files: number } }; charts: Record<string, { id: string; svg: string | null }[]> };
    const all = json<ReportReply>(await get(server, '/api/report'));
    const hostile = (r: ReportReply) => (r.report.sections['tls-versions']!.metrics.hostile_names as { count: number }).count;
    assert.equal(hostile(all), 8);
    assert.equal(all.report.inputs.files, 6);
    assert.equal(all.charts['tls-versions']!.length, 3);
    assert.ok(all.charts['tls-versions']!.every((c) => c.svg?.startsWith('<svg')));
    // the hostile DNS names were asked by 10.20.1.5 (medical-supporting): a workstation filter leaves only the certificates
    const ws = json<ReportReply>(await get(server, '/api/report?class=workstation'));
    assert.equal(hostile(ws), 4);
    assert.equal(ws.report.sections['tls-versions']!.metrics.sessions, 407);
    // a window before the capture: no session in it
    const early = json<ReportReply>(await get(server, '/api/report?from=2019-01-01&to=2019-01-31'));
    assert.equal(early.report.sections['tls-versions']!.metrics.sessions, 0);
    assert.equal((await get(server, '/api/report?from=2019-02-01&to=2019-01-01')).status, 400);
    assert.equal((await get(server, '/api/report?device=not-an-address')).status, 400);

    // drill: the first bar of "clients" is 10.136.0.18
    type Drill = { labels: string[]; groups: { source: string; rows: Record<string, unknown>[] }[]; addresses: string[] };
    const d = json<Drill>(await get(server, '/api/drill?section=tls-versions&chart=clients&series=0&index=0'));
    assert.deepEqual(d.labels, ['10.136.0.18']);
    assert.deepEqual(d.groups.map((g) => g.source), ['table clients']);
    assert.deepEqual(d.addresses, ['10.136.0.18']);
    const h = json<Drill>(await get(server, '/api/drill?section=tls-versions&chart=hostile&series=0&index=2'));
    assert.deepEqual(h.labels, [PAYLOADS.script]);
    assert.ok(h.groups.some((g) => g.source === 'table hostile' && g.rows.length === 1));
    assert.ok(h.groups.some((g) => g.source.startsWith('finding ')));
    assert.equal((await get(server, '/api/drill?section=tls-versions&chart=nope&series=0&index=0')).status, 400);

    const rows = json<{ rows: Record<string, unknown>[]; more: boolean }>(await get(server, '/api/rows?table=ssl&address=10.136.0.18&from=2023-01-04'));
    assert.equal(rows.rows.length, 200);
    assert.equal(rows.more, true);
    assert.equal(rows.rows[0]!.id_orig_h, '10.136.0.18');
    assert.equal((await get(server, '/api/rows?table=ingest_file&address=10.136.0.18')).status, 400);

    // guards
    assert.equal((await get(server, '/', {}, 'POST')).status, 405);
    assert.equal((await get(server, '/', { host: 'evil.example:80' })).status, 421, 'DNS rebinding: a foreign Host is refused');
    assert.equal((await get(server, '/nope')).status, 404);

    // another process holds the store for writing (as an ingest does): serve keeps answering from the parts
    const writer = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('hold-store.ts', import.meta.url)), db], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.once('data', () => resolve());
        writer.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      await assert.rejects(openStore(db, { readOnly: true }), /in use/);
      const during = json<ReportReply>(await get(server, '/api/report?device=10.136.0.18'));
      assert.equal(during.report.sections['tls-versions']!.metrics.sessions, 407);
      const status = json<{ status: { problem: string | null } }>(await get(server, '/api/meta'));
      assert.ok(status.status.problem === null || /in use/.test(status.status.problem));
    } finally {
      writer.stdin.end();
      await new Promise((resolve) => writer.once('exit', resolve));
    }
  } finally {
    await server.close();
  }
});

void test('serve: a token is required on every request, set as a cookie from /?token=', { skip: needsShared }, async () => {
  const db = await buildTestStore(tmpDir());
  const token = 'correct-horse-battery-staple';
  const server = await startServer({ db, port: 0, token, analyses: [] });
  try {
    assert.equal((await get(server, '/')).status, 401);
    assert.equal((await get(server, '/api/meta')).status, 401);
    assert.equal((await get(server, '/?token=wrong-wrong-wrong-wrong')).status, 401);
    const boot = await get(server, `/?token=${token}&class=server`);
    assert.equal(boot.status, 303);
    assert.equal(boot.headers.location, '/?class=server');
    const cookie = String(boot.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.equal((await get(server, '/api/meta', { cookie: cookie.split(';')[0]! })).status, 200);
    assert.equal((await get(server, '/api/meta', { authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await get(server, '/api/meta', { authorization: 'Bearer nope-nope-nope-nope' })).status, 401);
  } finally {
    await server.close();
  }
});

void test('serve: binding beyond loopback needs a token; a weak token is refused', () => {
  assert.throws(() => checkBind('0.0.0.0', undefined), UsageError);
  assert.throws(() => checkBind('192.0.2.10', undefined), /--token/);
  assert.throws(() => checkBind('127.0.0.1', 'short'), /16 to 256/);
  assert.throws(() => checkBind('127.0.0.1', 'has space in it here'), UsageError);
  checkBind('127.0.0.1', undefined);
  checkBind('::1', undefined);
  checkBind('0.0.0.0', 'a-long-enough-token');
});

void test('drill: mark labels from category axes, heatmap cells and named items', () => {
  const bar = { xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: 's', data: [3, 4] }] };
  assert.deepEqual(markLabels(bar, 0, 1), { labels: ['b'], series: 's' });
  const horizontal = { xAxis: { type: 'value' }, yAxis: [{ type: 'category', data: [{ value: 'x' }, { value: 'y' }] }], series: [{ type: 'bar', data: [1, 2] }] };
  assert.deepEqual(markLabels(horizontal, 0, 0).labels, ['x']);
  const heat = { xAxis: { type: 'category', data: ['from-a', 'from-b'] }, yAxis: { type: 'category', data: ['to-a', 'to-b'] }, series: [{ type: 'heatmap', data: [[1, 0, 5]] }] };
  assert.deepEqual(markLabels(heat, 0, 0).labels, ['from-b', 'to-a']);
  const pie = { series: [{ type: 'pie', data: [{ name: 'botnet', value: 3 }] }] };
  assert.deepEqual(markLabels(pie, 0, 0).labels, ['botnet']);
  assert.deepEqual(markLabels(pie, 3, 0), { labels: [], series: null });
});
