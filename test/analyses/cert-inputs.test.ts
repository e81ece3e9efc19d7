// The certificate inputs of analyses E and F (cert-inputs.ts): which x509 row describes a certificate, how a
// pre-4.1 chain of file ids becomes a chain of certificate keys (position by position, ids x509.log does not
// know left out), and that the facts are built once per store state and rebuilt when the manifest changes.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CERT_FACTS, certSessions, loadCertFacts } from '../../src/analyses/cert-inputs.ts';
import { readRows } from '../../src/analyses/connections.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { CLOSE, header } from '../helpers/zeek-text.ts';
import { tmpDir } from '../helpers/tmp.ts';

const T0 = 1514764800;
const SSL_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'established', 'resumed', 'cert_chain_fuids', 'validation_status'];
const SSL_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'bool', 'bool', 'vector[string]', 'string'];
const X509_FIELDS = ['ts', 'id', 'certificate.serial', 'certificate.subject', 'certificate.issuer', 'certificate.not_valid_before', 'certificate.not_valid_after'];
const X509_TYPES = ['time', 'string', 'string', 'string', 'string', 'time', 'time'];
const FILES_FIELDS = ['ts', 'fuid', 'source', 'mime_type', 'sha1'];
const FILES_TYPES = ['time', 'string', 'string', 'string', 'string'];

const SHA1 = { a: 'a'.repeat(40), b: 'b'.repeat(40), c: 'c'.repeat(40) };

function log(pathName: string, fields: string[], types: string[], rows: string[][]): string {
  return header(pathName, fields, types) + rows.map((r) => r.join('\t') + '\n').join('') + CLOSE;
}

/** Zeek 3.x logs: certificates A, B, C (files.log SHA-1s) and D (no files.log row); sessions s1…s5. */
async function legacyStore(): Promise<{ store: Store; dir: string }> {
  const dir = tmpDir('dhai-certinputs-');
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  const x = (ts: number, id: string, subject: string, serial = '01'): string[] =>
    [String(T0 + ts), id, serial, subject, 'CN=Issuer', String(T0 - 86400), String(T0 + 86400)];
  writeFileSync(path.join(logs, 'x509.log'), log('x509', X509_FIELDS, X509_TYPES, [
    x(100, 'F1', 'CN=a.example,O=later'),
    x(50, 'F6', 'CN=a.example,O=earliest'),
    x(200, 'F4', 'CN=a.example,O=latest'),
    x(100, 'F2', 'CN=B'),
    x(100, 'F3', 'CN=C'),
    x(100, 'F5', 'CN=d.example', '0D'),
  ]));
  const f = (fuid: string, sha1: string): string[] => [String(T0), fuid, 'SSL', 'application/x-x509-user-cert', sha1];
  writeFileSync(path.join(logs, 'files.log'), log('files', FILES_FIELDS, FILES_TYPES, [
    f('F1', SHA1.a), f('F4', SHA1.a), f('F6', SHA1.a), f('F2', SHA1.b), f('F3', SHA1.c),
  ]));
  const s = (i: number, chain: string): string[] => [String(T0 + 300 + i), `C${i}`, '10.0.0.1', '40000', '192.0.2.1', '443', 'T', 'F', chain, 'ok'];
  writeFileSync(path.join(logs, 'ssl.log'), log('ssl', SSL_FIELDS, SSL_TYPES, [
    s(1, 'F1,F2,F3'),
    s(2, 'F9,F4'),
    s(3, 'F8'),
    s(4, 'F5'),
    s(5, 'F6,F2,F3,F2,F3'),
    s(6, '(empty)'),
  ]));
  await runIngest({ paths: [logs], db: path.join(dir, 'store.duckdb') });
  return { store: await openStore(path.join(dir, 'store.duckdb')), dir };
}

void test('pre-4.1 chains: each file id becomes its certificate key, in order, unknown ids left out, at any depth', async () => {
  const { store } = await legacyStore();
  try {
    const inputs = await loadCertFacts(store.conn);
    assert.equal(inputs.hasLegacy, true);
    assert.equal(inputs.certificates, 4);
    const facts = await readRows(store.conn, `SELECT key, subject, epoch(first_ts) AS first FROM ${CERT_FACTS} ORDER BY key`);
    const d = facts.find((r) => String(r.key).startsWith('x509:'));
    assert.ok(d, 'without a files.log row the key is a digest of the logged facts');
    // A was logged three times: its facts come from the earliest row, first_ts is that row's time
    const a = facts.find((r) => r.key === SHA1.a)!;
    assert.equal(a.subject, 'CN=a.example,O=earliest');
    assert.equal(Number(a.first), T0 + 50);

    const rel = await certSessions(store.conn, {}, inputs);
    const rows = await readRows(store.conn, `SELECT uid, chain_keys FROM ${rel} ORDER BY uid`);
    const chains = Object.fromEntries(rows.map((r) => [String(r.uid), r.chain_keys === null ? null : (r.chain_keys as string[]).map((k) => (k.startsWith('x509:') ? 'D' : k[0]!.toUpperCase()))]));
    assert.deepEqual(chains, {
      C1: ['A', 'B', 'C'],
      // the leaf's id is unknown to x509.log: the first known certificate leads the chain
      C2: ['A'],
      C3: null,
      C4: ['D'],
      C5: ['A', 'B', 'C', 'B', 'C'],
      C6: null,
    });
  } finally {
    await store.close();
  }
});

void test('the facts are built once per store state: a second call reuses them, a changed manifest rebuilds them', async () => {
  const { store } = await legacyStore();
  try {
    const first = await loadCertFacts(store.conn);
    await store.conn.run(`INSERT INTO ${CERT_FACTS} (key) VALUES ('sentinel')`);
    const again = await loadCertFacts(store.conn);
    assert.equal(again.certificates, first.certificates + 1, 'reused: the sentinel row is still there');
    await store.conn.run(`UPDATE ingest_file SET rows_stored = rows_stored + 1 WHERE log_type = 'x509'`);
    const rebuilt = await loadCertFacts(store.conn);
    assert.equal(rebuilt.certificates, first.certificates, 'rebuilt after the manifest changed');
    const left = await readRows(store.conn, `SELECT count(*) AS n FROM ${CERT_FACTS} WHERE key = 'sentinel'`);
    assert.equal(Number(left[0]!.n), 0);
  } finally {
    await store.close();
  }
});

void test('Zeek ≥ 4.1: a host certificate\'s row describes the certificate, whatever came earlier', async () => {
  const dir = tmpDir('dhai-certinputs-');
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  const fp = 'f'.repeat(64);
  writeFileSync(path.join(logs, 'x509.log'), log('x509', ['ts', 'fingerprint', 'certificate.subject', 'host_cert'], ['time', 'string', 'string', 'bool'], [
    [String(T0 + 10), fp, 'CN=as-client', 'F'],
    [String(T0 + 20), fp, 'CN=as-host', 'T'],
    [String(T0 + 5), fp, 'CN=unknown-role', '-'],
  ]));
  await runIngest({ paths: [logs], db: path.join(dir, 'store.duckdb') });
  const store = await openStore(path.join(dir, 'store.duckdb'));
  try {
    const inputs = await loadCertFacts(store.conn);
    assert.equal(inputs.hasLegacy, false);
    const [r] = await readRows(store.conn, `SELECT key, subject, epoch(first_ts) AS first, kid FROM ${CERT_FACTS}`);
    assert.deepEqual({ ...r, first: Number(r!.first) }, { key: fp, subject: 'CN=as-host', first: T0 + 5, kid: 1 });
  } finally {
    await store.close();
  }
});
