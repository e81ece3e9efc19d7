// The supply-chain section loads only the connections a vendor or tool matches (supply-chain-conn.ts); each
// must be the row loadConnections keeps for its uid, with the same values, and none may be missing: checked on
// two sensors' logs where the copies of a uid disagree (the completed copy wins), a repeated line, a row
// without uid, and connections nothing matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConnections } from '../../src/analyses/connections.ts';
import { dropSupplyChain, loadSupplyChain } from '../../src/analyses/supply-chain-data.ts';
import { conn, dns, site, ssl, storeOf, withStore } from './g-logs.ts';

const sf = (uid: string, orig: string, resp: string, port: number) =>
  conn({ uid, orig, resp, port, state: 'SF', history: 'ShADadFf', duration: 60, ob: 1000, rb: 9000 });
const s0 = (uid: string, orig: string, resp: string, port: number) => conn({ uid, orig, resp, port, state: 'S0', history: 'S', ob: 0, rb: 0 });

const A = {
  conn: [
    s0('CV1', '203.0.113.7', '10.20.0.5', 3389), // from the vendor network; sensor b saw it complete
    sf('CV2', '10.20.0.5', '203.0.113.20', 443),
    sf('CV2', '10.20.0.5', '203.0.113.20', 443), // a line the log repeats
    s0('CD1', '10.20.0.12', '198.18.0.10', 443), // to an address the vendor's name resolved to
    sf('CS1', '10.40.0.51', '198.18.0.11', 443), // by SNI
    sf('-', '203.0.113.8', '10.20.0.6', 22), // no uid: kept as it is
    sf('CN1', '10.20.0.5', '198.51.100.1', 443), // nothing matches
    conn({ uid: 'CU1', orig: '10.20.0.7', resp: '203.0.113.30', port: 53, state: 'SF', history: 'Dd', proto: 'udp', ob: 40, rb: 0 }),
  ],
  dns: [dns('CQ1', '10.20.0.12', 'updates.imaging-co.example', ['198.18.0.10'])],
  ssl: [ssl('CS1', '10.40.0.51', '198.18.0.11', 443, 'TLSv12', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'portal.imaging-co.example')],
};
const B = {
  conn: [sf('CV1', '203.0.113.7', '10.20.0.5', 3389), sf('CD1', '10.20.0.12', '198.18.0.10', 443), sf('CN1', '10.20.0.5', '198.51.100.1', 443)],
};

const VENDORS = `vendors:
  - {name: imaging-co, networks: [203.0.113.0/24], domains: [imaging-co.example]}
`;

const COLS = 'uid, ts, te, orig, resp, resp_p, proto, duration, orig_bytes, resp_bytes, o_in, r_in, o_class, r_class, answered';

void test('the matching connections are loadConnections rows, none missing, one per uid', async () => {
  const db = await storeOf({ a: A, b: B });
  await withStore(db, site(VENDORS), async (ctx) => {
    await loadSupplyChain(ctx.conn, ctx.site, ctx.window, 'narrow');
    await loadConnections(ctx.conn, ctx.site, ctx.window, 'all_conn');
    const rows = async (sql: string) => (await ctx.conn.runAndReadAll(sql)).getRowObjects();
    const narrow = await rows(`SELECT uid, answered, orig_bytes FROM narrow ORDER BY uid NULLS FIRST`);
    assert.deepEqual(narrow.map((r) => [r.uid, r.answered, Number(r.orig_bytes)]), [
      [null, true, 1000], ['CD1', true, 1000], ['CS1', true, 1000], ['CU1', true, 40], ['CV1', true, 1000], ['CV2', true, 1000],
    ]);
    assert.deepEqual(await rows(`SELECT ${COLS} FROM narrow EXCEPT ALL SELECT ${COLS} FROM all_conn`), [], 'every row as loadConnections has it');
    const matching = `SELECT ${COLS} FROM all_conn f WHERE f.orig IN (SELECT addr FROM g_sc_vendor_net) OR f.resp IN (SELECT addr FROM g_sc_vendor_net)
      OR f.uid IN (SELECT uid FROM g_sc_sni) OR EXISTS (SELECT 1 FROM g_sc_resolved r WHERE r.client = f.orig AND r.addr = f.resp)`;
    assert.deepEqual(await rows(`${matching} EXCEPT ALL SELECT ${COLS} FROM narrow`), [], 'no matching connection left out');
    await dropSupplyChain(ctx.conn);
  });
});
