import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadTlsKnowledge } from '../../src/tls/knowledge-sql.ts';

void describe('TLS knowledge as DuckDB temp tables', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  const rows = async (sql: string): Promise<Record<string, unknown>[]> => (await conn.runAndReadAll(sql)).getRowObjects();

  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
  });
  after(() => {
    conn.closeSync();
    instance.closeSync();
  });

  void test('loads the four tables, adding observed values the tables do not list', async () => {
    const hostile = "TLS_X'); DROP TABLE tls_suites; --";
    const loaded = await loadTlsKnowledge(conn, {
      versions: ['unknown-0', 'TLSv12'],
      ciphers: ['unknown-49199', hostile, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA384'],
      curves: ['unknown-4588', 'mystery'],
      validationStatuses: ['Something New', 'Hostname mismatch'],
    });
    assert.equal(loaded.versions, 9 + 127 + 1);
    assert.ok(loaded.suites > 420 && loaded.curves > 70 && loaded.validationStatuses > 30, JSON.stringify(loaded));
    const [hostileRow] = await rows(`SELECT name, class, known FROM tls_suites WHERE name LIKE 'TLS_X''%'`);
    assert.deepEqual(hostileRow, { name: hostile, class: 'unknown', known: false });
    const [byCode] = await rows(`SELECT code, class, known, mozilla_tier FROM tls_suites WHERE name = 'unknown-49199'`);
    assert.deepEqual(byCode, { code: 49199, class: 'recommended', known: true, mozilla_tier: 'intermediate' });
    const [parsed] = await rows(`SELECT code, class, known FROM tls_suites WHERE name = 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA384'`);
    assert.deepEqual(parsed, { code: null, class: 'recommended', known: false });
    const [pq] = await rows(`SELECT name, post_quantum, hybrid, known FROM tls_curves WHERE name = 'unknown-4588'`);
    assert.deepEqual(pq, { name: 'unknown-4588', post_quantum: true, hybrid: true, known: true });
    const [mystery] = await rows(`SELECT known, post_quantum FROM tls_curves WHERE name = 'mystery'`);
    assert.deepEqual(mystery, { known: false, post_quantum: null });
    const [v0] = await rows(`SELECT known, family, obsolete FROM tls_versions WHERE version = 'unknown-0'`);
    assert.deepEqual(v0, { known: false, family: 'unknown', obsolete: false });
    const [st] = await rows(`SELECT category, known FROM tls_validation WHERE status = 'something new'`);
    assert.deepEqual(st, { category: 'other_failure', known: false });
  });

  void test('both spellings of a suite are rows; grease has no class', async () => {
    const r = await rows(`SELECT name, code, class FROM tls_suites WHERE code = 52 ORDER BY name`);
    assert.deepEqual(r.map((x) => x.name), ['TLS_DH_ANON_WITH_AES_128_CBC_SHA', 'TLS_DH_anon_WITH_AES_128_CBC_SHA']);
    assert.ok(r.every((x) => x.class === 'insecure'));
    const [g] = await rows(`SELECT kind, class FROM tls_suites WHERE name = 'grease_0x0A0A'`);
    assert.deepEqual(g, { kind: 'grease', class: null });
  });

  void test('an analysis-style join over a small ssl table', async () => {
    await conn.run(`CREATE TEMP TABLE ssl_t (version VARCHAR, cipher VARCHAR, curve VARCHAR, validation_status VARCHAR)`);
    const app = await conn.createAppender('ssl_t', 'main', 'temp');
    for (const [v, c, k, s] of [
      ['TLSv12', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'x25519', 'ok'],
      ['TLSv10', 'TLS_RSA_WITH_RC4_128_SHA', null, 'self signed certificate'],
      ['TLSv13', 'TLS_AES_128_GCM_SHA256', 'X25519MLKEM768', null],
      ['SSLv2', 'SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5', null, 'Self-signed certificate in certificate chain'],
    ] as const) {
      for (const x of [v, c, k, s]) if (x === null) app.appendNull(); else app.appendVarchar(x);
      app.endRow();
    }
    app.closeSync();
    const r = await rows(`
      SELECT v.obsolete, s.class, s.mozilla_tier, coalesce(k.post_quantum, false) AS pq, coalesce(val.category, 'unavailable') AS cat
      FROM ssl_t t
      JOIN tls_versions v ON t.version = v.version
      JOIN tls_suites s ON t.cipher = s.name
      LEFT JOIN tls_curves k ON t.curve = k.name
      LEFT JOIN tls_validation val ON lower(trim(t.validation_status)) = val.status
      ORDER BY v.ordinal`);
    assert.deepEqual(r, [
      { obsolete: true, class: 'insecure', mozilla_tier: 'none', pq: false, cat: 'self_signed' },
      { obsolete: true, class: 'insecure', mozilla_tier: 'none', pq: false, cat: 'self_signed' },
      { obsolete: false, class: 'recommended', mozilla_tier: 'intermediate', pq: false, cat: 'ok' },
      { obsolete: false, class: 'recommended', mozilla_tier: 'modern', pq: true, cat: 'unavailable' },
    ]);
  });

  void test('loading again replaces the tables', async () => {
    await loadTlsKnowledge(conn);
    const [n] = await rows(`SELECT count(*)::INTEGER AS n FROM tls_versions`);
    assert.deepEqual(n, { n: 9 + 127 });
  });
});
