// The pass of analysis A groups requests by a 64-bit hash of (query, answers). When two pairs share a hash
// (forced here with a deliberately weak key), the check after the pass says so and the pairs are numbered by
// value: the outcome is the same as with DuckDB's hash, request for request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import { categorise } from '../../src/analyses/dns-categories.ts';
import { loadHospitalCertNames } from '../../src/analyses/dns-cert-names.ts';
import { loadDohResolvers } from '../../src/analyses/dns-encrypted.ts';
import { loadDnsFeeds } from '../../src/analyses/dns-feeds.ts';
import { internalNetworks, siteDomains } from '../../src/analyses/dns-internal.ts';
import { dnsRelation, groupRequests } from '../../src/analyses/dns-pairs.ts';
import { openStore } from '../../src/store/store.ts';
import { dnsStore, siteOf } from './dns-logs.ts';
import { EXPECTED, FEEDS, SENSORS, SITE_YAML } from './dns-scenario.ts';

async function rows(conn: DuckDBConnection, sql: string): Promise<string> {
  const r = await conn.runAndReadAll(sql);
  return JSON.stringify(r.getRows(), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/** Everything the results are read from, independent of group numbering. */
async function outcome(conn: DuckDBConnection): Promise<string[]> {
  return [
    await rows(conn, `SELECT client, cat, rule, snapshot_id, family, tun, doh, sum(n), min(first_ts)::VARCHAR, max(last_ts)::VARCHAR
      FROM dnsc_agg GROUP BY ALL ORDER BY ALL`),
    await rows(conn, `SELECT client, server, n, first_ts::VARCHAR, last_ts::VARCHAR FROM dnsc_gs ORDER BY ALL`),
    await rows(conn, `SELECT day::VARCHAR, cat, sum(n) FROM dnsc_day GROUP BY ALL ORDER BY ALL`),
    await rows(conn, `SELECT q.name, min(c.cat), sum(c.n), sum(c.txt) FROM dnsc_pcat c LEFT JOIN dnsc_name q USING (nid) GROUP BY q.name ORDER BY q.name`),
    await rows(conn, `SELECT c.client, q.name, c.cat FROM dnsc_cname c JOIN dnsc_name q USING (nid) ORDER BY ALL`),
    await rows(conn, `SELECT d.day::VARCHAR, q.name, d.cat FROM dnsc_dname d JOIN dnsc_name q USING (nid) ORDER BY ALL`),
  ];
}

test('pairs that share a hash are noticed, and grouping by value gives the same outcome', async () => {
  const db = await dnsStore(SENSORS, FEEDS);
  const store = await openStore(db, { readOnly: true });
  try {
    const conn = store.conn;
    const site = siteOf(SITE_YAML);
    const facts = { nets: internalNetworks(site), domains: siteDomains(site).registrable };
    const rel = await dnsRelation(conn, {});
    await loadDnsFeeds(conn, site);
    await loadHospitalCertNames(conn, site);
    await loadDohResolvers(conn);

    const byHash = await categorise(conn, rel, facts);
    assert.deepEqual([byHash?.total, byHash?.byValue], [EXPECTED.total, false]);
    const expected = await outcome(conn);
    assert.match(expected[3]!, /\["api\.evil-c2\.net",0,1,0\]/, 'the outcome holds the categorised names');

    // three possible keys for hundreds of pairs: nearly every group shares its key with others
    const weak = 'hash(query) % 3';
    const pairs = await groupRequests(conn, rel, weak);
    assert.deepEqual(pairs, { total: EXPECTED.total, collision: true });
    const byValue = await categorise(conn, rel, facts, weak);
    assert.deepEqual([byValue?.total, byValue?.byValue], [EXPECTED.total, true]);
    assert.deepEqual(await outcome(conn), expected);
  } finally {
    await store.close();
  }
});
