// The simulated logs have the layout real Zeek writes, field for field: Zeek 6.x against the real logs in
// ../shared/fixtures (slips-ctu-sme-11, Zeek's own x509 baseline, MACCDC JSON), the pre-4.1 layout against
// Zeek 3.x logs (slips-test10, rita-proxy), and the zeekctl file layout.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { simulate, DEFAULTS } from '../../src/simulate/simulate.ts';
import { schemasFor, parseZeekVersion } from '../../src/simulate/zeek/schema.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { logFiles, parseTsv, readRows, readText } from './zeek-reader.ts';

const LABEL_COLUMNS = ['label', 'detailedlabel'];

function header(file: string, skipFirstLine = false) {
  let text = readText(file);
  if (skipFirstLine) text = text.slice(text.indexOf('\n') + 1);
  const log = parseTsv(text);
  const keep = log.fields.map((f) => !LABEL_COLUMNS.includes(f));
  return { log, fields: log.fields.filter((_, i) => keep[i]), types: log.types.filter((_, i) => keep[i]) };
}

let modern = '';
let legacy = '';
let json = '';

before(async () => {
  const base = { ...DEFAULTS, days: 1, devices: 60, seed: 'layout' };
  modern = tmpDir();
  legacy = tmpDir();
  json = tmpDir();
  await simulate({ ...base, out: modern });
  await simulate({ ...base, out: legacy, zeekVersion: '3.0' });
  await simulate({ ...base, out: json, format: 'json' });
});

describe('Zeek 6.0 layout', () => {
  test('conn, dns and ssl match the Zeek 6.x logs of slips-ctu-sme-11 field for field', { skip: needsShared }, () => {
    for (const name of ['conn', 'dns', 'ssl']) {
      const real = header(fixture('zeek-tsv', 'slips-ctu-sme-11', `${name}.log.labeled`));
      const ours = header(logFiles(path.join(modern, 'logs'), name)[0]!);
      assert.deepEqual(ours.fields, real.fields, `${name}.log fields`);
      assert.deepEqual(ours.types, real.types, `${name}.log types`);
      for (const k of ['separator', 'set_separator', 'empty_field', 'unset_field']) assert.equal(ours.log.meta.get(k), real.log.meta.get(k), k);
    }
  });

  test('x509 matches Zeek’s own 4.1+ baseline (fingerprint, host_cert, client_cert)', { skip: needsShared }, () => {
    const real = header(fixture('pcap', 'zeek-known-certs', 'x509.log'), true);
    const ours = header(logFiles(path.join(modern, 'logs'), 'x509')[0]!);
    assert.deepEqual(ours.fields, real.fields);
    assert.deepEqual(ours.types, real.types);
  });

  test('every row has as many columns as #fields, rows are in time order, and files are zeekctl’s', () => {
    const logs = path.join(modern, 'logs');
    assert.deepEqual(readdirSync(logs), ['2018-01-01']);
    for (const f of readdirSync(path.join(logs, '2018-01-01'))) assert.match(f, /^(conn|dns|ssl|x509)\.\d\d:00:00-\d\d:00:00\.log$/);
    for (const name of ['conn', 'dns', 'ssl', 'x509']) {
      for (const file of logFiles(logs, name)) {
        const log = parseTsv(readText(file));
        const hour = Number(/\.(\d\d):00:00-/.exec(file)![1]);
        assert.equal(log.meta.get('open'), `2018-01-01-${String(hour).padStart(2, '0')}-00-00`);
        assert.ok(log.close, `${file} has a #close line`);
        let last = -Infinity;
        for (const r of log.rows) {
          assert.equal(r.length, log.fields.length, `${file}: ${r.join('|')}`);
          const ts = Number(r[0]);
          assert.ok(ts >= last, `${file} in time order`);
          assert.equal(Math.floor(ts / 3600) % 24, hour, `${file}: row in its hour`);
          last = ts;
        }
      }
    }
  });

  test('ssl rows agree with conn and x509: uids, fingerprints, unset vs empty chains', () => {
    const logs = path.join(modern, 'logs');
    const conn = new Set(readRows(logs, 'conn').map((r) => r.uid));
    const fps = new Set(readRows(logs, 'x509').map((r) => r.fingerprint));
    const ssl = readRows(logs, 'ssl');
    assert.ok(ssl.length > 100);
    for (const r of ssl) {
      assert.ok(conn.has(r.uid!), 'every ssl uid is a connection');
      if (r.cert_chain_fps === '-') {
        assert.equal(r.client_cert_chain_fps, '-');
        assert.equal(r.validation_status, '-');
      } else {
        assert.equal(r.client_cert_chain_fps, '(empty)');
        for (const fp of r.cert_chain_fps!.split(',')) assert.ok(fps.has(fp), 'every certificate is in x509.log');
      }
      if (r.version === 'TLSv13') assert.equal(r.cert_chain_fps, '-', 'TLS 1.3 shows no certificate');
      if (r.resumed === 'T') assert.equal(r.cert_chain_fps, '-', 'a resumed session shows no certificate');
    }
  });
});

describe('pre-4.1 layout (--zeek-version 3.0)', () => {
  test('ssl matches Zeek 3.x (slips-test10); x509, conn and dns match rita-proxy', { skip: needsShared }, () => {
    const logs = path.join(legacy, 'logs');
    const pairs: [string, string][] = [
      ['ssl', fixture('zeek-tsv', 'slips-test10', 'ssl.log')],
      ['x509', fixture('zeek-tsv', 'rita-proxy', 'x509.log')],
      ['conn', fixture('zeek-tsv', 'rita-proxy', 'conn.log')],
      ['dns', fixture('zeek-tsv', 'rita-proxy', 'dns.log')],
    ];
    for (const [name, file] of pairs) {
      const real = header(file);
      const ours = header(logFiles(logs, name)[0]!);
      assert.deepEqual(ours.fields, real.fields, `${name}.log fields`);
      assert.deepEqual(ours.types, real.types, `${name}.log types`);
    }
  });

  test('files.log links each cert_chain_fuids entry to its x509 row and SHA-1', () => {
    const logs = path.join(legacy, 'logs');
    const files = new Map(readRows(logs, 'files').map((r) => [r.fuid!, r]));
    const x509 = new Map(readRows(logs, 'x509').map((r) => [r.id!, r]));
    let chains = 0;
    for (const r of readRows(logs, 'ssl')) {
      if (r.cert_chain_fuids === '-') continue;
      chains++;
      const fuids = r.cert_chain_fuids!.split(',');
      fuids.forEach((fuid, i) => {
        const f = files.get(fuid);
        assert.ok(f, `files.log has ${fuid}`);
        assert.ok(x509.has(fuid), `x509.log has ${fuid}`);
        assert.equal(f.conn_uids, r.uid);
        assert.equal(f.source, 'SSL');
        assert.match(f.sha1!, /^[0-9a-f]{40}$/);
        assert.equal(f.mime_type, i === 0 ? 'application/x-x509-user-cert' : 'application/x-x509-ca-cert');
      });
      assert.equal(r.subject, x509.get(fuids[0]!)!['certificate.subject']);
    }
    assert.ok(chains > 50);
  });
});

describe('JSON lines', () => {
  const schemas = schemasFor(parseZeekVersion('6.0')!);

  test('every line parses, keys follow the schema order, value types follow the field types', () => {
    for (const name of ['conn', 'dns', 'ssl', 'x509'] as const) {
      const schema = schemas[name];
      for (const file of logFiles(path.join(json, 'logs'), name)) {
        for (const line of readText(file).split('\n').filter(Boolean)) {
          const obj = JSON.parse(line) as Record<string, unknown>;
          const keys = Object.keys(obj);
          const idx = keys.map((k) => schema.names.indexOf(k));
          assert.ok(idx.every((i, j) => i >= 0 && (j === 0 || i > idx[j - 1]!)), `${name}: ${keys.join(',')}`);
          for (const k of keys) {
            const t = schema.types[schema.names.indexOf(k)]!;
            const v = obj[k];
            const want = t.includes('[') ? 'array' : ['time', 'interval', 'count', 'port'].includes(t) ? 'number' : t === 'bool' ? 'boolean' : 'string';
            assert.equal(Array.isArray(v) ? 'array' : typeof v, want, `${name}.${k}`);
          }
        }
      }
    }
  });

  test('keys and value types agree with real Zeek JSON (MACCDC ssl.log and x509.log)', { skip: needsShared }, () => {
    for (const name of ['ssl', 'x509'] as const) {
      const schema = schemas[name];
      const ours = new Map<string, string>();
      for (const file of logFiles(path.join(json, 'logs'), name)) {
        for (const line of readText(file).split('\n').filter(Boolean)) {
          for (const [k, v] of Object.entries(JSON.parse(line) as Record<string, unknown>)) ours.set(k, Array.isArray(v) ? 'array' : typeof v);
        }
      }
      const real = readText(fixture('zeek-json', 'maccdc2012-00016', `${name}.log`)).split('\n').filter(Boolean).slice(0, 200);
      for (const line of real) {
        for (const [k, v] of Object.entries(JSON.parse(line) as Record<string, unknown>)) {
          assert.ok(schema.names.includes(k), `${name}: real key ${k} is in our schema`);
          const type = Array.isArray(v) ? 'array' : typeof v;
          if (ours.has(k)) assert.equal(ours.get(k), type, `${name}.${k}`);
        }
      }
    }
  });
});
