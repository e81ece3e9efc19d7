// Ingest of real Zeek logs written by others (../shared/fixtures): every ssl.log layout, TSV and JSON, gzip,
// rotated names, stray lines. Row counts are checked against an independent count of the data lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** Data lines of a Zeek log counted the plain way: non-empty lines not starting with '#' (after trimming). */
function dataLines(file: string): number {
  let buf = readFileSync(file);
  if (file.endsWith('.gz')) buf = gunzipSync(buf);
  return buf
    .toString('latin1')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).length;
}

async function ingestDir(dir: string) {
  const db = path.join(tmpDir(), 's.duckdb');
  const summary = await runIngest({ paths: [dir], db });
  const store = await openStore(db, { readOnly: true });
  const q = async (sql: string) => (await store.conn.runAndReadAll(sql)).getRowObjectsJson();
  const manifest = await q('SELECT path, log_type, rows_read, rows_stored, rows_rejected, lines_skipped FROM ingest_file');
  return { summary, store, q, manifest };
}

describe('real Zeek logs', { skip: needsShared }, () => {
  test('pre-4.1 ssl.log layout (RITA): subject/issuer/cert_chain_fuids/validation_status and ja3 are kept', async () => {
    const { summary, store, q, manifest } = await ingestDir(fixture('zeek-tsv', 'rita-proxy'));
    try {
      assert.deepEqual(
        Object.fromEntries(Object.entries(summary.byLogType).map(([k, v]) => [k, v.rowsStored])),
        { conn: 463, dns: 942, ssl: 407, x509: 173 },
      );
      for (const m of manifest) assert.equal(Number(m.rows_read), dataLines(String(m.path)), String(m.path));
      const cols = (await q(`SELECT column_name FROM (DESCRIBE ssl)`)).map((r) => r.column_name);
      for (const c of ['cert_chain_fuids', 'subject', 'issuer', 'validation_status', 'ja3', 'ja3s']) assert.ok(cols.includes(c), c);
      const [v] = await q(`SELECT count(*) FILTER (WHERE version = 'TLSv13') n, count(*) FILTER (WHERE last_alert = 'unknown_ca') alerts FROM ssl`);
      assert.deepEqual(v, { n: '407', alerts: '397' });
      const [x] = await q(`SELECT count(*) FILTER (WHERE id IS NOT NULL) ids, count(*) FILTER (WHERE fingerprint IS NOT NULL) fps FROM x509`);
      assert.deepEqual(x, { ids: '173', fps: '0' }, 'old x509.log links by file id, not fingerprint');
      // Zeek's TSV writes the DN's escaped comma `\,` as `\\,`: stored as the certificate says it
      const imgur = await q(`SELECT DISTINCT certificate_subject s FROM x509 WHERE certificate_subject LIKE '%O=Imgur%'`);
      assert.ok(imgur.length > 0);
      for (const r of imgur) assert.match(String(r.s), /O=Imgur\\, Inc\./);
    } finally {
      await store.close();
    }
  });

  test('Zeek 6 layout with extra label columns (CTU-SME-11): ssl_history, cert_chain_fps, labels kept', async () => {
    const { summary, store, q } = await ingestDir(fixture('zeek-tsv', 'slips-ctu-sme-11'));
    try {
      assert.equal(summary.byLogType.conn?.rowsStored, 766);
      assert.equal(summary.byLogType.ssl?.rowsStored, 2);
      const rows = await q(`SELECT ssl_history, server_name, label, detailedlabel FROM ssl ORDER BY ts`);
      assert.deepEqual(rows[1], { ssl_history: 'Cs', server_name: 'clientservices.googleapis.com', label: 'Benign', detailedlabel: 'From_benign-To_benign-1e100' });
      const cols = (await q(`SELECT column_name FROM (DESCRIBE ssl)`)).map((r) => r.column_name);
      for (const c of ['ssl_history', 'cert_chain_fps', 'client_cert_chain_fps', 'sni_matches_cert']) assert.ok(cols.includes(c), c);
      // ssl.log.labeled ends with '#close' without a final newline: closed; the other two have no footer
      const endsClosed = (f: string) => readFileSync(f, 'latin1').trimEnd().split('\n').pop()!.startsWith('#close');
      const expected = ['conn', 'dns', 'ssl'].map((t) => fixture('zeek-tsv', 'slips-ctu-sme-11', `${t}.log.labeled`)).filter((f) => !endsClosed(f));
      assert.deepEqual(summary.unclosed.sort(), expected.sort());
    } finally {
      await store.close();
    }
  });

  test('Zeek 3.x logs, IPv6, and a conn.log whose first line starts with a stray TAB (Slips test10)', async () => {
    const { summary, store, q, manifest } = await ingestDir(fixture('zeek-tsv', 'slips-test10'));
    try {
      assert.equal(summary.byLogType.conn?.rowsStored, 141);
      assert.equal(summary.byLogType.ssl?.rowsStored, 13);
      assert.equal(summary.rowsRejected, 0);
      for (const m of manifest) assert.equal(Number(m.rows_read), dataLines(String(m.path)), String(m.path));
      const [v6] = await q(`SELECT count(*) n FROM dns WHERE id_resp_h LIKE '%:%'`);
      assert.ok(Number(v6!.n) > 0, 'IPv6 resolver kept');
      assert.deepEqual(summary.skippedFiles.map((f) => path.basename(f.path)), ['notice.log']);
    } finally {
      await store.close();
    }
  });

  test('hourly-rotated .log.gz files in zeekctl naming (RITA rolling)', async () => {
    const { summary, store, manifest } = await ingestDir(fixture('zeek-tsv', 'rita-proxy-rolling'));
    try {
      for (const m of manifest) assert.equal(Number(m.rows_stored), dataLines(String(m.path)), String(m.path));
      assert.deepEqual(summary.byLogType.ssl, { files: 2, rowsStored: 2736, rowsRejected: 0 });
      assert.equal(summary.skippedFiles[0]!.kind, 'log-type', 'known_certs is not used by default');
    } finally {
      await store.close();
    }
  });

  test('Zeek JSON lines with and without _path, epoch times (RITA, MACCDC 2012)', async () => {
    const { summary, store, q, manifest } = await ingestDir(fixture('zeek-json'));
    try {
      for (const m of manifest) assert.equal(Number(m.rows_stored), dataLines(String(m.path)), String(m.path));
      assert.equal(summary.unclosed.length, 0, 'JSON logs have no #close footer');
      const [s] = await q(`SELECT count(*) FILTER (WHERE validation_status = 'self signed certificate') ss, min(ts)::VARCHAR t FROM ssl WHERE ts < '2013-01-01'`);
      assert.equal(s!.ss, '341');
      assert.match(String(s!.t), /^2012-03-1/);
      const [x] = await q(`SELECT count(*) n, min(certificate_not_valid_after)::VARCHAR na FROM x509`);
      assert.equal(x!.n, '8');
      assert.match(String(x!.na), /^2008-/, 'the localhost.localdomain certificate expired in 2008');
    } finally {
      await store.close();
    }
  });

  test('Zeek test-suite baselines: banner lines skipped and counted, masked timestamps rejected with file:line', async () => {
    const { summary, store } = await ingestDir(fixture('pcap', 'zeek-tls13-drafts-and-pq'));
    try {
      const banner = summary.linesSkipped.find((r) => r.reason === 'not Zeek output');
      assert.ok(banner && banner.count >= 1);
      assert.match(banner.examples[0]!, /ssl-out\.log:1: ### BTest/);
      const masked = summary.rejects.find((r) => /field ts/.test(r.reason));
      assert.ok(masked && masked.count === summary.rowsRead, 'every masked XXXXXXXXXX.XXXXXX time is rejected');
      assert.match(masked.examples[0]!, /ssl-out\.log:\d+: XXXXXXXXXX\.XXXXXX/);
    } finally {
      await store.close();
    }
  });
});
