// Zeek's TSV and JSON writers as the simulator reproduces them: escapes, unset vs empty, containers, numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonDouble, JsonFormatter } from '../../src/simulate/zeek/json.ts';
import { LineStore } from '../../src/simulate/zeek/line-store.ts';
import type { LogSchema, ZeekType, ZeekValue } from '../../src/simulate/zeek/schema.ts';
import { escapeTsvString, formatMicros, TsvFormatter, zeekStamp } from '../../src/simulate/zeek/tsv.ts';
import { list, parseTsv, unescape } from './zeek-reader.ts';

const TYPES: [string, ZeekType][] = [
  ['ts', 'time'],
  ['s', 'string'],
  ['a', 'addr'],
  ['p', 'port'],
  ['n', 'count'],
  ['b', 'bool'],
  ['d', 'interval'],
  ['v', 'vector[string]'],
  ['t', 'vector[interval]'],
  ['e', 'enum'],
];
const SCHEMA: LogSchema = { path: 'conn', names: TYPES.map((t) => t[0]), types: TYPES.map((t) => t[1]) };

function tsv(values: ZeekValue[], utf8 = true): string {
  const out = new LineStore();
  new TsvFormatter(SCHEMA, utf8).write(out, 0, values);
  return out.text().replace(/\n$/, '');
}

function json(values: ZeekValue[]): string {
  const out = new LineStore();
  new JsonFormatter(SCHEMA).write(out, 0, values);
  return out.text().replace(/\n$/, '');
}

test('strings are escaped as Zeek escapes them', () => {
  assert.equal(escapeTsvString('a\tb', false, true), 'a\\x09b');
  assert.equal(escapeTsvString('nul\u0000del\u007f', false, true), 'nul\\x00del\\x7f');
  assert.equal(escapeTsvString('back\\slash', false, true), 'back\\\\slash');
  assert.equal(escapeTsvString('-', false, true), '\\x2d');
  assert.equal(escapeTsvString('(empty)', false, true), '\\x28empty)');
  assert.equal(escapeTsvString('', false, true), '(empty)');
  assert.equal(escapeTsvString('a,b', false, true), 'a,b');
  assert.equal(escapeTsvString('a,b', true, true), 'a\\x2cb');
  // valid UTF-8 passes with enable_utf_8, is escaped byte by byte without it; raw bytes are always escaped
  assert.equal(escapeTsvString('Médicos', false, true), 'Médicos');
  assert.equal(escapeTsvString('Médicos', false, false), 'M\\xc3\\xa9dicos');
  assert.equal(escapeTsvString('\udcff\udcfeadmin', false, true), '\\xff\\xfeadmin');
  // the reader's unescape inverts it for ASCII
  for (const s of ['a\tb', 'x\\y', 'line\nbreak', '\u0001']) assert.equal(unescape(escapeTsvString(s, false, true)), s);
});

test('a TSV row: unset is -, empty is (empty), containers are joined with escaped commas', () => {
  const row = tsv([1514764800123456, 'O=Starfield Technologies\\, Inc.', '10.1.2.3', 443, 0, true, 5, ['a,b', 'c'], [60e6, 120e6], 'tcp']);
  assert.equal(row, '1514764800.123456\tO=Starfield Technologies\\\\, Inc.\t10.1.2.3\t443\t0\tT\t0.000005\ta\\x2cb,c\t60.000000,120.000000\ttcp');
  const empty = tsv([0, '', '10.1.2.3', 1, 2, false, undefined, [], undefined, undefined]);
  assert.equal(empty, '0.000000\t(empty)\t10.1.2.3\t1\t2\tF\t-\t(empty)\t-\t-');
  assert.deepEqual(list('a\\x2cb,c'), ['a,b', 'c']);
  assert.deepEqual(list('(empty)'), []);
  assert.equal(list('-'), null);
});

test('times and intervals have exactly six decimals', () => {
  assert.equal(formatMicros(1514764800000000), '1514764800.000000');
  assert.equal(formatMicros(1514764800000001), '1514764800.000001');
  assert.equal(formatMicros(999999), '0.999999');
  assert.equal(tsv([1514764800999999, 'x', '1.1.1.1', 1, 1, true, 1000000, [], [], 'e']).split('\t')[0], '1514764800.999999');
  assert.equal(zeekStamp(1514764800), '2018-01-01-00-00-00');
});

test('header and footer lines are Zeek’s', () => {
  const t = new TsvFormatter(SCHEMA, true);
  const text = t.header(1514764800) + t.footer(1514768400);
  const log = parseTsv(text);
  assert.equal(text.split('\n')[0], '#separator \\x09');
  assert.equal(log.meta.get('set_separator'), ',');
  assert.equal(log.meta.get('empty_field'), '(empty)');
  assert.equal(log.meta.get('unset_field'), '-');
  assert.equal(log.meta.get('path'), 'conn');
  assert.equal(log.meta.get('open'), '2018-01-01-00-00-00');
  assert.equal(log.close, '2018-01-01-01-00-00');
  assert.deepEqual(log.fields, SCHEMA.names);
  assert.deepEqual(log.types, SCHEMA.types);
});

test('JSON lines: unset fields left out, [] for empty containers, rapidjson doubles', () => {
  const line = json([1514764800000000, 'say"hi"\\\t', '10.1.2.3', 443, 7, false, undefined, [], [60e6], 'udp']);
  const obj = JSON.parse(line) as Record<string, unknown>;
  assert.equal(line.includes(' '), false, 'no spaces between tokens');
  assert.match(line, /^\{"ts":1514764800\.0,/);
  assert.equal(obj.s, 'say"hi"\\\\x09');
  assert.equal(obj.p, 443);
  assert.equal(obj.b, false);
  assert.equal('d' in obj, false);
  assert.deepEqual(obj.v, []);
  assert.match(line, /"t":\[60\.0\]/);
  assert.equal(jsonDouble(0.00036), '0.00036');
  assert.equal(jsonDouble(1514764800.123456), '1514764800.123456');
  const raw = JSON.parse(json([1, '\udcffx', '1.1.1.1', 1, 1, true, 1, ['é'], [], 'e'])) as Record<string, unknown>;
  assert.equal(raw.s, '\\xffx');
  assert.deepEqual(raw.v, ['é']);
});

test('rows sort by time, ties in insertion order, between header and footer', () => {
  const out = new LineStore();
  const f = new TsvFormatter(SCHEMA, true);
  for (const [ts, s] of [[3, 'c'], [1, 'a'], [3, 'd'], [2, 'b']] as const) f.write(out, ts, [ts, s, '1.1.1.1', 1, 1, true, 1, [], [], 'e']);
  const text = out.toBuffer('H\n', 'F\n').toString();
  assert.deepEqual(
    text.split('\n').map((l) => l.split('\t')[1] ?? l),
    ['H', 'a', 'b', 'c', 'd', 'F', ''],
  );
});
