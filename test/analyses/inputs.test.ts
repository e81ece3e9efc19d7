// Analyses read each connection once even when two sensors saw it (same uid), and only inside the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logRows } from '../../src/analyses/inputs.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CLOSE, connRow, header } from '../helpers/zeek-text.ts';

test('the same uid from two sensors counts once; the window cuts by ts', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 's.duckdb');
  for (const [sensor, shift] of [['campus-a', '0'], ['campus-b', '1']] as const) {
    mkdirSync(path.join(dir, sensor));
    // the second sensor's clock differs by a microsecond, so the files differ but the uids are the same
    let body = header('conn');
    for (let i = 0; i < 10; i++) body += connRow(i, { ts: `${1514764800 + i * 3600}.00000${shift}` });
    writeFileSync(path.join(dir, sensor, 'conn.log'), body + CLOSE);
    await runIngest({ paths: [path.join(dir, sensor)], db, sensor });
  }
  const s = await openStore(db, { readOnly: true });
  try {
    const all = await s.conn.runAndReadAll(`SELECT count(*) FROM conn`);
    assert.equal(Number(all.getRows()[0]![0]), 20);
    const rel = await logRows(s.conn, 'conn', {});
    const once = await s.conn.runAndReadAll(`SELECT count(*), count(DISTINCT uid) FROM ${rel}`);
    assert.deepEqual(once.getRows()[0]!.map(Number), [10, 10]);
    const win = await logRows(s.conn, 'conn', { from: new Date('2018-01-01T02:00:00Z'), to: new Date('2018-01-01T05:00:00Z') });
    const inWin = await s.conn.runAndReadAll(`SELECT count(*) FROM ${win}`);
    assert.equal(Number(inWin.getRows()[0]![0]), 3, 'hours 2, 3 and 4');
  } finally {
    await s.close();
  }
});

test('rows without a uid are all kept when several sensors contributed', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 's.duckdb');
  for (const sensor of ['campus-a', 'campus-b']) {
    mkdirSync(path.join(dir, sensor));
    let body = header('conn');
    for (let i = 0; i < 4; i++) body += connRow(i, { uid: '-', ts: `${1514764800 + i}.00000${sensor === 'campus-a' ? 0 : 1}` });
    writeFileSync(path.join(dir, sensor, 'conn.log'), body + CLOSE);
    await runIngest({ paths: [path.join(dir, sensor)], db, sensor });
  }
  const s = await openStore(db, { readOnly: true });
  try {
    const rel = await logRows(s.conn, 'conn', {});
    const r = await s.conn.runAndReadAll(`SELECT count(*) FROM ${rel}`);
    assert.equal(Number(r.getRows()[0]![0]), 8);
  } finally {
    await s.close();
  }
});
