// The SQL pre-filter of pseudonymisation may pass a value to DuckDB's output unasked only when Node would keep
// it: for every value Node changes, the filter must hold (random and hand-picked values, scalars and sets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseSite } from '../../src/config/site.ts';
import { IngestPseudonymiser, type PseudonymKind } from '../../src/ingest/pseudonymise.ts';
import { unescapeZeek } from '../../src/sources/zeek/values.ts';

const SITE = parseSite(`networks:
  internal: [10.10.0.0/16, 192.168.4.0/22, 2.0.0.0/7, "fd00::/8"]
device_classes:
  - class: server
    subnets: [172.20.1.0/24]
domains: [mercyvale.example, Hospital.ORG]
`);
const KEY = Buffer.alloc(32, 3);

const PIECES = ['10.', '10.10.', '110.10.', '1.', '2.', '3.', '4.', '5', '0', '172.20.1.', '192.168.5.', '192.168.8.', '.', ',', ':', '::',
  'fd00', 'fe80', 'ffff:', 'corp', 'CORP', 'local', '.local', 'mercyvale.example', 'hospital.org', 'x', 'www', 'in-addr.arpa', 'ip6.arpa',
  ' ', 'TXT ', '-', '_', '*', '\\x2c', '\\\\', 'é', 'com', '.com', 'net'];
const value = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 7 }).map((p) => p.join(''));
const HAND = ['10.10.1.5', '10.10.1.5.', '::ffff:10.10.1.5', 'FD00::1', 'fd00::1', 'pacs01', 'PACS01.', 'a.b.mercyvale.example.', 'x.Hospital.Org',
  '5.1.10.10.in-addr.arpa', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa', '3.4.5.6', '3.4.5.6.nip.io', 'TXT 5 hello',
  '10.10.1', '010.010.001.005', 'x10.10.1.5', 'printer\\x2ecorp', '10\\x2e10.1.5', '(empty)', '2.1.1.1', '4.1.1.1', '', 'localhost', 'printer.corp', 'host-1.lan', '8.8.8.8', 'www.example.com'];

async function check(kinds: PseudonymKind[], values: string[], external: boolean): Promise<string[]> {
  const p = new IngestPseudonymiser(KEY, SITE, external);
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run('CREATE TABLE v (x VARCHAR)');
  const app = await c.createAppender('v');
  for (const x of values) {
    app.appendVarchar(x);
    app.endRow();
  }
  app.closeSync();
  const bad: string[] = [];
  for (const kind of kinds) {
    const scalar = (await c.runAndReadAll(`SELECT x, ${p.maybeSql(kind, 'x')} FROM v`)).getRows();
    for (const [x, maybe] of scalar) if (p.map(kind, String(x)) !== String(x) && maybe !== true) bad.push(`${kind} ${JSON.stringify(x)}`);
    // a field's text as the TSV holds it: a scalar (escapes decoded, the empty marker) and a set of elements
    for (const format of [{ empty: '(empty)' }, { separator: ',', empty: '(empty)' }]) {
      const kept = (x: string) => (format.separator === undefined ? (x === '(empty)' ? '' : unescapeZeek(x)) : x);
      const texts = (await c.runAndReadAll(`SELECT x, ${p.maybeTextSql(kind, 'x', format)} FROM v`)).getRows();
      for (const [x, maybe] of texts) {
        if (p.mapText(kind, String(x), format) !== kept(String(x)) && maybe !== true) bad.push(`${format.separator ? 'set' : 'text'} ${kind} ${JSON.stringify(x)}`);
      }
    }
  }
  c.closeSync();
  inst.closeSync();
  return bad;
}

test('hand-picked values Node changes all pass the SQL pre-filter (internal and external scope)', async () => {
  for (const external of [false, true]) assert.deepEqual(await check(['address', 'name', 'answer', 'network'], HAND, external), []);
  // and the filter does filter: a plainly external address and name stay in DuckDB
  const p = new IngestPseudonymiser(KEY, SITE, false);
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const r = (await c.runAndReadAll(`SELECT ${p.maybeSql('address', "'8.8.8.8'")}, ${p.maybeSql('name', "'www.example.com'")},
    ${p.maybeTextSql('answer', "'8.8.8.8,www.example.com,4.4.8.8.in-addr.arpa'", { separator: ',', empty: '(empty)' })}`)).getRows()[0];
  assert.deepEqual(r, [false, false, false]);
  c.closeSync();
  inst.closeSync();
});

test('random values Node changes all pass the SQL pre-filter', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(value, { minLength: 50, maxLength: 200 }), fc.boolean(), async (values, external) => {
      const bad = await check(['address', 'name', 'answer'], values, external);
      assert.deepEqual(bad, [], bad.join('; '));
    }),
    { numRuns: 15, seed: 7 },
  );
});
