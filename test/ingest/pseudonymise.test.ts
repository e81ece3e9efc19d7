// `dhai ingest --pseudonymise`: no internal address or internal name of the input reaches the store, the analyses
// count the same on the pseudonymised store (site mapped through the key) as on a plain one, certificates stay,
// and a store is either pseudonymised or not, with one key and one site.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadSite, parseSite, type Site } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { importFeedDir } from '../../src/intel/feed-store.ts';
import { NetworkSet, parseAddress } from '../../src/privacy/addresses.ts';
import { pseudonymisedSite, internalCidrs } from '../../src/privacy/site-pseudonyms.ts';
import { buildReport } from '../../src/report/build.ts';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { openStore } from '../../src/store/store.ts';
import { UsageError } from '../../src/util/errors.ts';
import { fixture, needsShared, repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';

const KEY = Buffer.from('8d3a1e0c5f7b9a2d4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8', 'hex');
const OTHER_KEY = Buffer.alloc(32, 7);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const text = (f: string) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8');

/** Every internal address written in the input logs (data lines; fields and set elements). */
function internalAddresses(files: string[], site: Site): Set<string> {
  const inside = new NetworkSet(internalCidrs(site));
  const out = new Set<string>();
  for (const f of files) {
    for (const line of text(f).split('\n')) {
      if (line.startsWith('#')) continue;
      for (const tok of line.split(/[\t,]/)) {
        const a = parseAddress(tok);
        if (a && inside.hasParsed(a)) out.add(tok);
      }
    }
  }
  return out;
}

/** Every text value stored in the store's Parquet parts, list elements one by one, per `type.column`. */
async function storedText(db: string): Promise<Map<string, string[]>> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const out = new Map<string, string[]>();
  const parts = `${db}.parts`;
  for (const type of readdirSync(parts).filter((t) => !t.startsWith('.'))) {
    for (const f of readdirSync(path.join(parts, type))) {
      const rows = (await c.runAndReadAll(`SELECT * FROM read_parquet('${path.join(parts, type, f)}')`)).getRowObjectsJson();
      for (const row of rows) {
        for (const [col, v] of Object.entries(row)) {
          const key = `${type}.${col}`;
          if (!out.has(key)) out.set(key, []);
          const vals = out.get(key)!;
          const add = (x: unknown): void => {
            if (typeof x === 'string') vals.push(x);
            else if (Array.isArray(x)) x.forEach(add);
          };
          add(v);
        }
      }
    }
  }
  c.closeSync();
  inst.closeSync();
  return out;
}

/** The store's bytes (DuckDB file and every Parquet part) as text, to grep. */
function storeBytes(db: string): string {
  return [db, ...walk(`${db}.parts`)].map((f) => readFileSync(f).toString('latin1')).join('\n');
}

const boundary = (a: string) => new RegExp(`(^|[^0-9a-fA-F.:])${a.replace(/[.]/g, '\\.')}($|[^0-9a-fA-F:])`);

interface Counts {
  sections: Record<string, { status: string; metrics: string; tables: Record<string, number> }>;
  findings: Record<string, number>;
}

/** What must not change with pseudonymisation: every metric, table sizes, findings per section and severity. */
async function reportCounts(db: string, site: Site, key?: Buffer): Promise<Counts> {
  const store = await openStore(db, { readOnly: true, pseudonymKey: key });
  try {
    const analysisSite = key ? pseudonymisedSite(site, key, store.pseudonymisation!.scope) : site;
    const built = await buildReport({ conn: store.conn, site: analysisSite, siteSha256: null });
    const sections: Counts['sections'] = {};
    for (const [id, s] of Object.entries(built.json.sections)) {
      const tables = Object.fromEntries(Object.entries((s as { tables?: Record<string, { rows?: unknown[] }> }).tables ?? {}).map(([k, t]) => [k, t.rows?.length ?? -1]));
      sections[id] = { status: s.status, metrics: JSON.stringify((s as { metrics?: unknown }).metrics ?? {}), tables };
    }
    const findings: Record<string, number> = {};
    for (const f of built.json.findings) findings[`${f.id.split('/')[0]}/${f.severity}`] = (findings[`${f.id.split('/')[0]}/${f.severity}`] ?? 0) + 1;
    return { sections, findings };
  } finally {
    await store.close();
  }
}

async function ingestBoth(logs: string[], site: Site, feeds?: string) {
  const dir = tmpDir('dhai-pseudo-');
  const plain = path.join(dir, 'plain.duckdb');
  const pseudo = path.join(dir, 'pseudo.duckdb');
  const a = await runIngest({ paths: logs, db: plain, site });
  const b = await runIngest({ paths: logs, db: pseudo, site, pseudonymise: { key: KEY } });
  assert.equal(b.rowsStored, a.rowsStored);
  assert.ok(b.rowsStored > 0);
  for (const db of feeds ? [plain, pseudo] : []) {
    const s = await openStore(db);
    try {
      await importFeedDir(s.conn, feeds!);
    } finally {
      await s.close();
    }
  }
  return { dir, plain, pseudo };
}

function assertNoInternal(logs: string[], site: Site, stored: Map<string, string[]>, bytes: string, plainStored: Map<string, string[]>) {
  const internal = internalAddresses(logs, site);
  assert.ok(internal.size > 5, `the input holds internal addresses (${internal.size})`);
  const values = new Set([...stored.values()].flat());
  const leaked = [...internal].filter((a) => values.has(a));
  assert.deepEqual(leaked, [], 'internal addresses stored as values');
  assert.deepEqual([...internal].filter((a) => boundary(a).test(bytes)), [], 'internal addresses in the store\'s bytes');
  const plainValues = new Set([...plainStored.values()].flat());
  assert.ok([...internal].every((a) => plainValues.has(a)), 'the check can fail: the plain store holds them all');
}

describe('pseudonymised ingest of simulator output (Zeek 4.0 layout: files.log, cert_chain_fuids)', () => {
  test('no internal address or name stored; same analysis counts; certificates kept; mixing refused', { timeout: 120_000 }, async () => {
    const out = path.join(tmpDir('dhai-pseudo-sim-'), 'sim');
    await simulate({ ...DEFAULTS, out, days: 1, devices: 100, seed: '11', zeekVersion: '4.0' });
    const site = loadSite(path.join(out, 'site.yaml'));
    const logs = walk(path.join(out, 'logs'));
    const { dir, plain, pseudo } = await ingestBoth(logs, site, path.join(out, 'feeds'));

    const stored = await storedText(pseudo);
    const plainStored = await storedText(plain);
    assertNoInternal(logs, site, stored, storeBytes(pseudo), plainStored);
    for (const c of ['files.tx_hosts', 'x509.san_ip']) assert.ok(stored.get(c)?.length, `${c} stored`);
    // internal names: none of the site's domains, nor an internal TLD, in DNS or TLS traffic; certificates keep theirs
    const domains = site.domains.map((d) => d.toLowerCase());
    const internalName = (v: string) => domains.some((d) => v.toLowerCase().includes(d)) || /\.(corp|local|lan|internal)\.?$/i.test(v);
    for (const c of ['dns.query', 'dns.answers', 'ssl.server_name']) {
      const originals = new Set(plainStored.get(c)!.filter(internalName));
      assert.ok(originals.size > 0, `${c}: the plain store has internal names`);
      const kept = stored.get(c)!.filter((v) => originals.has(v) || domains.some((d) => v.toLowerCase().includes(d)));
      assert.deepEqual(kept.slice(0, 3), [], `${c}: internal names stored`);
    }
    const subjects = async (db: string, key?: Buffer) => {
      const s = await openStore(db, { readOnly: true, pseudonymKey: key });
      try {
        return (await s.conn.runAndReadAll('SELECT certificate_subject, san_dns FROM x509 ORDER BY ALL')).getRowsJson();
      } finally {
        await s.close();
      }
    };
    assert.deepEqual(await subjects(pseudo, KEY), await subjects(plain), 'certificate names stay as they are');

    assert.deepEqual(await reportCounts(pseudo, site, KEY), await reportCounts(plain, site));

    // a store is either pseudonymised or not, with one key and one site
    const refused = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof UsageError && re.test(e.message));
    const one = [logs[0]!];
    await refused(runIngest({ paths: one, db: pseudo, site }), /is pseudonymised: ingest into it with --pseudonymise/);
    await refused(runIngest({ paths: one, db: plain, site, pseudonymise: { key: KEY } }), /either pseudonymised or not/);
    await refused(runIngest({ paths: one, db: pseudo, site, pseudonymise: { key: OTHER_KEY } }), /not the key/);
    await refused(runIngest({ paths: one, db: pseudo, site, pseudonymise: { key: KEY, external: true } }), /without --pseudonymise-external/);
    await refused(runIngest({ paths: one, db: pseudo, site: { ...site, domains: [] }, pseudonymise: { key: KEY } }), /--site: not the internal networks/);
    await refused(openStore(pseudo, { readOnly: true }), /is pseudonymised: give the key/);
    await refused(openStore(pseudo, { readOnly: true, pseudonymKey: OTHER_KEY }), /not the key/);
    await refused(openStore(plain, { readOnly: true, pseudonymKey: KEY }), /not pseudonymised/);
    // the same key re-ingesting is a no-op, as for a plain store
    assert.equal((await runIngest({ paths: logs, db: pseudo, site, pseudonymise: { key: KEY } })).rowsStored, 0);

    // the CLI: one line, exit 2; the key file's bytes appear in no output and not in the store
    const keyFile = path.join(dir, 'key.hex');
    writeFileSync(keyFile, `${KEY.toString('hex')}\n`);
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'dhai.js'), ...args], { encoding: 'utf8' });
    const r1 = cli('ingest', one[0]!, '--db', plain, '--site', path.join(out, 'site.yaml'), '--pseudonymise', '--key-file', keyFile, '--no-progress');
    assert.equal(r1.status, 2);
    assert.match(r1.stderr.trim(), /^dhai: .*either pseudonymised or not[^\n]*$/);
    const r2 = cli('report', '--db', pseudo, '--out', path.join(dir, 'r'), '--site', path.join(out, 'site.yaml'));
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /pseudonymised: give the key/);
    const r3 = cli('report', '--db', pseudo, '--out', path.join(dir, 'r'), '--site', path.join(out, 'site.yaml'), '--key-file', keyFile);
    assert.equal(r3.status, 0, r3.stderr);
    assert.equal(r3.stderr, '', 'the site matches the one the store was pseudonymised with: no warning');
    for (const s of [r1.stdout, r1.stderr, r2.stdout, r2.stderr, r3.stdout, storeBytes(pseudo)]) assert.ok(!s.includes(KEY.toString('hex')) && !s.includes(KEY.toString('latin1')));
  });
});

describe('pseudonymised ingest of real Zeek logs', { skip: needsShared }, () => {
  test('Slips test10 (IPv4 and IPv6 campus networks, link-local): same counts, nothing internal stored', { timeout: 60_000 }, async () => {
    const dir = tmpDir('dhai-pseudo-real-');
    const sitePath = path.join(dir, 'site.yaml');
    // the capture's campus (CTU): its IPv4 /16, its IPv6 /48, and link-local addresses
    writeFileSync(sitePath, 'networks:\n  internal: [147.32.0.0/16, "2001:718:2::/48", "fe80::/10"]\ndomains: [cvut.cz]\n');
    const site = loadSite(sitePath);
    const logs = walk(fixture('zeek-tsv', 'slips-test10')).filter((f) => /(conn|dns|ssl|x509)\.log$/.test(f));
    const { plain, pseudo } = await ingestBoth(logs, site);
    const stored = await storedText(pseudo);
    assertNoInternal(logs, site, stored, storeBytes(pseudo), await storedText(plain));
    assert.ok([...internalAddresses(logs, site)].some((a) => a.includes(':')), 'IPv6 internal addresses were in the input');
    assert.deepEqual(await reportCounts(pseudo, site, KEY), await reportCounts(plain, site));
  });
});

test('a pseudonymised store keeps no log text: rejected and skipped lines are counted without their text', async () => {
  const dir = tmpDir('dhai-pseudo-rej-');
  const { CLOSE, connRow, header } = await import('../helpers/zeek-text.ts');
  const file = path.join(dir, 'conn.log');
  writeFileSync(file, `banner 10.20.9.9\n${header('conn')}${connRow(1)}${connRow(2, { ts: 'never', 'id.orig_h': '10.20.7.7' })}${CLOSE}`);
  const site = parseSite('networks:\n  internal: [10.20.0.0/16]\n');
  const db = path.join(dir, 's.duckdb');
  const s = await runIngest({ paths: [file], db, site, pseudonymise: { key: KEY } });
  assert.equal(s.rowsStored, 1);
  assert.equal(s.rowsRejected, 1);
  const examples = [...s.rejects, ...s.linesSkipped].flatMap((r) => r.examples);
  assert.ok(examples.length >= 2);
  for (const e of examples) assert.match(e, /:\d+: \(text withheld: pseudonymised ingest\)$/);
  assert.ok(!/10\.20\.(9\.9|7\.7)/.test(storeBytes(db)));
});
