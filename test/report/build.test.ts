// dhai report end to end on a real ingest: every section rendered the same way, a section without its input,
// one that throws and one that breaks the contract become "not available" with the reason; report.json
// matches its JSON Schema (checked here with ajv, independently of the product's own check); CSVs,
// findings.jsonl, --previous and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Command } from 'commander';
import type { Analysis, AnalysisContext } from '../../src/analyses/types.ts';
import { countShare } from '../../src/analyses/types.ts';
import { atOrAbove, parseBound, registerReport } from '../../src/cli/report.ts';
import { importFeedFile } from '../../src/intel/feed-store.ts';
import { loadBaseline, parseBaseline } from '../../src/report/baseline.ts';
import { buildReport, rankFindings } from '../../src/report/build.ts';
import { compareReports, readPreviousReport } from '../../src/report/changes.ts';
import type { ReportJson } from '../../src/report/model.ts';
import { writeReport } from '../../src/report/write.ts';
import { openStore } from '../../src/store/store.ts';
import { UsageError } from '../../src/util/errors.ts';
import { fixture, needsShared, repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { buildTestStore, PAYLOADS, TEST_ANALYSES } from './helpers.ts';

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/report.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
function assertValid(report: unknown): asserts report is ReportJson {
  assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 3)));
}

let storeDb: Promise<string> | undefined;
/** One store for the tests of this file (with a real feed imported: the provenance lists it). */
function testStore(): Promise<string> {
  storeDb ??= (async () => {
    const db = await buildTestStore(tmpDir());
    const s = await openStore(db);
    try {
      await importFeedFile(s.conn, fixture('lists', 'feodotracker-ipblocklist-2024-04-04.csv'), { kind: 'botnet' });
    } finally {
      await s.close();
    }
    return db;
  })();
  return storeDb;
}

async function build(analyses: Analysis[], extra: Partial<Parameters<typeof buildReport>[0]> = {}) {
  const s = await openStore(await testStore(), { readOnly: true });
  try {
    return await buildReport({ conn: s.conn, analyses, ...extra });
  } finally {
    await s.close();
  }
}

void test('report over a real ingest: sections, statuses, provenance, ranking, schema', { skip: needsShared }, async () => {
  const baseline = loadBaseline(path.join(repoRoot, 'baselines/paper.json'));
  const built = await build(TEST_ANALYSES, { baseline, siteSha256: 'a'.repeat(64), now: new Date('2026-01-02T03:04:05Z') });
  const j = built.json;
  assertValid(j);
  assert.deepEqual(built.order, ['tls-versions', 'dns-categories', 'supply-chain', 'exposure', 'cert-issues']);
  assert.deepEqual(Object.keys(j.sections), built.order);
  assert.equal(j.generated_at, '2026-01-02T03:04:05.000Z');
  assert.equal(j.sections['tls-versions']!.status, 'ok');
  assert.deepEqual(j.sections['tls-versions']!.metrics.version_tlsv13, { count: 407, share: 1 });
  assert.deepEqual(j.sections['supply-chain'], { title: 'Test: needs files.log', status: 'not_available', needs: ['files.log'], method: [], metrics: {}, tables: {} });
  assert.deepEqual(j.sections['dns-categories']!.needs, ['a top list (dhai feeds import FILE --kind toplist)']);
  assert.match(j.sections.exposure!.error ?? '', /^the analysis failed: boom <script>/);
  assert.match(j.sections['cert-issues']!.error ?? '', /outside the report contract: \/metrics\/bad\/share must be <= 1/);
  // provenance: the real manifest and the imported feed
  assert.deepEqual(j.inputs.rows, { conn: 463, dns: 946, ssl: 407, x509: 177 });
  assert.equal(j.inputs.files, 6);
  assert.match(j.inputs.files_sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(j.inputs.site_sha256, 'a'.repeat(64));
  assert.equal(j.inputs.feeds.length, 1);
  assert.equal(j.inputs.feeds[0]!.kind, 'botnet');
  assert.match(j.inputs.feeds[0]!.sha256, /^[0-9a-f]{64}$/);
  assert.ok(j.inputs.feeds[0]!.entries > 0);
  // the window spans the records: the hostile logs of 2018 to the RITA capture of 2023
  assert.equal(j.window.from, '2018-01-01T00:00:00.000Z');
  assert.ok(j.window.to! > '2023-01-04' && j.window.to! < '2023-01-06', j.window.to!);
  assert.deepEqual(j.window.requested, { from: null, to: null });
  assert.equal(j.baseline?.sha256, baseline.sha256);
  // ranked by DREAD score, then severity
  assert.deepEqual(j.findings.map((f) => f.severity), ['high', 'critical', 'medium', 'low']);
  assert.ok(built.unmatchedBaseline.some((u) => u.section === 'tls-versions' && u.metric === 'inbound_devices_obsolete_at_least_once'));
  assert.equal(built.charts['tls-versions']!.length, 3);
  assert.deepEqual(built.charts.exposure, []);
  assert.equal(built.timings.length, 5);
});

void test('files: report.json, CSV per table (formulas neutralised), findings.jsonl; stale CSVs removed', { skip: needsShared }, async () => {
  const built = await build(TEST_ANALYSES);
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'tls-versions.gone.csv'), 'old');
  writeFileSync(path.join(dir, 'notes.csv'), 'the user\'s own file');
  const out = writeReport(dir, built);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['findings.jsonl', 'notes.csv', 'report.html', 'report.json', 'tls-versions.clients.csv', 'tls-versions.hostile.csv', 'tls-versions.versions.csv']);
  assertValid(JSON.parse(readFileSync(out.json, 'utf8')));
  const csv = readFileSync(path.join(dir, 'tls-versions.hostile.csv'), 'utf8');
  const lines = csv.split('\r\n');
  assert.equal(lines[0], '"name","source","rank","tags"');
  assert.equal(lines.length, 8 + 2); // header, 8 rows, final CRLF
  assert.ok(lines.includes('"\'=HYPERLINK(""http://x"")","dns",4,"[""=HYPERLINK(\\""http://x\\"")"",""plain""]"'), csv);
  assert.ok(lines.includes('"<script>window.__pwned=1</script>","dns",3,"[""=HYPERLINK(\\""http://x\\"")"",""plain""]"'));
  for (const l of lines.slice(1, -1)) assert.match(l, /^"(?!=|\+|-|@)/, `unquoted or formula cell: ${l}`);
  const jsonl = readFileSync(out.findings, 'utf8').split('\n');
  assert.equal(jsonl.at(-1), '');
  const findings = jsonl.slice(0, -1).map((l) => JSON.parse(l) as { id: string; dhai_version: string; evidence: unknown[] });
  assert.deepEqual(findings.map((f) => f.id), built.json.findings.map((f) => f.id));
  assert.ok(findings.every((f) => f.dhai_version && Array.isArray(f.evidence)));
  const html = readFileSync(out.html, 'utf8');
  assert.equal(html.includes(PAYLOADS.script), false);
  assert.equal(html.includes('<img'), false);
  assert.doesNotMatch(html, /<script/i);
  // every attribute of every tag, quoted values honoured: none is an event handler
  const attrNames = [...html.matchAll(/<[a-z][\w:-]*((?:\s+[\w:.-]+(?:="[^"]*")?)*)\s*\/?>/gi)]
    .flatMap((m) => [...m[1]!.matchAll(/\s+([\w:.-]+)(?:="[^"]*")?/g)].map((a) => a[1]!));
  assert.ok(attrNames.length > 100);
  assert.deepEqual(attrNames.filter((a) => /^on/i.test(a)), []);
  // no reference to anything outside the file (the payload's http://x is shown as text only)
  assert.doesNotMatch(html, /(src|href|xlink:href)\s*=\s*["']?(?!#)[a-z]+:|url\(\s*["']?(?!#)/i);
});

void test('the window reaches the analyses; a requested window is recorded', { skip: needsShared }, async () => {
  let seen: AnalysisContext['window'] | undefined;
  const probe: Analysis = {
    id: 'exposure',
    title: 'window probe',
    tables: ['conn'],
    run: async (ctx) => {
      seen = ctx.window;
      const r = await ctx.conn.runAndReadAll('SELECT count(*) FROM conn WHERE ts >= $1::TIMESTAMP AND ts < $2::TIMESTAMP', ['2023-01-05 00:00:00', '2023-01-06 00:00:00']);
      return { status: 'ok', needs: [], method: [], metrics: { conn_rows: Number(r.getRows()[0]![0]), big: 10n as unknown as number }, tables: {}, findings: [], charts: [] };
    },
  };
  const from = parseBound('2023-01-05', '--from');
  const to = parseBound('2023-01-05', '--to');
  const built = await build([probe], { window: { from, to } });
  assert.deepEqual(seen, { from: new Date('2023-01-05T00:00:00Z'), to: new Date('2023-01-06T00:00:00Z') });
  assert.deepEqual(built.json.window, { from: '2023-01-05T00:00:00.000Z', to: '2023-01-06T00:00:00.000Z', requested: { from: '2023-01-05T00:00:00.000Z', to: '2023-01-06T00:00:00.000Z' } });
  // a BIGINT that slipped through is made a number before the contract check
  assert.equal(built.json.sections.exposure!.metrics.big, 10);
  assert.ok(Number(built.json.sections.exposure!.metrics.conn_rows) > 0);
});

void test('--from/--to parsing', () => {
  assert.equal(parseBound('2018-01-31', '--to').toISOString(), '2018-02-01T00:00:00.000Z');
  assert.equal(parseBound('2018-01-31T12:00', '--from').toISOString(), '2018-01-31T12:00:00.000Z');
  assert.equal(parseBound('2018-01-31T12:00:00+02:00', '--from').toISOString(), '2018-01-31T10:00:00.000Z');
  assert.throws(() => parseBound('2018-02-30', '--from'), UsageError);
  assert.throws(() => parseBound('yesterday', '--to'), /expected a date/);
});

void test('--previous: new and resolved findings, changed metrics and statuses', { skip: needsShared }, async () => {
  const make = (findingIds: string[], share: number, status: 'ok' | 'broken'): Analysis => ({
    id: 'exposure',
    title: 'exposure',
    tables: [],
    run: () => status === 'broken' ? Promise.reject(new Error('x')) : Promise.resolve({
      status: 'ok', needs: [], method: [], tables: {}, charts: [],
      metrics: { exposed: countShare(Math.round(share * 10), 10), devices: 10 },
      findings: findingIds.map((id) => ({ id, section: 'exposure' as const, title: id, severity: 'high' as const, evidence: [], remediation: 'fix',
        dread: { damage: 5, reproducibility: 5, exploitability: 5, affected_users: 5, discoverability: 5, score: 5 } })),
    }),
  });
  const other = (ok: boolean): Analysis => ({ id: 'supply-chain', title: 'sc', tables: ok ? [] : ['files'], run: () => Promise.resolve({ status: 'ok', needs: [], method: [], metrics: {}, tables: {}, findings: [], charts: [] }) });
  const dir = tmpDir();
  const first = await build([make(['exposure/a', 'exposure/b'], 0.3, 'ok'), other(true)]);
  writeReport(dir, first);
  const previous = readPreviousReport(dir);
  const second = await build([make(['exposure/b', 'exposure/c'], 0.5, 'ok'), other(false)]);
  const changes = compareReports(previous, second.json);
  assert.deepEqual(changes.findings.new.map((f) => f.id), ['exposure/c']);
  assert.deepEqual(changes.findings.resolved.map((f) => f.id), ['exposure/a']);
  assert.equal(changes.findings.unchanged, 1);
  assert.deepEqual(changes.sections, [{ id: 'supply-chain', before: 'ok', after: 'not_available' }]);
  assert.equal(changes.metrics.length, 1);
  assert.deepEqual(changes.metrics[0]!.before, { count: 3, share: 0.3 });
  assert.ok(Math.abs(changes.metrics[0]!.difference! - 0.2) < 1e-12);
  const out = writeReport(dir, second, { changes });
  assert.ok(out.changes && existsSync(out.changes));
  assert.match(readFileSync(out.html, 'utf8'), /Changes since the previous report[\s\S]*New findings \(1\)/);
  // a later run without --previous removes the stale changes.json
  writeReport(dir, second);
  assert.equal(existsSync(path.join(dir, 'changes.json')), false);
  writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ schema_version: 2 }));
  assert.throws(() => readPreviousReport(dir), /schema_version 2/);
});

void test('ranking and --fail-on thresholds', () => {
  const f = (id: string, severity: 'critical' | 'high' | 'low', score: number) => ({ id, section: 'exposure' as const, title: id, severity, evidence: [], remediation: 'r',
    dread: { damage: score, reproducibility: score, exploitability: score, affected_users: score, discoverability: score, score } });
  const ranked = rankFindings([f('b', 'low', 7), f('a', 'critical', 7), f('c', 'high', 9)], ['exposure']);
  assert.deepEqual(ranked.map((x) => x.id), ['c', 'a', 'b']);
  assert.deepEqual(atOrAbove(ranked, 'high').map((x) => x.id), ['c', 'a']);
  assert.deepEqual(atOrAbove(ranked, 'critical').map((x) => x.id), ['a']);
  assert.equal(atOrAbove(ranked, 'info').length, 3);
});

void test('baselines: the shipped paper figures load; a bad file names the key', () => {
  const paper = loadBaseline(path.join(repoRoot, 'baselines/paper.json')).baseline;
  assert.equal(paper.sections['tls-versions']?.inbound_devices_obsolete_at_least_once, 0.4756);
  assert.equal(paper.sections['tls-versions']?.tls12_or_above, undefined); // only a difference is published
  assert.throws(() => parseBaseline('{"name":"x","source":"y","sections":{"tls-versions":{"a":{"count":1,"share":2}}}}', 'b.json'), /b\.json: sections\.tls-versions\.a/);
  assert.throws(() => parseBaseline('{"name":"x","source":"y","sections":{"nope":{}}}', 'b.json'), UsageError);
});

void test('dhai report on the command line (with whatever the registry holds): exit codes, where the report is', { skip: needsShared }, async () => {
  const dir = tmpDir();
  const runCli = async (...args: string[]): Promise<{ code: number; out: string }> => {
    let code = -1;
    const program = new Command('dhai').exitOverride();
    const chunks: string[] = [];
    registerReport(program, (fn) => async (...a) => { code = await fn(...a); }, { out: (s) => chunks.push(s), err: (s) => chunks.push(s) });
    await program.parseAsync(['node', 'dhai', 'report', ...args]);
    return { code, out: chunks.join('') };
  };
  const out = path.join(dir, 'r');
  const db = await testStore();
  const flags = ['--db', db, '--out', out, '--baseline', 'paper', '--from', '2023-01-04'];
  const r = await runCli(...flags, '--fail-on', 'info');
  assert.match(r.out, new RegExp(`report: ${path.join(out, 'report.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const j = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as ReportJson;
  assertValid(j);
  assert.equal(j.window.requested.from, '2023-01-04T00:00:00.000Z');
  assert.match(j.baseline?.name ?? '', /D-HAI/);
  assert.equal(r.code, j.findings.length > 0 ? 1 : 0, '--fail-on info: exit 1 exactly when there is a finding');
  const again = await runCli(...flags, '--previous', out);
  assert.equal(again.code, 0);
  assert.match(again.out, /since the previous report: 0 new, 0 resolved/);
  await assert.rejects(runCli('--db', db, '--out', out, '--from', '2023-02-01', '--to', '2023-01-01'), /must be before/);
  await assert.rejects(runCli('--db', path.join(dir, 'missing.duckdb'), '--out', out), /no store at/);
});

void test('an empty store gives a valid report with no window', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'empty.duckdb');
  await (await openStore(db)).close();
  const s = await openStore(db, { readOnly: true });
  try {
    const built = await buildReport({ conn: s.conn, analyses: [TEST_ANALYSES[0]!] });
    assertValid(built.json);
    assert.deepEqual(built.json.window, { from: null, to: null, requested: { from: null, to: null } });
    assert.deepEqual(built.json.sections['tls-versions']!.needs, ['ssl.log', 'dns.log', 'x509.log']);
    assert.equal(built.json.inputs.files, 0);
    const out = writeReport(path.join(dir, 'r'), built);
    const html = readFileSync(out.html, 'utf8');
    assert.match(html, /Not available:<\/strong> needs ssl\.log; dns\.log; x509\.log/);
    assert.match(html, /The store holds no log rows/);
    assert.equal(readFileSync(out.findings, 'utf8'), '');
  } finally {
    await s.close();
  }
});

void test('accepted risks leave the ranking until they expire, and are listed apart', { skip: needsShared }, async () => {
  const { parseSite } = await import('../../src/config/site.ts');
  const site = parseSite(
    `accepted_risks:\n  - id: tls-versions/hostile/0\n    reason: vendor patch scheduled\n    expires: 2026-03-01\n  - pattern: "nothing/*"\n    reason: typo\n    expires: 2030-01-01\n`,
    'site.yaml',
  );
  const before = (await build([TEST_ANALYSES[0]!], { site, now: new Date('2026-02-01T00:00:00Z') })).json;
  assert.ok(!before.findings.some((f) => f.id === 'tls-versions/hostile/0'));
  assert.deepEqual(before.accepted_risks.accepted.map((a) => [a.finding.id, a.expires]), [['tls-versions/hostile/0', '2026-03-01']]);
  assert.deepEqual(before.accepted_risks.unused_rules, ['nothing/*']);
  const after = (await build([TEST_ANALYSES[0]!], { site, now: new Date('2026-03-02T00:00:00Z') })).json;
  assert.ok(after.findings.some((f) => f.id === 'tls-versions/hostile/0'), 'back in the ranking once expired');
  assert.deepEqual(after.accepted_risks.expired.map((x) => x.finding_id), ['tls-versions/hostile/0']);
});
